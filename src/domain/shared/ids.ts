import Type from 'typebox';

/**
 * Prefixes of Weft's canonical ids. An id is `<prefix>_<ULID>`: the prefix says what it names at a
 * glance (in logs, URLs, support tickets), the ULID sorts by creation time.
 */
export const idPrefixes = {
  customer: 'cus',
  product: 'prd',
  item: 'itm',
  location: 'loc',
  price: 'prc',
  promotion: 'pmo',
  inventoryMovement: 'mov',
  transfer: 'trf',
  order: 'ord',
  orderLine: 'oln',
  fulfillmentGroup: 'ful',
  payment: 'pay',
  shipment: 'shp',
  return: 'ret',
  refund: 'rfd',
  invoice: 'inv',
  posting: 'jnl',
  serviceCase: 'cas',
  event: 'evt',
  command: 'cmd',
  timer: 'tmr',
  apiKey: 'key',
  auditEntry: 'aud',
  inboundRejection: 'rej',
  task: 'tsk',
} as const;

/** An entity kind that has a canonical id. */
export type IdKind = keyof typeof idPrefixes;
/** A canonical id prefix (`ord`, `cus`, ...). */
export type IdPrefix = (typeof idPrefixes)[IdKind];

/** What each kind of id names, in the words a retailer uses; docs and schema descriptions read these, code keeps the keys. */
export const idLabels: Readonly<Record<IdKind, string>> = {
  customer: 'customer',
  product: 'product',
  item: 'item (variant)',
  location: 'location',
  price: 'price',
  promotion: 'promotion',
  inventoryMovement: 'stock movement',
  transfer: 'stock transfer',
  order: 'order',
  orderLine: 'order line',
  fulfillmentGroup: 'fulfilment group',
  payment: 'payment',
  shipment: 'shipment',
  return: 'return',
  refund: 'refund',
  invoice: 'invoice',
  posting: 'journal entry',
  serviceCase: 'service case',
  event: 'event',
  command: 'command',
  timer: 'timer',
  apiKey: 'API key',
  auditEntry: 'audit log entry',
  inboundRejection: 'inbound rejection',
  task: 'task for a person',
};

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';

/** The regular expression source matching a canonical id with the given prefix. */
export function idPattern(prefix: IdPrefix): string {
  return `^${prefix}_${ULID}$`;
}

/** Whether a value is a canonical id of the given kind. */
export function isCanonicalId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && new RegExp(idPattern(idPrefixes[kind])).test(value);
}

/** Joins a prefix and a ULID into a canonical id. The ULID must come from the id generator port. */
export function formatId(kind: IdKind, ulid: string): string {
  return `${idPrefixes[kind]}_${ulid}`;
}

/** Schema of a canonical id of one kind (`ord_01J...`). */
export function CanonicalId(kind: IdKind, description?: string) {
  const prefix = idPrefixes[kind];
  return Type.String({
    pattern: idPattern(prefix),
    description: description ?? `Weft id of the ${idLabels[kind]}: \`${prefix}_\` followed by a ULID.`,
    examples: [`${prefix}_01JD8X3ZQ4N9V6W2T5R7K0M1AB`],
  });
}
