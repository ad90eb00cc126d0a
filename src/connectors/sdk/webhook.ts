// What every webhook verifier needs: an HMAC, compared in constant time; the body parsed with big
// ids kept exact; vendor timestamps in UTC. Each vendor's own rules stay in its connector.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseJsonKeepingBigIntegers } from '../../domain/shared/json.ts';
import { MappingError, WebhookError } from '../../errors/index.ts';
import type { WebhookRequest } from '../../ports/inbound.ts';

/** HMAC-SHA256 of the parts, in order, with a secret. */
export function hmacSha256(secret: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/**
 * Whether a signature header value (base64 or hex) equals the expected digest, in constant time.
 * A header that does not decode to the digest's length is simply not equal.
 */
export function signatureMatches(expected: Buffer, given: string | undefined, encoding: 'base64' | 'hex'): boolean {
  if (given === undefined || given === '') return false;
  const trimmed = given.trim();
  if (encoding === 'hex' ? !/^[0-9a-fA-F]+$/.test(trimmed) : !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return false;
  const decoded = Buffer.from(trimmed, encoding);
  // Re-encoding catches base64 with stray bits that would otherwise decode to the same bytes.
  if (decoded.length !== expected.length || decoded.toString(encoding).toLowerCase() !== trimmed.toLowerCase()) return false;
  return timingSafeEqual(decoded, expected);
}

/** A header of a webhook (names are lower case), the first of several names that is present. */
export function headerOf(request: WebhookRequest, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = request.headers[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/**
 * Parses JSON keeping integers above 2^53 exact, as strings of their digits (Shopify's order ids
 * would otherwise lose their last digits). Throws a WebhookError `webhook_malformed` on bad JSON.
 */
export function parseJsonExact(text: string | Buffer): unknown {
  try {
    return parseJsonKeepingBigIntegers(typeof text === 'string' ? text : text.toString('utf8'));
  } catch (error) {
    throw new WebhookError('webhook_malformed', `The body is not JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A vendor timestamp (ISO 8601 with any offset: "2021-12-31T19:00:00-05:00") as ISO 8601 UTC
 * ("2022-01-01T00:00:00.000Z"). Throws a MappingError at `pointer` for anything else.
 */
export function toUtc(value: unknown, pointer: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    throw new MappingError(`${pointer} is not a timestamp`, [{ pointer, message: `expected ISO 8601 with a time zone, got ${JSON.stringify(value) ?? 'nothing'}` }]);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new MappingError(`${pointer} is not a valid time`, [{ pointer, message: `"${value}" is not a valid time` }]);
  return new Date(ms).toISOString();
}

/** A vendor id (number or string) as a string; numbers above 2^53 must have been parsed with parseJsonExact. */
export function vendorId(value: unknown, pointer: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new MappingError(`${pointer} is not an id`, [{ pointer, message: `expected an id, got ${JSON.stringify(value) ?? 'nothing'}` }]);
}
