import { MappingError } from '../../../errors/index.ts';
import { toUtc, type InboundMapping } from '../../sdk/index.ts';
import { describeWeftOrder, isWeftOrder, NON_EXTERNAL_REFUND_DESTINATIONS } from '../weft-orders.ts';
import { dataObject, envelopeOf, isObject, money, obj, optStr, str, type Enrichment, type Json } from './read.ts';

// Square refund.created / refund.updated (PaymentRefund) → weft.refund.issued.v1 when COMPLETED,
// weft.refund.failed.v1 when FAILED or REJECTED; PENDING is ignored. Square's refund names the
// payment and the order but not the lines (those are on the return order, if any), so the whole
// amount is an `adjustment` and tax is 0: the amount adds up, the line split is the returns
// process's to record. Each refund is issued or failed once (Square repeats refund.updated): its events carry one key per
// refund, so the hub keeps the first.
//
// Weft's own refunds: when Weft withdraws a ship-from-store order it refunds the EXTERNAL payment it
// recorded on it. That is not money back to a customer (the channel's order is cancelled on its
// own), so a refund whose payment (read by `enrich`) pays an order Weft created is ignored with the
// reason. A refund that may be of an EXTERNAL payment (destination EXTERNAL or not given) whose
// payment was not read is a mapping error, not a guess.

/** Why a refund is Weft's own (of its payment on an order Weft created), or undefined when it is not. */
function weftRefund(refund: Json, squareId: string, enrichment: Enrichment | undefined): string | undefined {
  const paymentId = optStr(refund.payment_id);
  if (paymentId === undefined || NON_EXTERNAL_REFUND_DESTINATIONS.has(String(refund.destination_type))) return undefined;
  if (enrichment?.payment === undefined) {
    throw new MappingError(`Square refund ${squareId} may be of an EXTERNAL payment, and its payment was not read`, [
      { pointer: '/data/object/refund/payment_id', message: 'a refund of an EXTERNAL payment may be Weft\'s own (ship from store); the source must enrich it with the payment and its order (GetPayment, RetrieveOrder) before mapping' },
    ]);
  }
  const { payment, order } = enrichment;
  if (order === undefined || !isObject(payment) || payment.id !== paymentId || order.id !== payment.order_id || !isWeftOrder(order)) return undefined;
  return `Square refund ${squareId} refunds payment ${paymentId} on ${describeWeftOrder(order)}: Weft refunded the channel's payment it had recorded there when it withdrew the parcel; it is not money back to a customer`;
}

/** refund.created / refund.updated → weft.refund.issued.v1 / weft.refund.failed.v1. */
export const refundMapping: InboundMapping = {
  description: 'refund.created / refund.updated → weft.refund.issued.v1 (COMPLETED) or weft.refund.failed.v1 (FAILED, REJECTED), once per refund',
  async map(payload, context) {
    const { envelope, enrichment } = envelopeOf(payload);
    const at = '/data/object/refund';
    const refund = obj(dataObject(envelope).refund, at);
    const squareId = str(refund.id, `${at}/id`);
    const status = str(refund.status, `${at}/status`);
    const weft = weftRefund(refund, squareId, enrichment);
    if (weft !== undefined) return { kind: 'ignored', reason: weft };
    if (status === 'PENDING') return { kind: 'ignored', reason: `Square refund ${squareId} is PENDING` };
    const squareOrderId = optStr(refund.order_id);
    if (squareOrderId === undefined) return { kind: 'ignored', reason: `Square refund ${squareId} names no order` };
    const id = await context.ids.ref('refund', squareId);
    const orderId = await context.ids.ref('order', squareOrderId);
    const paymentId = await context.ids.ref('payment', str(refund.payment_id, `${at}/payment_id`));
    const occurredAt = toUtc(refund.updated_at ?? refund.created_at, `${at}/updated_at`);
    if (status === 'FAILED' || status === 'REJECTED') {
      const reason = `Square refund ${status}${optStr(refund.reason) === undefined ? '' : `: ${String(refund.reason)}`}`.slice(0, 500);
      return { kind: 'events', events: [{ type: 'weft.refund.failed.v1', subject: id, time: occurredAt, data: { refundId: id, orderId, paymentId, reason, retryable: false, occurredAt }, key: `square:refund:${squareId}:final` }] };
    }
    if (status !== 'COMPLETED') return { kind: 'ignored', reason: `Square refund ${squareId} has status ${status}, which maps to no event` };
    const amount = money(refund.amount_money, `${at}/amount_money`);
    const zero = { amount: 0, currency: amount.currency };
    const data = {
      id,
      orderId,
      currency: amount.currency,
      pricesIncludeTax: false,
      amount,
      lines: [],
      shipping: zero,
      tax: zero,
      adjustment: amount,
      paymentId,
      providerReference: squareId,
      reason: 'other',
      status: 'succeeded',
      requestedAt: toUtc(refund.created_at, `${at}/created_at`),
      issuedAt: occurredAt,
      externalRefs: [{ system: context.system, id: squareId }],
    };
    return { kind: 'events', events: [{ type: 'weft.refund.issued.v1', subject: id, time: occurredAt, data, key: `square:refund:${squareId}:final` }] };
  },
};
