import type { ApplicablePrice, CatalogueItem, CatalogueLookup } from '../domain/order/checks.ts';
import type { Price } from '../domain/pricing/price.schema.ts';
import type { ProductDiscontinued } from '../domain/product/events.ts';
import type { Product } from '../domain/product/product.schema.ts';

// The catalogue as order checks need it: which SKUs exist and are still sold, and the prices the ERP
// (or the PIM) set for them, folded from product and price events. Pure. A product event carries the
// whole product, so it replaces what was known of it; a price event carries one price, replaced by id.

/** The event types the catalogue folds. */
export const CATALOGUE_EVENT_TYPES = ['weft.product.upserted.v1', 'weft.product.discontinued.v1', 'weft.price.set.v1'] as const;

/** The catalogue's state. */
export interface CatalogueState {
  /** Items by SKU. */
  items: Map<string, { itemId: string; productId: string; status: CatalogueItem['status'] }>;
  /** SKUs of each product, to drop the ones a new version no longer has. */
  skusOf: Map<string, Set<string>>;
  /** Prices by SKU, by price id. */
  prices: Map<string, Map<string, Price>>;
  /** The SKU each price id is filed under, so a price corrected to another SKU leaves the old one. */
  priceSkus: Map<string, string>;
  /** Sequence folded per subject (a product id, a price's subject), so a re-read changes nothing. */
  versions: Map<string, number>;
}

/** An empty catalogue. */
export function emptyCatalogue(): CatalogueState {
  return { items: new Map(), skusOf: new Map(), prices: new Map(), priceSkus: new Map(), versions: new Map() };
}

/** Folds one event; false when its subject has folded it already or it is not a catalogue event. */
export function applyCatalogueEvent(state: CatalogueState, event: { type: string; subject: string; sequence: number; data: unknown }): boolean {
  if (!(CATALOGUE_EVENT_TYPES as readonly string[]).includes(event.type)) return false;
  if (event.sequence <= (state.versions.get(event.subject) ?? 0)) return false;
  state.versions.set(event.subject, event.sequence);
  if (event.type === 'weft.product.upserted.v1') {
    const product = event.data as Product;
    const before = state.skusOf.get(product.id) ?? new Set<string>();
    const now = new Set(product.items.map((item) => item.sku));
    for (const sku of before) if (!now.has(sku) && state.items.get(sku)?.productId === product.id) state.items.delete(sku);
    for (const item of product.items) state.items.set(item.sku, { itemId: item.id, productId: product.id, status: product.status === 'discontinued' ? 'discontinued' : item.status });
    state.skusOf.set(product.id, now);
  } else if (event.type === 'weft.product.discontinued.v1') {
    const ended = event.data as ProductDiscontinued;
    for (const sku of state.skusOf.get(ended.productId) ?? []) {
      const item = state.items.get(sku);
      // A SKU that moved to another product is that product's now.
      if (item && item.productId === ended.productId && (ended.itemIds === undefined || ended.itemIds.includes(item.itemId))) item.status = 'discontinued';
    }
  } else {
    const price = event.data as Price;
    const before = state.priceSkus.get(price.id);
    if (before !== undefined && before !== price.sku) state.prices.get(before)?.delete(price.id);
    state.priceSkus.set(price.id, price.sku);
    let bySku = state.prices.get(price.sku);
    if (!bySku) state.prices.set(price.sku, (bySku = new Map()));
    bySku.set(price.id, price);
  }
  return true;
}

/** How specific a price's scope is: a store's price for a channel beats a store's, beats a channel's, beats the global one. */
function specificity(price: Price): number {
  return (price.scope.locationId !== undefined ? 2 : 0) + (price.scope.channel !== undefined ? 1 : 0);
}

/** The catalogue as the order checks read it. */
export function catalogueLookup(state: CatalogueState): CatalogueLookup {
  return {
    item: (sku) => state.items.get(sku),
    price(sku, where): ApplicablePrice | undefined {
      let best: Price | undefined;
      for (const price of state.prices.get(sku)?.values() ?? []) {
        if (price.listPrice.currency !== where.currency) continue;
        if (price.scope.channel !== undefined && price.scope.channel !== where.channel) continue;
        if (price.scope.locationId !== undefined && price.scope.locationId !== where.locationId) continue;
        if (Date.parse(price.effectiveFrom) > Date.parse(where.at)) continue;
        if (price.effectiveTo !== undefined && Date.parse(price.effectiveTo) <= Date.parse(where.at)) continue;
        // The most specific scope wins; among equals, the one that started last.
        if (best === undefined || specificity(price) > specificity(best) || (specificity(price) === specificity(best) && Date.parse(price.effectiveFrom) > Date.parse(best.effectiveFrom))) best = price;
      }
      return best === undefined ? undefined : { unitPrice: best.salePrice ?? best.listPrice, taxIncluded: best.taxIncluded };
    },
  };
}
