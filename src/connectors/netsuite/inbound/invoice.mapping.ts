import { toMinorUnits, toUtc, vendorId, type InboundMapping } from '../../sdk/index.ts';
import type { NetSuiteSettings } from '../settings.ts';
import { dateAt, mappingError, minorAt, quantityAt, refId, refName, sublist, type NsRecord } from './record-fields.ts';

// A NetSuite invoice → weft.invoice.issued.v1. NetSuite prices are net with tax on top (the legacy
// header tax rate); an order-level discount (discountTotal, negative) is spread over the item lines
// in proportion to their amounts, largest remainder first, because a Weft invoice line carries its
// share of order discounts; shipping becomes a line of its own. The totals are recomputed and must
// equal NetSuite's `total`, or the mapping fails pointing at it.

/** Basis points of a NetSuite rate (8.25, "8.25", "8.25%") → 825. */
function basisPoints(value: unknown, pointer: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const text = String(value).replace('%', '').trim();
  if (!/^\d+(\.\d{1,2})?$/.test(text)) throw mappingError(pointer, `is not a tax rate, got ${JSON.stringify(value)}`);
  return toMinorUnits(text, 'USD', pointer);
}

/** Splits `total` over `weights` in proportion, largest remainder first; the parts add up to `total`. */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] as number) + 1;
    left--;
  }
  return parts;
}

/** The mapping of polled invoices. */
export const invoiceMapping: InboundMapping = {
  description: 'NetSuite invoice → weft.invoice.issued.v1 (net prices, tax on top, order discount spread over the lines)',
  async map(payload, context) {
    const record = payload as NsRecord;
    const settings = context.settings as NetSuiteSettings;
    const id = vendorId(record.id, '/id');
    const currencyId = refId(record, 'currency', '/currency');
    const currency = (currencyId === undefined ? undefined : settings.currencies[currencyId]) ?? settings.currency;
    const money = (amount: number) => ({ amount, currency });
    const number = typeof record.tranId === 'string' && record.tranId !== '' ? record.tranId : undefined;
    if (number === undefined) throw mappingError('/tranId', 'is missing: the invoice number');
    const headerRate = basisPoints(record.taxRate, '/taxRate');

    const lines = sublist(record, 'item', '/item').map((line, i) => {
      const at = `/item/items/${i}`;
      const quantity = quantityAt(line, at);
      const unitPrice = minorAt(line, 'rate', currency, at);
      const amount = minorAt(line, 'amount', currency, at);
      const discount = quantity * unitPrice - amount;
      if (discount < 0 || unitPrice < 0) throw mappingError(`${at}/amount`, `is above quantity × rate (${quantity} × ${unitPrice}); surcharges on lines are not mapped`);
      const sku = refName(line, 'item');
      const description = typeof line.description === 'string' && line.description !== '' ? line.description : (sku ?? `line ${i + 1}`);
      const orderLineId = line[settings.lineIdField];
      return { quantity, unitPrice, amount, discount, sku, description, taxable: line.isTaxable !== false && headerRate > 0, orderLineId: typeof orderLineId === 'string' ? orderLineId : undefined };
    });
    if (lines.length === 0) throw mappingError('/item/items', 'is empty: an invoice has at least one line');
    const orderDiscount = -minorAt(record, 'discountTotal', currency, '');
    if (orderDiscount < 0) throw mappingError('/discountTotal', 'is positive: a surcharge is not a discount');
    const shares = allocate(orderDiscount, lines.map((line) => line.amount));

    const invoiceLines = lines.map((line, i) => ({
      ...(line.orderLineId === undefined ? {} : { orderLineId: line.orderLineId }),
      ...(line.sku === undefined ? {} : { sku: line.sku }),
      description: line.description,
      quantity: line.quantity,
      unitPrice: money(line.unitPrice),
      discount: money(line.discount + (shares[i] as number)),
      taxRate: line.taxable ? headerRate : 0,
      total: money(line.amount - (shares[i] as number)),
    }));
    const taxableAmount = invoiceLines.reduce((sum, line, i) => sum + (lines[i]?.taxable ? line.total.amount : 0), 0);
    const shipping = minorAt(record, 'shippingCost', currency, '');
    if (shipping > 0) invoiceLines.push({ description: refName(record, 'shipMethod') ?? 'Shipping', quantity: 1, unitPrice: money(shipping), discount: money(0), taxRate: 0, total: money(shipping) });
    const taxTotal = minorAt(record, 'taxTotal', currency, '');
    const subtotal = invoiceLines.reduce((sum, line) => sum + line.total.amount, 0);
    const total = minorAt(record, 'total', currency, '');
    if (subtotal + taxTotal !== total) throw mappingError('/total', `is ${total}, but the lines, shipping and tax add up to ${subtotal + taxTotal} (${currency} minor units)`);

    const salesOrderId = refId(record, 'createdFrom', '/createdFrom');
    const orderId = salesOrderId === undefined ? undefined : await context.ids.find('order', salesOrderId);
    const entityId = refId(record, 'entity', '/entity');
    const customerId = entityId === undefined ? undefined : await context.ids.find('customer', entityId);
    const invoiceId = await context.ids.ref('invoice', id);
    const dueDate = typeof record.dueDate === 'string' ? dateAt(record, 'dueDate', '') : undefined;
    return {
      kind: 'events',
      events: [
        {
          type: 'weft.invoice.issued.v1',
          subject: invoiceId,
          time: toUtc(record.lastModifiedDate, '/lastModifiedDate'),
          data: {
            id: invoiceId,
            number,
            kind: 'invoice',
            ...(orderId === undefined ? {} : { orderId }),
            ...(customerId === undefined ? {} : { customerId }),
            currency,
            pricesIncludeTax: false,
            lines: invoiceLines,
            taxes: taxTotal === 0 ? [] : [{ jurisdiction: settings.taxJurisdiction, rate: headerRate, taxableAmount: money(taxableAmount), amount: money(taxTotal) }],
            totals: { subtotal: money(subtotal), taxTotal: money(taxTotal), grandTotal: money(subtotal + taxTotal) },
            issueDate: dateAt(record, 'tranDate', ''),
            ...(dueDate === undefined ? {} : { dueDate }),
            status: refId(record, 'status', '/status') === 'B' ? 'paid' : 'issued',
            externalRefs: [{ system: context.system, id }],
          },
        },
      ],
    };
  },
};
