// Reading Shopify's webhook bodies: every accessor takes a JSON Pointer so a MappingError names the
// exact field of the vendor payload (`/line_items/2/price`). Shopify sends `null` for absent values,
// money as decimal strings (sometimes JSON numbers), ids as integers above 2^53 (kept as digit
// strings by parseJsonExact) and addresses with free-text phones.

import { MappingError } from '../../../errors/index.ts';
import type { Address } from '../../../domain/shared/primitives.ts';
import { toMinorUnits, vendorId } from '../../sdk/index.ts';

/** A JSON object of a payload. */
export type Json = Record<string, unknown>;

/** Whether a value is a JSON object (not an array, not null). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The payload as an object, or a MappingError at the root. */
export function rootObject(payload: unknown, topic: string): Json {
  if (!isObject(payload)) throw new MappingError(`The ${topic} payload is not a JSON object`, [{ pointer: '', message: 'expected a JSON object' }]);
  return payload;
}

/** A nested object at `pointer`, or undefined when absent or null. */
export function optObject(value: unknown, pointer: string): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new MappingError(`${pointer} is not an object`, [{ pointer, message: 'expected an object' }]);
  return value;
}

/** An array at `pointer`; absent or null reads as empty. */
export function arrayAt(value: unknown, pointer: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MappingError(`${pointer} is not an array`, [{ pointer, message: 'expected an array' }]);
  return value;
}

/** A non-empty trimmed string, or undefined for null, absent or blank. */
export function optString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A required non-empty string. */
export function requiredString(value: unknown, pointer: string): string {
  const text = optString(value);
  if (text === undefined) throw new MappingError(`${pointer} is missing`, [{ pointer, message: `expected a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}` }]);
  return text;
}

/** A required integer (quantities). */
export function integerAt(value: unknown, pointer: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new MappingError(`${pointer} is not an integer`, [{ pointer, message: `expected an integer, got ${JSON.stringify(value) ?? 'nothing'}` }]);
  return value;
}

/** A Shopify id (number or digit string) as a string with every digit. */
export function idAt(value: unknown, pointer: string): string {
  return vendorId(value, pointer);
}

/** An amount in minor units; absent or null counts as zero (Shopify omits zero-value sets). */
export function minorOrZero(value: unknown, currency: string, pointer: string): number {
  if (value === undefined || value === null) return 0;
  return toMinorUnits(value, currency, pointer);
}

/** Money as Weft holds it. */
export function money(amount: number, currency: string): { amount: number; currency: string } {
  return { amount, currency };
}

/** The E.164 form of a phone, when Shopify's text already is one ("+1 613-555-0100" → "+16135550100"); otherwise undefined. */
export function e164(value: unknown): string | undefined {
  const text = optString(value);
  if (text === undefined || !text.startsWith('+')) return undefined;
  const digits = `+${text.slice(1).replace(/[\s().-]/g, '')}`;
  return /^\+[1-9]\d{1,14}$/.test(digits) ? digits : undefined;
}

/**
 * A Shopify address (`address1`, `zip`, `country_code`, `province_code`) as a Weft Address, or
 * undefined when it lacks a street, city or country (Shopify allows partial addresses, e.g. for
 * digital goods). Phones that are not E.164 are left out: Shopify stores them as typed.
 */
export function addressOf(value: unknown, pointer: string): Address | undefined {
  const raw = optObject(value, pointer);
  if (raw === undefined) return undefined;
  const line1 = optString(raw.address1);
  const city = optString(raw.city);
  const country = optString(raw.country_code)?.toUpperCase();
  if (line1 === undefined || city === undefined || country === undefined || !/^[A-Z]{2}$/.test(country)) return undefined;
  const name = optString(raw.name) ?? ([optString(raw.first_name), optString(raw.last_name)].filter((part) => part !== undefined).join(' ') || undefined);
  const province = optString(raw.province_code);
  const address: Address = { line1, city, country };
  if (name !== undefined) address.name = name;
  const company = optString(raw.company);
  if (company !== undefined) address.company = company;
  const line2 = optString(raw.address2);
  if (line2 !== undefined) address.line2 = line2;
  if (province !== undefined) address.region = /^[A-Z0-9]{1,3}$/.test(province) ? `${country}-${province}` : province;
  const postalCode = optString(raw.zip);
  if (postalCode !== undefined) address.postalCode = postalCode;
  const phone = e164(raw.phone);
  if (phone !== undefined) address.phone = phone;
  return address;
}

/** A Shopify tax rate (decimal fraction, 0.0825) in basis points (825), rounded to the nearest basis point. */
export function basisPoints(rate: unknown, pointer: string): number {
  const number = typeof rate === 'string' ? Number(rate) : rate;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) throw new MappingError(`${pointer} is not a tax rate`, [{ pointer, message: `expected a decimal rate such as 0.19, got ${JSON.stringify(rate) ?? 'nothing'}` }]);
  return Math.round(number * 10_000);
}
