import Type, { type Static, type TSchema } from 'typebox';
import { ExternalRefs, Instant, NonNegativeQuantity, Quantity, Sku, SystemName, VendorId } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions, requiredByRule, unusedField } from '../shared/schema-options.ts';

// A movement is one booked change to the stock of a SKU at a location. `quantityDelta` changes on-hand
// stock, except for reservation and release, which change the reserved quantity. Each kind has a sign
// (see rules.ts) so a sign error in a connector is caught at the door, not in the stock count.

/** What caused a stock change. */
export const MovementKind = Type.Enum(
  ['receipt', 'sale', 'return', 'adjustment', 'transfer_out', 'transfer_in', 'count', 'reservation', 'release', 'damage'],
  { description: 'What caused the change; decides which quantity changes and the sign of the delta.' },
);
/** What caused a stock change. */
export type MovementKind = Static<typeof MovementKind>;

/** The order (and line) a movement belongs to: sales, reservations and releases. */
export const OrderDocumentRef = Type.Object(
  {
    kind: Type.Literal('order', { description: 'Says which document this is.' }),
    id: CanonicalId('order'),
    lineId: Type.Optional(CanonicalId('orderLine', 'The order line the units belong to, when the movement is for one line.')),
  },
  objectOptions('OrderDocumentRef', 'The order (and line) that caused the movement.'),
);
/** The return that brought stock back. */
export const ReturnDocumentRef = Type.Object(
  { kind: Type.Literal('return', { description: 'Says which document this is.' }), id: CanonicalId('return') },
  objectOptions('ReturnDocumentRef', 'The return that caused the movement.'),
);
/** The transfer that moved stock between locations. */
export const TransferDocumentRef = Type.Object(
  { kind: Type.Literal('transfer', { description: 'Says which document this is.' }), id: CanonicalId('transfer') },
  objectOptions('TransferDocumentRef', 'The stock transfer that caused the movement.'),
);
/** The shipment that took stock out. */
export const ShipmentDocumentRef = Type.Object(
  { kind: Type.Literal('shipment', { description: 'Says which document this is.' }), id: CanonicalId('shipment') },
  objectOptions('ShipmentDocumentRef', 'The shipment that caused the movement.'),
);
/** A document Weft has no canonical object for (purchase order, count sheet), by its system's id. */
export const ExternalDocumentRef = Type.Object(
  {
    kind: Type.Literal('external', { description: 'Says which document this is.' }),
    system: Type.With(SystemName, { description: 'The system that holds the document, by its configured name (lowercase, digits, dashes).' }),
    documentType: Type.String({
      pattern: '^[a-z][a-z0-9_]{0,49}$',
      description: 'What kind of document it is, as a code (lowercase, digits, underscores).',
      examples: ['purchase_order', 'count_sheet', 'goods_receipt'],
    }),
    id: Type.With(VendorId, { description: 'The document\'s id or number in that system.' }),
  },
  objectOptions('ExternalDocumentRef', 'A document in another system that caused the movement.'),
);

/** The document that caused a movement. */
export const MovementReference = Type.Union([OrderDocumentRef, ReturnDocumentRef, TransferDocumentRef, ShipmentDocumentRef, ExternalDocumentRef], {
  description: 'The document that caused the movement; `kind` says which.',
});
/** The document that caused a movement. */
export type MovementReference = Static<typeof MovementReference>;

/** What one inventory event says about the movement fields whose meaning depends on the event's kinds. */
export interface MovementDocs {
  /** The kinds the event admits, and what each means. */
  readonly kind: string;
  /** What the delta counts for this event, and its sign. */
  readonly quantityDelta: string;
  /** Which document the movement references. */
  readonly reference: string;
  /** Whether the rules require the reference for this event's kinds (transfers, reservations, releases). */
  readonly referenceRequired: boolean;
  /** What countedQuantity holds; given exactly for count events, whose rules require it. */
  readonly countedQuantity?: string;
  /** Which end of the transfer counterpartLocationId names; given exactly for transfer events, whose rules require it. */
  readonly counterpartLocationId?: string;
}

const countedQuantity = Type.With(NonNegativeQuantity, { description: 'Counts only: the units found; the delta is counted minus book stock.' });
const counterpartLocationId = CanonicalId('location', 'Transfers only: the other end (destination of transfer_out, origin of transfer_in).');

// The same fields, and the same validation, for every event; only their descriptions differ. Fields an
// event does not use stay admitted (the rules reject them with a clear message) and are marked for the docs.
function movementFields<K extends TSchema>(kind: K, docs?: MovementDocs) {
  const describe = <T extends TSchema>(schema: T, description: string | undefined): T =>
    description === undefined ? schema : Type.With(schema, { description }) as T;
  const counted = docs === undefined ? countedQuantity
    : docs.countedQuantity === undefined ? unusedField(countedQuantity, 'only counts carry it') : requiredByRule(countedQuantity, docs.countedQuantity);
  const counterpart = docs === undefined ? counterpartLocationId
    : docs.counterpartLocationId === undefined ? unusedField(counterpartLocationId, 'only transfers carry it') : requiredByRule(counterpartLocationId, docs.counterpartLocationId);
  const reference = docs === undefined ? MovementReference
    : docs.referenceRequired ? requiredByRule(MovementReference, docs.reference) : describe(MovementReference, docs.reference);
  return {
    id: CanonicalId('inventoryMovement'),
    sku: Sku,
    locationId: CanonicalId('location', 'The location whose stock changed.'),
    kind,
    quantityDelta: Type.With(Quantity, { description: docs?.quantityDelta ?? 'Signed change: on hand, or reserved for reservation/release.' }),
    countedQuantity: Type.Optional(counted),
    counterpartLocationId: Type.Optional(counterpart),
    reason: Type.Optional(Type.String({
      pattern: '^[a-z][a-z0-9_]{0,49}$',
      description: 'Why the stock changed, as a retailer-defined reason code.',
      examples: ['damaged_in_store', 'theft', 'cycle_count'],
    })),
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'Free text for people (what was found, who counted); never parsed.' })),
    reference: Type.Optional(reference),
    occurredAt: Instant('When the stock or the reservation changed'),
    externalRefs: ExternalRefs,
  };
}

/**
 * Builds the movement schema restricted to some kinds: each inventory event admits only its own kinds.
 * `docs` says what the fields mean for this event; the validation is the same for every event.
 */
export function movementSchema<K extends MovementKind>(kinds: readonly K[], title: string, description: string, docs: MovementDocs) {
  // The docs mark fields required or unused per event, so an event's kinds must agree on them.
  const isCount = (kind: MovementKind): boolean => kind === 'count';
  const isTransfer = (kind: MovementKind): boolean => kind === 'transfer_in' || kind === 'transfer_out';
  const counts = kinds.some(isCount);
  const transfers = kinds.some(isTransfer);
  if (counts !== kinds.every(isCount) || transfers !== kinds.every(isTransfer)) throw new TypeError(`${title}: counts and transfers need events of their own.`);
  if (counts !== (docs.countedQuantity !== undefined) || transfers !== (docs.counterpartLocationId !== undefined)) {
    throw new TypeError(`${title}: describe countedQuantity exactly for counts, counterpartLocationId exactly for transfers.`);
  }
  return Type.Object(
    movementFields(Type.Enum([...kinds], { description: docs.kind }), docs),
    objectOptions(title, description),
  );
}

/** A booked change to the stock of one SKU at one location. */
export const InventoryMovement = Type.Object(
  movementFields(MovementKind),
  objectOptions('InventoryMovement', 'A booked change to the stock of one SKU at one location.'),
);
/** A booked change to the stock of one SKU at one location. */
export type InventoryMovement = Static<typeof InventoryMovement>;
