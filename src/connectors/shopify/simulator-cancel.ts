// orderCancel in the simulated shop: the look-up node the cancelOrder action reads (cancelledAt,
// cancelReason, display statuses), and the mutation itself. It refuses what Shopify documents it
// refuses (an unknown or already cancelled order, one with fulfilments, one whose authorisation is
// still pending; the wording is the simulator's), else cancels at once while the Job it answers
// says not done (as Shopify's usually does), refunds or voids the money (simulator-payments.ts),
// cancels the open fulfillment orders and hands back the orders/cancelled body to send.

import { randomUUID } from 'node:crypto';
import { cancelPayments, hasPendingAuthorization, type SimCancelMoney, type SimPayments } from './simulator-payments.ts';

/** What an orderCancel was asked, and what it did to the money (minor units). */
export interface SimCancellation extends SimCancelMoney {
  staffNote: string | null;
  restock: boolean;
  notifyCustomer: boolean;
  /** refundMethod.originalPaymentMethodsRefund. */
  refundToOriginal: boolean;
  jobId: string;
}

/** The parts of a simulated order a cancellation reads and changes. */
export interface CancellableOrder {
  id: string;
  fulfillmentOrders: { status: string; lines: { remaining: number }[] }[];
  fulfillments: unknown[];
  payments: SimPayments;
  cancelledAt: string | null;
  cancelReason: string | null;
  cancellation: SimCancellation | null;
  /** The REST body of orders/create. */
  payload: Record<string, unknown>;
}

/** OrderCancelReason's values; anything else fails variable coercion, as on Shopify. */
const CANCEL_REASONS = new Set(['CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'OTHER', 'STAFF']);

/** Order.displayFulfillmentStatus as far as the simulator knows it. */
function fulfillmentStatusOf(order: CancellableOrder): string {
  if (order.fulfillments.length === 0) return 'UNFULFILLED';
  return order.fulfillmentOrders.every((fo) => fo.lines.every((line) => line.remaining === 0)) ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
}

/** The order as WeftOrderCancelState selects it. */
export function cancelStateNode(order: CancellableOrder): Record<string, unknown> {
  return {
    id: `gid://shopify/Order/${order.id}`,
    cancelledAt: order.cancelledAt,
    cancelReason: order.cancelReason,
    displayFinancialStatus: order.payments.financialStatus,
    displayFulfillmentStatus: fulfillmentStatusOf(order),
  };
}

const invalidVariable = (name: string, type: string) => ({ errors: [{ message: `Variable $${name} of type ${type} was provided invalid value`, extensions: { code: 'INVALID_VARIABLE' } }] });

/**
 * Runs orderCancel on `order` (undefined: no such order): the GraphQL answer, and the
 * orders/cancelled body when the order was cancelled.
 */
export function cancelOn(order: CancellableOrder | undefined, variables: Record<string, unknown>, deps: { nextId: () => string; now: () => number }): { answer: unknown; webhook?: Record<string, unknown> } {
  if (typeof variables.reason !== 'string' || !CANCEL_REASONS.has(variables.reason)) return { answer: invalidVariable('reason', 'OrderCancelReason!') };
  if (typeof variables.restock !== 'boolean') return { answer: invalidVariable('restock', 'Boolean!') };
  const fail = (code: string, message: string) => ({ answer: { data: { orderCancel: { job: null, orderCancelUserErrors: [{ field: ['orderId'], message, code }], userErrors: [{ field: ['orderId'], message }] } } } });
  if (order === undefined) return fail('NOT_FOUND', 'Order does not exist.');
  if (order.cancelledAt !== null) return fail('INVALID', 'Order has already been cancelled.');
  if (order.fulfillments.length > 0) return fail('INVALID', 'Cannot cancel an order that has fulfillments.');
  if (hasPendingAuthorization(order.payments)) return fail('INVALID', 'Cannot cancel an order with a pending payment authorization.');
  const refundMethod = (variables.refundMethod ?? null) as { originalPaymentMethodsRefund?: unknown } | null;
  const refundToOriginal = refundMethod?.originalPaymentMethodsRefund === true;
  const money = cancelPayments(order.payments, refundToOriginal, deps.nextId);
  const at = new Date(deps.now()).toISOString();
  const jobId = `gid://shopify/Job/${randomUUID()}`;
  order.cancelledAt = at;
  order.cancelReason = variables.reason;
  order.cancellation = { ...money, staffNote: typeof variables.staffNote === 'string' ? variables.staffNote : null, restock: variables.restock, notifyCustomer: variables.notifyCustomer !== false, refundToOriginal, jobId };
  for (const fo of order.fulfillmentOrders) if (fo.status !== 'CLOSED') fo.status = 'CANCELLED';
  // The REST payload writes times with an offset and enum values in lower case (cancel_reason "inventory").
  const restAt = at.replace(/\.\d{3}Z$/, '+00:00');
  const webhook = { ...order.payload, cancelled_at: restAt, cancel_reason: variables.reason.toLowerCase(), closed_at: restAt, updated_at: restAt, financial_status: order.payments.financialStatus.toLowerCase() };
  return { answer: { data: { orderCancel: { job: { id: jobId, done: false }, orderCancelUserErrors: [], userErrors: [] } } }, webhook };
}
