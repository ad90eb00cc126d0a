import type { Customer } from '../customer/customer.schema.ts';
import type { Product } from '../product/product.schema.ts';
import type { Location } from '../location/location.schema.ts';
import type { Price } from '../pricing/price.schema.ts';
import type { Promotion } from '../pricing/promotion.schema.ts';
import type { InventoryPosition } from '../inventory/inventory-position.schema.ts';
import type { Address } from '../shared/primitives.ts';
import { ids, skus } from './example-ids.ts';

// Master data of the examples (customer, product, location, price, promotion, stock). The two stories
// the examples tell, with amounts that add up (documents in example-documents.ts):
// - Anna Schmidt orders on the German web shop (EUR, prices include 19 % VAT): a jacket shipped from
//   the Erfurt DC and two T-shirts to collect at the Berlin Mitte store; she later returns the jacket.
// - A customer buys a cap and three pairs of socks at the Austin store POS (USD, Texas sales tax on
//   top), and later returns the cap at the till.
// Typed with the canonical types, so the compiler keeps them in step with the schemas.

const eur = (amount: number) => ({ amount, currency: 'EUR' });

/** Anna's address, for shipping and billing. */
export const annasAddress: Address = {
  name: 'Anna Schmidt',
  line1: 'Kastanienallee 12',
  city: 'Berlin',
  postalCode: '10435',
  country: 'DE',
  phone: '+4915112345678',
};

/** Anna Schmidt, a German web shop and loyalty customer. */
export const exampleCustomer: Customer = {
  id: ids.cusAnna,
  status: 'active',
  externalRefs: [
    { system: 'shopify-eu', id: '7390182735926' },
    { system: 'crm', id: '0031x00000AbCdEAAV' },
  ],
  name: { given: 'Anna', family: 'Schmidt', salutation: 'Frau' },
  emails: [{ address: 'anna.schmidt@example.de', primary: true, verified: true }],
  phones: [{ number: '+4915112345678', kind: 'mobile', primary: true, verified: false }],
  addresses: [
    { kind: 'shipping', isDefault: true, address: annasAddress },
    { kind: 'billing', isDefault: true, address: annasAddress },
  ],
  consents: [
    {
      channel: 'email',
      purpose: 'newsletter',
      status: 'granted',
      capturedAt: '2026-03-02T18:21:40Z',
      source: { system: 'shopify-eu', touchpoint: 'checkout', wording: 'nl-2026-01' },
    },
  ],
  loyalty: { memberId: '9276001234567', tier: 'gold' },
  birthDate: '1990-04-17',
  locale: 'de-DE',
  createdAt: '2026-03-02T18:21:40Z',
  updatedAt: '2026-11-20T09:14:03.512Z',
};

function jacket(id: string, sku: string, size: string, gtin: string) {
  return {
    id,
    sku,
    gtins: [gtin],
    options: [{ name: 'size', value: size }, { name: 'colour', value: 'navy' }],
    unitOfMeasure: 'each' as const,
    weightGrams: 1150,
    taxClass: 'standard',
    status: 'active' as const,
    externalRefs: [{ system: 'pim', id: `${sku}` }],
  };
}

/** A jacket in three sizes, from the PIM. */
export const exampleProduct: Product = {
  id: ids.prdJacket,
  code: 'JKT-4711',
  name: 'Jacke Nordkap',
  brand: 'Weftwear',
  hierarchy: {
    department: { code: 'D10', name: 'Damen' },
    category: { code: 'outerwear', name: 'Jacken & Mäntel' },
    class: { code: 'C1040', name: 'Übergangsjacken' },
  },
  optionNames: ['size', 'colour'],
  items: [
    jacket(ids.itmJacketS, skus.jacketS, 'S', '4260123450014'),
    jacket(ids.itmJacketM, skus.jacketM, 'M', '4260123450021'),
    jacket(ids.itmJacketL, skus.jacketL, 'L', '4260123450038'),
  ],
  status: 'active',
  externalRefs: [{ system: 'pim', id: 'JKT-4711' }],
  createdAt: '2026-06-12T08:00:00Z',
  updatedAt: '2026-11-02T10:15:00Z',
};

/** The Berlin Mitte store, which ships, hands out pickup orders and takes returns. */
export const exampleLocation: Location = {
  id: ids.locBerlinMitte,
  code: 'B001',
  name: 'Weft Berlin Mitte',
  kind: 'store',
  status: 'active',
  address: { line1: 'Rosenthaler Straße 40', city: 'Berlin', postalCode: '10178', country: 'DE', phone: '+4930901820' },
  timezone: 'Europe/Berlin',
  capabilities: ['ship_from_store', 'pickup_in_store', 'returns_accepted'],
  pickupHours: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const).map((day) => ({ day, opens: '10:00', closes: '20:00' })),
  channels: ['web', 'pos', 'app'],
  externalRefs: [{ system: 'pos-eu', id: '1001' }],
};

/** The web price of the jacket in size M (EUR, VAT included). */
export const examplePrice: Price = {
  id: ids.prcJacketWeb,
  sku: skus.jacketM,
  scope: { channel: 'web' },
  listPrice: eur(12999),
  taxIncluded: true,
  effectiveFrom: '2026-08-31T22:00:00Z',
  externalRefs: [{ system: 'erp', id: 'PL-WEB-DE/JKT-4711-M-NVY' }],
};

/** 10 % off outerwear in the web shop for two weeks. */
export const examplePromotion: Promotion = {
  id: ids.pmoOuterwear10,
  name: 'Jackenwochen 10 %',
  description: '10 % auf alle Jacken',
  benefit: { kind: 'percent_off', percentOff: 1000 },
  conditions: { categories: ['outerwear'] },
  scope: { channels: ['web', 'app'] },
  effectiveFrom: '2026-11-15T23:00:00Z',
  effectiveTo: '2026-11-30T23:00:00Z',
  couponCodes: [],
  stackable: true,
  priority: 10,
  externalRefs: [{ system: 'shopify-eu', id: '1471092358' }],
};

/** The T-shirt's stock at Berlin Mitte after a count, with two units reserved for Anna's pickup. */
export const exampleInventoryPosition: InventoryPosition = {
  sku: skus.tee,
  locationId: ids.locBerlinMitte,
  onHand: 14,
  reserved: 2,
  inTransit: 24,
  safetyStock: 2,
  available: 10,
  asOf: '2026-11-20T09:15:00Z',
};
