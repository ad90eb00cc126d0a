import type { Order } from '../order/order.schema.ts';
import type { Shipment } from '../shipment/shipment.schema.ts';
import type { Return } from '../return/return.schema.ts';
import type { Refund } from '../refund/refund.schema.ts';
import type { Invoice } from '../finance/invoice.schema.ts';
import type { JournalEntry } from '../finance/journal-entry.schema.ts';
import type { ServiceCase } from '../service/service-case.schema.ts';
import { ids, skus } from './example-ids.ts';
import { annasAddress } from './example-objects.ts';

// Business documents of the examples; the stories are told in example-objects.ts. The arithmetic is
// spelled out beside each amount so a reader can check it.

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const usd = (amount: number) => ({ amount, currency: 'USD' });
const vat = (amount: number) => ({ jurisdiction: 'DE', name: 'VAT', rate: 1900, amount: eur(amount) });

/**
 * Anna's web order (EUR, VAT included). The WILLKOMMEN5 coupon (5.00) is spread over the lines by
 * value for tax: jacket 11699 − 373 = 11326 → VAT 1808; T-shirts 3998 − 127 = 3871 → VAT 618;
 * shipping 495 → VAT 79. Totals: 15697 − 500 + 495 = 15692; tax 1808 + 618 + 79 = 2505 (included).
 */
export const germanWebOrder: Order = {
  id: ids.ordDe,
  orderNumber: 'DE-100234',
  channel: 'web',
  originSystem: 'shopify-eu',
  customerId: ids.cusAnna,
  locale: 'de-DE',
  currency: 'EUR',
  pricesIncludeTax: true,
  lines: [
    {
      id: ids.olnJacket,
      sku: skus.jacketM,
      itemId: ids.itmJacketM,
      name: 'Jacke Nordkap, navy, M',
      quantity: 1,
      unitPrice: eur(12999),
      discounts: [{ promotionId: ids.pmoOuterwear10, description: 'Jackenwochen 10 %', amount: eur(1300) }],
      taxes: [vat(1808)],
      total: eur(11699), // 1 × 12999 − 1300
      fulfilmentGroupId: ids.fulShip,
      status: 'open',
    },
    {
      id: ids.olnTee,
      sku: skus.tee,
      name: 'T-Shirt Basic, weiß, L',
      quantity: 2,
      unitPrice: eur(1999),
      discounts: [],
      taxes: [vat(618)],
      total: eur(3998), // 2 × 1999
      fulfilmentGroupId: ids.fulPickup,
      status: 'open',
    },
  ],
  discounts: [{ promotionId: ids.pmoWelcome5, couponCode: 'WILLKOMMEN5', description: '5 € Willkommensrabatt', amount: eur(500) }],
  shippingCharges: [{ fulfilmentGroupId: ids.fulShip, code: 'standard', amount: eur(495), taxes: [vat(79)] }],
  taxes: [],
  payments: [
    {
      id: ids.payDe,
      method: 'card',
      provider: 'adyen',
      providerReference: 'NC6HT9CRT65ZGN82',
      amountAuthorized: eur(15692),
      amountCaptured: eur(0),
      amountRefunded: eur(0),
      status: 'authorized',
      cardBrand: 'visa',
      cardLast4: '1111',
      createdAt: '2026-11-20T09:14:02.904Z',
    },
  ],
  fulfilmentGroups: [
    {
      id: ids.fulShip,
      kind: 'ship',
      shippingAddress: annasAddress,
      shippingMethod: { code: 'standard', carrier: 'dhl', service: 'paket' },
      lineIds: [ids.olnJacket],
      status: 'pending',
    },
    {
      id: ids.fulPickup,
      kind: 'pickup_in_store',
      locationId: ids.locBerlinMitte,
      pickupPerson: { name: 'Anna Schmidt', phone: '+4915112345678' },
      pickupWindow: { from: '2026-11-20T13:00:00Z', to: '2026-11-27T19:00:00Z' },
      lineIds: [ids.olnTee],
      status: 'pending',
    },
  ],
  billingAddress: annasAddress,
  totals: {
    subtotal: eur(15697), // 11699 + 3998
    discountTotal: eur(500),
    shippingTotal: eur(495),
    taxTotal: eur(2505), // 1808 + 618 + 79, included in the amounts
    grandTotal: eur(15692), // 15697 − 500 + 495
  },
  status: 'captured',
  placedAt: '2026-11-20T09:14:03.512Z',
  externalRefs: [{ system: 'shopify-eu', id: '820982911946154508' }],
  attributes: { giftMessage: 'Alles Gute!' },
};

const texas = (state: number, city: number, transit: number) => [
  { jurisdiction: 'US-TX', name: 'Texas state sales tax', rate: 625, amount: usd(state) },
  { jurisdiction: 'US-TX-AUSTIN', name: 'Austin city sales tax', rate: 100, amount: usd(city) },
  { jurisdiction: 'US-TX-CAPITAL_METRO', name: 'Capital Metro transit tax', rate: 100, amount: usd(transit) },
];

/**
 * A sale at the Austin store POS (USD, tax on top: 6.25 % state + 1 % city + 1 % transit). Socks are
 * "3 for $22": 3 × 899 − 497 = 2200. Subtotal 2499 + 2200 = 4699; tax (156 + 25 + 25) + (138 + 22 + 22)
 * = 388; grand total 4699 + 388 = 5087.
 */
export const usPosSale: Order = {
  id: ids.ordUs,
  orderNumber: 'A014-20261122-0087',
  channel: 'pos',
  originSystem: 'pos-us',
  salesLocationId: ids.locAustin,
  customerId: ids.cusMike,
  currency: 'USD',
  pricesIncludeTax: false,
  lines: [
    {
      id: ids.olnCap,
      sku: skus.cap,
      name: 'Logo Cap, black',
      quantity: 1,
      unitPrice: usd(2499),
      discounts: [],
      taxes: texas(156, 25, 25), // 2499 × 6.25 % = 156.19, × 1 % = 24.99
      total: usd(2499),
      fulfilmentGroupId: ids.fulTill,
      status: 'collected',
    },
    {
      id: ids.olnSocks,
      sku: skus.socks,
      name: 'Merino Socks, grey, M',
      quantity: 3,
      unitPrice: usd(899),
      discounts: [{ promotionId: ids.pmoSocks3For22, description: '3 for $22', amount: usd(497) }],
      taxes: texas(138, 22, 22), // 2200 × 6.25 % = 137.5, × 1 % = 22
      total: usd(2200), // 3 × 899 − 497
      fulfilmentGroupId: ids.fulTill,
      status: 'collected',
    },
  ],
  discounts: [],
  shippingCharges: [],
  taxes: [],
  payments: [
    {
      id: ids.payUs,
      method: 'card',
      provider: 'adyen',
      providerReference: 'GR9X5Q3M7T2KBS42',
      amountAuthorized: usd(5087),
      amountCaptured: usd(5087),
      amountRefunded: usd(0),
      status: 'captured',
      cardBrand: 'mastercard',
      cardLast4: '5454',
      createdAt: '2026-11-22T22:41:02Z',
    },
  ],
  fulfilmentGroups: [{ id: ids.fulTill, kind: 'in_store', locationId: ids.locAustin, lineIds: [ids.olnCap, ids.olnSocks], status: 'collected' }],
  totals: { subtotal: usd(4699), discountTotal: usd(0), shippingTotal: usd(0), taxTotal: usd(388), grandTotal: usd(5087) },
  status: 'completed',
  placedAt: '2026-11-22T22:41:09Z',
  externalRefs: [{ system: 'pos-us', id: 'A014-04-20261122-0087' }],
};

/** The jacket of Anna's order leaving the Erfurt DC with DHL. */
export const exampleShipment: Shipment = {
  id: ids.shpDe,
  orderId: ids.ordDe,
  fulfilmentGroupId: ids.fulShip,
  fromLocationId: ids.locErfurtDc,
  carrier: 'dhl',
  service: 'paket',
  trackingNumbers: ['00340434161094042557'],
  trackingUrls: ['https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557'],
  shipTo: annasAddress,
  lines: [{ orderLineId: ids.olnJacket, sku: skus.jacketM, quantity: 1 }],
  status: 'dispatched',
  shippedAt: '2026-11-20T16:45:00Z',
  externalRefs: [{ system: 'wms-erfurt', id: 'SHP-0088213' }],
};

/** Anna sends the jacket back: it is too small. */
export const exampleReturn: Return = {
  id: ids.retDe,
  orderId: ids.ordDe,
  status: 'requested',
  method: 'mail',
  lines: [{ orderLineId: ids.olnJacket, sku: skus.jacketM, quantity: 1, reason: 'too_small', reasonText: 'Fällt klein aus' }],
  returnLocationId: ids.locErfurtDc,
  refundMethod: 'original_payment',
  requestedAt: '2026-11-24T18:02:00Z',
  externalRefs: [{ system: 'returns-portal', id: 'R-58213' }],
};

/** The cap of the Austin sale returned at the till: 2499 + its tax 206 = 2705 back to the card. */
export const exampleRefund: Refund = {
  id: ids.rfdUs,
  orderId: ids.ordUs,
  returnId: ids.retUs,
  currency: 'USD',
  pricesIncludeTax: false,
  amount: usd(2705),
  lines: [{ orderLineId: ids.olnCap, quantity: 1, amount: usd(2499) }],
  shipping: usd(0),
  tax: usd(206),
  adjustment: usd(0),
  paymentId: ids.payUs,
  providerReference: 'K8Z5QWJ2S3TGNK82',
  reason: 'return',
  status: 'succeeded',
  requestedAt: '2026-11-29T17:05:00Z',
  issuedAt: '2026-11-29T17:05:12Z',
  externalRefs: [{ system: 'pos-us', id: 'A014-04-20261129-0031' }],
};

/** The refund for Anna's jacket, sent to the provider: 11326 (the jacket after both discounts), VAT 1808 included. */
export const examplePendingRefund: Refund = {
  id: ids.rfdDe,
  orderId: ids.ordDe,
  returnId: ids.retDe,
  currency: 'EUR',
  pricesIncludeTax: true,
  amount: eur(11326),
  lines: [{ orderLineId: ids.olnJacket, quantity: 1, amount: eur(11326) }],
  shipping: eur(0),
  tax: eur(1808),
  adjustment: eur(0),
  paymentId: ids.payDe,
  reason: 'return',
  status: 'pending',
  requestedAt: '2026-11-27T10:41:00Z',
  externalRefs: [],
};

/**
 * The invoice of Anna's order. Line discounts include each line's share of the coupon; shipping is a
 * line. 11326 + 3871 + 495 = 15692 gross, of which VAT 2505 on a net 13187.
 */
export const exampleInvoice: Invoice = {
  id: ids.invDe,
  number: 'RE-2026-004711',
  kind: 'invoice',
  orderId: ids.ordDe,
  customerId: ids.cusAnna,
  billingAddress: annasAddress,
  currency: 'EUR',
  pricesIncludeTax: true,
  lines: [
    { orderLineId: ids.olnJacket, sku: skus.jacketM, description: 'Jacke Nordkap, navy, M', quantity: 1, unitPrice: eur(12999), discount: eur(1673), taxRate: 1900, total: eur(11326) },
    { orderLineId: ids.olnTee, sku: skus.tee, description: 'T-Shirt Basic, weiß, L', quantity: 2, unitPrice: eur(1999), discount: eur(127), taxRate: 1900, total: eur(3871) },
    { description: 'Versand DHL Paket', quantity: 1, unitPrice: eur(495), discount: eur(0), taxRate: 1900, total: eur(495) },
  ],
  taxes: [{ jurisdiction: 'DE', rate: 1900, taxableAmount: eur(13187), amount: eur(2505) }],
  totals: { subtotal: eur(15692), taxTotal: eur(2505), grandTotal: eur(15692) },
  issueDate: '2026-11-20',
  status: 'paid',
  externalRefs: [{ system: 'erp', id: '9400004711' }],
};

/** The Austin store's takings of 22 November: card 184233 + cash 23470 = revenue 191873 + sales tax 15830. */
export const exampleJournalEntry: JournalEntry = {
  id: ids.jnlAustin,
  postingDate: '2026-11-22',
  currency: 'USD',
  reference: { kind: 'pos_batch', system: 'pos-us', batchId: '20261122-A014-01', locationId: ids.locAustin, businessDate: '2026-11-22' },
  description: 'POS takings A014 2026-11-22',
  lines: [
    { accountCode: '1210', side: 'debit', amount: usd(184233), locationId: ids.locAustin, description: 'Card clearing' },
    { accountCode: '1000', side: 'debit', amount: usd(23470), locationId: ids.locAustin, description: 'Cash in till' },
    { accountCode: '4000', side: 'credit', amount: usd(191873), costCentre: 'A014', locationId: ids.locAustin, description: 'Sales revenue' },
    { accountCode: '2300', side: 'credit', amount: usd(15830), taxCode: 'TX-8.25', locationId: ids.locAustin, description: 'Sales tax payable' },
  ],
  recordedAt: '2026-11-23T06:05:00Z',
  externalRefs: [],
};

/** Anna asks on chat when her T-shirts can be collected. */
export const exampleServiceCase: ServiceCase = {
  id: ids.casDe,
  customerId: ids.cusAnna,
  orderId: ids.ordDe,
  channel: 'chat',
  summary: 'Wann kann ich meine T-Shirts in Mitte abholen?',
  category: 'pickup',
  priority: 'normal',
  status: 'open',
  assignee: { agentId: '381940227711', name: 'Jonas', team: 'DE Customer Care' },
  openedAt: '2026-11-20T12:30:00Z',
  updatedAt: '2026-11-20T12:31:10Z',
  externalRefs: [{ system: 'zendesk', id: '1849302' }],
};
