import type { ConnectorManifest } from '../sdk/index.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, DEFAULT_SQUARE_VERSION, SquareSourceSettings, SquareTargetSettings } from './settings.ts';

// What the Square connector is, declared once: the store POS of a Square seller account. It reads
// sales, payments, refunds, stock positions, customers and the stores' shipments (and the parcels
// they turn down) from webhooks, and writes stock, customers and ship-from-store orders through
// Square's REST API.

/** The Square connector's manifest. */
export const squareManifest: ConnectorManifest = {
  name: 'square',
  displayName: `Square (REST API ${DEFAULT_SQUARE_VERSION})`,
  systemType: 'pos',
  reads: ['order', 'payment', 'refund', 'inventory', 'customer', 'location', 'shipment'],
  writes: ['inventory', 'customer', 'order'],
  auth: {
    method: 'OAuth 2.0 or personal access token, sent as `Authorization: Bearer`, with the `Square-Version` header',
    webhooks: 'x-square-hmacsha256-signature: base64 HMAC-SHA256 over notification URL + raw body with the subscription\'s signature key',
  },
  settings: { source: SquareSourceSettings, target: SquareTargetSettings },
  rateLimit: DEFAULT_RATE_LIMIT,
  retry: DEFAULT_RETRY,
  breaker: DEFAULT_BREAKER,
  topics: {
    'order.created': 'weft.order.captured.v1 (after RetrieveOrder; once per order) or weft.order.cancelled.v1; orders Weft created are never captured',
    'order.updated': 'weft.order.captured.v1 if not captured yet; weft.order.cancelled.v1 on CANCELED; for an order Weft created, weft.shipment.dispatched.v1 once its SHIPMENT fulfilment is COMPLETED, weft.order.release_rejected.v1 once the store cancelled it (or it FAILED; Weft\'s own cancellation ignored); else ignored',
    'order.fulfillment.updated': 'as order.updated (after RetrieveOrder): weft.shipment.dispatched.v1 when the store completed the shipment of an order Weft created, weft.order.release_rejected.v1 when the store cancelled it',
    'payment.created': 'weft.order.payment_authorized.v1 (+ payment_captured.v1 when COMPLETED) or payment_declined.v1; the EXTERNAL payment Weft records on its own order is ignored (RetrieveOrder tells)',
    'payment.updated': 'weft.order.payment_captured.v1 or payment_declined.v1, once per payment; Weft\'s own EXTERNAL payments ignored',
    'refund.created': 'weft.refund.issued.v1 (COMPLETED) or weft.refund.failed.v1 (FAILED, REJECTED); the refund of Weft\'s own payment is ignored (GetPayment, RetrieveOrder tell)',
    'refund.updated': 'weft.refund.issued.v1 (COMPLETED) or weft.refund.failed.v1 (FAILED, REJECTED); the refund of Weft\'s own payment is ignored',
    'inventory.count.updated': 'weft.inventory.position_reported.v1 per IN_STOCK count',
    'customer.created': 'weft.customer.created.v1',
    'customer.updated': 'weft.customer.updated.v1',
    'customer.deleted': 'ignored: a directory deletion is not an erasure request',
    'loyalty.account.created': 'weft.customer.updated.v1 (loyalty membership)',
    'location.created': 'weft.location.upserted.v1 (after RetrieveLocation)',
    'location.updated': 'weft.location.upserted.v1 (after RetrieveLocation)',
  },
  actions: {
    setInventoryCount: { description: 'PHYSICAL_COUNT of a SKU at a location from weft.inventory.counted.v1 / position_reported.v1', writes: 'inventory', idempotency: 'key', priority: 'urgent' },
    adjustInventory: { description: 'ADJUSTMENT of a SKU at a location from weft.inventory.received.v1 / adjusted.v1', writes: 'inventory', idempotency: 'key', priority: 'urgent' },
    createCustomer: { description: 'CreateCustomer from weft.customer.created.v1', writes: 'customer', idempotency: 'key', priority: 'normal' },
    releaseOrder: { description: 'Ship from store: one Square order (SHIPMENT fulfilment, PROPOSED) per ship_from_store group of a weft.order.captured.v1 Order, at the group\'s store, paid with an EXTERNAL payment of the channel so the store sees it (payReleasedOrders)', writes: 'order', idempotency: 'key', priority: 'urgent' },
    cancelOrder: { description: 'Cancels the Square order(s) a release created (weft.order.cancelled.v1 or the Order): the fulfilment (and an unpaid order), marked as Weft\'s, refunding Weft\'s payment; refused once the store shipped', writes: 'order', idempotency: 'key', priority: 'urgent' },
  },
};
