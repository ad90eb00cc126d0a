// capturePayment: takes at the channel the money an order's payment only authorised, through
// orderCapture on the order's authorization transaction (its `parentTransactionId`). Takes
// weft.order.payment_captured.v1 whose data is {orderId, amount}, as order-to-cash sends it once
// the order is invoiced; `amount` is in the order's presentment currency.
//
// Finding the order: the Shopify order id the orders/create webhook linked to the Weft order in the
// cross-reference map (one query by id), else the `weft:<ord_…>` tag tagOrder set. Neither there
// yet is a retryable target_rejected: the webhook or the tagOrder command may still be on its way.
//
// Idempotency is 'lookup': orderCapture is not among the mutations Shopify gave @idempotent (its
// changelogs name inventory and refund mutations), so the order's transactions are read first. A
// capture of the same amount that did not fail is this command's (a retry after a lost answer), and
// an order whose authorisations have nothing left to capture while its captures and sales cover
// the amount was captured another way (staff in admin, automatic capture): both answer
// `already_captured` and capture nothing. An order whose transactions are in another currency than
// the command's is refused before anything is sent; what Shopify refuses (more than is left of the
// authorisation) comes back as its userErrors, terminal.

import { InputError, TargetError } from '../../../errors/index.ts';
import { isCurrencyCode, toMinorUnits, type ActionCommand, type ActionContext, type ActionResult, type ConnectorAction, type RequestPreview } from '../../sdk/index.ts';
import { errorForUserErrors, type GraphqlOperation, type ShopifyClient, type UserError } from '../client.ts';
import { eventOf, moneyAmount, weftOrderTag } from './command.ts';
import { findLinkedOrder } from './order-lookup.ts';

/** Event types capturePayment takes. */
export const CAPTURE_PAYMENT_EVENTS = ['weft.order.payment_captured.v1'] as const;

/** What capturePayment needs from its target. */
export interface CapturePaymentDeps {
  client: ShopifyClient;
  target: string;
  /** The source name the shop's order ids are linked under in the cross-reference map. */
  system: string;
}

/** An OrderTransaction as the action reads it. */
export interface TransactionNode {
  id: string;
  kind: string;
  status: string;
  amountSet: { presentmentMoney: { amount: string; currencyCode: string } };
  parentTransaction: { id: string } | null;
}

interface PaymentsNode {
  id: string;
  transactions: TransactionNode[];
}

const TRANSACTION = 'id kind status amountSet { presentmentMoney { amount currencyCode } } parentTransaction { id }';

// Order.transactions is a plain list (no connection); 100 is more than an order ever gathers.
const ORDER_PAYMENTS = `query WeftOrderPayments($id: ID!) {
  order(id: $id) { id transactions(first: 100) { ${TRANSACTION} } }
}`;

const FIND_ORDER_PAYMENTS = `query WeftFindOrderPayments($query: String!) {
  orders(first: 2, query: $query) { nodes { id transactions(first: 100) { ${TRANSACTION} } } }
}`;

const ORDER_CAPTURE = `mutation WeftCapturePayment($input: OrderCaptureInput!) {
  orderCapture(input: $input) { transaction { ${TRANSACTION} } userErrors { field message } }
}`;

/** Transaction states that mean the money did not move; anything else may still take effect. */
const FAILED = new Set(['FAILURE', 'ERROR']);

/** What one command asks to capture. */
interface CaptureRequest {
  orderId: string;
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
}

/** The order's transactions looked up by the Shopify order id. */
export function orderPaymentsOperation(orderGid: string): GraphqlOperation {
  return { name: 'WeftOrderPayments', query: ORDER_PAYMENTS, variables: { id: orderGid }, estimatedCost: 12 };
}

/** The order's transactions looked up by Weft's tag. */
export function findOrderPaymentsOperation(orderId: string): GraphqlOperation {
  return { name: 'WeftFindOrderPayments', query: FIND_ORDER_PAYMENTS, variables: { query: `tag:${JSON.stringify(weftOrderTag(orderId))}` }, estimatedCost: 60 };
}

/** The orderCapture mutation on one authorization. */
export function orderCaptureOperation(orderGid: string, parentTransactionId: string, request: CaptureRequest): GraphqlOperation {
  // `currency` is required when the presentment currency differs from the shop's; sending it always
  // makes Shopify check that Weft's currency is the order's.
  const input = { id: orderGid, parentTransactionId, amount: moneyAmount(request.amount, request.currency), currency: request.currency };
  return { name: 'WeftCapturePayment', query: ORDER_CAPTURE, variables: { input }, estimatedCost: 10 };
}

function requestOf(command: ActionCommand, target: string): CaptureRequest {
  const { data } = eventOf(command, CAPTURE_PAYMENT_EVENTS, `${target}.capturePayment`);
  const invalid = (pointer: string, message: string) => new InputError('command_invalid', `${target}.capturePayment: ${pointer} ${message}`, { problems: [{ pointer, message }] });
  if (typeof data.orderId !== 'string' || !data.orderId.startsWith('ord_')) throw invalid('/orderId', `must be a Weft order id, got ${JSON.stringify(data.orderId) ?? 'nothing'}`);
  const money = data.amount as { amount?: unknown; currency?: unknown } | undefined;
  if (typeof money?.amount !== 'number' || !Number.isSafeInteger(money.amount) || money.amount <= 0) throw invalid('/amount/amount', 'must be a positive integer of minor units');
  if (!isCurrencyCode(money.currency)) throw invalid('/amount/currency', 'must be an ISO 4217 code');
  return { orderId: data.orderId, amount: money.amount, currency: money.currency };
}

/** What the order's transactions say to do: capture on an authorization, or nothing (with the transaction that covers it). */
type Decision = { kind: 'capture'; parentTransactionId: string } | { kind: 'done'; transactionId: string };

/**
 * Reads the order's transactions against the request (see the header for the rules). Throws a
 * terminal TargetError when the order is in another currency or has nothing that could be captured.
 */
export function decideCapture(order: { id: string; transactions: readonly TransactionNode[] }, request: CaptureRequest, what: string): Decision {
  const live = order.transactions.filter((t) => !FAILED.has(t.status));
  const foreign = live.find((t) => t.amountSet.presentmentMoney.currencyCode !== request.currency);
  if (foreign !== undefined) {
    throw new TargetError('target_rejected', `${what}: Shopify order ${order.id} is paid in ${foreign.amountSet.presentmentMoney.currencyCode}, the command captures ${request.currency}`);
  }
  const minor = (t: TransactionNode) => toMinorUnits(t.amountSet.presentmentMoney.amount, request.currency, `/transactions/${t.id}/amountSet/presentmentMoney/amount`);
  const captures = live.filter((t) => t.kind === 'CAPTURE');
  const same = captures.find((t) => minor(t) === request.amount);
  if (same !== undefined) return { kind: 'done', transactionId: same.id };
  const left = (auth: TransactionNode) => minor(auth) - captures.filter((c) => c.parentTransaction?.id === auth.id).reduce((sum, c) => sum + minor(c), 0);
  const open = live
    .filter((t) => t.kind === 'AUTHORIZATION' && t.status === 'SUCCESS')
    .map((auth) => ({ auth, left: left(auth) }))
    .filter((candidate) => candidate.left > 0)
    .sort((a, b) => b.left - a.left);
  const first = open[0];
  if (first !== undefined) return { kind: 'capture', parentTransactionId: first.auth.id };
  const settled = live.filter((t) => t.kind === 'CAPTURE' || (t.kind === 'SALE' && t.status === 'SUCCESS'));
  const last = settled.at(-1);
  if (last !== undefined && settled.reduce((sum, t) => sum + minor(t), 0) >= request.amount) return { kind: 'done', transactionId: last.id };
  throw new TargetError('target_rejected', `${what}: Shopify order ${order.id} has no authorisation left to capture ${moneyAmount(request.amount, request.currency)} ${request.currency} from; check its payment in Shopify admin`);
}

/** Builds the capturePayment action of a target. */
export function createCapturePaymentAction(deps: CapturePaymentDeps): ConnectorAction {
  const what = (name: string) => `${name} to ${deps.target}`;

  const lookup = { byId: orderPaymentsOperation, byTag: findOrderPaymentsOperation };

  return {
    description: 'Captures the authorised payment of an order at Shopify (orderCapture on its authorization transaction) from weft.order.payment_captured.v1 {orderId, amount}; order found by its cross-reference or weft: tag, transactions read first.',
    idempotency: 'lookup',
    priority: 'urgent',
    async run(context: ActionContext): Promise<ActionResult> {
      const request = requestOf(context.command, deps.target);
      const order = await findLinkedOrder<PaymentsNode>(deps, context, request.orderId, lookup);
      const decision = decideCapture(order, request, what('WeftCapturePayment'));
      if (decision.kind === 'done') return { targetId: decision.transactionId, status: 'already_captured' };
      const data = await deps.client.run<{ orderCapture: { transaction: TransactionNode | null; userErrors: UserError[] } }>(orderCaptureOperation(order.id, decision.parentTransactionId, request), context.signal);
      const error = errorForUserErrors(data.orderCapture.userErrors, what('WeftCapturePayment'));
      if (error) throw error;
      const transaction = data.orderCapture.transaction;
      if (transaction === null) throw new TargetError('target_unavailable', `${what('WeftCapturePayment')}: Shopify answered without a transaction or userErrors`, { targetStatus: 200 });
      // A declined capture is the gateway's answer; an errored one may go through on another attempt.
      if (transaction.status === 'FAILURE') throw new TargetError('target_rejected', `${what('WeftCapturePayment')}: the gateway declined capture ${transaction.id} on Shopify order ${order.id}`, { targetStatus: 200 });
      if (transaction.status === 'ERROR') throw new TargetError('target_unavailable', `${what('WeftCapturePayment')}: capture ${transaction.id} on Shopify order ${order.id} ended in ERROR`, { targetStatus: 200 });
      // Shopify Payments may answer a capture PENDING and settle it later; it counts as captured on a retry.
      return { targetId: transaction.id, status: transaction.status === 'SUCCESS' ? 'captured' : 'capture_pending' };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      const request = requestOf(command, deps.target);
      // Which lookup runs depends on the cross-reference map, which a dry run does not read: both are shown.
      return [
        deps.client.preview(orderPaymentsOperation(`<Shopify order linked to ${request.orderId}>`)),
        deps.client.preview(findOrderPaymentsOperation(request.orderId)),
        deps.client.preview(orderCaptureOperation('<order found by the lookup>', '<its authorization transaction>', request)),
      ];
    },
  };
}
