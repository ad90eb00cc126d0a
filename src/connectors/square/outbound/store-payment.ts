import { createHash } from 'node:crypto';
import type { Order } from '../../../domain/order/order.schema.ts';
import { TargetError } from '../../../errors/index.ts';
import type { ActionContext } from '../../sdk/index.ts';
import { buildRequest, send, type SquareApiSettings, type SquareRequest } from '../client.ts';
import { WEFT_METADATA, WEFT_PAYMENT_SOURCE_TYPE, metadataOf } from '../weft-orders.ts';
import { invalid } from './command.ts';

// Paying the Square orders Weft releases to the stores, and refunding them when Weft withdraws them.
// Square shows an order with a fulfilment in the Dashboard and in Square POS only once it is paid;
// the channel took the money, so Weft records that as an EXTERNAL payment (CreatePayment,
// source_id "EXTERNAL", external_details {type EXTERNAL, source: the channel}) of the order's
// total as Square computed it, with autocomplete: the payment is COMPLETED, the order gets its
// tender, and it stays OPEN until its fulfilment completes. PayOrder is not needed: it collects
// payments created with autocomplete false (or settles a 0 total).
// The payment books the parcel as a sale at the store; withdrawing it refunds the payment
// (RefundPayment records the refund of an external payment; no money moves in Square).
//
// Idempotency: Square keeps CreatePayment and RefundPayment keys to 45 characters, and Weft's command
// key (`weft-<command id>`) with a group or payment id appended is longer, so the key is a digest
// of the two: every attempt of a command sends the same key. A repeat under another command is
// caught by reading first: an order with a tender is not paid again, a payment refunded in full is
// not refunded again.

/** A JSON object. */
type Json = Record<string, unknown>;

/** Square's Money. */
interface SqMoney {
  amount: number;
  currency: string;
}

/** Square's longest idempotency_key for CreatePayment and RefundPayment. */
export const PAYMENT_KEY_MAX = 45;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const moneyOf = (value: unknown): SqMoney | undefined => (isObject(value) && Number.isSafeInteger(value.amount) && typeof value.currency === 'string' ? { amount: value.amount as number, currency: value.currency } : undefined);

function digestKey(prefix: string, parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\n')).digest('base64url');
  return `${prefix}${digest.slice(0, PAYMENT_KEY_MAX - prefix.length)}`;
}

/** Square's idempotency key of the external payment of one group's Square order, for one command (45 characters). */
export function payKeyOf(idempotencyKey: string, groupId: string): string {
  return digestKey('weft-pay-', [idempotencyKey, groupId]);
}

/** Square's idempotency key of the refund of one payment, for one command (45 characters). */
export function refundKeyOf(idempotencyKey: string, paymentId: string): string {
  return digestKey('weft-rfd-', [idempotencyKey, paymentId]);
}

/** The tenders (payments) on a Square order. */
export function tendersOf(order: Json): Json[] {
  return Array.isArray(order.tenders) ? order.tenders.filter(isObject) : [];
}

/**
 * Whether a Square order still needs Weft's payment: `unpaid` when something is due and nobody
 * paid; `paid` when it has a tender (Weft's, or one the store took) or nothing is due;
 * `nothing_due` when its total is 0 (CreatePayment takes no 0 amount; see the README).
 */
export function paymentStateOf(order: Json): 'unpaid' | 'paid' | 'nothing_due' {
  const total = moneyOf(order.total_money);
  if (tendersOf(order).length > 0) return 'paid';
  if (total?.amount === 0) return 'nothing_due';
  const due = moneyOf(order.net_amount_due_money);
  return due !== undefined && due.amount === 0 ? 'paid' : 'unpaid';
}

/** The channel's own reference of the money it took: the first captured (else any) payment's provider reference. */
function channelReference(order: Order): string | undefined {
  const payments = [...order.payments].sort((a, b) => Number(b.status === 'captured') - Number(a.status === 'captured'));
  return payments.find((payment) => payment.providerReference !== undefined)?.providerReference;
}

/**
 * The CreatePayment body that records the channel's payment of one group's Square order: EXTERNAL,
 * the order's total as Square computed it, the channel (`originSystem`) as the source.
 */
export function externalPaymentBody(order: Order, squareOrder: Json, groupId: string, idempotencyKey: string): Json {
  const total = moneyOf(squareOrder.total_money) ?? { amount: '<total_money of the Square order>', currency: '<currency>' };
  const reference = channelReference(order);
  return {
    idempotency_key: payKeyOf(idempotencyKey, groupId),
    source_id: 'EXTERNAL',
    amount_money: total,
    order_id: squareOrder.id,
    location_id: squareOrder.location_id,
    autocomplete: true,
    // What the customer quotes, as on the order; Square takes at most 40 characters.
    reference_id: order.orderNumber.length <= 40 ? order.orderNumber : order.id,
    note: `${order.channel} order ${order.orderNumber}, paid at ${order.originSystem}; shipped from this store for Weft order ${order.id}`.slice(0, 500),
    external_details: {
      // "A third-party application gathered this payment outside of Square."
      type: 'EXTERNAL',
      source: order.originSystem.slice(0, 255),
      ...(reference === undefined ? {} : { source_id: reference.slice(0, 255) }),
    },
  };
}

/** The CreatePayment request of one group's external payment. */
export function paymentRequest(api: SquareApiSettings, body: Json): SquareRequest {
  return buildRequest(api, 'POST', '/v2/payments', body);
}

/**
 * Pays one group's Square order with an external payment unless it is paid already (or owes
 * nothing). `squareOrder` must be current: an order read before the payment of an earlier attempt
 * would be paid again under another key only if Square forgot this one.
 */
export async function payStoreOrder(context: ActionContext, api: SquareApiSettings, order: Order, squareOrder: Json, groupId: string): Promise<{ status: 'paid' | 'already_paid' | 'nothing_due'; paymentId?: string }> {
  const state = paymentStateOf(squareOrder);
  if (state === 'paid') return { status: 'already_paid' };
  if (state === 'nothing_due') {
    context.log.warn({ squareOrderId: squareOrder.id, groupId }, 'the Square order totals 0: not paid, so the store does not see it in Square (PayOrder is not used)');
    return { status: 'nothing_due' };
  }
  if (moneyOf(squareOrder.total_money) === undefined) {
    throw new TargetError('target_unavailable', `${context.command.target}.${context.command.action}: Square answered order ${String(squareOrder.id)} without a total_money to pay; retried`);
  }
  const body = externalPaymentBody(order, squareOrder, groupId, context.idempotencyKey);
  const answer = (await send(context.http, api, paymentRequest(api, body), 'POST /v2/payments', () => context.clock.now(), context.signal)) as { payment?: { id?: unknown; status?: unknown } };
  if (typeof answer.payment?.id !== 'string') throw invalid(context.command, `Square answered the payment of Square order ${String(squareOrder.id)} without an id`);
  context.log.info({ squareOrderId: squareOrder.id, groupId, paymentId: answer.payment.id, status: answer.payment.status }, 'the Square order is paid with an external payment of the channel');
  return { status: 'paid', paymentId: answer.payment.id };
}

/** The RefundPayment body that refunds what is left of one payment. */
export function refundBody(payment: { id: string; amount: SqMoney | { amount: string; currency: string } }, reason: string, idempotencyKey: string): Json {
  return { idempotency_key: refundKeyOf(idempotencyKey, payment.id), payment_id: payment.id, amount_money: payment.amount, reason: reason.slice(0, 192) };
}

/**
 * Refunds the external payments on a Square order Weft withdraws: each tender's payment is read
 * (GetPayment) and, when it is an EXTERNAL payment, COMPLETED and not refunded in full, refunded
 * for what is left. Payments the store took itself (card, cash) are not Weft's to refund: they
 * are kept and logged. Returns the refund ids and the payments kept.
 */
export async function refundStorePayments(context: ActionContext, api: SquareApiSettings, squareOrder: Json): Promise<{ refunded: string[]; kept: string[] }> {
  const refunded: string[] = [];
  const kept: string[] = [];
  const weftOrderId = metadataOf(squareOrder)[WEFT_METADATA.orderId] ?? 'its order';
  for (const tender of tendersOf(squareOrder)) {
    const paymentId = typeof tender.payment_id === 'string' ? tender.payment_id : typeof tender.id === 'string' ? tender.id : undefined;
    if (paymentId === undefined) continue;
    const read = (await send(context.http, api, buildRequest(api, 'GET', `/v2/payments/${encodeURIComponent(paymentId)}`), 'GET /v2/payments/{payment_id}', () => context.clock.now(), context.signal)) as { payment?: unknown };
    const payment = isObject(read.payment) ? read.payment : {};
    const total = moneyOf(payment.total_money) ?? moneyOf(payment.amount_money);
    if (payment.source_type !== WEFT_PAYMENT_SOURCE_TYPE || payment.status !== 'COMPLETED' || total === undefined) {
      context.log.warn({ squareOrderId: squareOrder.id, paymentId, sourceType: payment.source_type, status: payment.status }, 'a payment on the Square order is not an external one Weft recorded (or not completed): not refunded by Weft');
      kept.push(paymentId);
      continue;
    }
    const left = total.amount - (moneyOf(payment.refunded_money)?.amount ?? 0);
    if (left <= 0) continue;
    const reason = `Weft withdrew ${weftOrderId} from this store (ship from store cancelled)`;
    const body = refundBody({ id: paymentId, amount: { amount: left, currency: total.currency } }, reason, context.idempotencyKey);
    const answer = (await send(context.http, api, buildRequest(api, 'POST', '/v2/refunds', body), 'POST /v2/refunds', () => context.clock.now(), context.signal)) as { refund?: { id?: unknown; status?: unknown } };
    if (typeof answer.refund?.id !== 'string') throw invalid(context.command, `Square answered the refund of payment ${paymentId} without an id`);
    context.log.info({ squareOrderId: squareOrder.id, paymentId, refundId: answer.refund.id, status: answer.refund.status }, 'the external payment of the withdrawn Square order is refunded');
    refunded.push(answer.refund.id);
  }
  return { refunded, kept };
}
