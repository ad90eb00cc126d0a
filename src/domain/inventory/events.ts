import type { Static } from 'typebox';
import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { movementSchema } from './inventory-movement.schema.ts';
import { InventoryPosition } from './inventory-position.schema.ts';
import { inventoryKey } from './inventory-key.ts';
import { inventoryMovementProblems, inventoryPositionProblems } from './rules.ts';

// Inventory events. Subject: `<sku>@<loc_id>` (inventoryKey), because stock is ordered per SKU ×
// location, not per document: a transfer of 20 SKUs is 20 transfer_shipped events. Each event carries
// the movement (mov_) that was booked, restricted to the kinds the event stands for.

/** Data of `weft.inventory.received.v1`: goods from a supplier or a restocked customer return. */
export const InventoryReceived = movementSchema(['receipt', 'return'], 'InventoryReceived', 'Stock arrived at a location (goods receipt or restocked return).', {
  kind: '`receipt`: goods from a supplier; `return`: a customer return put back into stock.',
  quantityDelta: 'Units added to on-hand stock; positive.',
  reference: 'The document behind the receipt: the return, or the purchase order or goods receipt in the ERP or WMS (`external`).',
  referenceRequired: false,
});
/** Data of `weft.inventory.received.v1`: goods from a supplier or a restocked customer return. */
export type InventoryReceived = Static<typeof InventoryReceived>;
/** Data of `weft.inventory.sold.v1`: stock left through a sale (POS sale, shipped order line). */
export const InventorySold = movementSchema(['sale'], 'InventorySold', 'Stock left a location through a sale.', {
  kind: 'Always `sale`.',
  quantityDelta: 'Units sold, taken off on-hand stock; negative (-1 for one unit).',
  reference: 'The order (and line) that was sold, or the shipment that took the units out.',
  referenceRequired: false,
});
/** Data of `weft.inventory.sold.v1`: stock left through a sale (POS sale, shipped order line). */
export type InventorySold = Static<typeof InventorySold>;
/** Data of `weft.inventory.adjusted.v1`: a manual correction or a write-off. */
export const InventoryAdjusted = movementSchema(['adjustment', 'damage'], 'InventoryAdjusted', 'Stock was corrected or written off.', {
  kind: '`adjustment`: a correction by hand; `damage`: a write-off of damaged units.',
  quantityDelta: 'Change to on-hand stock: non-zero for an adjustment, negative for damage.',
  reference: 'The document behind the correction, when there is one (an ERP stock adjustment, `external`).',
  referenceRequired: false,
});
/** Data of `weft.inventory.adjusted.v1`: a manual correction or a write-off. */
export type InventoryAdjusted = Static<typeof InventoryAdjusted>;
/** Data of `weft.inventory.counted.v1`: a physical count replaced book stock. */
export const InventoryCounted = movementSchema(['count'], 'InventoryCounted', 'A physical count set the on-hand stock.', {
  kind: 'Always `count`.',
  quantityDelta: 'Counted minus book stock: how far the count moved on-hand stock; 0 when it confirmed it.',
  countedQuantity: 'The units the count found, which become on-hand stock.',
  reference: 'The count sheet or stock-take document, when there is one (`external`).',
  referenceRequired: false,
});
/** Data of `weft.inventory.counted.v1`: a physical count replaced book stock. */
export type InventoryCounted = Static<typeof InventoryCounted>;
/** Data of `weft.inventory.reserved.v1`: units set aside for an order line. */
export const InventoryReserved = movementSchema(['reservation'], 'InventoryReserved', 'Units were reserved for an order line.', {
  kind: 'Always `reservation`.',
  quantityDelta: 'Units reserved; positive. Raises the reserved quantity, not on-hand stock.',
  reference: 'The order (and line) the units are reserved for (`kind` order).',
  referenceRequired: true,
});
/** Data of `weft.inventory.reserved.v1`: units set aside for an order line. */
export type InventoryReserved = Static<typeof InventoryReserved>;
/** Data of `weft.inventory.reservation_released.v1`: units no longer set aside (cancelled, expired, fulfilled). */
export const InventoryReservationReleased = movementSchema(['release'], 'InventoryReservationReleased', 'A reservation for an order line was released.', {
  kind: 'Always `release`.',
  quantityDelta: 'Units no longer reserved; negative. Lowers the reserved quantity, not on-hand stock.',
  reference: 'The order (and line) whose reservation ends (`kind` order).',
  referenceRequired: true,
});
/** Data of `weft.inventory.reservation_released.v1`: units no longer set aside (cancelled, expired, fulfilled). */
export type InventoryReservationReleased = Static<typeof InventoryReservationReleased>;
/** Data of `weft.inventory.transfer_shipped.v1`: units left for another location. */
export const InventoryTransferShipped = movementSchema(['transfer_out'], 'InventoryTransferShipped', 'Units left a location on a transfer.', {
  kind: 'Always `transfer_out`.',
  quantityDelta: 'Units that left on the transfer, taken off on-hand stock here; negative.',
  counterpartLocationId: 'The destination of the transfer.',
  reference: 'The stock transfer (`kind` transfer).',
  referenceRequired: true,
});
/** Data of `weft.inventory.transfer_shipped.v1`: units left for another location. */
export type InventoryTransferShipped = Static<typeof InventoryTransferShipped>;
/** Data of `weft.inventory.transfer_received.v1`: units arrived from another location. */
export const InventoryTransferReceived = movementSchema(['transfer_in'], 'InventoryTransferReceived', 'Units arrived at a location from a transfer.', {
  kind: 'Always `transfer_in`.',
  quantityDelta: 'Units that arrived from the transfer, added to on-hand stock here; positive.',
  counterpartLocationId: 'The origin of the transfer.',
  reference: 'The stock transfer (`kind` transfer).',
  referenceRequired: true,
});
/** Data of `weft.inventory.transfer_received.v1`: units arrived from another location. */
export type InventoryTransferReceived = Static<typeof InventoryTransferReceived>;

const bySkuAtLocation = (data: { sku: string; locationId: string }): string => inventoryKey(data.sku, data.locationId);

/** `weft.inventory.received.v1`. */
export const inventoryReceived = defineEvent({
  type: 'weft.inventory.received.v1',
  area: 'inventory',
  description: 'Stock arrived at a location: a goods receipt from a supplier or a customer return put back into stock.',
  data: InventoryReceived,
  subjectOf: bySkuAtLocation,
});

/** `weft.inventory.sold.v1`. */
export const inventorySold = defineEvent({
  type: 'weft.inventory.sold.v1',
  area: 'inventory',
  description: 'Stock left a location through a sale, as booked by the POS or the WMS.',
  data: InventorySold,
  subjectOf: bySkuAtLocation,
});

/** `weft.inventory.adjusted.v1`. */
export const inventoryAdjusted = defineEvent({
  type: 'weft.inventory.adjusted.v1',
  area: 'inventory',
  description: 'On-hand stock was corrected by hand or written off as damaged.',
  data: InventoryAdjusted,
  subjectOf: bySkuAtLocation,
});

/** `weft.inventory.counted.v1`. */
export const inventoryCounted = defineEvent({
  type: 'weft.inventory.counted.v1',
  area: 'inventory',
  description: 'A physical count set on-hand stock; the delta is the count minus book stock.',
  data: InventoryCounted,
  subjectOf: bySkuAtLocation,
});

/** `weft.inventory.reserved.v1`. */
export const inventoryReserved = defineEvent({
  type: 'weft.inventory.reserved.v1',
  area: 'inventory',
  description: 'Units were reserved for an order line and are no longer available to other orders.',
  data: InventoryReserved,
  subjectOf: bySkuAtLocation,
});

/** `weft.inventory.reservation_released.v1`. */
export const inventoryReservationReleased = defineEvent({
  type: 'weft.inventory.reservation_released.v1',
  area: 'inventory',
  description: 'A reservation ended: the order line was cancelled, fulfilled or moved elsewhere, or the hold expired.',
  data: InventoryReservationReleased,
  subjectOf: bySkuAtLocation,
});

/** `weft.inventory.transfer_shipped.v1`. */
export const inventoryTransferShipped = defineEvent({
  type: 'weft.inventory.transfer_shipped.v1',
  area: 'inventory',
  description: 'Units left a location on a transfer to another location (subject: the origin).',
  data: InventoryTransferShipped,
  subjectOf: bySkuAtLocation,
});

/** `weft.inventory.transfer_received.v1`. */
export const inventoryTransferReceived = defineEvent({
  type: 'weft.inventory.transfer_received.v1',
  area: 'inventory',
  description: 'Units from a transfer arrived at their destination (subject: the destination).',
  data: InventoryTransferReceived,
  subjectOf: bySkuAtLocation,
});

/** `weft.inventory.position_reported.v1`. */
export const inventoryPositionReported = defineEvent({
  type: 'weft.inventory.position_reported.v1',
  area: 'inventory',
  description: 'A system of record (WMS, ERP, POS) reported the whole stock position of a SKU at a location.',
  data: InventoryPosition,
  subjectOf: bySkuAtLocation,
});

/** The inventory area's catalogue entries. */
export const inventoryEvents = [
  inventoryReceived,
  inventorySold,
  inventoryAdjusted,
  inventoryCounted,
  inventoryReserved,
  inventoryReservationReleased,
  inventoryTransferShipped,
  inventoryTransferReceived,
  inventoryPositionReported,
] as const;

/** Business rules of the inventory area's events. */
export const inventoryEventRules = [
  eventRule(inventoryReceived, inventoryMovementProblems),
  eventRule(inventorySold, inventoryMovementProblems),
  eventRule(inventoryAdjusted, inventoryMovementProblems),
  eventRule(inventoryCounted, inventoryMovementProblems),
  eventRule(inventoryReserved, inventoryMovementProblems),
  eventRule(inventoryReservationReleased, inventoryMovementProblems),
  eventRule(inventoryTransferShipped, inventoryMovementProblems),
  eventRule(inventoryTransferReceived, inventoryMovementProblems),
  eventRule(inventoryPositionReported, inventoryPositionProblems),
] as const;
