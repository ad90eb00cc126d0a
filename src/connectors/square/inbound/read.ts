import { MappingError } from '../../../errors/index.ts';
import { isCurrencyCode, minorUnitsOf, type MappingContext } from '../../sdk/index.ts';
import type { SquareSourceSettings } from '../settings.ts';

// Reading Square payloads with errors that point into them: every helper takes the JSON Pointer of
// the value it reads, so a MappingError names `/data/object/order/line_items/2/quantity`.

/** A JSON object. */
export type Json = Record<string, unknown>;

/** Money as Weft holds it. */
export interface Money {
  amount: number;
  currency: string;
}

/** Key under which `enrich` adds what it fetched to a Square envelope (Square's own keys never start with `_`). */
export const ENRICHMENT_KEY = '_weft';

/** What `enrich` adds to an envelope: the full order, and SKUs of catalog variations by their id. */
export interface Enrichment {
  /** The order of an order webhook; for a payment or refund webhook, the order an EXTERNAL payment pays (to recognise Weft's own). */
  order?: Json;
  /** The payment a refund webhook refunds (GetPayment), when the refund may be of an EXTERNAL payment. */
  payment?: Json;
  /** The location of a location.created / location.updated webhook (RetrieveLocation). */
  location?: Json;
  skus: Record<string, string>;
}

const fail = (pointer: string, message: string): MappingError => new MappingError(`${pointer} ${message}`, [{ pointer, message }]);

/** Whether a value is a JSON object. */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `pointer`, or a MappingError. */
export function obj(value: unknown, pointer: string): Json {
  if (!isObject(value)) throw fail(pointer, `must be an object, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

/** The array at `pointer` (absent counts as empty), or a MappingError. */
export function arr(value: unknown, pointer: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fail(pointer, 'must be an array');
  return value;
}

/** The non-empty string at `pointer`, or a MappingError. */
export function str(value: unknown, pointer: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw fail(pointer, `must be a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

/** The string at `pointer`, or undefined when absent or empty. */
export function optStr(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A Square Money object (`{amount, currency}`, amount in minor units) at `pointer`. */
export function money(value: unknown, pointer: string): Money {
  const m = obj(value, pointer);
  if (!isCurrencyCode(m.currency)) throw fail(`${pointer}/currency`, `must be an ISO 4217 code, got ${JSON.stringify(m.currency) ?? 'nothing'}`);
  return { amount: minorUnitsOf(m.amount, `${pointer}/amount`), currency: m.currency };
}

/** A Square Money that may be absent: zero in `currency` then. */
export function moneyOr(value: unknown, pointer: string, currency: string): Money {
  return value === undefined || value === null ? { amount: 0, currency } : money(value, pointer);
}

/** A Square quantity (a decimal string, "2" or "2.000") as a positive whole number of units. */
export function units(value: unknown, pointer: string): number {
  const match = typeof value === 'string' ? /^(\d+)(?:\.0+)?$/.exec(value.trim()) : null;
  const n = match ? Number(match[1]) : typeof value === 'number' && Number.isSafeInteger(value) ? value : NaN;
  if (!Number.isSafeInteger(n)) {
    throw fail(pointer, `"${String(value)}" is not a whole number of units: Weft counts units as integers (sell weighed goods in grams)`);
  }
  return n;
}

/** The source's settings as the mapping context carries them. */
export function sourceSettings(context: MappingContext): SquareSourceSettings {
  return context.settings as SquareSourceSettings;
}

/** The Square envelope of a (possibly enriched) delivery payload, and what enrich added. */
export function envelopeOf(payload: unknown): { envelope: Json; enrichment: Enrichment | undefined } {
  const envelope = obj(payload, '');
  const extra = envelope[ENRICHMENT_KEY];
  return { envelope, enrichment: isObject(extra) ? (extra as unknown as Enrichment) : undefined };
}

/** `/data/object` of a Square envelope. */
export function dataObject(envelope: Json): Json {
  return obj(obj(envelope.data, '/data').object, '/data/object');
}

/**
 * The SKU of a catalog variation: from the catalog (when enrich looked it up), else the variation id
 * itself when the source says so (`skuSource: catalogObjectId`), else a MappingError.
 */
export function skuOf(catalogObjectId: string, pointer: string, settings: SquareSourceSettings, enrichment: Enrichment | undefined): string {
  const fromCatalog = enrichment?.skus[catalogObjectId];
  if (fromCatalog !== undefined) return fromCatalog;
  if (settings.skuSource === 'catalogObjectId' || enrichment !== undefined) return catalogObjectId;
  throw fail(pointer, `has no SKU: the catalog variation ${catalogObjectId} was not looked up (enrich did not run); set skuSource to "catalogObjectId" to use Square's ids as SKUs`);
}
