// The order topics after capture: orders/cancelled → weft.order.cancelled.v1; orders/updated and
// orders/delete are recorded as ignored, with the reason, because no canonical event fits them.

import { MappingError } from '../../../errors/index.ts';
import { toUtc, type InboundMapping, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import { idAt, optString, rootObject } from './payload.ts';

type CancelReason = 'customer_request' | 'fraud' | 'payment_declined' | 'out_of_stock' | 'not_collected' | 'address_invalid' | 'other';

// Shopify's cancel_reason values: customer, declined, fraud, inventory, staff, other.
const REASONS: Readonly<Record<string, CancelReason>> = {
  customer: 'customer_request',
  declined: 'payment_declined',
  fraud: 'fraud',
  inventory: 'out_of_stock',
  staff: 'other',
  other: 'other',
};

/**
 * Maps orders/cancelled to weft.order.cancelled.v1. The order id comes from `ids.ref`, so a
 * cancellation that overtakes its orders/create (Shopify does not order deliveries) still names the
 * order the capture will use.
 */
export async function mapOrderCancelled(payload: unknown, context: MappingContext): Promise<MappingOutcome> {
  const order = rootObject(payload, 'orders/cancelled');
  const vendorId = idAt(order.id, '/id');
  if (order.cancelled_at === null || order.cancelled_at === undefined) {
    throw new MappingError('orders/cancelled without cancelled_at', [{ pointer: '/cancelled_at', message: 'a cancelled order has a cancellation time' }]);
  }
  const occurredAt = toUtc(order.cancelled_at, '/cancelled_at');
  const shopifyReason = optString(order.cancel_reason);
  const orderId = await context.ids.ref('order', vendorId);
  const data: { orderId: string; reason: CancelReason; occurredAt: string; note?: string } = { orderId, reason: REASONS[shopifyReason ?? 'other'] ?? 'other', occurredAt };
  if (shopifyReason !== undefined) data.note = `Shopify cancel_reason: ${shopifyReason}`;
  return { kind: 'events', events: [{ type: 'weft.order.cancelled.v1', subject: orderId, time: occurredAt, data }] };
}

/** orders/cancelled → weft.order.cancelled.v1. */
export const ordersCancelledMapping: InboundMapping = {
  description: 'orders/cancelled → weft.order.cancelled.v1 (cancel_reason mapped: customer, declined, fraud, inventory, staff, other).',
  map: mapOrderCancelled,
};

/**
 * orders/updated fires for every edit (tags, notes, fulfilment and payment status): the catalogue
 * has no "order changed" event, and the changes that matter arrive on their own topics
 * (orders/cancelled, fulfillments/create, refunds/create), so it is recorded as ignored.
 */
export const ordersUpdatedMapping: InboundMapping = {
  description: 'orders/updated → ignored: no canonical event for an arbitrary edit; cancellations, fulfilments and refunds come on their own topics.',
  async map(payload: unknown): Promise<MappingOutcome> {
    const vendorId = idAt(rootObject(payload, 'orders/updated').id, '/id');
    return { kind: 'ignored', reason: `orders/updated for Shopify order ${vendorId}: Weft takes cancellations, fulfilments and refunds from their own topics` };
  },
};

/**
 * orders/delete is recorded as ignored: Weft keeps captured orders for the ledger, the body is
 * `{id}` only and has no time for weft.xref.unlinked.v1.
 */
export const ordersDeleteMapping: InboundMapping = {
  description: 'orders/delete → ignored: captured orders stay in Weft for the ledger; the body carries no time.',
  async map(payload: unknown): Promise<MappingOutcome> {
    const vendorId = idAt(rootObject(payload, 'orders/delete').id, '/id');
    return { kind: 'ignored', reason: `Shopify deleted order ${vendorId}; Weft keeps captured orders and the body has no time to record an unlink with` };
  },
};
