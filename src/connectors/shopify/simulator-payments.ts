// The payment side of the simulated shop: an order's transactions (a SALE when checkout captured
// at once, an AUTHORIZATION when the shop captures manually), the display financial status that
// follows from them, and orderCapture with the refusals Weft must handle: an unknown or
// non-authorization parent, a currency other than the presentment currency, and more than is left
// of the authorisation. Authorisations are multi-capturable (a Shopify Plus shop) until nothing is
// left. A cancellation's money (cancelPayments): what was captured is refunded when asked, what is
// only authorised is voided either way. The shapes are the Admin GraphQL OrderTransaction's; the
// userError wording is the simulator's.

import { toMinorUnits } from '../sdk/index.ts';

/** One OrderTransaction of a simulated order; amounts in minor units of the presentment currency. */
export interface SimTransaction {
  id: string;
  kind: 'AUTHORIZATION' | 'CAPTURE' | 'SALE' | 'VOID' | 'REFUND';
  status: 'SUCCESS' | 'PENDING' | 'FAILURE';
  amount: number;
  currency: string;
  parentId: string | null;
  gateway: string;
}

/** What a simulated order knows about its money. */
export interface SimPayments {
  currency: string;
  /** Order total in minor units. */
  total: number;
  /** Order.displayFinancialStatus. */
  financialStatus: string;
  transactions: SimTransaction[];
}

/** How checkout left the payment: captured at once (`paid`) or only authorised (`authorized`). */
export type SimFinancialStatus = 'paid' | 'authorized';

// The simulator's orders are in two-decimal currencies (createOrder prices are "129.99").
const decimal = (minor: number): string => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

/** The payments of a fresh order: one successful sale or authorisation of the whole total. */
export function openingPayments(id: string, currency: string, total: number, status: SimFinancialStatus): SimPayments {
  const kind = status === 'paid' ? 'SALE' : 'AUTHORIZATION';
  return {
    currency,
    total,
    financialStatus: status === 'paid' ? 'PAID' : 'AUTHORIZED',
    transactions: total === 0 ? [] : [{ id, kind, status: 'SUCCESS', amount: total, currency, parentId: null, gateway: 'shopify_payments' }],
  };
}

/** A transaction as OrderTransaction answers it. */
export function transactionNode(t: SimTransaction): Record<string, unknown> {
  const money = { amount: decimal(t.amount), currencyCode: t.currency };
  return {
    id: `gid://shopify/OrderTransaction/${t.id}`,
    kind: t.kind,
    status: t.status,
    gateway: t.gateway,
    amountSet: { shopMoney: money, presentmentMoney: money },
    parentTransaction: t.parentId === null ? null : { id: `gid://shopify/OrderTransaction/${t.parentId}` },
  };
}

const counts = (t: SimTransaction) => t.status !== 'FAILURE';

/** What is still capturable on an authorization, in minor units. */
function leftOn(payments: SimPayments, auth: SimTransaction): number {
  return auth.amount - payments.transactions.filter((t) => t.kind === 'CAPTURE' && t.parentId === auth.id && counts(t)).reduce((sum, t) => sum + t.amount, 0);
}

function financialStatusOf(payments: SimPayments): string {
  const paid = payments.transactions.filter((t) => (t.kind === 'CAPTURE' || t.kind === 'SALE') && t.status === 'SUCCESS').reduce((sum, t) => sum + t.amount, 0);
  if (paid >= payments.total) return 'PAID';
  return paid > 0 ? 'PARTIALLY_PAID' : payments.financialStatus;
}

/** orderCapture's input as the simulator reads it. */
export interface SimCaptureInput {
  parentTransactionId?: unknown;
  amount?: unknown;
  currency?: unknown;
}

/**
 * Runs orderCapture on an order's payments: the payload `{transaction, userErrors}`. A capture
 * succeeds at once, and the order becomes PAID, or PARTIALLY_PAID while less than its total is in.
 */
export function captureOn(payments: SimPayments, input: SimCaptureInput, nextId: () => string): { transaction: Record<string, unknown> | null; userErrors: { field: string[]; message: string }[] } {
  const refuse = (field: string[], message: string) => ({ transaction: null, userErrors: [{ field: ['input', ...field], message }] });
  const parentId = String(input.parentTransactionId ?? '').replace(/^gid:\/\/shopify\/OrderTransaction\//, '');
  const parent = payments.transactions.find((t) => t.id === parentId);
  if (parent === undefined) return refuse(['parentTransactionId'], 'Parent transaction does not exist.');
  if (parent.kind !== 'AUTHORIZATION' || parent.status !== 'SUCCESS') return refuse(['parentTransactionId'], 'Parent transaction is not a successful authorization.');
  if (input.currency !== undefined && input.currency !== null && input.currency !== payments.currency) {
    return refuse(['currency'], `Currency must be the order's presentment currency (${payments.currency}).`);
  }
  let amount: number;
  try {
    amount = toMinorUnits(input.amount, payments.currency, '/input/amount');
  } catch {
    return refuse(['amount'], 'Amount is not a valid amount of money.');
  }
  if (amount <= 0) return refuse(['amount'], 'Amount must be greater than zero.');
  const left = leftOn(payments, parent);
  if (amount > left) return refuse(['amount'], `Amount to capture (${decimal(amount)}) is greater than the capturable amount (${decimal(left)}).`);
  const capture: SimTransaction = { id: nextId(), kind: 'CAPTURE', status: 'SUCCESS', amount, currency: payments.currency, parentId: parent.id, gateway: parent.gateway };
  payments.transactions.push(capture);
  payments.financialStatus = financialStatusOf(payments);
  return { transaction: transactionNode(capture), userErrors: [] };
}

/** Whether an authorisation is still pending at the gateway: Shopify does not cancel such an order. */
export function hasPendingAuthorization(payments: SimPayments): boolean {
  return payments.transactions.some((t) => t.kind === 'AUTHORIZATION' && t.status === 'PENDING');
}

/** What a cancellation did to an order's money, in minor units. */
export interface SimCancelMoney {
  refunded: number;
  voided: number;
}

/**
 * The money side of orderCancel: each capture and sale is refunded (what is left of it after earlier
 * refunds) when `refund` is set, each successful authorisation with something left uncaptured is
 * voided in any case. The order becomes REFUNDED when money went back, VOIDED when only holds were
 * released; with `refund` unset, captured money stays and so does the status.
 */
export function cancelPayments(payments: SimPayments, refund: boolean, nextId: () => string): SimCancelMoney {
  const settled = payments.transactions.filter((t) => (t.kind === 'CAPTURE' || t.kind === 'SALE') && t.status === 'SUCCESS');
  const auths = payments.transactions.filter((t) => t.kind === 'AUTHORIZATION' && t.status === 'SUCCESS');
  const refundedOf = (t: SimTransaction) => payments.transactions.filter((r) => r.kind === 'REFUND' && r.parentId === t.id && counts(r)).reduce((sum, r) => sum + r.amount, 0);
  const voided = (t: SimTransaction) => payments.transactions.some((v) => v.kind === 'VOID' && v.parentId === t.id && counts(v));
  const added: SimTransaction[] = [];
  const money: SimCancelMoney = { refunded: 0, voided: 0 };
  if (refund) {
    for (const t of settled) {
      const amount = t.amount - refundedOf(t);
      if (amount <= 0) continue;
      added.push({ id: nextId(), kind: 'REFUND', status: 'SUCCESS', amount, currency: t.currency, parentId: t.id, gateway: t.gateway });
      money.refunded += amount;
    }
  }
  for (const auth of auths) {
    const left = leftOn(payments, auth);
    if (left <= 0 || voided(auth)) continue;
    added.push({ id: nextId(), kind: 'VOID', status: 'SUCCESS', amount: left, currency: auth.currency, parentId: auth.id, gateway: auth.gateway });
    money.voided += left;
  }
  payments.transactions.push(...added);
  if (money.refunded > 0) {
    const paid = settled.reduce((sum, t) => sum + t.amount, 0);
    const back = settled.reduce((sum, t) => sum + refundedOf(t), 0);
    payments.financialStatus = back >= paid ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  } else if (money.voided > 0 && settled.length === 0) {
    payments.financialStatus = 'VOIDED';
  }
  return money;
}
