// cancelOrder: cancels at Shopify an order Weft cancelled (a pick-up not collected in time, no
// stock, a person's decision on a held order), through orderCancel, so the customer gets the money
// back: `refundMethod: {originalPaymentMethodsRefund: true}` refunds what was captured to the
// original payment methods, and Shopify voids an authorisation that was never captured whatever the
// refund method. Takes weft.order.cancelled.v1 {orderId, reason, note?, occurredAt}, as
// order-to-cash sends it to channels that have this action.
//
// `restock: false`: Weft owns the stock. It releases the order's reservation itself and publishes
// availability to Shopify (setInventory); a Shopify restock on top would count the units twice.
//
// Finding the order: as capturePayment (order-lookup.ts), the cross-reference of its orders/create
// webhook, else its `weft:` tag.
//
// Idempotency is 'lookup': orderCancel has no @idempotent key, so the order's `cancelledAt` is read
// first and an order already cancelled (by this command's earlier attempt, or by staff in Shopify
// admin) is `already_cancelled` with nothing sent. orderCancel is asynchronous: it answers a Job,
// and the action answers `cancel_requested` with the job id without waiting for it (`cancelled`
// when Shopify says the job is already done). The outcome comes back on its own: orders/cancelled
// (and refunds/create for the refund) through the Shopify source.
//
// What Shopify refuses (a fulfilled order, returns in progress, a pending authorisation, no refund
// permission) comes back as orderCancelUserErrors: terminal target_rejected with Shopify's message,
// except INTERNAL_ERROR (retryable). Before calling it a refusal the order is read once more: a
// retry that raced its own earlier job finds the order cancelled and answers `already_cancelled`.

import { InputError, TargetError } from '../../../errors/index.ts';
import type { OrderCancelled } from '../../../domain/order/events.ts';
import type { ActionCommand, ActionContext, ActionResult, ConnectorAction, RequestPreview } from '../../sdk/index.ts';
import { errorForUserErrors, type GraphqlOperation, type ShopifyClient, type UserError } from '../client.ts';
import { eventOf, weftOrderTag } from './command.ts';
import { noteOf } from './note-order.action.ts';
import { findLinkedOrder } from './order-lookup.ts';

/** Event types cancelOrder takes. */
export const CANCEL_ORDER_EVENTS = ['weft.order.cancelled.v1'] as const;

/** Shopify's OrderCancelReason values. */
export type ShopifyCancelReason = 'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'OTHER' | 'STAFF';

/**
 * Weft's cancellation reason → Shopify's OrderCancelReason. Shopify has no "not collected" or
 * "address invalid"; its STAFF means "staff made an error", which neither is, so both are OTHER
 * (the staff note says which). A reason newer than this table is OTHER too.
 */
export const SHOPIFY_CANCEL_REASONS: Readonly<Record<OrderCancelled['reason'], ShopifyCancelReason>> = {
  customer_request: 'CUSTOMER',
  payment_declined: 'DECLINED',
  fraud: 'FRAUD',
  out_of_stock: 'INVENTORY',
  not_collected: 'OTHER',
  address_invalid: 'OTHER',
  other: 'OTHER',
};

/** What cancelOrder needs from its target. */
export interface CancelOrderDeps {
  client: ShopifyClient;
  target: string;
  /** The source name the shop's order ids are linked under in the cross-reference map. */
  system: string;
}

/** The order as the look-up reads it. */
export interface CancelStateNode {
  id: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string | null;
}

const CANCEL_STATE = 'id cancelledAt cancelReason displayFinancialStatus displayFulfillmentStatus';

const ORDER_CANCEL_STATE = `query WeftOrderCancelState($id: ID!) {
  order(id: $id) { ${CANCEL_STATE} }
}`;

const FIND_ORDER_CANCEL_STATE = `query WeftFindOrderCancelState($query: String!) {
  orders(first: 2, query: $query) { nodes { ${CANCEL_STATE} } }
}`;

// Variables are declared non-null: a non-null variable fits a nullable argument as well, so this
// holds whichever of them Shopify's schema makes required. `refundMethod` replaced the boolean
// `refund` in 2025-07 (deprecated there).
const ORDER_CANCEL = `mutation WeftCancelOrder($orderId: ID!, $reason: OrderCancelReason!, $refundMethod: OrderCancelRefundMethodInput!, $restock: Boolean!, $notifyCustomer: Boolean!, $staffNote: String!) {
  orderCancel(orderId: $orderId, reason: $reason, refundMethod: $refundMethod, restock: $restock, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}`;

/** Longest staff note sent. Shopify documents no limit for it; 255 is a conservative guess, and Weft's note is cut, not refused. */
export const MAX_STAFF_NOTE = 255;

/** What one command asks to cancel. */
interface CancelRequest {
  orderId: string;
  reason: ShopifyCancelReason;
  staffNote: string;
}

/** The order's cancellation state looked up by the Shopify order id. */
export function orderCancelStateOperation(orderGid: string): GraphqlOperation {
  return { name: 'WeftOrderCancelState', query: ORDER_CANCEL_STATE, variables: { id: orderGid }, estimatedCost: 2 };
}

/** The order's cancellation state looked up by Weft's tag. */
export function findOrderCancelStateOperation(orderId: string): GraphqlOperation {
  return { name: 'WeftFindOrderCancelState', query: FIND_ORDER_CANCEL_STATE, variables: { query: `tag:${JSON.stringify(weftOrderTag(orderId))}` }, estimatedCost: 4 };
}

/** The orderCancel mutation: refund to the original payment methods, no restock, the customer notified. */
export function orderCancelOperation(orderGid: string, request: Pick<CancelRequest, 'reason' | 'staffNote'>): GraphqlOperation {
  return {
    name: 'WeftCancelOrder',
    query: ORDER_CANCEL,
    variables: { orderId: orderGid, reason: request.reason, refundMethod: { originalPaymentMethodsRefund: true }, restock: false, notifyCustomer: true, staffNote: request.staffNote },
    estimatedCost: 10,
  };
}

/** The staff note of a cancellation: what noteOrder would write, cut to MAX_STAFF_NOTE. */
export function staffNoteOf(data: Record<string, unknown>): string {
  const note = noteOf('weft.order.cancelled.v1', data);
  return note.length <= MAX_STAFF_NOTE ? note : `${note.slice(0, MAX_STAFF_NOTE - 1)}…`;
}

function requestOf(command: ActionCommand, target: string): CancelRequest {
  const { data } = eventOf(command, CANCEL_ORDER_EVENTS, `${target}.cancelOrder`);
  const invalid = (pointer: string, message: string) => new InputError('command_invalid', `${target}.cancelOrder: ${pointer} ${message}`, { problems: [{ pointer, message }] });
  if (typeof data.orderId !== 'string' || !data.orderId.startsWith('ord_')) throw invalid('/orderId', `must be a Weft order id, got ${JSON.stringify(data.orderId) ?? 'nothing'}`);
  if (typeof data.reason !== 'string') throw invalid('/reason', 'must be a cancellation reason');
  const reason = (SHOPIFY_CANCEL_REASONS as Record<string, ShopifyCancelReason>)[data.reason] ?? 'OTHER';
  return { orderId: data.orderId, reason, staffNote: staffNoteOf(data) };
}

/** Builds the cancelOrder action of a target. */
export function createCancelOrderAction(deps: CancelOrderDeps): ConnectorAction {
  const what = `WeftCancelOrder to ${deps.target}`;
  const lookup = { byId: orderCancelStateOperation, byTag: findOrderCancelStateOperation };

  return {
    description: 'Cancels the order at Shopify (orderCancel: refund to the original payment methods, authorisations voided, no restock, customer notified) from weft.order.cancelled.v1; order found by its cross-reference or weft: tag, an order already cancelled is already_cancelled.',
    idempotency: 'lookup',
    priority: 'urgent',
    async run(context: ActionContext): Promise<ActionResult> {
      const request = requestOf(context.command, deps.target);
      const order = await findLinkedOrder<CancelStateNode>(deps, context, request.orderId, lookup);
      if (order.cancelledAt !== null) return { targetId: order.id, status: 'already_cancelled' };
      const data = await deps.client.run<{ orderCancel: { job: { id: string; done: boolean } | null; orderCancelUserErrors: UserError[] } }>(orderCancelOperation(order.id, request), context.signal);
      const refused = errorForUserErrors(data.orderCancel.orderCancelUserErrors, what);
      if (refused !== undefined) {
        // A retry whose first attempt's job was still running is refused as already cancelled by now.
        if (!refused.retryable) {
          const again = await deps.client.run<{ order: CancelStateNode | null }>(orderCancelStateOperation(order.id), context.signal);
          if (again.order?.cancelledAt) return { targetId: order.id, status: 'already_cancelled' };
        }
        throw refused;
      }
      const job = data.orderCancel.job;
      if (job === null) throw new TargetError('target_unavailable', `${what}: Shopify answered without a job or orderCancelUserErrors`, { targetStatus: 200 });
      context.log.info({ target: deps.target, orderId: request.orderId, shopifyOrder: order.id, job: job.id, financialStatus: order.displayFinancialStatus, fulfillmentStatus: order.displayFulfillmentStatus, reason: request.reason }, 'Shopify order cancellation requested');
      return { targetId: job.id, status: job.done ? 'cancelled' : 'cancel_requested' };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      const request = requestOf(command, deps.target);
      // Which lookup runs depends on the cross-reference map, which a dry run does not read: both are shown.
      return [
        deps.client.preview(orderCancelStateOperation(`<Shopify order linked to ${request.orderId}>`)),
        deps.client.preview(findOrderCancelStateOperation(request.orderId)),
        deps.client.preview(orderCancelOperation('<order found by the lookup>', request)),
      ];
    },
  };
}
