import { toUtc, type InboundMapping } from '../../sdk/index.ts';
import { dataObject, envelopeOf, money, obj, optStr, str } from './read.ts';

// Square refund.created / refund.updated (PaymentRefund) → weft.refund.issued.v1 when COMPLETED,
// weft.refund.failed.v1 when FAILED or REJECTED; PENDING is ignored. Square's refund names the
// payment and the order but not the lines (those are on the return order, if any), so the whole
// amount is an `adjustment` and tax is 0: the amount adds up, the line split is the returns
// process's to record. Each refund is issued or failed once (Square repeats refund.updated): its events carry one key per
// refund, so the hub keeps the first.

/** refund.created / refund.updated → weft.refund.issued.v1 / weft.refund.failed.v1. */
export const refundMapping: InboundMapping = {
  description: 'refund.created / refund.updated → weft.refund.issued.v1 (COMPLETED) or weft.refund.failed.v1 (FAILED, REJECTED), once per refund',
  async map(payload, context) {
    const { envelope } = envelopeOf(payload);
    const at = '/data/object/refund';
    const refund = obj(dataObject(envelope).refund, at);
    const squareId = str(refund.id, `${at}/id`);
    const status = str(refund.status, `${at}/status`);
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
