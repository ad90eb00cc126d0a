import { MappingError } from '../../../errors/index.ts';
import { toUtc, type InboundMapping, type MappedEvent, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import { describeWeftOrder, isWeftOrder, WEFT_PAYMENT_SOURCE_TYPE } from '../weft-orders.ts';
import { arr, dataObject, envelopeOf, isObject, money, obj, optStr, str, type Enrichment, type Json } from './read.ts';

// Square payment.created / payment.updated → the order's payment events, by Payment.status:
//   APPROVED   → weft.order.payment_authorized.v1 (payment.created only: the authorisation is news once)
//   COMPLETED  → weft.order.payment_captured.v1, once per payment (payment.created of a card-present
//                sale also emits payment_authorized first, so captured never exceeds authorised)
//   FAILED     → weft.order.payment_declined.v1, once per payment
//   PENDING    → ignored (nothing decided yet); CANCELED → ignored (a void: the catalogue has no event)
// Square sends payment.updated again for a COMPLETED payment when fees, tips or refunds change it;
// Each fact carries a key (`square:payment:<id>:captured`), so the hub keeps the first and drops repeats:
// the same money is never captured twice.
//
// Weft's own payments: the Square orders Weft releases to the stores (ship from store) are paid by
// Weft with an EXTERNAL payment recording the money the channel took. Those payments are not news:
// the channel's order has its payment already. An EXTERNAL payment's order is read by `enrich`, and
// when Weft created that order the payment is ignored with the reason. An EXTERNAL payment whose
// order was not read is a mapping error, not a guess.

interface PaymentFacts {
  payment: Json;
  squareId: string;
  orderId: string;
  at: string;
}

function timeline(payment: Json, key: string): unknown {
  const card = isObject(payment.card_details) ? payment.card_details : undefined;
  const line = card !== undefined && isObject(card.card_payment_timeline) ? card.card_payment_timeline : undefined;
  return line?.[key];
}

async function event(type: string, facts: PaymentFacts, context: MappingContext, amountKey: string, time: unknown, timePointer: string, extra: object = {}): Promise<MappedEvent> {
  const { payment, at } = facts;
  const occurredAt = toUtc(time, timePointer);
  const key = payment[amountKey] === undefined ? 'amount_money' : amountKey;
  const data = {
    orderId: facts.orderId,
    paymentId: await context.ids.ref('payment', facts.squareId),
    amount: money(payment[key], `${at}/${key}`),
    providerReference: facts.squareId,
    occurredAt,
    ...extra,
  };
  // One fact per payment and kind, however many deliveries report it.
  return { type, subject: facts.orderId, time: occurredAt, data, key: `square:payment:${facts.squareId}:${type.split('.')[2] ?? type}` };
}

function declineReason(payment: Json, at: string): string {
  const card = isObject(payment.card_details) ? payment.card_details : {};
  const [first] = arr(card.errors, `${at}/card_details/errors`) as unknown[];
  const code = isObject(first) ? optStr(first.code) : undefined;
  return code ?? optStr((card as Json).status) ?? 'FAILED';
}

/** Why an EXTERNAL payment is Weft's own (the order it pays is one Weft created), or undefined when it is not. */
function weftPayment(payment: Json, squareId: string, squareOrderId: string, enrichment: Enrichment | undefined): string | undefined {
  if (payment.source_type !== WEFT_PAYMENT_SOURCE_TYPE) return undefined;
  const order = enrichment?.order;
  if (order === undefined) {
    throw new MappingError(`Square payment ${squareId} is EXTERNAL and its order was not read`, [
      { pointer: '/data/object/payment/order_id', message: 'an EXTERNAL payment may be one Weft recorded on its own ship-from-store order; the source must enrich it with the order (RetrieveOrder) before mapping' },
    ]);
  }
  if (order.id !== squareOrderId || !isWeftOrder(order)) return undefined;
  const details = isObject(payment.external_details) ? payment.external_details : {};
  const source = optStr(details.source) ?? 'the channel';
  return `Square payment ${squareId} (EXTERNAL, source ${source}) pays ${describeWeftOrder(order)}: it records at the store the payment ${source} took, not a new payment`;
}

async function mapPayment(payload: unknown, context: MappingContext, created: boolean): Promise<MappingOutcome> {
  const { envelope, enrichment } = envelopeOf(payload);
  const at = '/data/object/payment';
  const payment = obj(dataObject(envelope).payment, at);
  const squareId = str(payment.id, `${at}/id`);
  const status = str(payment.status, `${at}/status`);
  const squareOrderId = optStr(payment.order_id);
  if (squareOrderId === undefined) return { kind: 'ignored', reason: `Square payment ${squareId} belongs to no order` };
  const weft = weftPayment(payment, squareId, squareOrderId, enrichment);
  if (weft !== undefined) return { kind: 'ignored', reason: weft };
  const facts: PaymentFacts = { payment, squareId, orderId: await context.ids.ref('order', squareOrderId), at };
  const createdAt = payment.created_at;
  const events: MappedEvent[] = [];

  if (status === 'APPROVED' || (status === 'COMPLETED' && created)) {
    if (!created) return { kind: 'ignored', reason: `Square payment ${squareId} is APPROVED; its authorisation was announced by payment.created` };
    const authorizedAt = timeline(payment, 'authorized_at');
    events.push(await event('weft.order.payment_authorized.v1', facts, context, 'approved_money', authorizedAt ?? createdAt, authorizedAt === undefined ? `${at}/created_at` : `${at}/card_details/card_payment_timeline/authorized_at`));
  }
  if (status === 'COMPLETED') {
    const capturedAt = timeline(payment, 'captured_at');
    events.push(await event('weft.order.payment_captured.v1', facts, context, 'total_money', capturedAt ?? payment.updated_at ?? createdAt, capturedAt === undefined ? `${at}/updated_at` : `${at}/card_details/card_payment_timeline/captured_at`));
  } else if (status === 'FAILED') {
    events.push(await event('weft.order.payment_declined.v1', facts, context, 'amount_money', payment.updated_at ?? createdAt, `${at}/updated_at`, { reason: declineReason(payment, at) }));
  } else if (status === 'PENDING' || status === 'CANCELED') {
    return { kind: 'ignored', reason: `Square payment ${squareId} is ${status}: ${status === 'PENDING' ? 'nothing decided yet' : 'a void, which the event catalogue has no event for'}` };
  }
  return events.length === 0 ? { kind: 'ignored', reason: `Square payment ${squareId} status ${status} maps to no event` } : { kind: 'events', events };
}

/** payment.created → payment_authorized (+ payment_captured when already COMPLETED) or payment_declined. */
export const paymentCreatedMapping: InboundMapping = {
  description: 'payment.created → weft.order.payment_authorized.v1 (+ payment_captured.v1 when COMPLETED) or payment_declined.v1',
  map: (payload, context) => mapPayment(payload, context, true),
};

/** payment.updated → payment_captured / payment_declined, once per payment. */
export const paymentUpdatedMapping: InboundMapping = {
  description: 'payment.updated → weft.order.payment_captured.v1 or payment_declined.v1, once per payment',
  map: (payload, context) => mapPayment(payload, context, false),
};
