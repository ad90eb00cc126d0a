import type { HttpClient } from '../../sdk/index.ts';
import { buildRequest, send, type SquareApiSettings, type SquareRequest } from '../client.ts';
import { TargetError } from '../../../errors/index.ts';

// SKU → Square catalog variation id, for writing stock and the lines of store orders: Square names
// variations by catalog_object_id, Weft names items by SKU. Looked up with SearchCatalogObjects
// (exact match on the variation's `sku`) and remembered for the life of the target (a variation's
// id never changes).

/** The SearchCatalogObjects request that finds the variation with this SKU. */
export function skuSearchRequest(api: SquareApiSettings, sku: string): SquareRequest {
  return buildRequest(api, 'POST', '/v2/catalog/search', { object_types: ['ITEM_VARIATION'], query: { exact_query: { attribute_name: 'sku', attribute_value: sku } }, limit: 2 });
}

/** Resolves SKUs to variation ids, caching what it found. */
export function createCatalogLookup(api: SquareApiSettings) {
  const cache = new Map<string, string>();
  // Only a single match is remembered: a SKU Square lacks today may be added to the catalog tomorrow.
  async function search(sku: string, http: HttpClient, now: () => number, signal?: AbortSignal): Promise<string[]> {
    const known = cache.get(sku);
    if (known !== undefined) return [known];
    const answer = (await send(http, api, skuSearchRequest(api, sku), 'POST /v2/catalog/search (by SKU)', now, signal)) as { objects?: { id?: unknown }[] };
    const ids = (answer.objects ?? []).map((o) => o.id).filter((id): id is string => typeof id === 'string');
    if (ids.length === 1) cache.set(sku, ids[0] as string);
    return ids;
  }
  return {
    /** The cached variation id of a SKU, if it was looked up before. */
    cached: (sku: string): string | undefined => cache.get(sku),
    /** The variation id of a SKU, or undefined when Square has none or several with it (the caller sells it ad hoc). */
    async find(sku: string, http: HttpClient, now: () => number, signal?: AbortSignal): Promise<string | undefined> {
      const ids = await search(sku, http, now, signal);
      return ids.length === 1 ? ids[0] : undefined;
    },
    /** The variation id of a SKU; a TargetError `target_rejected` when Square has none or several. */
    async variationOf(sku: string, http: HttpClient, now: () => number, signal?: AbortSignal): Promise<string> {
      const ids = await search(sku, http, now, signal);
      if (ids.length !== 1) {
        throw new TargetError('target_rejected', `Square has ${ids.length === 0 ? 'no' : 'more than one'} catalog item variation with SKU "${sku}": give the variation that SKU in Square's item library, then replay.`);
      }
      return ids[0] as string;
    },
  };
}

/** What the inventory and release actions use to find variation ids. */
export type CatalogLookup = ReturnType<typeof createCatalogLookup>;
