import { randomBytes } from 'node:crypto';

// How the Square simulator builds orders the way Square computes them: line gross = quantity × base
// price, ORDER-scope ADDITIVE taxes applied per line (rounded half up), totals summed from the lines.
// Only what the connector and the demo use: no discounts, service charges or modifiers. Fulfilments
// start PROPOSED with Square's uid; metadata and source are kept as sent. The order book
// (simulator-order-book.ts) validates requests and changes orders after creation.

/** Square's Money. */
export interface SqMoney {
  amount: number;
  currency: string;
}

/** A line of a CreateOrder request. */
export interface SqLineInput {
  name?: string;
  quantity: string;
  catalog_object_id?: string;
  variation_name?: string;
  base_price_money?: SqMoney;
  metadata?: Record<string, string>;
}

/** A fulfilment of a CreateOrder request. */
export interface SqFulfillmentInput {
  uid?: string;
  type?: string;
  state?: string;
  shipment_details?: Record<string, unknown>;
  pickup_details?: Record<string, unknown>;
}

/** What buildOrder takes: a CreateOrder `order`, its location resolved. */
export interface SqOrderInput {
  location_id: string;
  line_items: SqLineInput[];
  taxes?: SqTaxInput[];
  customer_id?: string;
  reference_id?: string;
  state?: string;
  source?: { name?: string };
  metadata?: Record<string, string>;
  fulfillments?: SqFulfillmentInput[];
}

/** A tax of a CreateOrder request. */
export interface SqTaxInput {
  uid?: string;
  name?: string;
  percentage: string;
  scope?: string;
  type?: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like Square's (base62, `length` characters). */
export function squareId(length = 27): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

const money = (amount: number, currency: string): SqMoney => ({ amount, currency });

/** A Square order from a CreateOrder body: uids, line money, taxes and totals filled in as Square does. */
export function buildOrder(input: SqOrderInput, currency: string, nowIso: string): Record<string, unknown> {
  const taxes = (input.taxes ?? []).map((tax) => ({ uid: tax.uid ?? squareId(22), name: tax.name ?? 'Sales Tax', percentage: tax.percentage, scope: 'ORDER', type: tax.type ?? 'ADDITIVE', applied_money: money(0, currency) }));
  let totalTax = 0;
  let totalGross = 0;
  const lines = input.line_items.map((line) => {
    const quantity = Number(line.quantity);
    const base = line.base_price_money?.amount ?? 0;
    const gross = quantity * base;
    const applied = taxes.map((tax) => {
      const amount = Math.round((gross * Number(tax.percentage)) / 100);
      tax.applied_money.amount += amount;
      return { uid: squareId(22), tax_uid: tax.uid, applied_money: money(amount, currency) };
    });
    const lineTax = applied.reduce((sum, a) => sum + a.applied_money.amount, 0);
    totalTax += lineTax;
    totalGross += gross;
    return {
      uid: squareId(22),
      ...(line.name === undefined ? {} : { name: line.name }),
      quantity: String(quantity),
      ...(line.catalog_object_id === undefined ? {} : { catalog_object_id: line.catalog_object_id }),
      ...(line.variation_name === undefined ? {} : { variation_name: line.variation_name }),
      base_price_money: money(base, currency),
      variation_total_price_money: money(gross, currency),
      gross_sales_money: money(gross, currency),
      applied_taxes: applied,
      total_tax_money: money(lineTax, currency),
      total_discount_money: money(0, currency),
      total_money: money(gross + lineTax, currency),
      ...(line.metadata === undefined ? {} : { metadata: { ...line.metadata } }),
    };
  });
  const fulfillments = (input.fulfillments ?? []).map((f) => ({
    uid: f.uid ?? squareId(22),
    type: f.type ?? 'PICKUP',
    state: f.state ?? 'PROPOSED',
    line_item_application: 'ALL',
    ...(f.shipment_details === undefined ? {} : { shipment_details: { ...f.shipment_details, placed_at: nowIso } }),
    ...(f.pickup_details === undefined ? {} : { pickup_details: { ...f.pickup_details, placed_at: nowIso } }),
  }));
  return {
    id: squareId(),
    location_id: input.location_id,
    ...(input.reference_id === undefined ? {} : { reference_id: input.reference_id }),
    ...(input.customer_id === undefined ? {} : { customer_id: input.customer_id }),
    ...(input.source === undefined ? {} : { source: { ...input.source } }),
    ...(input.metadata === undefined ? {} : { metadata: { ...input.metadata } }),
    line_items: lines,
    ...(fulfillments.length === 0 ? {} : { fulfillments }),
    taxes,
    state: input.state ?? 'OPEN',
    version: 1,
    total_money: money(totalGross + totalTax, currency),
    total_tax_money: money(totalTax, currency),
    total_discount_money: money(0, currency),
    total_tip_money: money(0, currency),
    total_service_charge_money: money(0, currency),
    // Nothing paid yet: the whole total is due (a sale that is paid at once sets it to 0).
    net_amount_due_money: money(totalGross + totalTax, currency),
    net_amounts: { total_money: money(totalGross + totalTax, currency), tax_money: money(totalTax, currency), discount_money: money(0, currency), tip_money: money(0, currency), service_charge_money: money(0, currency) },
    created_at: nowIso,
    updated_at: nowIso,
  };
}
