// refunds/create → weft.refund.issued.v1 (every refund transaction succeeded),
// weft.refund.requested.v1 (some still pending) or weft.refund.failed.v1 (all failed); ignored when
// the refund moved no money (a restock-only refund).
//
// The parts: lines are `refund_line_items` (subtotal per order line, their `total_tax` into tax);
// shipping is `refund_shipping_lines`, else `order_adjustments` of kind shipping_refund; the amount
// is what the refund transactions paid. When the money differs from the parts, Shopify records the
// difference as a `refund_discrepancy` order adjustment: a surplus becomes Weft's `adjustment`, a
// shortfall is taken off the lines in proportion. A difference Shopify did not record is refused
// with a MappingError at /transactions rather than booked as something it is not.
//
// The refund body does not carry `taxes_included`: with tax on the refund it follows from which
// convention the amounts satisfy; without tax it is the source's `taxesIncludedDefault`.

import { MappingError } from '../../../errors/index.ts';
import type { Refund, RefundLine } from '../../../domain/refund/refund.schema.ts';
import { toUtc, type InboundMapping, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import { sourceSettings } from './orders-create.mapping.ts';
import { arrayAt, idAt, integerAt, isObject, minorOrZero, money, optObject, optString, rootObject, type Json } from './payload.ts';

function currencyOf(refund: Json): string {
  for (const raw of arrayAt(refund.refund_line_items, '/refund_line_items')) {
    const code = isObject(raw) ? optString(optObject(optObject(raw.subtotal_set, '/refund_line_items/subtotal_set')?.shop_money, '/shop_money')?.currency_code) : undefined;
    if (code !== undefined) return code;
  }
  for (const raw of arrayAt(refund.transactions, '/transactions')) {
    const code = isObject(raw) ? optString(raw.currency) : undefined;
    if (code !== undefined && /^[A-Z]{3}$/.test(code)) return code;
  }
  for (const raw of arrayAt(refund.order_adjustments, '/order_adjustments')) {
    const code = isObject(raw) ? optString(optObject(optObject(raw.amount_set, '/order_adjustments/amount_set')?.shop_money, '/shop_money')?.currency_code) : undefined;
    if (code !== undefined) return code;
  }
  throw new MappingError('The refund names no currency', [{ pointer: '/refund_line_items/0/subtotal_set/shop_money/currency_code', message: 'no currency in line items, transactions or adjustments' }]);
}

/** Spreads a shortfall over the lines in proportion to their amounts (largest remainder, exact in minor units). */
function takeOffLines(lines: RefundLine[], shortfall: number): void {
  const total = lines.reduce((sum, line) => sum + line.amount.amount, 0);
  if (total === 0) return;
  const shares = lines.map((line) => (line.amount.amount * shortfall) / total);
  const taken = shares.map(Math.floor);
  let rest = shortfall - taken.reduce((sum, n) => sum + n, 0);
  const order = shares.map((share, i) => [share - Math.floor(share), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (rest === 0) break;
    taken[i] = (taken[i] as number) + 1;
    rest--;
  }
  lines.forEach((line, i) => (line.amount.amount -= taken[i] as number));
}

/** Maps a refunds/create payload to a refund event. */
export async function mapRefundCreated(payload: unknown, context: MappingContext): Promise<MappingOutcome> {
  const refund = rootObject(payload, 'refunds/create');
  const vendorId = idAt(refund.id, '/id');
  const orderVendorId = idAt(refund.order_id, '/order_id');
  const transactions = arrayAt(refund.transactions, '/transactions').map((raw, i) => ({ raw: isObject(raw) ? raw : {}, at: `/transactions/${i}` })).filter(({ raw }) => raw.kind === 'refund');
  if (transactions.length === 0) return { kind: 'ignored', reason: `Shopify refund ${vendorId} moved no money (no refund transactions): a restock or note only` };
  const currency = currencyOf(refund);
  const refundId = await context.ids.ref('refund', vendorId);
  const orderId = await context.ids.ref('order', orderVendorId);
  const paymentId = await context.ids.ref('payment', orderVendorId);
  const requestedAt = toUtc(refund.created_at, '/created_at');

  const statuses = transactions.map(({ raw }) => optString(raw.status) ?? 'pending');
  if (statuses.every((status) => status === 'failure' || status === 'error')) {
    const first = transactions[0]!.raw;
    const reason = optString(first.message) ?? optString(first.error_code) ?? `refund transaction ${statuses[0]}`;
    const data = { refundId, orderId, paymentId, reason: reason.slice(0, 500), retryable: false, occurredAt: refund.processed_at ? toUtc(refund.processed_at, '/processed_at') : requestedAt };
    return { kind: 'events', events: [{ type: 'weft.refund.failed.v1', subject: refundId, time: data.occurredAt, data }] };
  }
  const paid = transactions.filter((_, i) => statuses[i] === 'success' || statuses[i] === 'pending');
  const amount = paid.reduce((sum, { raw, at }) => sum + minorOrZero(raw.amount, currency, `${at}/amount`), 0);
  const pending = statuses.some((status) => status === 'pending');

  const byLine = new Map<string, RefundLine>();
  let tax = 0;
  const items = arrayAt(refund.refund_line_items, '/refund_line_items');
  for (let i = 0; i < items.length; i++) {
    const at = `/refund_line_items/${i}`;
    const raw = isObject(items[i]) ? (items[i] as Json) : {};
    const orderLineId = await context.ids.ref('orderLine', idAt(raw.line_item_id, `${at}/line_item_id`));
    const quantity = integerAt(raw.quantity, `${at}/quantity`);
    const lineAmount = minorOrZero(raw.subtotal, currency, `${at}/subtotal`);
    tax += minorOrZero(raw.total_tax, currency, `${at}/total_tax`);
    const line = byLine.get(orderLineId);
    if (line === undefined) byLine.set(orderLineId, { orderLineId, quantity, amount: money(lineAmount, currency) });
    else {
      line.quantity += quantity;
      line.amount.amount += lineAmount;
    }
  }
  const lines = [...byLine.values()];

  let shipping = 0;
  let discrepancy = 0;
  const shippingLines = arrayAt(refund.refund_shipping_lines, '/refund_shipping_lines');
  shippingLines.forEach((raw, i) => {
    const line = isObject(raw) ? raw : {};
    const at = `/refund_shipping_lines/${i}`;
    shipping += minorOrZero(optObject(optObject(line.subtotal_amount_set, `${at}/subtotal_amount_set`)?.shop_money, `${at}/subtotal_amount_set/shop_money`)?.amount, currency, `${at}/subtotal_amount_set/shop_money/amount`);
  });
  arrayAt(refund.order_adjustments, '/order_adjustments').forEach((raw, i) => {
    const adjustment = isObject(raw) ? raw : {};
    const at = `/order_adjustments/${i}`;
    const value = Math.abs(minorOrZero(adjustment.amount, currency, `${at}/amount`));
    if (adjustment.kind === 'shipping_refund' && shippingLines.length === 0) {
      shipping += value;
      tax += Math.abs(minorOrZero(adjustment.tax_amount, currency, `${at}/tax_amount`));
    } else if (adjustment.kind === 'refund_discrepancy') {
      discrepancy += value;
    }
  });

  const lineTotal = lines.reduce((sum, line) => sum + line.amount.amount, 0);
  const settings = sourceSettings(context);
  let pricesIncludeTax = settings.taxesIncludedDefault === true;
  if (tax > 0 && amount === lineTotal + shipping + tax) pricesIncludeTax = false;
  else if (tax > 0 && amount === lineTotal + shipping) pricesIncludeTax = true;
  const parts = lineTotal + shipping + (pricesIncludeTax ? 0 : tax);
  const difference = amount - parts;
  let adjustment = 0;
  if (difference !== 0) {
    if (discrepancy !== Math.abs(difference)) {
      throw new MappingError('The refund\'s transactions do not add up to its parts', [
        { pointer: '/transactions', message: `the refund transactions pay ${amount} minor units, the refunded lines, shipping${pricesIncludeTax ? '' : ' and tax'} come to ${parts}, and no refund_discrepancy order adjustment explains the difference of ${difference}` },
      ]);
    }
    if (difference > 0) adjustment = difference;
    else takeOffLines(lines, -difference);
  }

  const reasonOf = (): Refund['reason'] => {
    if (optObject(refund.return, '/return') !== undefined) return 'return';
    if (items.some((raw) => isObject(raw) && raw.restock_type === 'cancel')) return 'cancellation';
    return 'other';
  };
  const data: Refund = {
    id: refundId,
    orderId,
    currency,
    pricesIncludeTax,
    amount: money(amount, currency),
    lines,
    shipping: money(shipping, currency),
    tax: money(tax, currency),
    adjustment: money(adjustment, currency),
    paymentId,
    reason: reasonOf(),
    status: pending ? 'pending' : 'succeeded',
    requestedAt,
    externalRefs: [{ system: context.system, id: vendorId }],
  };
  const returned = optObject(refund.return, '/return');
  if (returned !== undefined) data.returnId = await context.ids.ref('return', idAt(returned.id, '/return/id'));
  if (!pending) data.issuedAt = refund.processed_at ? toUtc(refund.processed_at, '/processed_at') : requestedAt;
  const type = pending ? 'weft.refund.requested.v1' : 'weft.refund.issued.v1';
  return { kind: 'events', events: [{ type, subject: refundId, time: data.issuedAt ?? requestedAt, data }] };
}

/** refunds/create → weft.refund.issued.v1 / requested / failed. */
export const refundsCreateMapping: InboundMapping = {
  description: 'refunds/create → weft.refund.issued.v1 (requested while transactions are pending, failed when all failed): lines, shipping, tax, discrepancy; ignored when no money moved.',
  map: mapRefundCreated,
};
