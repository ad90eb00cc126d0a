import type { SimResponse } from '../sdk/index.ts';
import { squareId, type SqMoney } from './simulator-orders.ts';

// The simulator's payments made through the API: CreatePayment recording an EXTERNAL payment
// (source_id "EXTERNAL" with external_details), on its own or against an order; RefundPayment;
// GetPayment. With an order, the amount must be what the order still owes; autocomplete (the
// default) completes the payment at once, adds its tender to the order and pays it: an order with
// a fulfilment still open stays OPEN (Square completes it once the fulfilment is done), one without
// becomes COMPLETED. autocomplete false leaves an APPROVED payment and the order unpaid (PayOrder
// and CompletePayment are not simulated). A refund of an external payment is a record: COMPLETED
// at once, on the payment (refunded_money) and on the order (refunds). Square also creates a
// return order for a refund; the simulator does not. Card, cash and other sources are refused:
// the simulator takes no card tokens. Idempotency keys are checked by the simulator's wrapper.

/** A JSON object. */
type Json = Record<string, unknown>;

/** What the payment book works on, owned by the simulator. */
export interface PaymentBookDeps {
  orders: Map<string, Json>;
  payments: Map<string, Json>;
  refunds: Map<string, Json>;
  locations: readonly { id: string; currency: string }[];
  iso(): string;
  error(status: number, detail: string, code?: string, field?: string): SimResponse;
}

/** ExternalPaymentDetails.type values Square documents. */
const EXTERNAL_TYPES = new Set(['CHECK', 'BANK_TRANSFER', 'OTHER_GIFT_CARD', 'CRYPTO', 'SQUARE_CASH', 'SOCIAL', 'EXTERNAL', 'EMONEY', 'CARD', 'STORED_BALANCE', 'FOOD_VOUCHER', 'OTHER']);
/** Square's longest idempotency_key for CreatePayment and RefundPayment. */
const KEY_MAX = 45;
const FINAL = new Set(['COMPLETED', 'CANCELED', 'FAILED']);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const moneyOf = (value: unknown): SqMoney | undefined => (isObject(value) && Number.isSafeInteger(value.amount) && typeof value.currency === 'string' ? { amount: value.amount as number, currency: value.currency } : undefined);

function tooLong(body: Json, limits: [string, number][], deps: PaymentBookDeps): SimResponse | undefined {
  for (const [field, max] of limits) {
    const value = field.split('.').reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), body);
    if (typeof value === 'string' && value.length > max) return deps.error(400, `Field must not be greater than ${max} length`, 'VALUE_TOO_LONG', field);
  }
  return undefined;
}

// A positive amount of money at `field`, or Square's 400.
function amountAt(body: Json, field: string, deps: PaymentBookDeps): SqMoney | SimResponse {
  if (body[field] === undefined) return deps.error(400, 'Field must be set', 'MISSING_REQUIRED_PARAMETER', field);
  const money = moneyOf(body[field]);
  if (money === undefined) return deps.error(400, 'Expected an amount in the smallest unit of the currency and a currency code.', 'INVALID_VALUE', field);
  if (money.amount <= 0) return deps.error(400, 'The amount must be greater than 0.', 'INVALID_VALUE', `${field}.amount`);
  return money;
}

/** What an order still owes: its net_amount_due_money, else its total less its tenders. */
export function amountDue(order: Json): number {
  const due = moneyOf(order.net_amount_due_money);
  if (due !== undefined) return due.amount;
  const tendered = (Array.isArray(order.tenders) ? order.tenders : []).reduce((sum: number, tender) => sum + (moneyOf(isObject(tender) ? tender.amount_money : undefined)?.amount ?? 0), 0);
  return (moneyOf(order.total_money)?.amount ?? 0) - tendered;
}

// The payment's tender on the order; the order is paid (OPEN while a fulfilment is open, else COMPLETED).
function tenderOrder(order: Json, payment: Json, amount: SqMoney, at: string): void {
  const due = amountDue(order) - amount.amount;
  const tenders = Array.isArray(order.tenders) ? (order.tenders as Json[]) : [];
  // Square's tender type of an external payment is not documented; OTHER is the catch-all.
  tenders.push({ id: payment.id, location_id: order.location_id, transaction_id: order.id, created_at: at, amount_money: amount, type: 'OTHER', payment_id: payment.id });
  order.tenders = tenders;
  order.net_amount_due_money = { amount: due, currency: amount.currency };
  const fulfillments = Array.isArray(order.fulfillments) ? (order.fulfillments as Json[]) : [];
  if ((order.net_amount_due_money as SqMoney).amount === 0 && fulfillments.every((f) => FINAL.has(String(f.state)))) {
    order.state = 'COMPLETED';
    order.closed_at = at;
  }
  order.version = (order.version as number) + 1;
  order.updated_at = at;
}

/** CreatePayment (POST /v2/payments) of a body whose idempotency was checked: an EXTERNAL payment, or Square's 400. */
export function createPayment(body: Json, deps: PaymentBookDeps): SimResponse {
  if (typeof body.idempotency_key === 'string' && body.idempotency_key.length > KEY_MAX) return deps.error(400, `Field must not be greater than ${KEY_MAX} length`, 'VALUE_TOO_LONG', 'idempotency_key');
  if (typeof body.source_id !== 'string' || body.source_id === '') return deps.error(400, 'Field must be set', 'MISSING_REQUIRED_PARAMETER', 'source_id');
  if (body.source_id !== 'EXTERNAL') return deps.error(400, `The simulator records EXTERNAL payments only; source_id ${body.source_id} is not one.`, 'INVALID_VALUE', 'source_id');
  const details = body.external_details;
  if (!isObject(details)) return deps.error(400, 'external_details must be set when source_id is EXTERNAL.', 'MISSING_REQUIRED_PARAMETER', 'external_details');
  for (const field of ['type', 'source']) {
    if (typeof details[field] !== 'string' || details[field] === '') return deps.error(400, 'Field must be set', 'MISSING_REQUIRED_PARAMETER', `external_details.${field}`);
  }
  if (!EXTERNAL_TYPES.has(details.type as string)) return deps.error(400, `Invalid external payment type ${String(details.type)}.`, 'INVALID_ENUM_VALUE', 'external_details.type');
  const long = tooLong(body, [['reference_id', 40], ['note', 500], ['external_details.source', 255], ['external_details.source_id', 255], ['external_details.type', 50]], deps);
  if (long !== undefined) return long;
  const amount = amountAt(body, 'amount_money', deps);
  if (!('amount' in amount)) return amount;
  const order = typeof body.order_id === 'string' ? deps.orders.get(body.order_id) : undefined;
  if (body.order_id !== undefined && order === undefined) return deps.error(400, `Order \`${String(body.order_id)}\` not found.`, 'NOT_FOUND', 'order_id');
  const locationId = typeof body.location_id === 'string' ? body.location_id : typeof order?.location_id === 'string' ? order.location_id : deps.locations[0]?.id;
  const location = deps.locations.find((l) => l.id === locationId);
  if (location === undefined) return deps.error(400, 'Location not found.', 'NOT_FOUND', 'location_id');
  if (amount.currency !== location.currency) return deps.error(400, `Expected ${location.currency}, the location's currency.`, 'INVALID_VALUE', 'amount_money.currency');
  const autocomplete = body.autocomplete !== false;
  if (order !== undefined) {
    if (order.location_id !== location.id) return deps.error(400, `The order belongs to location ${String(order.location_id)}, not ${location.id}.`, 'INVALID_VALUE', 'location_id');
    if (order.state !== 'OPEN') return deps.error(400, `An order in state ${String(order.state)} cannot be paid.`, 'BAD_REQUEST', 'order_id');
    const due = amountDue(order);
    if (autocomplete ? amount.amount !== due : amount.amount > due) return deps.error(400, `The payment total does not match the order total (the order owes ${due}).`, 'BAD_REQUEST', 'amount_money');
  }
  const at = deps.iso();
  const payment: Json = {
    id: squareId(29),
    created_at: at,
    updated_at: at,
    amount_money: amount,
    total_money: amount,
    approved_money: amount,
    status: autocomplete ? 'COMPLETED' : 'APPROVED',
    source_type: 'EXTERNAL',
    external_details: { ...details },
    location_id: location.id,
    ...(order === undefined ? {} : { order_id: order.id }),
    ...(typeof body.reference_id === 'string' ? { reference_id: body.reference_id } : {}),
    ...(typeof body.note === 'string' ? { note: body.note } : {}),
    receipt_number: '',
    version_token: squareId(40),
  };
  payment.receipt_number = String(payment.id).slice(0, 4);
  deps.payments.set(payment.id as string, payment);
  if (order !== undefined && autocomplete) tenderOrder(order, payment, amount, at);
  return { status: 200, body: { payment } };
}

/** GetPayment (GET /v2/payments/{id}). */
export function getPayment(id: string, deps: PaymentBookDeps): SimResponse {
  const payment = deps.payments.get(id);
  return payment === undefined ? deps.error(404, `Could not find payment with id: ${id}`) : { status: 200, body: { payment } };
}

/** RefundPayment (POST /v2/refunds) of a body whose idempotency was checked: the refund (COMPLETED: an external payment's refund is a record), or Square's 400. */
export function refundPayment(body: Json, deps: PaymentBookDeps): SimResponse {
  if (typeof body.idempotency_key === 'string' && body.idempotency_key.length > KEY_MAX) return deps.error(400, `Field must not be greater than ${KEY_MAX} length`, 'VALUE_TOO_LONG', 'idempotency_key');
  if (typeof body.payment_id !== 'string' || body.payment_id === '') return deps.error(400, 'Field must be set', 'MISSING_REQUIRED_PARAMETER', 'payment_id');
  const long = tooLong(body, [['reason', 192]], deps);
  if (long !== undefined) return long;
  const payment = deps.payments.get(body.payment_id);
  if (payment === undefined) return deps.error(404, `Could not find payment with id: ${body.payment_id}`);
  const amount = amountAt(body, 'amount_money', deps);
  if (!('amount' in amount)) return amount;
  const total = moneyOf(payment.total_money) as SqMoney;
  if (amount.currency !== total.currency) return deps.error(400, `Expected ${total.currency}, the payment's currency.`, 'INVALID_VALUE', 'amount_money.currency');
  if (payment.status !== 'COMPLETED') return deps.error(400, `A payment in status ${String(payment.status)} cannot be refunded; cancel an APPROVED payment instead.`, 'BAD_REQUEST', 'payment_id');
  const refunded = moneyOf(payment.refunded_money)?.amount ?? 0;
  if (amount.amount > total.amount - refunded) return deps.error(400, `The requested refund amount exceeds the amount available to refund (${total.amount - refunded}).`, 'BAD_REQUEST', 'amount_money.amount');
  const at = deps.iso();
  const refund: Json = {
    id: `${String(payment.id)}_${squareId(20)}`,
    status: 'COMPLETED',
    location_id: payment.location_id,
    unlinked: false,
    destination_type: 'EXTERNAL',
    amount_money: amount,
    payment_id: payment.id,
    ...(payment.order_id === undefined ? {} : { order_id: payment.order_id }),
    ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
    created_at: at,
    updated_at: at,
  };
  deps.refunds.set(refund.id as string, refund);
  payment.refunded_money = { amount: refunded + amount.amount, currency: total.currency };
  payment.refund_ids = [...(Array.isArray(payment.refund_ids) ? payment.refund_ids : []), refund.id];
  payment.updated_at = at;
  const order = typeof payment.order_id === 'string' ? deps.orders.get(payment.order_id) : undefined;
  if (order !== undefined) {
    const refunds = Array.isArray(order.refunds) ? (order.refunds as Json[]) : [];
    refunds.push({ id: refund.id, location_id: order.location_id, transaction_id: order.id, tender_id: payment.id, created_at: at, reason: refund.reason ?? '', amount_money: amount, status: 'COMPLETED' });
    order.refunds = refunds;
    order.version = (order.version as number) + 1;
    order.updated_at = at;
  }
  return { status: 200, body: { refund } };
}
