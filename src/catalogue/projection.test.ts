import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ids as exampleIds, skus } from '../domain/events/example-ids.ts';
import { examplePrice, exampleProduct } from '../domain/events/example-objects.ts';
import { validateEventData } from '../domain/events/validate.ts';
import type { Price } from '../domain/pricing/price.schema.ts';
import type { ProductDiscontinued } from '../domain/product/events.ts';
import type { Product } from '../domain/product/product.schema.ts';
import { createIdGenerator, type Clock } from '../ports/clock.ts';
import { applyCatalogueEvent, catalogueLookup, emptyCatalogue, type CatalogueState } from './projection.ts';

// The catalogue the order checks read, folded from product and price events. Every fixture is an
// event the hub would accept: each passes the event catalogue's validator before it is folded.

const clock: Clock = { now: () => Date.parse('2026-11-23T10:00:00.000Z') };
const ids = createIdGenerator(clock);
const [small, medium, large] = exampleProduct.items as [Product['items'][number], Product['items'][number], Product['items'][number]];

interface CatalogueEvent {
  type: string;
  subject: string;
  sequence: number;
  data: unknown;
}

/** A catalogue event whose data and subject the hub's validator accepts. */
function valid(type: string, subject: string, sequence: number, data: unknown): CatalogueEvent {
  assert.deepEqual(validateEventData(type, subject, data), { ok: true }, `${type} fixture`);
  return { type, subject, sequence, data };
}

const upserted = (product: Product, sequence = 1) => valid('weft.product.upserted.v1', product.id, sequence, product);
const discontinued = (data: ProductDiscontinued, sequence: number) => valid('weft.product.discontinued.v1', data.productId, sequence, data);
const priceSet = (price: Price, sequence = 1) => valid('weft.price.set.v1', price.id, sequence, price);

/** A price like the jacket's web price, with a new id. */
const price = (overrides: Partial<Price>): Price => ({ ...examplePrice, id: ids.next('price'), ...overrides });
const eur = (amount: number) => ({ amount, currency: 'EUR' });

function fold(...events: CatalogueEvent[]): CatalogueState {
  const state = emptyCatalogue();
  for (const event of events) assert.equal(applyCatalogueEvent(state, event), true, `${event.type} ${event.subject}@${event.sequence} folds`);
  return state;
}

const status = (state: CatalogueState, sku: string) => catalogueLookup(state).item(sku)?.status;
const web = (at = '2026-11-20T09:14:03.512Z') => ({ currency: 'EUR', channel: 'web', locationId: undefined, at });

describe('catalogue projection: products', () => {
  it('knows nothing when empty', () => {
    const lookup = catalogueLookup(emptyCatalogue());
    assert.equal(lookup.item(skus.jacketM), undefined);
    assert.equal(lookup.price(skus.jacketM, web()), undefined);
  });

  it('knows every item of an upserted product, with its status', () => {
    const state = fold(upserted(exampleProduct));
    assert.deepEqual([skus.jacketS, skus.jacketM, skus.jacketL].map((sku) => status(state, sku)), ['active', 'active', 'active']);
    assert.deepEqual(state.items.get(skus.jacketM), { itemId: exampleIds.itmJacketM, productId: exampleProduct.id, status: 'active' });
    assert.equal(status(state, skus.tee), undefined);
  });

  it('drops the SKUs a new version of the product no longer has, and takes the new statuses', () => {
    const v2: Product = { ...exampleProduct, items: [small, { ...medium, status: 'discontinued' }], updatedAt: '2026-11-21T08:00:00Z' };
    const state = fold(upserted(exampleProduct), upserted(v2, 2));
    assert.equal(status(state, skus.jacketL), undefined);
    assert.equal(status(state, skus.jacketS), 'active');
    assert.equal(status(state, skus.jacketM), 'discontinued');
  });

  it('does not drop a SKU that moved to another product', () => {
    const other: Product = { ...exampleProduct, id: ids.next('product'), code: 'JKT-4712', items: [{ ...large, id: ids.next('item') }], externalRefs: [] };
    const without: Product = { ...exampleProduct, items: [small, medium], updatedAt: '2026-11-21T08:00:00Z' };
    const state = fold(upserted(exampleProduct), upserted(other), upserted(without, 2));
    assert.equal(status(state, skus.jacketL), 'active');
    assert.equal(state.items.get(skus.jacketL)?.productId, other.id);
  });

  it('does not discontinue a SKU that moved to another product with the product it left', () => {
    const other: Product = { ...exampleProduct, id: ids.next('product'), code: 'JKT-4712', items: [{ ...large, id: ids.next('item') }], externalRefs: [] };
    const state = fold(upserted(exampleProduct), upserted(other), discontinued({ productId: exampleProduct.id, occurredAt: '2026-12-01T00:00:00Z' }, 2));
    assert.equal(status(state, skus.jacketM), 'discontinued');
    assert.equal(status(state, skus.jacketL), 'active');
  });

  it('marks every item of a discontinued product discontinued', () => {
    const ended: Product = { ...exampleProduct, status: 'discontinued', items: exampleProduct.items.map((item) => ({ ...item, status: 'discontinued' as const })) };
    const state = fold(upserted(ended));
    assert.deepEqual([skus.jacketS, skus.jacketM, skus.jacketL].map((sku) => status(state, sku)), ['discontinued', 'discontinued', 'discontinued']);
  });

  it('discontinues a whole product, or only the items named', () => {
    const whole = fold(upserted(exampleProduct), discontinued({ productId: exampleProduct.id, occurredAt: '2026-12-01T00:00:00Z' }, 2));
    assert.deepEqual([skus.jacketS, skus.jacketM, skus.jacketL].map((sku) => status(whole, sku)), ['discontinued', 'discontinued', 'discontinued']);
    const some = fold(upserted(exampleProduct), discontinued({ productId: exampleProduct.id, itemIds: [exampleIds.itmJacketS, exampleIds.itmJacketL], occurredAt: '2026-12-01T00:00:00Z' }, 2));
    assert.deepEqual([skus.jacketS, skus.jacketM, skus.jacketL].map((sku) => status(some, sku)), ['discontinued', 'active', 'discontinued']);
  });

  it('ignores the discontinuation of a product it does not know', () => {
    const state = emptyCatalogue();
    assert.equal(applyCatalogueEvent(state, discontinued({ productId: exampleProduct.id, occurredAt: '2026-12-01T00:00:00Z' }, 1)), true);
    assert.equal(state.items.size, 0);
  });

  it('takes a later upsert as the whole product again, statuses included', () => {
    const state = fold(upserted(exampleProduct), discontinued({ productId: exampleProduct.id, itemIds: [exampleIds.itmJacketM], occurredAt: '2026-12-01T00:00:00Z' }, 2), upserted({ ...exampleProduct, updatedAt: '2026-12-02T00:00:00Z' }, 3));
    assert.equal(status(state, skus.jacketM), 'active');
  });
});

describe('catalogue projection: folding each event once', () => {
  it('refuses an event its subject has folded already, or an older one, and changes nothing', () => {
    const v2: Product = { ...exampleProduct, items: [small], updatedAt: '2026-11-21T08:00:00Z' };
    const state = fold(upserted(exampleProduct), upserted(v2, 2));
    const before = structuredClone(state);
    assert.equal(applyCatalogueEvent(state, upserted(exampleProduct, 1)), false);
    assert.equal(applyCatalogueEvent(state, upserted(exampleProduct, 2)), false);
    assert.equal(applyCatalogueEvent(state, discontinued({ productId: exampleProduct.id, occurredAt: '2026-12-01T00:00:00Z' }, 2)), false);
    assert.deepEqual(state, before);
    assert.equal(status(state, skus.jacketM), undefined);
    // The next sequence folds.
    assert.equal(applyCatalogueEvent(state, upserted(exampleProduct, 3)), true);
    assert.equal(status(state, skus.jacketM), 'active');
  });

  it('counts sequences per subject: a price\'s sequence 1 is not the product\'s', () => {
    const state = fold(upserted(exampleProduct), priceSet(examplePrice));
    assert.equal(state.versions.get(exampleProduct.id), 1);
    assert.equal(state.versions.get(examplePrice.id), 1);
    assert.equal(applyCatalogueEvent(state, priceSet({ ...examplePrice, listPrice: eur(1) }, 1)), false);
    assert.deepEqual(catalogueLookup(state).price(skus.jacketM, web())?.unitPrice, eur(12999));
  });

  it('ignores events that are not the catalogue\'s', () => {
    const state = emptyCatalogue();
    const orderId = ids.next('order');
    assert.equal(applyCatalogueEvent(state, { type: 'weft.order.validated.v1', subject: orderId, sequence: 1, data: { orderId, occurredAt: '2026-11-23T10:00:00Z' } }), false);
    assert.equal(state.versions.size, 0);
  });
});

describe('catalogue projection: prices', () => {
  it('finds the jacket\'s web price, tax included, in EUR on the web only', () => {
    const lookup = catalogueLookup(fold(priceSet(examplePrice)));
    assert.deepEqual(lookup.price(skus.jacketM, web()), { unitPrice: eur(12999), taxIncluded: true });
    assert.equal(lookup.price(skus.jacketM, { ...web(), currency: 'USD' }), undefined);
    assert.equal(lookup.price(skus.jacketM, { ...web(), channel: 'pos' }), undefined);
    assert.equal(lookup.price(skus.jacketS, web()), undefined);
  });

  it('replaces a price by its id', () => {
    const lookup = catalogueLookup(fold(priceSet(examplePrice), priceSet({ ...examplePrice, listPrice: eur(11999), taxIncluded: false }, 2)));
    assert.deepEqual(lookup.price(skus.jacketM, web()), { unitPrice: eur(11999), taxIncluded: false });
  });

  it('applies a price from its start, inclusive, to its end, exclusive', () => {
    const november = price({ scope: {}, listPrice: eur(9999), effectiveFrom: '2026-11-01T00:00:00Z', effectiveTo: '2026-12-01T00:00:00Z' });
    const lookup = catalogueLookup(fold(priceSet(november)));
    assert.equal(lookup.price(skus.jacketM, web('2026-10-31T23:59:59.999Z')), undefined);
    assert.deepEqual(lookup.price(skus.jacketM, web('2026-11-01T00:00:00.000Z'))?.unitPrice, eur(9999));
    assert.deepEqual(lookup.price(skus.jacketM, web('2026-11-30T23:59:59.999Z'))?.unitPrice, eur(9999));
    assert.equal(lookup.price(skus.jacketM, web('2026-12-01T00:00:00.000Z')), undefined);
  });

  it('picks the most specific scope: store and channel, then store, then channel, then everywhere', () => {
    const store = exampleIds.locBerlinMitte;
    const everywhere = price({ scope: {}, listPrice: eur(14999) });
    const onWeb = price({ scope: { channel: 'web' }, listPrice: eur(13999) });
    const atStore = price({ scope: { locationId: store }, listPrice: eur(12999) });
    const atStoreOnWeb = price({ scope: { channel: 'web', locationId: store }, listPrice: eur(11999) });
    const lookup = catalogueLookup(fold(priceSet(atStoreOnWeb), priceSet(everywhere), priceSet(atStore), priceSet(onWeb)));
    const at = (channel: string, locationId: string | undefined) => lookup.price(skus.jacketM, { ...web(), channel, locationId })?.unitPrice.amount;
    assert.equal(at('web', store), 11999);
    assert.equal(at('pos', store), 12999);
    assert.equal(at('web', undefined), 13999);
    assert.equal(at('pos', undefined), 14999);
    assert.equal(at('pos', exampleIds.locAustin), 14999);
    assert.equal(at('web', exampleIds.locErfurtDc), 13999);
  });

  it('prefers, among equally specific prices, the one that started last, whatever the order they came in', () => {
    const summer = price({ listPrice: eur(12999), effectiveFrom: '2026-06-01T00:00:00Z' });
    const autumn = price({ listPrice: eur(10999), effectiveFrom: '2026-09-01T00:00:00Z' });
    for (const state of [fold(priceSet(summer), priceSet(autumn)), fold(priceSet(autumn), priceSet(summer))]) {
      const lookup = catalogueLookup(state);
      assert.equal(lookup.price(skus.jacketM, web('2026-11-20T00:00:00Z'))?.unitPrice.amount, 10999);
      assert.equal(lookup.price(skus.jacketM, web('2026-07-01T00:00:00Z'))?.unitPrice.amount, 12999);
    }
  });

  it('prefers a more specific price that started earlier to a global one that started later', () => {
    const onWeb = price({ listPrice: eur(12999), effectiveFrom: '2026-01-01T00:00:00Z' });
    const everywhere = price({ scope: {}, listPrice: eur(9999), effectiveFrom: '2026-11-01T00:00:00Z' });
    assert.equal(catalogueLookup(fold(priceSet(everywhere), priceSet(onWeb))).price(skus.jacketM, web())?.unitPrice.amount, 12999);
  });

  it('answers the sale price when there is one', () => {
    const onSale = price({ listPrice: eur(12999), salePrice: eur(9999) });
    assert.deepEqual(catalogueLookup(fold(priceSet(onSale))).price(skus.jacketM, web()), { unitPrice: eur(9999), taxIncluded: true });
  });

  it('moves a price whose SKU was corrected under the same id', () => {
    const wrongSku = price({ sku: skus.jacketS });
    const state = fold(priceSet(wrongSku), priceSet({ ...wrongSku, sku: skus.jacketM }, 2));
    const lookup = catalogueLookup(state);
    assert.equal(lookup.price(skus.jacketM, web())?.unitPrice.amount, 12999);
    assert.equal(lookup.price(skus.jacketS, web()), undefined);
  });
});
