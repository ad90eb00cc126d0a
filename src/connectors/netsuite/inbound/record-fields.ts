import { MappingError } from '../../../errors/index.ts';
import { toMinorUnits, vendorId } from '../../sdk/index.ts';

// Reading NetSuite REST records in mappings: references (`{id, refName}`), sublists
// (`{items: [...]}`), decimals and dates, each failing with a MappingError that points into the record.

/** A record of the REST API, parsed with parseJsonExact. */
export type NsRecord = Record<string, unknown>;

const fail = (pointer: string, message: string) => new MappingError(`${pointer} ${message}`, [{ pointer, message }]);

/** The object at `record[key]`, or undefined. */
export function objectAt(record: NsRecord, key: string): NsRecord | undefined {
  const value = record[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as NsRecord) : undefined;
}

/** The internal id of a reference field (`createdFrom: {id, refName}`), or undefined when absent. */
export function refId(record: NsRecord, key: string, pointer: string): string | undefined {
  const ref = objectAt(record, key);
  return ref === undefined || ref.id === undefined ? undefined : vendorId(ref.id, `${pointer}/id`);
}

/** The refName of a reference field, or undefined. */
export function refName(record: NsRecord, key: string): string | undefined {
  const name = objectAt(record, key)?.refName;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The lines of a sublist (`item: {items: [...]}`); a sublist that was not expanded is an error naming it. */
export function sublist(record: NsRecord, key: string, pointer: string): NsRecord[] {
  const items = objectAt(record, key)?.items;
  if (!Array.isArray(items)) throw fail(`${pointer}/items`, 'is missing: read the record with expandSubResources=true');
  return items as NsRecord[];
}

/** A positive integer quantity. */
export function quantityAt(line: NsRecord, pointer: string): number {
  const value = line.quantity;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw fail(`${pointer}/quantity`, `must be a positive whole number, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

/** A decimal field in minor units (absent = 0). */
export function minorAt(record: NsRecord, key: string, currency: string, pointer: string): number {
  const value = record[key];
  return value === undefined || value === null ? 0 : toMinorUnits(value, currency, `${pointer}/${key}`);
}

/** A NetSuite date (`2026-11-20`) as a LocalDate. */
export function dateAt(record: NsRecord, key: string, pointer: string): string {
  const value = record[key];
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw fail(`${pointer}/${key}`, `must be a date YYYY-MM-DD, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

/** A Weft id written on a NetSuite line (a custom line field), checked for its prefix. */
export function weftIdAt(line: NsRecord, field: string, prefix: string, pointer: string): string {
  const value = line[field];
  if (typeof value !== 'string' || !new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`).test(value)) {
    throw fail(`${pointer}/${field}`, `must hold the Weft ${prefix}_ id the line was created with, got ${JSON.stringify(value) ?? 'nothing'} (lines added in NetSuite cannot be mapped)`);
  }
  return value;
}

/** A MappingError at `pointer`. */
export { fail as mappingError };
