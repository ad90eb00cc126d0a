import { InputError } from '../errors/index.ts';

// The Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header): what makes a client's retry
// of a write safe. The same key with the same body repeats the first answer; with another body it is
// refused.

// RFC 8941 sf-string or a bare token; printable ASCII without quotes inside.
const IDEMPOTENCY_KEY = /^"?([\x21\x23-\x7e]{1,255})"?$/;

/** The key of an Idempotency-Key header, undefined when there is none; an InputError when it is malformed. */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  const match = IDEMPOTENCY_KEY.exec(value.trim());
  if (!match || (value.trim().startsWith('"') !== value.trim().endsWith('"'))) {
    throw new InputError('invalid_idempotency_key', 'The Idempotency-Key header must be 1 to 255 printable ASCII characters (optionally in double quotes).');
  }
  return match[1];
}
