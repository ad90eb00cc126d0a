import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEST_ORDER_SKU, testWebOrder } from '../../../test/support/orders.ts';
import { applyCatalogueEvent, catalogueLookup, emptyCatalogue } from '../../catalogue/projection.ts';
import { createIdGenerator, type Clock } from '../../ports/clock.ts';
import { germanWebOrder, usPosSale } from '../events/example-documents.ts';
import { ids as exampleIds, skus } from '../events/example-ids.ts';
import { examplePrice, exampleProduct } from '../events/example-objects.ts';
import { validateEventData } from '../events/validate.ts';
import type { Price } from '../pricing/price.schema.ts';
import { holdReasonOf, orderCheckProblems, type ApplicablePrice, type CatalogueItem, type CatalogueLookup, type OrderCheckOptions } from './checks.ts';
import type { Order, OrderLine, TaxLine } from './order.schema.ts';
import type { Payment } from './payment.schema.ts';

// The checks order-to-cash runs before an order goes on. The example orders are realistic, so they
// pass; each perturbation of them fails with its own code and a pointer to what is wrong.

const clock: Clock = { now: () => Date.parse('2026-11-23T10:00:00.000Z') };
const ids = createIdGenerator(clock);

type Where = Parameters<CatalogueLookup['price']>[1];

/** A catalogue of SKU statuses and one price per SKU; records what the checks asked for. */
function lookup(items: Record<string, CatalogueItem['status']>, prices: Record<string, ApplicablePrice>, asked: [string, Where][] = []): CatalogueLookup {
  return {
    item: (sku) => (items[sku] === undefined ? undefined : { status: items[sku] }),
    price(sku, where) {
      asked.push([sku, where]);
      return prices[sku];
    },
  };
}

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const usd = (amount: number) => ({ amount, currency: 'USD' });

/** What the ERP says of the German order's SKUs: the prices Anna saw, VAT included. */
const germanCatalogue = () =>
  lookup({ [skus.jacketM]: 'active', [skus.tee]: 'active' }, { [skus.jacketM]: { unitPrice: eur(12999), taxIncluded: true }, [skus.tee]: { unitPrice: eur(1999), taxIncluded: true } });
/** What the ERP says of the Austin sale's SKUs: shelf prices, tax on top. */
const usCatalogue = () =>
  lookup({ [skus.cap]: 'active', [skus.socks]: 'active' }, { [skus.cap]: { unitPrice: usd(2499), taxIncluded: false }, [skus.socks]: { unitPrice: usd(899), taxIncluded: false } });
const testCatalogue = (unitPrice = 2900, taxIncluded = false) => lookup({ [TEST_ORDER_SKU]: 'active' }, { [TEST_ORDER_SKU]: { unitPrice: usd(unitPrice), taxIncluded } });

const all: OrderCheckOptions = { skus: true, priceTolerancePercent: 5, taxRates: true, requireTax: false };
const taxOnly: OrderCheckOptions = { skus: false, priceTolerancePercent: undefined, taxRates: true, requireTax: false };
/** A lookup that must not be read. */
const untouchable: CatalogueLookup = {
  item: () => assert.fail('the catalogue was read'),
  price: () => assert.fail('the price list was read'),
};

function withLine(order: Order, i: number, change: (line: OrderLine) => OrderLine): Order {
  return { ...order, lines: order.lines.map((line, j) => (j === i ? change(line) : line)) };
}

function withTax(order: Order, i: number, t: number, amount: number): Order {
  return withLine(order, i, (line) => ({ ...line, taxes: line.taxes.map((tax, k): TaxLine => (k === t ? { ...tax, amount: { ...tax.amount, amount } } : tax)) }));
}

function withPayments(order: Order, change: (payment: Payment) => Payment): Order {
  return { ...order, payments: order.payments.map(change) };
}

const codes = (problems: readonly { code: string; pointer: string }[]) => problems.map((problem) => `${problem.code} ${problem.pointer}`);

describe('holdReasonOf', () => {
  it('lets the example orders go on: authorised in full, captured in full', () => {
    assert.equal(holdReasonOf(germanWebOrder), undefined);
    assert.equal(holdReasonOf(usPosSale), undefined);
    assert.equal(holdReasonOf(testWebOrder(ids, 1)), undefined);
  });

  it('holds an order whose payment is still pending, saying how much is secured', () => {
    assert.deepEqual(holdReasonOf(testWebOrder(ids, 2, { payment: 'pending' })), { reason: 'payment_pending', note: 'payments secure 0 of 3400 USD (minor units)' });
  });

  it('holds an order authorised for less than its grand total, and counts captured money as secured', () => {
    const short = withPayments(germanWebOrder, (payment) => ({ ...payment, amountAuthorized: eur(15691) }));
    assert.equal(holdReasonOf(short)?.reason, 'payment_pending');
    assert.match(holdReasonOf(short)?.note ?? '', /15691 of 15692 EUR/);
    const capturedOnly = withPayments(germanWebOrder, (payment) => ({ ...payment, status: 'captured', amountAuthorized: eur(0), amountCaptured: eur(15692) }));
    assert.equal(holdReasonOf(capturedOnly), undefined);
    // A pending payment's authorisation is not money yet.
    const notYet = withPayments(germanWebOrder, (payment) => ({ ...payment, status: 'pending' }));
    assert.equal(holdReasonOf(notYet)?.reason, 'payment_pending');
  });

  it('adds up several payments (a gift card and a card)', () => {
    const [card] = germanWebOrder.payments as [Payment];
    const split: Order = {
      ...germanWebOrder,
      payments: [
        { ...card, id: ids.next('payment'), method: 'gift_card', amountAuthorized: eur(5000), amountCaptured: eur(5000), status: 'captured' },
        { ...card, amountAuthorized: eur(10692) },
      ],
    };
    assert.equal(holdReasonOf(split), undefined);
  });

  it('sends a payment under review to fraud review, and a declined one to a person', () => {
    assert.deepEqual(holdReasonOf(withPayments(germanWebOrder, (payment) => ({ ...payment, status: 'under_review' }))), { reason: 'fraud_review', note: 'the payment provider is reviewing a payment' });
    assert.deepEqual(holdReasonOf(withPayments(germanWebOrder, (payment) => ({ ...payment, status: 'declined' }))), { reason: 'manual', note: 'a payment was declined' });
  });

  it('does not hold an order whose declined card was replaced by one that covers the total', () => {
    const card = germanWebOrder.payments[0] as (typeof germanWebOrder.payments)[number];
    const retried = { ...germanWebOrder, payments: [{ ...card, id: ids.next('payment'), status: 'declined' as const, amountAuthorized: eur(0) }, card] };
    assert.equal(holdReasonOf(retried), undefined);
  });

  it('lets an order that costs nothing go on without a payment', () => {
    const free = testWebOrder(ids, 3, { payment: 'pending' });
    assert.equal(holdReasonOf({ ...free, totals: { ...free.totals, grandTotal: usd(0) } }), undefined);
  });
});

describe('orderCheckProblems: the example orders', () => {
  it('passes Anna\'s German web order: VAT included, a coupon spread over the lines, shipping taxed', () => {
    const asked: [string, Where][] = [];
    const catalogue = lookup({ [skus.jacketM]: 'active', [skus.tee]: 'active' }, { [skus.jacketM]: { unitPrice: eur(12999), taxIncluded: true }, [skus.tee]: { unitPrice: eur(1999), taxIncluded: true } }, asked);
    assert.deepEqual(orderCheckProblems(germanWebOrder, catalogue, { ...all, requireTax: true }), []);
    // The jacket ships (no location), the T-shirts are collected at Berlin Mitte: that store's price applies.
    assert.deepEqual(asked, [
      [skus.jacketM, { currency: 'EUR', channel: 'web', locationId: undefined, at: germanWebOrder.placedAt }],
      [skus.tee, { currency: 'EUR', channel: 'web', locationId: exampleIds.locBerlinMitte, at: germanWebOrder.placedAt }],
    ]);
  });

  it('passes the Austin POS sale: three US tax lines per line, on top of the prices', () => {
    const asked: [string, Where][] = [];
    const catalogue = lookup({ [skus.cap]: 'active', [skus.socks]: 'active' }, { [skus.cap]: { unitPrice: usd(2499), taxIncluded: false }, [skus.socks]: { unitPrice: usd(899), taxIncluded: false } }, asked);
    assert.deepEqual(orderCheckProblems(usPosSale, catalogue, { ...all, requireTax: true }), []);
    assert.deepEqual(asked.map(([sku, where]) => [sku, where.channel, where.locationId]), [
      [skus.cap, 'pos', exampleIds.locAustin],
      [skus.socks, 'pos', exampleIds.locAustin],
    ]);
  });

  it('passes the test web order, which carries no tax, unless tax is required', () => {
    const order = testWebOrder(ids, 4);
    assert.deepEqual(orderCheckProblems(order, testCatalogue(), all), []);
    assert.deepEqual(codes(orderCheckProblems(order, testCatalogue(), { ...all, requireTax: true })), ['tax_missing /lines/0/taxes']);
  });

  it('reads nothing of the catalogue when only tax is checked', () => {
    assert.deepEqual(orderCheckProblems(germanWebOrder, untouchable, taxOnly), []);
    assert.deepEqual(orderCheckProblems(usPosSale, untouchable, { skus: false, priceTolerancePercent: undefined, taxRates: false, requireTax: true }), []);
  });
});

describe('orderCheckProblems: SKUs', () => {
  it('finds a SKU the catalogue does not know, and one it no longer sells', () => {
    const unknown = withLine(germanWebOrder, 1, (line) => ({ ...line, sku: 'TSH-9999-L-WHT' }));
    const problems = orderCheckProblems(unknown, germanCatalogue(), { ...all, priceTolerancePercent: undefined });
    assert.deepEqual(codes(problems), ['unknown_sku /lines/1/sku']);
    assert.match(problems[0]?.message ?? '', /TSH-9999-L-WHT is not in the catalogue/);
    const gone = lookup({ [skus.jacketM]: 'discontinued', [skus.tee]: 'active' }, {});
    assert.deepEqual(codes(orderCheckProblems(germanWebOrder, gone, { ...all, priceTolerancePercent: undefined })), ['discontinued_sku /lines/0/sku']);
  });

  it('does not look SKUs up when the SKU check is off', () => {
    const unknown = withLine(germanWebOrder, 1, (line) => ({ ...line, sku: 'TSH-9999-L-WHT' }));
    assert.deepEqual(orderCheckProblems(unknown, lookup({}, {}), { ...all, skus: false, priceTolerancePercent: undefined }), []);
  });
});

describe('orderCheckProblems: prices', () => {
  it('finds a line without a price in force', () => {
    const catalogue = lookup({ [skus.jacketM]: 'active', [skus.tee]: 'active' }, { [skus.jacketM]: { unitPrice: eur(12999), taxIncluded: true } });
    const problems = orderCheckProblems(germanWebOrder, catalogue, all);
    assert.deepEqual(codes(problems), ['no_price /lines/1/unitPrice']);
    assert.match(problems[0]?.message ?? '', /no EUR price for TSH-0815-L-WHT in force at 2026-11-20T09:14:03.512Z/);
  });

  it('accepts a price exactly at the tolerance, above and below, and rejects one minor unit beyond', () => {
    // 5 % of 2900 is 145.
    const at = (unitPrice: number) => codes(orderCheckProblems(withLine(testWebOrder(ids, 5), 0, (line) => ({ ...line, unitPrice: usd(unitPrice) })), testCatalogue(), all));
    assert.deepEqual(at(3045), []);
    assert.deepEqual(at(2755), []);
    assert.deepEqual(at(3046), ['price_out_of_tolerance /lines/0/unitPrice']);
    assert.deepEqual(at(2754), ['price_out_of_tolerance /lines/0/unitPrice']);
    // Tolerance 0: only the catalogue's price itself.
    const strict = { ...all, priceTolerancePercent: 0 };
    assert.deepEqual(orderCheckProblems(testWebOrder(ids, 6), testCatalogue(), strict), []);
    assert.deepEqual(codes(orderCheckProblems(testWebOrder(ids, 7), testCatalogue(2901), strict)), ['price_out_of_tolerance /lines/0/unitPrice']);
  });

  it('compares the unit price before line discounts (the jacket\'s 10 % promotion is not a price change)', () => {
    assert.deepEqual(orderCheckProblems(germanWebOrder, germanCatalogue(), { ...all, priceTolerancePercent: 0 }), []);
  });

  it('names the price it expected and the tolerance', () => {
    const [problem] = orderCheckProblems(testWebOrder(ids, 8), testCatalogue(2500), all);
    assert.equal(problem?.code, 'price_out_of_tolerance');
    assert.match(problem?.message ?? '', /2900 differs from the catalogue's 2500 USD by more than 5 %/);
  });

  it('does not judge a price on another tax basis than the order\'s', () => {
    // A net (tax on top) order against a gross catalogue price, and a gross order against a net one.
    assert.deepEqual(orderCheckProblems(testWebOrder(ids, 9), testCatalogue(1, true), all), []);
    const net = lookup({ [skus.jacketM]: 'active', [skus.tee]: 'active' }, { [skus.jacketM]: { unitPrice: eur(10924), taxIncluded: false }, [skus.tee]: { unitPrice: eur(1680), taxIncluded: false } });
    assert.deepEqual(orderCheckProblems(germanWebOrder, net, all), []);
  });

  it('is exact at the tolerance for every tolerance, not only the ones floats multiply exactly', () => {
    const order = withLine(testWebOrder(ids, 10), 0, (line) => ({ ...line, unitPrice: usd(11077) }));
    assert.deepEqual(orderCheckProblems(order, testCatalogue(11000), { ...all, priceTolerancePercent: 0.7 }), []);
  });
});

describe('orderCheckProblems: prices from the catalogue projection', () => {
  const productId = exampleProduct.id;
  const teeItem = { ...exampleProduct.items[0]!, id: ids.next('item'), sku: skus.tee, gtins: [], options: [{ name: 'size', value: 'XL' }] };
  const product = { ...exampleProduct, id: productId, items: [...exampleProduct.items, teeItem] };
  const price = (overrides: Partial<Price>): Price => ({ ...examplePrice, id: ids.next('price'), ...overrides });

  function catalogueOf(prices: Price[]): CatalogueLookup {
    const state = emptyCatalogue();
    const events = [
      { type: 'weft.product.upserted.v1', subject: productId, sequence: 1, data: product },
      ...prices.map((p) => ({ type: 'weft.price.set.v1', subject: p.id, sequence: 1, data: p })),
    ];
    for (const event of events) {
      assert.deepEqual(validateEventData(event.type, event.subject, event.data), { ok: true });
      assert.equal(applyCatalogueEvent(state, event), true);
    }
    return catalogueLookup(state);
  }

  it('checks the T-shirts against Berlin Mitte\'s price, where they are collected, not the global one', () => {
    const globalTee = price({ sku: skus.tee, scope: {}, listPrice: eur(1999) });
    const mitteTee = price({ sku: skus.tee, scope: { locationId: exampleIds.locBerlinMitte }, listPrice: eur(1799) });
    assert.deepEqual(orderCheckProblems(germanWebOrder, catalogueOf([examplePrice, globalTee]), all), []);
    // The store's price beats the global one: 1999 is 11 % above 1799.
    assert.deepEqual(codes(orderCheckProblems(germanWebOrder, catalogueOf([examplePrice, globalTee, mitteTee]), all)), ['price_out_of_tolerance /lines/1/unitPrice']);
    const atMittePrice = withLine(germanWebOrder, 1, (line) => ({ ...line, unitPrice: eur(1799) }));
    assert.deepEqual(orderCheckProblems(atMittePrice, catalogueOf([examplePrice, globalTee, mitteTee]), { ...all, taxRates: false }), []);
  });

  it('checks the jacket against the web price, not the global one, and a POS order against the global one', () => {
    const globalJacket = price({ sku: skus.jacketM, scope: {}, listPrice: eur(14999) });
    const tee = price({ sku: skus.tee, scope: {}, listPrice: eur(1999) });
    assert.deepEqual(orderCheckProblems(germanWebOrder, catalogueOf([globalJacket, examplePrice, tee]), all), []);
    const atTill: Order = { ...germanWebOrder, channel: 'pos', salesLocationId: exampleIds.locBerlinMitte };
    assert.deepEqual(codes(orderCheckProblems(atTill, catalogueOf([globalJacket, examplePrice, tee]), all)), ['price_out_of_tolerance /lines/0/unitPrice']);
  });

  it('finds no price for an order in another currency than the price list\'s', () => {
    const tee = price({ sku: skus.tee, scope: {}, listPrice: eur(1999) });
    const inChf = { ...germanWebOrder, currency: 'CHF' };
    assert.deepEqual(codes(orderCheckProblems(inChf, catalogueOf([examplePrice, tee]), { ...all, taxRates: false })), ['no_price /lines/0/unitPrice', 'no_price /lines/1/unitPrice']);
  });

  it('finds no price before the price list starts', () => {
    const tee = price({ sku: skus.tee, scope: {}, listPrice: eur(1999), effectiveFrom: '2026-12-01T00:00:00Z' });
    assert.deepEqual(codes(orderCheckProblems(germanWebOrder, catalogueOf([examplePrice, tee]), all)), ['no_price /lines/1/unitPrice']);
  });
});

describe('orderCheckProblems: tax lines', () => {
  it('finds a VAT line that does not match 19 % of its line, pointing at its amount', () => {
    const problems = orderCheckProblems(withTax(germanWebOrder, 0, 0, 1900), untouchable, taxOnly);
    assert.deepEqual(codes(problems), ['tax_inconsistent /lines/0/taxes/0/amount']);
    assert.match(problems[0]?.message ?? '', /1900 is not 19 % of 11699 \(tax included\): expected 1806–1870/);
  });

  it('allows the jacket\'s VAT between its share after the coupon and before it, plus the rounding slack', () => {
    // With the coupon's share (500 / 15697 of 11699): 1808.41 − 2; without it: 1867.91 + 2.
    const jacket = (amount: number) => codes(orderCheckProblems(withTax(germanWebOrder, 0, 0, amount), untouchable, taxOnly));
    assert.deepEqual(jacket(1807), []);
    assert.deepEqual(jacket(1869), []);
    assert.deepEqual(jacket(1806), ['tax_inconsistent /lines/0/taxes/0/amount']);
    assert.deepEqual(jacket(1870), ['tax_inconsistent /lines/0/taxes/0/amount']);
  });

  it('widens the slack with the quantity: two T-shirts may round two units', () => {
    // 615.003 … 641.34 for 3998 with the coupon's share, slack 3.
    const tee = (amount: number) => codes(orderCheckProblems(withTax(germanWebOrder, 1, 0, amount), untouchable, taxOnly));
    assert.deepEqual(tee(616), []);
    assert.deepEqual(tee(641), []);
    assert.deepEqual(tee(615), ['tax_inconsistent /lines/1/taxes/0/amount']);
    assert.deepEqual(tee(642), ['tax_inconsistent /lines/1/taxes/0/amount']);
  });

  it('holds the VAT of an order without a coupon to its full line', () => {
    const noCoupon: Order = { ...germanWebOrder, discounts: [], totals: { ...germanWebOrder.totals, discountTotal: eur(0), grandTotal: eur(16192) } };
    // The example's 1808 is after the coupon; without one the jacket's VAT is 1867.91 ± 2.
    assert.deepEqual(codes(orderCheckProblems(noCoupon, untouchable, taxOnly)), ['tax_inconsistent /lines/0/taxes/0/amount', 'tax_inconsistent /lines/1/taxes/0/amount']);
    assert.deepEqual(orderCheckProblems(withTax(withTax(noCoupon, 0, 0, 1868), 1, 0, 638), untouchable, taxOnly), []);
  });

  it('checks shipping charges\' tax, without a discount share', () => {
    const wrong: Order = { ...germanWebOrder, shippingCharges: germanWebOrder.shippingCharges.map((charge) => ({ ...charge, taxes: charge.taxes.map((tax) => ({ ...tax, amount: eur(94) })) })) };
    assert.deepEqual(codes(orderCheckProblems(wrong, untouchable, taxOnly)), ['tax_inconsistent /shippingCharges/0/taxes/0/amount']);
  });

  it('reads the same amounts as tax on top when the order says prices exclude tax', () => {
    // 19 % on top of 11699 is 2222.81: the VAT included in the price no longer matches.
    const net: Order = { ...germanWebOrder, pricesIncludeTax: false };
    assert.deepEqual(codes(orderCheckProblems(net, untouchable, taxOnly)), [
      'tax_inconsistent /lines/0/taxes/0/amount',
      'tax_inconsistent /lines/1/taxes/0/amount',
      'tax_inconsistent /shippingCharges/0/taxes/0/amount',
    ]);
    assert.deepEqual(orderCheckProblems(withTax(net, 0, 0, 2200), untouchable, taxOnly).filter((problem) => problem.pointer.startsWith('/lines/0')), []);
  });

  it('checks every tax line of a US sale on its own rate, with the slack of its quantity', () => {
    const us = (line: number, tax: number, amount: number) => codes(orderCheckProblems(withTax(usPosSale, line, tax, amount), untouchable, taxOnly));
    // The cap's state tax: 2499 × 6.25 % = 156.19 ± 2.
    assert.deepEqual(us(0, 0, 155), []);
    assert.deepEqual(us(0, 0, 158), []);
    assert.deepEqual(us(0, 0, 154), ['tax_inconsistent /lines/0/taxes/0/amount']);
    assert.deepEqual(us(0, 0, 159), ['tax_inconsistent /lines/0/taxes/0/amount']);
    // The socks' city tax: 2200 × 1 % = 22 ± 4 (three pairs).
    assert.deepEqual(us(1, 1, 26), []);
    assert.deepEqual(us(1, 1, 27), ['tax_inconsistent /lines/1/taxes/1/amount']);
    assert.deepEqual(us(1, 1, 18), []);
    assert.deepEqual(us(1, 1, 17), ['tax_inconsistent /lines/1/taxes/1/amount']);
  });

  it('accepts a zero-rated line and does not check tax when told not to', () => {
    const zeroRated = withLine(testWebOrder(ids, 11), 0, (line) => ({ ...line, taxes: [{ jurisdiction: 'US-OR', rate: 0, amount: usd(0) }] }));
    assert.deepEqual(orderCheckProblems(zeroRated, untouchable, { ...taxOnly, requireTax: true }), []);
    assert.deepEqual(orderCheckProblems(withTax(germanWebOrder, 0, 0, 1), untouchable, { ...taxOnly, taxRates: false }), []);
  });

  it('requires a tax line only on lines that cost something', () => {
    const free = withLine(testWebOrder(ids, 12), 0, (line) => ({ ...line, unitPrice: usd(0), total: usd(0) }));
    assert.deepEqual(orderCheckProblems(free, untouchable, { ...taxOnly, requireTax: true }), []);
    const problems = orderCheckProblems(testWebOrder(ids, 13), untouchable, { ...taxOnly, requireTax: true });
    assert.deepEqual(codes(problems), ['tax_missing /lines/0/taxes']);
    assert.match(problems[0]?.message ?? '', /line 1 \(HP-WOOL-BNE-OS-GRY\) carries no tax line/);
  });

  it('splits tax-included prices among several taxes on one line (India: CGST 9 % + SGST 9 % in the MRP)', () => {
    const gst = (name: string, amount: number): TaxLine => ({ jurisdiction: 'IN-KA', name, rate: 900, amount: { amount, currency: 'INR' } });
    const base = testWebOrder(ids, 14);
    const indian = withLine({ ...base, currency: 'INR', pricesIncludeTax: true }, 0, (line) => ({ ...line, unitPrice: { amount: 11800, currency: 'INR' }, total: { amount: 11800, currency: 'INR' }, taxes: [gst('CGST', 900), gst('SGST', 900)] }));
    assert.deepEqual(orderCheckProblems(indian, untouchable, taxOnly), []);
  });
});

describe('orderCheckProblems: every problem at once', () => {
  it('reports an unknown SKU, a price off, a wrong tax and a missing one, in line order', () => {
    const order: Order = {
      ...usPosSale,
      lines: [
        { ...usPosSale.lines[0]!, sku: 'CAP-0000-OS-BLK' },
        { ...usPosSale.lines[1]!, unitPrice: usd(999), taxes: [] },
      ],
    };
    const problems = orderCheckProblems(withTax(order, 0, 2, 99), usCatalogue(), { ...all, requireTax: true });
    assert.deepEqual(codes(problems), [
      'unknown_sku /lines/0/sku',
      'no_price /lines/0/unitPrice',
      'price_out_of_tolerance /lines/1/unitPrice',
      'tax_missing /lines/1/taxes',
      'tax_inconsistent /lines/0/taxes/2/amount',
    ]);
  });
});
