import type { CustomerConsentChanged, CustomerErased, CustomerMerged, CustomerUpdated } from '../customer/events.ts';
import type { ProductDiscontinued } from '../product/events.ts';
import type { PromotionEnded } from '../pricing/events.ts';
import type {
  InventoryAdjusted,
  InventoryCounted,
  InventoryReceived,
  InventoryReservationReleased,
  InventoryReserved,
  InventorySold,
  InventoryTransferReceived,
  InventoryTransferShipped,
} from '../inventory/events.ts';
import type {
  OrderCancelled,
  OrderCollected,
  OrderCompleted,
  OrderHeld,
  OrderHoldLifted,
  OrderLineCancelled,
  OrderLineSubstituted,
  OrderReleaseRejected,
  OrderPaymentAuthorized,
  OrderPaymentCaptured,
  OrderPaymentDeclined,
  OrderReadyForPickup,
  OrderReleased,
  OrderReserved,
  OrderValidated,
} from '../order/events.ts';
import type { ShipmentDelivered, ShipmentDeliveryFailed } from '../shipment/events.ts';
import type { ReturnAuthorized, ReturnClosed, ReturnInspected, ReturnReceived, ReturnRejected } from '../return/events.ts';
import type { RefundFailed } from '../refund/events.ts';
import type { CaseResolved, CaseUpdated } from '../service/events.ts';
import type { XrefLinked, XrefUnlinked } from '../xref/events.ts';
import type { CommandDelivered, CommandFailed } from '../command/events.ts';
import { findEventDefinition } from './catalogue.ts';
import { ids, skus } from './example-ids.ts';
import {
  exampleCustomer,
  exampleInventoryPosition,
  exampleLocation,
  examplePrice,
  exampleProduct,
  examplePromotion,
} from './example-objects.ts';
import {
  exampleInvoice,
  exampleJournalEntry,
  examplePendingRefund,
  exampleRefund,
  exampleReturn,
  exampleServiceCase,
  exampleShipment,
  germanWebOrder,
  usPosSale,
} from './example-documents.ts';

// One realistic, valid data object per catalogue type. Tests, the OpenAPI document and benchmarks
// use them; a test fails when a catalogue type has none or one stops validating.

export { germanWebOrder, usPosSale };

const teeAtBerlin = { sku: skus.tee, locationId: ids.locBerlinMitte } as const;
const teeAtErfurt = { sku: skus.tee, locationId: ids.locErfurtDc } as const;

/** Example data per event type. */
export const exampleEventData: Record<string, unknown> = {
  'weft.customer.created.v1': exampleCustomer,
  'weft.customer.updated.v1': {
    customerId: ids.cusAnna,
    changes: {
      phones: [{ number: '+4915112345678', kind: 'mobile', primary: true, verified: true }],
      loyalty: { memberId: '9276001234567', tier: 'platinum' },
    },
    occurredAt: '2026-11-21T08:00:00Z',
  } satisfies CustomerUpdated,
  'weft.customer.merged.v1': {
    customerId: ids.cusAnnaDuplicate,
    mergedInto: ids.cusAnna,
    occurredAt: '2026-11-21T02:10:00Z',
  } satisfies CustomerMerged,
  'weft.customer.consent_changed.v1': {
    customerId: ids.cusAnna,
    consent: {
      channel: 'sms',
      purpose: 'personalised_offers',
      status: 'withdrawn',
      capturedAt: '2026-11-22T19:03:00Z',
      source: { system: 'crm', touchpoint: 'preference-centre' },
    },
    occurredAt: '2026-11-22T19:03:00Z',
  } satisfies CustomerConsentChanged,
  'weft.customer.erased.v1': { customerId: ids.cusErased, reason: 'erasure_request', occurredAt: '2026-11-25T10:00:00Z' } satisfies CustomerErased,

  'weft.product.upserted.v1': exampleProduct,
  'weft.product.discontinued.v1': {
    productId: ids.prdJacket,
    itemIds: [ids.itmJacketS],
    occurredAt: '2026-11-30T23:00:00Z',
  } satisfies ProductDiscontinued,
  'weft.location.upserted.v1': exampleLocation,
  'weft.price.set.v1': examplePrice,
  'weft.promotion.defined.v1': examplePromotion,
  'weft.promotion.ended.v1': { promotionId: ids.pmoOuterwear10, reason: 'expired', occurredAt: '2026-11-30T23:00:00Z' } satisfies PromotionEnded,

  'weft.inventory.received.v1': {
    id: ids.movReceipt,
    sku: skus.jacketM,
    locationId: ids.locErfurtDc,
    kind: 'receipt',
    quantityDelta: 120,
    reference: { kind: 'external', system: 'erp', documentType: 'purchase_order', id: '4500012345' },
    occurredAt: '2026-11-18T07:30:00Z',
    externalRefs: [{ system: 'wms-erfurt', id: 'GR-2026-118830' }],
  } satisfies InventoryReceived,
  'weft.inventory.sold.v1': {
    id: ids.movSale,
    sku: skus.cap,
    locationId: ids.locAustin,
    kind: 'sale',
    quantityDelta: -1,
    reference: { kind: 'order', id: ids.ordUs, lineId: ids.olnCap },
    occurredAt: '2026-11-22T22:41:09Z',
    externalRefs: [],
  } satisfies InventorySold,
  'weft.inventory.adjusted.v1': {
    id: ids.movDamage,
    ...teeAtBerlin,
    kind: 'damage',
    quantityDelta: -1,
    reason: 'damaged_in_store',
    note: 'Make-up stain from the fitting room',
    occurredAt: '2026-11-19T15:20:00Z',
    externalRefs: [],
  } satisfies InventoryAdjusted,
  'weft.inventory.counted.v1': {
    id: ids.movCount,
    ...teeAtBerlin,
    kind: 'count',
    quantityDelta: -2,
    countedQuantity: 14,
    reason: 'cycle_count',
    reference: { kind: 'external', system: 'pos-eu', documentType: 'count_sheet', id: 'CS-B001-2026-47' },
    occurredAt: '2026-11-20T07:45:00Z',
    externalRefs: [],
  } satisfies InventoryCounted,
  'weft.inventory.reserved.v1': {
    id: ids.movReservation,
    ...teeAtBerlin,
    kind: 'reservation',
    quantityDelta: 2,
    reference: { kind: 'order', id: ids.ordDe, lineId: ids.olnTee },
    occurredAt: '2026-11-20T09:15:00Z',
    externalRefs: [],
  } satisfies InventoryReserved,
  'weft.inventory.reservation_released.v1': {
    id: ids.movRelease,
    ...teeAtBerlin,
    kind: 'release',
    quantityDelta: -2,
    reason: 'fulfilled',
    reference: { kind: 'order', id: ids.ordDe, lineId: ids.olnTee },
    occurredAt: '2026-11-21T11:20:45Z',
    externalRefs: [],
  } satisfies InventoryReservationReleased,
  'weft.inventory.transfer_shipped.v1': {
    id: ids.movTransferOut,
    ...teeAtErfurt,
    kind: 'transfer_out',
    quantityDelta: -24,
    counterpartLocationId: ids.locBerlinMitte,
    reference: { kind: 'transfer', id: ids.trfBerlinRestock },
    occurredAt: '2026-11-19T05:30:00Z',
    externalRefs: [],
  } satisfies InventoryTransferShipped,
  'weft.inventory.transfer_received.v1': {
    id: ids.movTransferIn,
    ...teeAtBerlin,
    kind: 'transfer_in',
    quantityDelta: 24,
    counterpartLocationId: ids.locErfurtDc,
    reference: { kind: 'transfer', id: ids.trfBerlinRestock },
    occurredAt: '2026-11-21T09:05:00Z',
    externalRefs: [],
  } satisfies InventoryTransferReceived,
  'weft.inventory.position_reported.v1': exampleInventoryPosition,

  'weft.order.captured.v1': germanWebOrder,
  'weft.order.validated.v1': { orderId: ids.ordDe, occurredAt: '2026-11-20T09:14:05Z' } satisfies OrderValidated,
  'weft.order.held.v1': { orderId: ids.ordDe, reason: 'fraud_review', note: 'Score 71, manual review', occurredAt: '2026-11-20T09:14:05Z' } satisfies OrderHeld,
  'weft.order.hold_lifted.v1': { orderId: ids.ordDe, note: 'Reviewed: known customer', occurredAt: '2026-11-20T09:31:00Z' } satisfies OrderHoldLifted,
  'weft.order.reserved.v1': {
    orderId: ids.ordDe,
    reservations: [
      { lineId: ids.olnJacket, sku: skus.jacketM, locationId: ids.locErfurtDc, quantity: 1 },
      { lineId: ids.olnTee, sku: skus.tee, locationId: ids.locBerlinMitte, quantity: 2 },
    ],
    occurredAt: '2026-11-20T09:15:00Z',
  } satisfies OrderReserved,
  'weft.order.payment_authorized.v1': {
    orderId: ids.ordDe,
    paymentId: ids.payDe,
    amount: { amount: 15692, currency: 'EUR' },
    providerReference: 'NC6HT9CRT65ZGN82',
    occurredAt: '2026-11-20T09:14:02.904Z',
  } satisfies OrderPaymentAuthorized,
  // Captured when the jacket shipped: 11326 (jacket after both discounts) + 495 shipping.
  'weft.order.payment_captured.v1': {
    orderId: ids.ordDe,
    paymentId: ids.payDe,
    amount: { amount: 11821, currency: 'EUR' },
    providerReference: 'QF4T2N8ZK5XW3M92',
    occurredAt: '2026-11-20T16:45:30Z',
  } satisfies OrderPaymentCaptured,
  'weft.order.payment_declined.v1': {
    orderId: ids.ordDe,
    paymentId: ids.payDe,
    amount: { amount: 3871, currency: 'EUR' },
    providerReference: 'HX7W3K9P2T5RQM61',
    reason: 'authorisation_expired',
    occurredAt: '2026-11-28T03:00:00Z',
  } satisfies OrderPaymentDeclined,
  'weft.order.released.v1': { orderId: ids.ordDe, fulfilmentGroupIds: [ids.fulShip, ids.fulPickup], occurredAt: '2026-11-20T09:32:00Z' } satisfies OrderReleased,
  'weft.order.cancelled.v1': { orderId: ids.ordDe, reason: 'customer_request', note: 'Customer called before release', occurredAt: '2026-11-20T09:25:00Z' } satisfies OrderCancelled,
  'weft.order.line_cancelled.v1': { orderId: ids.ordDe, lineId: ids.olnTee, quantity: 1, reason: 'out_of_stock', occurredAt: '2026-11-20T10:02:00Z' } satisfies OrderLineCancelled,
  'weft.order.release_rejected.v1': { orderId: ids.ordDe, fulfilmentGroupId: ids.fulShip, reason: 'out_of_stock', note: 'Not on the shelf', occurredAt: '2026-11-20T11:00:00Z' } satisfies OrderReleaseRejected,
  'weft.order.line_substituted.v1': { orderId: ids.ordDe, lineId: ids.olnTee, fromSku: 'TEE-BLK-M', toSku: 'TEE-NVY-M', note: 'black sold out; customer agreed to navy by phone', occurredAt: '2026-11-20T10:03:00Z' } satisfies OrderLineSubstituted,
  'weft.order.ready_for_pickup.v1': {
    orderId: ids.ordDe,
    fulfilmentGroupId: ids.fulPickup,
    locationId: ids.locBerlinMitte,
    collectBy: '2026-11-27T19:00:00Z',
    occurredAt: '2026-11-20T14:02:11Z',
  } satisfies OrderReadyForPickup,
  'weft.order.collected.v1': { orderId: ids.ordDe, fulfilmentGroupId: ids.fulPickup, locationId: ids.locBerlinMitte, occurredAt: '2026-11-21T11:20:45Z' } satisfies OrderCollected,
  'weft.order.completed.v1': { orderId: ids.ordUs, occurredAt: '2026-11-22T22:41:09Z' } satisfies OrderCompleted,

  'weft.shipment.dispatched.v1': exampleShipment,
  'weft.shipment.delivered.v1': { shipmentId: ids.shpDe, orderId: ids.ordDe, occurredAt: '2026-11-21T12:31:00Z' } satisfies ShipmentDelivered,
  'weft.shipment.delivery_failed.v1': {
    shipmentId: ids.shpDe,
    orderId: ids.ordDe,
    reason: 'recipient_absent',
    returningToSender: false,
    occurredAt: '2026-11-21T10:12:00Z',
  } satisfies ShipmentDeliveryFailed,

  'weft.return.requested.v1': exampleReturn,
  'weft.return.authorized.v1': {
    returnId: ids.retDe,
    orderId: ids.ordDe,
    rmaNumber: 'RMA-DE-58213',
    returnLocationId: ids.locErfurtDc,
    occurredAt: '2026-11-24T18:02:01Z',
  } satisfies ReturnAuthorized,
  'weft.return.rejected.v1': { returnId: ids.retDe, orderId: ids.ordDe, reason: 'outside_return_window', occurredAt: '2027-01-10T09:00:00Z' } satisfies ReturnRejected,
  'weft.return.received.v1': {
    returnId: ids.retDe,
    orderId: ids.ordDe,
    locationId: ids.locErfurtDc,
    lines: [{ orderLineId: ids.olnJacket, sku: skus.jacketM, quantity: 1 }],
    occurredAt: '2026-11-27T10:11:00Z',
  } satisfies ReturnReceived,
  'weft.return.inspected.v1': {
    returnId: ids.retDe,
    orderId: ids.ordDe,
    locationId: ids.locErfurtDc,
    lines: [{ orderLineId: ids.olnJacket, sku: skus.jacketM, quantity: 1, condition: 'new', disposition: 'restock' }],
    occurredAt: '2026-11-27T10:40:00Z',
  } satisfies ReturnInspected,
  'weft.return.closed.v1': { returnId: ids.retDe, orderId: ids.ordDe, resolution: 'refunded', occurredAt: '2026-11-27T10:45:00Z' } satisfies ReturnClosed,

  'weft.refund.requested.v1': examplePendingRefund,
  'weft.refund.issued.v1': exampleRefund,
  'weft.refund.failed.v1': {
    refundId: ids.rfdDe,
    orderId: ids.ordDe,
    paymentId: ids.payDe,
    reason: 'Refused: card account closed',
    retryable: false,
    occurredAt: '2026-11-27T10:41:04Z',
  } satisfies RefundFailed,

  'weft.invoice.issued.v1': exampleInvoice,
  'weft.posting.recorded.v1': exampleJournalEntry,

  'weft.case.opened.v1': exampleServiceCase,
  'weft.case.updated.v1': {
    caseId: ids.casDe,
    changes: { status: 'pending', priority: 'high' },
    occurredAt: '2026-11-20T12:35:00Z',
  } satisfies CaseUpdated,
  'weft.case.resolved.v1': { caseId: ids.casDe, status: 'solved', resolution: 'information_given', occurredAt: '2026-11-20T14:05:00Z' } satisfies CaseResolved,

  'weft.xref.linked.v1': { canonicalId: ids.ordDe, system: 'shopify-eu', externalId: '820982911946154508', occurredAt: '2026-11-20T09:14:04Z' } satisfies XrefLinked,
  'weft.xref.unlinked.v1': { canonicalId: ids.cusAnnaDuplicate, system: 'crm', externalId: '0031x00000XyZaBAAV', occurredAt: '2026-11-21T02:10:00Z' } satisfies XrefUnlinked,
  'weft.command.delivered.v1': {
    commandId: 'cmd_01JDS2B7Q6A3K9WN2T8V5XHC4M',
    target: 'netsuite',
    action: 'upsertSalesOrder',
    key: ids.ordDe,
    targetId: '48213',
    status: 'created',
    attempts: 1,
    occurredAt: '2026-11-20T09:14:06Z',
  } satisfies CommandDelivered,
  'weft.command.failed.v1': {
    commandId: 'cmd_01JDS2B7Q6A3K9WN2T8V5XHC4N',
    target: 'netsuite',
    action: 'upsertSalesOrder',
    key: ids.ordDe,
    code: 'target_rejected',
    message: 'NetSuite 400 USER_ERROR: Invalid item reference key 901 for the item field of line 2',
    attempts: 1,
    occurredAt: '2026-11-20T09:14:06Z',
  } satisfies CommandFailed,
};

/** A complete example event of a catalogue type: its type, the subject its data implies, and the data. */
export function exampleEvent(type: string): { type: string; subject: string; data: unknown } {
  const definition = findEventDefinition(type);
  const data = exampleEventData[type];
  if (definition === undefined || data === undefined) throw new TypeError(`No example for event type ${type}.`);
  return { type, subject: definition.subjectOf(data), data };
}
