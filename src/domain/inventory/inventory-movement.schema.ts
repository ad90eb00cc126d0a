import Type, { type Static } from 'typebox';
import { ExternalRefs, NonNegativeQuantity, Quantity, Sku, SystemName, Timestamp, VendorId } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

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
  { kind: Type.Literal('order'), id: CanonicalId('order'), lineId: Type.Optional(CanonicalId('orderLine')) },
  objectOptions('OrderDocumentRef', 'The order (and line) that caused the movement.'),
);
/** The return that brought stock back. */
export const ReturnDocumentRef = Type.Object(
  { kind: Type.Literal('return'), id: CanonicalId('return') },
  objectOptions('ReturnDocumentRef', 'The return that caused the movement.'),
);
/** The transfer that moved stock between locations. */
export const TransferDocumentRef = Type.Object(
  { kind: Type.Literal('transfer'), id: CanonicalId('transfer') },
  objectOptions('TransferDocumentRef', 'The stock transfer that caused the movement.'),
);
/** The shipment that took stock out. */
export const ShipmentDocumentRef = Type.Object(
  { kind: Type.Literal('shipment'), id: CanonicalId('shipment') },
  objectOptions('ShipmentDocumentRef', 'The shipment that caused the movement.'),
);
/** A document Weft has no canonical object for (purchase order, count sheet), by its system's id. */
export const ExternalDocumentRef = Type.Object(
  {
    kind: Type.Literal('external'),
    system: SystemName,
    documentType: Type.String({ pattern: '^[a-z][a-z0-9_]{0,49}$', examples: ['purchase_order', 'count_sheet', 'goods_receipt'] }),
    id: VendorId,
  },
  objectOptions('ExternalDocumentRef', 'A document in another system that caused the movement.'),
);

/** The document that caused a movement. */
export const MovementReference = Type.Union([OrderDocumentRef, ReturnDocumentRef, TransferDocumentRef, ShipmentDocumentRef, ExternalDocumentRef], {
  description: 'The document that caused the movement; `kind` says which.',
});
/** The document that caused a movement. */
export type MovementReference = Static<typeof MovementReference>;

function movementFields() {
  return {
    id: CanonicalId('inventoryMovement'),
    sku: Sku,
    locationId: CanonicalId('location', 'The location whose stock changed.'),
    quantityDelta: Type.With(Quantity, { description: 'Signed change: on hand, or reserved for reservation/release.' }),
    countedQuantity: Type.Optional(Type.With(NonNegativeQuantity, { description: 'Counts only: the units found; the delta is counted minus book stock.' })),
    counterpartLocationId: Type.Optional(CanonicalId('location', 'Transfers only: the other end (destination of transfer_out, origin of transfer_in).')),
    reason: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,49}$', description: 'Reason code.', examples: ['damaged_in_store', 'theft', 'cycle_count'] })),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    reference: Type.Optional(MovementReference),
    occurredAt: Type.With(Timestamp, { description: 'When the stock physically changed.' }),
    externalRefs: ExternalRefs,
  };
}

/** Builds the movement schema restricted to some kinds: each inventory event admits only its own kinds. */
export function movementSchema<K extends MovementKind>(kinds: readonly K[], title: string, description: string) {
  return Type.Object(
    { ...movementFields(), kind: Type.Enum([...kinds], { description: 'What caused the change.' }) },
    objectOptions(title, description),
  );
}

/** A booked change to the stock of one SKU at one location. */
export const InventoryMovement = Type.Object(
  { ...movementFields(), kind: MovementKind },
  objectOptions('InventoryMovement', 'A booked change to the stock of one SKU at one location.'),
);
/** A booked change to the stock of one SKU at one location. */
export type InventoryMovement = Static<typeof InventoryMovement>;
