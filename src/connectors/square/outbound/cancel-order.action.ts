import { TargetError } from '../../../errors/index.ts';
import type { ActionCommand, ActionContext, ActionResult, ConnectorAction, RequestPreview } from '../../sdk/index.ts';
import { buildRequest, previewOf, send, type SquareApiSettings } from '../client.ts';
import type { SquareTargetSettings } from '../settings.ts';
import { isCancelled, isShipped, metadataOf, shipmentFulfilmentOf, weftCancelReason, WEFT_METADATA } from '../weft-orders.ts';
import { retrieveOrder, searchIncomplete, searchRequest, searchSince, searchWeftOrders } from './find-store-orders.ts';
import { cancellationOf, releasable } from './store-order.ts';
import { refundBody, refundStorePayments, tendersOf } from './store-payment.ts';

// Undoing a release to the store: each Square order Weft created for the order gets its SHIPMENT
// fulfilment (and, when unpaid, itself) set to CANCELED with UpdateOrder (PUT /v2/orders/{id}), which
// needs the order's current `version` (RetrieveOrder first; a stale one is 400 VERSION_MISMATCH,
// retried). The orders are found through the cross-reference map, else by SearchOrders
// (find-store-orders.ts).
//   order or fulfilment CANCELED   → nothing to update (its payment may still need its refund)
//   fulfilment COMPLETED (shipped) → terminal target_rejected: the parcel left, that is a return now
//   none found                     → status nothing_to_cancel (the release never reached Square)
// A paid order (the release records the channel's payment, store-payment.ts): Square refuses
// `state: CANCELED` once a payment was processed, refunded or not ("Orders cannot be canceled
// after payments have been processed"); cancelling its fulfilment is what takes it off the store's
// order list. So only the fulfilment is cancelled (the order stays OPEN), then the external payment
// is refunded (RefundPayment), which takes the sale back out of the store's reports.
// Repeating it is harmless: Square's idempotency_key is the command's key and the Square order (the
// payment for a refund), and a retry finds the fulfilment CANCELED and the payment refunded.
//
// Weft's cancellation marks itself, in the same UpdateOrder: the fulfilment's
// `shipment_details.cancel_reason` "Cancelled by Weft: <why>" (what the store's staff read; public)
// and the order's metadata `weft_cancelled` = the command id (private to Weft's application, no
// clerk can write it). A store cancelling the fulfilment itself (the parcel cannot be found or is
// damaged) leaves neither, and the inbound side reports that as weft.order.release_rejected.v1
// (inbound/store-rejection.mapping.ts); Weft's own cancellation is not a rejection. A fulfilment the
// store cancelled already is not updated again: it keeps the store's reason.

/** Square's idempotency key of the UpdateOrder that cancels one Square order for one command. */
export function cancelKeyOf(idempotencyKey: string, squareOrderId: string): string {
  return `${idempotencyKey}:${squareOrderId}:cancel`;
}

/** Why Weft cancels, as the Square order says it (after the "Cancelled by Weft: " prefix). */
export interface CancelMark {
  /** The cancelOrder command's id: the order's `weft_cancelled` metadata. */
  commandId: string;
  /** Why, for the store's staff (`customer request, ord_…`). */
  why: string;
}

// Metadata keys an application may write (Square's own are namespaced with ':' and read-only).
const WRITABLE_KEY = /^[a-zA-Z0-9_-]{1,60}$/;

/**
 * The UpdateOrder body that cancels a Square order Weft created: its shipment fulfilment, and the
 * order itself unless it is paid (Square refuses to cancel an order with a processed payment), with
 * Weft's marks. The order's metadata is sent whole (Weft's entries and the mark), so the result is
 * the same whether Square merges a sparse metadata map or replaces it.
 */
export function cancelBody(order: Record<string, unknown>, idempotencyKey: string, mark: CancelMark): Record<string, unknown> {
  const shipment = shipmentFulfilmentOf(order);
  const paid = tendersOf(order).length > 0;
  const metadata = Object.fromEntries(Object.entries(metadataOf(order)).filter(([key]) => WRITABLE_KEY.test(key)));
  return {
    idempotency_key: cancelKeyOf(idempotencyKey, String(order.id)),
    order: {
      location_id: order.location_id,
      version: order.version,
      ...(paid ? {} : { state: 'CANCELED' }),
      metadata: { ...metadata, [WEFT_METADATA.cancelledBy]: mark.commandId },
      ...(shipment === undefined ? {} : { fulfillments: [{ uid: shipment.fulfillment.uid, state: 'CANCELED', shipment_details: { cancel_reason: weftCancelReason(mark.why) } }] }),
    },
  };
}

/** Why Weft cancels, for the cancel_reason: the event's reason (`customer_request` → "customer request") and the order. */
export function cancelWhy(orderId: string, reason: string | undefined): string {
  return `${reason === undefined ? 'order withdrawn' : reason.replace(/_/g, ' ')}, ${orderId}`;
}

/** The cancelOrder action of a Square target. */
export function cancelOrderAction(api: SquareApiSettings & SquareTargetSettings, keyOf: (commandId: string) => string): ConnectorAction {
  // The Square locations to search: those of the groups the Order names, else every configured store.
  function searchLocations(order: ReturnType<typeof cancellationOf>['order']): string[] {
    if (order === undefined) return [...new Set(Object.values(api.locations))];
    const groups = order.fulfilmentGroups.filter((group) => releasable(group, api) && group.locationId !== undefined);
    return [...new Set(groups.flatMap((group) => api.locations[group.locationId as string] ?? []))];
  }

  async function find(context: ActionContext): Promise<Record<string, unknown>[]> {
    const { command } = context;
    const { orderId, order } = cancellationOf(command);
    const found = new Map<string, Record<string, unknown>>();
    for (const id of await context.xrefs.externalIds(orderId, command.target)) {
      const linked = await retrieveOrder(context, api, id);
      if (linked !== undefined) found.set(id, linked);
    }
    // With the Order, every group it releases must be accounted for; with only its id, one live
    // linked Square order is the whole release (only a single-order release is linked).
    const expected = order?.fulfilmentGroups.filter((group) => releasable(group, api) && group.locationId !== undefined && api.locations[group.locationId] !== undefined).map((group) => group.id);
    const live = [...found.values()].filter((o) => !isCancelled(o));
    const covered = expected === undefined ? live.length > 0 : expected.every((groupId) => live.some((o) => metadataOf(o)[WEFT_METADATA.groupId] === groupId));
    const locations = searchLocations(order);
    if (covered || locations.length === 0) return [...found.values()];
    const searched = await searchWeftOrders(context, api, { orderId, squareLocationIds: locations, pages: api.cancelSearchPages });
    for (const o of searched.orders) found.set(String(o.id), o);
    const all = [...found.values()];
    const missing = expected === undefined ? all.length === 0 : expected.some((groupId) => !all.some((o) => metadataOf(o)[WEFT_METADATA.groupId] === groupId));
    if (!searched.complete && missing) throw searchIncomplete(command, orderId, api.cancelSearchPages);
    return all;
  }

  return {
    description: 'Cancels the Square order(s) a release created for a Weft order (weft.order.cancelled.v1 or the whole Order; weft.order.release_rejected.v1: only that parcel\'s): the SHIPMENT fulfilment (and an unpaid order) set to CANCELED and marked as Weft\'s (cancel_reason "Cancelled by Weft: …", metadata weft_cancelled), the external payment of a paid one refunded; refused once the store shipped',
    idempotency: 'key',
    priority: 'urgent',
    async run(context: ActionContext): Promise<ActionResult> {
      const { command } = context;
      const { orderId, reason, groupId } = cancellationOf(command);
      const mark: CancelMark = { commandId: command.id, why: cancelWhy(orderId, reason) };
      const orders = (await find(context)).filter((o) => groupId === undefined || metadataOf(o)[WEFT_METADATA.groupId] === groupId);
      if (orders.length === 0) {
        context.log.info({ command: command.id }, 'no Square order was created for this order (the release never reached Square); nothing to cancel');
        return { status: 'nothing_to_cancel' };
      }
      const cancelled: string[] = [];
      const already: string[] = [];
      const shipped: string[] = [];
      for (const order of orders) {
        const id = String(order.id);
        const withdrawn = isCancelled(order);
        // Cancelled first: a paid order whose fulfilment is cancelled may still be refunded; only then shipped or closed.
        if (!withdrawn && (isShipped(order) || order.state === 'COMPLETED')) {
          shipped.push(id);
          continue;
        }
        if (!withdrawn) {
          const path = `/v2/orders/${encodeURIComponent(id)}`;
          await send(context.http, api, buildRequest(api, 'PUT', path, cancelBody(order, context.idempotencyKey, mark)), 'PUT /v2/orders/{order_id}', () => context.clock.now(), context.signal);
        }
        // After the fulfilment: a refund changes the order's version, which the update above needed.
        const { refunded } = tendersOf(order).length === 0 ? { refunded: [] } : await refundStorePayments(context, api, order);
        (withdrawn && refunded.length === 0 ? already : cancelled).push(id);
      }
      if (shipped.length > 0) {
        const done = cancelled.length === 0 ? '' : ` (${cancelled.join(', ')} cancelled)`;
        throw new TargetError('target_rejected', `${command.target}.${command.action}: Square order ${shipped.join(', ')} is already shipped (or closed) by the store${done}; a cancellation after shipping is a return, not an undo: start a return instead`);
      }
      return { targetId: [...cancelled, ...already].join(','), status: cancelled.length > 0 ? 'cancelled' : 'already_cancelled' };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      const { orderId, order, reason } = cancellationOf(command);
      // Which orders there are only the cross-reference map or the search can tell; show both reads.
      const requests = [previewOf(buildRequest(api, 'GET', '/v2/orders/{order_id of each Square order linked to the Weft order}'))];
      const locations = searchLocations(order).slice(0, 10);
      if (locations.length > 0) requests.push(previewOf(searchRequest(api, locations, searchSince(orderId), undefined)));
      const put = previewOf(buildRequest(api, 'PUT', '/v2/orders/{order_id}', {}));
      requests.push({ ...put, body: JSON.stringify(cancelBody({ id: '<order_id>', location_id: '<location_id>', version: '<version>', metadata: { [WEFT_METADATA.orderId]: orderId, [WEFT_METADATA.groupId]: '<group id>', [WEFT_METADATA.locationId]: '<location id>' }, fulfillments: [{ uid: '<shipment fulfilment uid>', type: 'SHIPMENT' }] }, keyOf(command.id), { commandId: command.id, why: cancelWhy(orderId, reason) })) });
      // A paid order: its fulfilment only (no state), then the refund of each external payment on it.
      requests.push(previewOf(buildRequest(api, 'GET', '/v2/payments/{payment_id of each tender of a paid order}')));
      requests.push(previewOf(buildRequest(api, 'POST', '/v2/refunds', refundBody({ id: '<payment_id>', amount: { amount: '<total_money − refunded_money of the payment>', currency: '<currency>' } }, 'Weft withdrew <order id> from this store (ship from store cancelled)', keyOf(command.id)))));
      return requests;
    },
  };
}
