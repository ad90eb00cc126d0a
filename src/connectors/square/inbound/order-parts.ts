import type { Order, OrderLine, TaxLine } from '../../../domain/order/order.schema.ts';
import type { Payment } from '../../../domain/order/payment.schema.ts';
import { MappingError } from '../../../errors/index.ts';
import { toUtc, type MappingContext } from '../../sdk/index.ts';
import type { SquareSourceSettings } from '../settings.ts';
import { arr, money, moneyOr, obj, optStr, skuOf, str, units, type Enrichment, type Json } from './read.ts';

// The parts of a Square order the order mapping assembles: lines (with line discounts and taxes),
// tenders as payments, service charges, and tax left over at order level. Kept apart so the order
// mapping reads as the table of what goes where.

interface LineContext {
  context: MappingContext;
  settings: SquareSourceSettings;
  currency: string;
  jurisdiction: string | undefined;
  squareOrderId: string;
  completed: boolean;
}

interface Source {
  order: Json;
  at: string;
  enrichment: Enrichment | undefined;
}

/** A Square percentage ("9", "8.875") in basis points, rounded half up to a whole basis point. */
export function basisPoints(value: unknown, pointer: string): number {
  const match = typeof value === 'string' ? /^(\d+)(?:\.(\d+))?$/.exec(value.trim()) : null;
  if (!match) throw new MappingError(`${pointer} is not a percentage`, [{ pointer, message: `expected a decimal percentage, got ${JSON.stringify(value) ?? 'nothing'}` }]);
  const whole = Number(match[1]);
  const fraction = (match[2] ?? '').padEnd(3, '0');
  const hundredths = Number(fraction.slice(0, 2));
  const roundUp = Number(fraction[2]) >= 5 ? 1 : 0;
  return whole * 100 + hundredths + roundUp;
}

/** Whether the order's prices include tax: Square INCLUSIVE taxes (EU, UK, AU, JP) versus ADDITIVE (US, CA). */
export function pricesIncludeTaxOf(order: Json, at: string): boolean {
  const types = new Set(arr(order.taxes, `${at}/taxes`).map((t, i) => obj(t, `${at}/taxes/${i}`).type ?? 'ADDITIVE'));
  if (types.size > 1) {
    throw new MappingError(`${at}/taxes mixes INCLUSIVE and ADDITIVE taxes`, [{ pointer: `${at}/taxes`, message: 'Weft orders are either tax-inclusive or not; an order mixing both cannot be totalled' }]);
  }
  return types.has('INCLUSIVE');
}

function byUid(list: unknown[], at: string): Map<string, { value: Json; index: number }> {
  const map = new Map<string, { value: Json; index: number }>();
  list.forEach((entry, index) => {
    const value = obj(entry, `${at}/${index}`);
    const uid = optStr(value.uid);
    if (uid !== undefined) map.set(uid, { value, index });
  });
  return map;
}

function taxLine(tax: { value: Json; index: number } | undefined, amount: { amount: number; currency: string }, pointer: string, at: string, jurisdiction: string | undefined): TaxLine {
  if (jurisdiction === undefined) {
    throw new MappingError(`${pointer} has tax but no jurisdiction is known`, [{ pointer, message: 'set the source\'s taxJurisdiction (or taxJurisdictionByLocation): Square orders do not name where a tax is levied' }]);
  }
  if (tax === undefined) throw new MappingError(`${pointer} names a tax the order does not have`, [{ pointer, message: 'tax_uid does not match any /taxes entry' }]);
  const name = optStr(tax.value.name);
  return {
    jurisdiction,
    rate: tax.value.percentage === undefined ? 0 : basisPoints(tax.value.percentage, `${at}/taxes/${tax.index}/percentage`),
    amount,
    ...(name === undefined ? {} : { name: name.slice(0, 100) }),
  };
}

/** The order's line items as Weft order lines (fulfilment group filled in by the caller). */
export async function orderLines(source: Source, lc: LineContext): Promise<OrderLine[]> {
  const { order, at } = source;
  const discounts = byUid(arr(order.discounts, `${at}/discounts`), `${at}/discounts`);
  const taxes = byUid(arr(order.taxes, `${at}/taxes`), `${at}/taxes`);
  const items = arr(order.line_items, `${at}/line_items`);
  if (items.length === 0) throw new MappingError(`${at}/line_items is empty`, [{ pointer: `${at}/line_items`, message: 'an order needs at least one line item' }]);
  const lines: OrderLine[] = [];
  for (let i = 0; i < items.length; i++) {
    const p = `${at}/line_items/${i}`;
    const item = obj(items[i], p);
    const uid = str(item.uid, `${p}/uid`);
    const quantity = units(item.quantity, `${p}/quantity`);
    if (quantity === 0) throw new MappingError(`${p}/quantity is 0`, [{ pointer: `${p}/quantity`, message: 'a line needs at least one unit' }]);
    const gross = money(item.gross_sales_money ?? item.variation_total_price_money, `${p}/gross_sales_money`);
    if (gross.amount % quantity !== 0) {
      throw new MappingError(`${p}/gross_sales_money does not divide by the quantity`, [
        { pointer: `${p}/gross_sales_money/amount`, message: `${gross.amount} is not ${quantity} × a whole unit price: Weft lines need quantity × unitPrice to be exact` },
      ]);
    }
    const lineDiscounts: OrderLine['discounts'] = [];
    for (const [j, entry] of arr(item.applied_discounts, `${p}/applied_discounts`).entries()) {
      const applied = obj(entry, `${p}/applied_discounts/${j}`);
      const discount = discounts.get(str(applied.discount_uid, `${p}/applied_discounts/${j}/discount_uid`));
      // ORDER-scope discounts stay on the order; Square spreads them over the lines for its own totals.
      if (discount?.value.scope === 'ORDER') continue;
      const name = optStr(discount?.value.name);
      lineDiscounts.push({ amount: money(applied.applied_money, `${p}/applied_discounts/${j}/applied_money`), ...(name === undefined ? {} : { description: name.slice(0, 200) }) });
    }
    const lineTaxes = arr(item.applied_taxes, `${p}/applied_taxes`).map((entry, j) => {
      const applied = obj(entry, `${p}/applied_taxes/${j}`);
      const tax = taxes.get(str(applied.tax_uid, `${p}/applied_taxes/${j}/tax_uid`));
      return taxLine(tax, money(applied.applied_money, `${p}/applied_taxes/${j}/applied_money`), `${p}/applied_taxes/${j}`, at, lc.jurisdiction);
    });
    const catalogId = optStr(item.catalog_object_id);
    const sku = catalogId === undefined ? lc.settings.adHocSku : skuOf(catalogId, `${p}/catalog_object_id`, lc.settings, source.enrichment);
    const name = [optStr(item.name), optStr(item.variation_name)].filter((part) => part !== undefined).join(', ');
    const discounted = lineDiscounts.reduce((sum, d) => sum + d.amount.amount, 0);
    lines.push({
      id: await lc.context.ids.ref('orderLine', `${lc.squareOrderId}:${uid}`),
      sku,
      ...(name === '' ? {} : { name: name.slice(0, 300) }),
      quantity,
      unitPrice: { amount: gross.amount / quantity, currency: gross.currency },
      discounts: lineDiscounts,
      taxes: lineTaxes,
      total: { amount: gross.amount - discounted, currency: gross.currency },
      fulfilmentGroupId: '',
      status: lc.completed ? 'collected' : 'open',
      ...(catalogId === undefined ? {} : { attributes: { squareCatalogObjectId: catalogId } }),
    });
  }
  return lines;
}

/**
 * Service charges as shipping charges, and the part of each order tax Square did not apply to a line
 * or a service charge, as order-level taxes (normally none).
 */
export function orderTaxResidue(source: Source, parts: { currency: string; jurisdiction: string | undefined; lines: OrderLine[] }): { shippingCharges: Order['shippingCharges']; taxes: Order['taxes'] } {
  const { order, at } = source;
  const taxes = byUid(arr(order.taxes, `${at}/taxes`), `${at}/taxes`);
  const appliedByTax = new Map<string, number>();
  const addApplied = (entries: unknown[], pointer: string) =>
    entries.forEach((entry, j) => {
      const applied = obj(entry, `${pointer}/${j}`);
      const uid = optStr(applied.tax_uid);
      if (uid !== undefined) appliedByTax.set(uid, (appliedByTax.get(uid) ?? 0) + money(applied.applied_money, `${pointer}/${j}/applied_money`).amount);
    });
  arr(order.line_items, `${at}/line_items`).forEach((item, i) => addApplied(arr(obj(item, `${at}/line_items/${i}`).applied_taxes, ''), `${at}/line_items/${i}/applied_taxes`));

  const shippingCharges: Order['shippingCharges'] = arr(order.service_charges, `${at}/service_charges`).map((entry, i) => {
    const p = `${at}/service_charges/${i}`;
    const charge = obj(entry, p);
    const appliedTaxes = arr(charge.applied_taxes, `${p}/applied_taxes`);
    addApplied(appliedTaxes, `${p}/applied_taxes`);
    return {
      code: (optStr(charge.name) ?? 'service_charge').slice(0, 50),
      amount: moneyOr(charge.applied_money ?? charge.amount_money, `${p}/applied_money`, parts.currency),
      taxes: appliedTaxes.map((t, j) => {
        const applied = obj(t, `${p}/applied_taxes/${j}`);
        return taxLine(taxes.get(str(applied.tax_uid, `${p}/applied_taxes/${j}/tax_uid`)), money(applied.applied_money, `${p}/applied_taxes/${j}/applied_money`), `${p}/applied_taxes/${j}`, at, parts.jurisdiction);
      }),
    };
  });

  const residue: Order['taxes'] = [];
  for (const [uid, tax] of taxes) {
    const total = moneyOr(tax.value.applied_money, `${at}/taxes/${tax.index}/applied_money`, parts.currency).amount;
    const left = total - (appliedByTax.get(uid) ?? 0);
    if (left > 0) residue.push(taxLine(tax, { amount: left, currency: parts.currency }, `${at}/taxes/${tax.index}`, at, parts.jurisdiction));
  }
  return { shippingCharges, taxes: residue };
}

const METHOD_OF_TENDER: Readonly<Record<string, Payment['method']>> = { CARD: 'card', CASH: 'cash', SQUARE_GIFT_CARD: 'gift_card', BANK_ACCOUNT: 'bank_transfer' };
const STATUS_OF_CARD: Readonly<Record<string, Payment['status']>> = { AUTHORIZED: 'authorized', CAPTURED: 'captured', VOIDED: 'voided', FAILED: 'declined' };

/** The order's tenders as payments (amounts include the tip, as tendered). */
export async function orderPayments(order: Json, at: string, context: MappingContext, currency: string): Promise<Payment[]> {
  const payments: Payment[] = [];
  const tenders = arr(order.tenders, `${at}/tenders`);
  for (let i = 0; i < tenders.length; i++) {
    const p = `${at}/tenders/${i}`;
    const tender = obj(tenders[i], p);
    const reference = optStr(tender.payment_id) ?? str(tender.id, `${p}/id`);
    const type = optStr(tender.type) ?? 'OTHER';
    const amount = moneyOr(tender.amount_money, `${p}/amount_money`, currency);
    const card = tender.card_details === undefined ? undefined : obj(tender.card_details, `${p}/card_details`);
    const status: Payment['status'] = card === undefined ? 'captured' : (STATUS_OF_CARD[String(card.status)] ?? 'pending');
    const cardInfo = card?.card === undefined ? undefined : obj(card.card, `${p}/card_details/card`);
    const brand = optStr(cardInfo?.card_brand);
    const last4 = optStr(cardInfo?.last_4);
    const captured = status === 'captured' ? amount.amount : 0;
    payments.push({
      id: await context.ids.ref('payment', reference),
      method: METHOD_OF_TENDER[type] ?? 'other',
      provider: 'square',
      providerReference: reference,
      amountAuthorized: { amount: status === 'declined' || status === 'pending' ? 0 : amount.amount, currency: amount.currency },
      amountCaptured: { amount: captured, currency: amount.currency },
      amountRefunded: { amount: 0, currency: amount.currency },
      status,
      ...(brand === undefined ? {} : { cardBrand: brand.toLowerCase() }),
      ...(last4 !== undefined && /^\d{4}$/.test(last4) ? { cardLast4: last4 } : {}),
      createdAt: toUtc(tender.created_at ?? order.created_at, `${p}/created_at`),
      externalRefs: [{ system: context.system, id: reference }],
    });
  }
  return payments;
}
