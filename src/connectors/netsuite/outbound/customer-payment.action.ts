import { TargetError } from '../../../errors/index.ts';
import { toMinorUnits, type ActionCommand, type ConnectorAction, type RequestPreview } from '../../sdk/index.ts';
import type { NetSuiteRequest } from '../client.ts';
import { receiptOf, recordPath, type ActionDeps } from './action-deps.ts';
import { commandData, decimalOf, externalIdAt, invalid, moneyAt } from './command-data.ts';
import { suiteqlRequest, transactionByExternalIdQuery, transactionIdByExternalId } from './lookups.ts';

// recordPayment: what the customer paid for an order, recorded against the order's invoice, the
// cash side of the books: `POST /record/v1/invoice/<id>/!transform/customerPayment` with the
// `payment` amount and the invoice's line of the `apply` sublist, so NetSuite takes it off what the
// invoice has due (Paid In Full once nothing is left). Accepts data {orderId, amount}
// (weft.order.payment_captured.v1, as order-to-cash sends it once the order is invoiced).
//
// The invoice is the one invoiceSalesOrder created (external id `<ord_…>-invoice`), read by that
// external id for its internal id, currency and amount remaining. None yet is retryable: the invoice
// command may still be queued; NetSuite answered, so it is target_rejected with retryable set, which
// does not count against the breaker. What is applied is the payment or what the invoice has due,
// whichever is less: a customer who paid for lines cancelled before billing keeps the rest as an
// unapplied credit, as NetSuite keeps an overpayment. An invoice with nothing due (paid by hand in
// NetSuite) is answered `already_paid` and nothing is created.
//
// Like the other transforms, the payment gets an external id derived from the order
// (`<ord_…>-payment`) and is looked up first, so a retry after a lost answer creates nothing
// (idempotency 'lookup'): one customer payment per order.

/** Seconds before looking for the invoice again. */
const INVOICE_WAIT_SECONDS = 60;

interface PaymentPlan {
  orderId: string;
  amount: { amount: number; currency: string };
  /** External id of the customer payment: the look-up key. */
  externalId: string;
  /** External id invoiceSalesOrder gave the order's invoice. */
  invoiceExternalId: string;
}

function planOf(command: ActionCommand): PaymentPlan {
  const data = commandData(command);
  const orderId = externalIdAt(command, data, 'orderId');
  if (!orderId.startsWith('ord_')) throw invalid(command, '/orderId', `must be a Weft order id, got "${orderId}"`);
  const amount = moneyAt(command, data, 'amount');
  if (amount.amount <= 0) throw invalid(command, '/amount/amount', `must be positive, got ${amount.amount}`);
  return { orderId, amount, externalId: `${orderId}-payment`, invoiceExternalId: `${orderId}-invoice` };
}

/** The invoice fields the action reads. */
interface InvoiceView {
  id?: unknown;
  currency?: { id?: unknown };
  amountRemaining?: unknown;
}

function readRequest(plan: PaymentPlan): NetSuiteRequest {
  return { method: 'GET', path: recordPath('invoice', plan.invoiceExternalId), what: 'GET invoice/eid' };
}

function transformRequest(plan: PaymentPlan, invoiceId: string, applied: number): NetSuiteRequest {
  const { currency } = plan.amount;
  return {
    method: 'POST',
    path: `${recordPath('invoice')}/${invoiceId}/!transform/customerPayment`,
    body: {
      externalId: plan.externalId,
      payment: decimalOf(plan.amount.amount, currency),
      memo: `Weft order ${plan.orderId}`,
      // The transform selects the invoice already; naming its line with the amount applies exactly
      // that, not whatever NetSuite would default to.
      apply: { items: [{ doc: { id: invoiceId }, apply: true, amount: decimalOf(applied, currency) }] },
    },
    what: 'POST invoice/!transform/customerPayment',
  };
}

/** Records the order's payment as a customer payment applied to its invoice. */
export function recordPaymentAction(deps: ActionDeps): ConnectorAction {
  const { client } = deps;
  return {
    description: 'Records what the customer paid against the order\'s invoice (invoice → customerPayment transform, applied to it; external id = <order id>-payment, looked up first). Accepts data {orderId, amount} (weft.order.payment_captured.v1).',
    idempotency: 'lookup',
    priority: 'normal',
    async run(context) {
      const plan = planOf(context.command);
      const existing = await transactionIdByExternalId(client, plan.externalId, context.signal);
      if (existing !== undefined) return { targetId: existing, status: 'already_exists' };
      let invoice: InvoiceView;
      try {
        invoice = JSON.parse((await client.send(readRequest(plan), context.signal)).body) as InvoiceView;
      } catch (error) {
        if (!(error instanceof TargetError && error.targetStatus === 404)) throw error;
        throw new TargetError('target_rejected', `${client.system} has no invoice with external id ${plan.invoiceExternalId} yet (route the order to invoiceSalesOrder first); the payment waits for it`, {
          retryable: true,
          retryAfterSeconds: INVOICE_WAIT_SECONDS,
          targetStatus: 404,
          cause: error,
        });
      }
      const invoiceId = String(invoice.id ?? '');
      if (!/^[0-9]+$/.test(invoiceId)) throw new TargetError('target_unavailable', `GET invoice/eid:${plan.invoiceExternalId} to ${client.system}: the answer has no internal id`);
      const currency = deps.settings.currencies[String(invoice.currency?.id ?? '')];
      if (currency !== undefined && currency !== plan.amount.currency) {
        throw new TargetError('target_rejected', `Invoice ${invoiceId} (${plan.invoiceExternalId}) in ${client.system} is in ${currency}; the payment is in ${plan.amount.currency}`);
      }
      // Without amountRemaining (a form that hides it) the whole payment is applied and NetSuite judges it.
      const due = invoice.amountRemaining === undefined || invoice.amountRemaining === null ? plan.amount.amount : toMinorUnits(invoice.amountRemaining, plan.amount.currency, '/amountRemaining');
      if (due <= 0) return { targetId: invoiceId, status: 'already_paid' };
      return receiptOf(await client.send(transformRequest(plan, invoiceId, Math.min(due, plan.amount.amount)), context.signal), 'created');
    },
    async preview(command): Promise<RequestPreview[]> {
      const plan = planOf(command);
      return [
        client.preview(suiteqlRequest(transactionByExternalIdQuery(plan.externalId), 1)),
        client.preview(readRequest(plan)),
        client.preview(transformRequest(plan, `<internal id of invoice ${plan.invoiceExternalId}>`, plan.amount.amount)),
      ];
    },
  };
}
