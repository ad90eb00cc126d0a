import type { Money } from '../shared/primitives.ts';
import type { Order, TaxLine } from './order.schema.ts';

// What order-to-cash checks before an order may go on: that its payments secure it, that the
// catalogue knows and still sells every SKU, that each unit price is within tolerance of the price the
// ERP set for it, and that each tax line matches its rate. Pure: the catalogue is passed in as two
// lookups. The order's own arithmetic (totals, currencies) is checked at the door by orderProblems.

/** Why a captured order cannot go on without a person (or a payment), or undefined when it can. */
export function holdReasonOf(order: Order): { reason: 'payment_pending' | 'fraud_review' | 'manual'; note: string } | undefined {
  const statuses = order.payments.map((payment) => payment.status);
  if (statuses.includes('under_review')) return { reason: 'fraud_review', note: 'the payment provider is reviewing a payment' };
  if (order.totals.grandTotal.amount === 0) return undefined;
  // What the providers hold for the order: authorised (whether captured yet or not). A declined card
  // the customer replaced with another that covers the total is no reason to hold.
  const secured = order.payments.filter((payment) => payment.status === 'authorized' || payment.status === 'captured').reduce((sum, payment) => sum + Math.max(payment.amountAuthorized.amount, payment.amountCaptured.amount), 0);
  if (secured >= order.totals.grandTotal.amount) return undefined;
  if (statuses.includes('declined')) return { reason: 'manual', note: 'a payment was declined' };
  return { reason: 'payment_pending', note: `payments secure ${secured} of ${order.totals.grandTotal.amount} ${order.currency} (minor units)` };
}

/** What the catalogue says of a SKU. */
export interface CatalogueItem {
  status: 'active' | 'discontinued';
}

/** The price that applies to a SKU for an order: one unit, and whether it includes tax. */
export interface ApplicablePrice {
  unitPrice: Money;
  taxIncluded: boolean;
}

/** The catalogue as the checks read it. */
export interface CatalogueLookup {
  item(sku: string): CatalogueItem | undefined;
  /** The price in force for the SKU at `at` in `currency`, for the channel and location when the price list distinguishes them. */
  price(sku: string, where: { currency: string; channel: string; locationId: string | undefined; at: string }): ApplicablePrice | undefined;
}

/** Which checks run. */
export interface OrderCheckOptions {
  /** Every SKU must be in the catalogue and active. */
  skus: boolean;
  /** Largest difference from the catalogue's price, in percent of it; undefined: prices are not checked. */
  priceTolerancePercent: number | undefined;
  /** Every tax line must match its rate (within rounding and the share of order-level discounts). */
  taxRates: boolean;
  /** Every line with a non-zero total must carry tax (a zero-rated line says so with rate 0). */
  requireTax: boolean;
}

/** One reason an order fails its checks. */
export interface OrderCheckProblem {
  /** JSON Pointer into the order. */
  pointer: string;
  code: 'unknown_sku' | 'discontinued_sku' | 'no_price' | 'price_out_of_tolerance' | 'tax_missing' | 'tax_inconsistent';
  message: string;
}

/** The bounds a tax line's amount may take for its taxable base, in minor units; `allRates` is the sum of the line's rates (several taxes share one tax-included price). */
function taxBounds(base: number, rate: number, allRates: number, inclusive: boolean, discountShare: number, units: number): [number, number] {
  const tax = (amount: number): number => ((inclusive ? amount / (1 + allRates / 10_000) : amount) * rate) / 10_000;
  // Channels round per unit or per line; order-level discounts lower the base by up to their share.
  const slack = units + 1;
  return [tax(base * (1 - discountShare)) - slack, tax(base) + slack];
}

function taxLineProblems(taxes: readonly TaxLine[], base: number, inclusive: boolean, discountShare: number, units: number, at: string, out: OrderCheckProblem[]): void {
  const allRates = taxes.reduce((sum, tax) => sum + tax.rate, 0);
  taxes.forEach((tax, j) => {
    const [low, high] = taxBounds(base, tax.rate, allRates, inclusive, discountShare, units);
    if (tax.amount.amount < low || tax.amount.amount > high) {
      out.push({ pointer: `${at}/taxes/${j}/amount`, code: 'tax_inconsistent', message: `${tax.amount.amount} is not ${tax.rate / 100} % of ${base}${inclusive ? ' (tax included)' : ''}: expected ${Math.round(Math.max(low, 0))}–${Math.round(high)}` });
    }
  });
}

/** Checks an order against the catalogue and its own tax lines; empty when it may go on. */
export function orderCheckProblems(order: Order, catalogue: CatalogueLookup, options: OrderCheckOptions): OrderCheckProblem[] {
  const out: OrderCheckProblem[] = [];
  const groups = new Map(order.fulfilmentGroups.map((group) => [group.id, group]));
  order.lines.forEach((line, i) => {
    const at = `/lines/${i}`;
    if (options.skus) {
      const item = catalogue.item(line.sku);
      if (item === undefined) out.push({ pointer: `${at}/sku`, code: 'unknown_sku', message: `${line.sku} is not in the catalogue` });
      else if (item.status !== 'active') out.push({ pointer: `${at}/sku`, code: 'discontinued_sku', message: `${line.sku} is discontinued` });
    }
    if (options.priceTolerancePercent !== undefined) {
      const locationId = groups.get(line.fulfilmentGroupId)?.locationId ?? order.salesLocationId;
      const price = catalogue.price(line.sku, { currency: order.currency, channel: order.channel, locationId, at: order.placedAt });
      if (price === undefined) out.push({ pointer: `${at}/unitPrice`, code: 'no_price', message: `no ${order.currency} price for ${line.sku} in force at ${order.placedAt}` });
      else if (price.taxIncluded === order.pricesIncludeTax) {
        // Prices on another tax basis cannot be compared without the tax engine's rate: not judged.
        const expected = price.unitPrice.amount;
        const off = Math.abs(line.unitPrice.amount - expected);
        // Rounded to a millionth of a minor unit: 0.7 % of 11000 is 77, not 76.99999999999999.
        if (off > Math.round(expected * options.priceTolerancePercent * 10_000) / 1_000_000) {
          out.push({ pointer: `${at}/unitPrice`, code: 'price_out_of_tolerance', message: `${line.unitPrice.amount} differs from the catalogue's ${expected} ${order.currency} by more than ${options.priceTolerancePercent} %` });
        }
      }
    }
    if (options.requireTax && line.total.amount > 0 && line.taxes.length === 0) out.push({ pointer: `${at}/taxes`, code: 'tax_missing', message: `line ${i + 1} (${line.sku}) carries no tax line` });
  });
  if (options.taxRates) {
    const subtotal = order.totals.subtotal.amount;
    const discountShare = subtotal > 0 ? order.totals.discountTotal.amount / subtotal : 0;
    order.lines.forEach((line, i) => taxLineProblems(line.taxes, line.total.amount, order.pricesIncludeTax, discountShare, line.quantity, `/lines/${i}`, out));
    order.shippingCharges.forEach((charge, i) => taxLineProblems(charge.taxes, charge.amount.amount, order.pricesIncludeTax, 0, 1, `/shippingCharges/${i}`, out));
  }
  return out;
}
