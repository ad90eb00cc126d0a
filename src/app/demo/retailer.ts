// Harbor & Pine Outfitters, the demo's fictional retailer: its stores, its warehouse, what it sells
// and who buys it. Canonical location ids are fixed so every run links the same stores.

/** A store: a Square till, a pick-up point of the web store, a location in the ERP. */
export interface DemoStore {
  id: string;
  name: string;
  squareId: string;
  /** Shipping-line code of the web store's pick-up rate for this store. */
  pickupCode: string;
  address: { address1: string; city: string; zip: string };
}

export const STORES: readonly DemoStore[] = [
  { id: 'loc_01JDEMPDX00000000000000001', name: 'Harbor & Pine Portland', squareId: 'LHPPDX0001', pickupCode: 'pickup-portland', address: { address1: '820 SW Morrison St', city: 'Portland', zip: '97205' } },
  { id: 'loc_01JDEMSEA00000000000000002', name: 'Harbor & Pine Seattle', squareId: 'LHPSEA0002', pickupCode: 'pickup-seattle', address: { address1: '1520 Pike Pl', city: 'Seattle', zip: '98101' } },
  { id: 'loc_01JDEMSF000000000000000003', name: 'Harbor & Pine San Francisco', squareId: 'LHPSF00003', pickupCode: 'pickup-san-francisco', address: { address1: '301 Hayes St', city: 'San Francisco', zip: '94102' } },
];

/** The distribution centre ShipStation ships web orders from. */
export const WAREHOUSE = { id: 'loc_01JDEMDC000000000000000004', name: 'Harbor & Pine DC Reno' } as const;

/** What the retailer sells: one SKU per variant, priced in USD cents. */
export interface DemoItem {
  sku: string;
  name: string;
  priceCents: number;
  squareVariationId: string;
}

export const CATALOGUE: readonly DemoItem[] = [
  { sku: 'HP-FLN-SHRT-M-RED', name: 'Flannel shirt, red, M', priceCents: 6900, squareVariationId: 'SQVFLNSHRTMRED0000000001' },
  { sku: 'HP-FLN-SHRT-L-RED', name: 'Flannel shirt, red, L', priceCents: 6900, squareVariationId: 'SQVFLNSHRTLRED0000000002' },
  { sku: 'HP-RAIN-JKT-M-NVY', name: 'Rain jacket, navy, M', priceCents: 18900, squareVariationId: 'SQVRAINJKTMNVY0000000003' },
  { sku: 'HP-WOOL-BNE-OS-GRY', name: 'Wool beanie, grey', priceCents: 2900, squareVariationId: 'SQVWOOLBNEOSGRY000000004' },
  { sku: 'HP-TRL-BOOT-42-BRN', name: 'Trail boots, brown, 42', priceCents: 21900, squareVariationId: 'SQVTRLBOOT42BRN000000005' },
  { sku: 'HP-CRW-SOCK-3PK', name: 'Crew socks, 3-pack', priceCents: 1800, squareVariationId: 'SQVCRWSOCK3PK00000000006' },
  { sku: 'HP-CNV-TOTE-NAT', name: 'Canvas tote, natural', priceCents: 3400, squareVariationId: 'SQVCNVTOTENAT00000000007' },
  { sku: 'HP-DWN-VST-S-OLV', name: 'Down vest, olive, S', priceCents: 12900, squareVariationId: 'SQVDWNVSTSOLV00000000008' },
];

/** People who shop there; the traffic generator makes customers of them, some twice. */
export const PEOPLE: readonly { firstName: string; lastName: string }[] = [
  { firstName: 'Maya', lastName: 'Okafor' },
  { firstName: 'Liam', lastName: 'Chen' },
  { firstName: 'Sofia', lastName: 'Martínez' },
  { firstName: 'Noah', lastName: 'Fischer' },
  { firstName: 'Aiko', lastName: 'Tanaka' },
  { firstName: 'Ethan', lastName: 'Walker' },
  { firstName: 'Priya', lastName: 'Raman' },
  { firstName: 'Lucas', lastName: 'Silva' },
  { firstName: 'Emma', lastName: 'Johansson' },
  { firstName: 'Omar', lastName: 'Haddad' },
  { firstName: 'Grace', lastName: 'O\'Neill' },
  { firstName: 'Mateo', lastName: 'Rossi' },
];

/** Street addresses web orders ship to (US West Coast). */
export const ADDRESSES: readonly { address1: string; city: string; zip: string }[] = [
  { address1: '1450 NE Alberta St', city: 'Portland', zip: '97211' },
  { address1: '5200 University Way NE', city: 'Seattle', zip: '98105' },
  { address1: '2100 Telegraph Ave', city: 'Oakland', zip: '94612' },
  { address1: '77 Pearl St', city: 'Eugene', zip: '97401' },
  { address1: '412 Commercial St', city: 'Bellingham', zip: '98225' },
];
