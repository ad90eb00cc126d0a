import { createHmac } from 'node:crypto';
import { MASK, maskHeaders } from '../sdk/index.ts';
import type { HttpAuthSettings } from './settings.ts';

// Credentials of an http target. Header names are lower case throughout the connector so a static
// `Authorization` and ours cannot both be sent.

/** Adds a target's credentials to requests, and hides them again for previews. */
export interface Authenticator {
  /** Adds the credentials to `headers` (lower-case names) for a request with this exact body. */
  apply(headers: Record<string, string>, body: string | undefined, nowMs: number): void;
  /** A copy of `headers` with the credentials (and any conventional secret header) masked. */
  mask(headers: Readonly<Record<string, string>>): Record<string, string>;
}

/** The headers an auth setting writes, lower case: these are masked in previews. */
export function authHeaderNames(auth: HttpAuthSettings): string[] {
  if (auth.type === 'bearer' || auth.type === 'basic') return ['authorization'];
  if (auth.type === 'hmac') return [auth.header.toLowerCase()];
  return [];
}

/**
 * The HMAC of a request body as the target should verify it: over `<timestamp>.<body>` when
 * `timestamp` is given, else over the body alone (empty when there is none), with the prefix.
 */
export function hmacSignature(auth: Extract<HttpAuthSettings, { type: 'hmac' }>, body: string | undefined, timestamp?: number): string {
  const hmac = createHmac(auth.algorithm, auth.secret);
  if (timestamp !== undefined) hmac.update(`${timestamp}.`);
  // Strings are hashed as UTF-8, the same bytes the HTTP client sends.
  hmac.update(body ?? '');
  return `${auth.prefix}${hmac.digest(auth.encoding)}`;
}

/** A copy of `headers` safe to show: Authorization as `Bearer ***`/`Basic ***`, the signature as `***`. */
export function maskAuthHeaders(auth: HttpAuthSettings, headers: Readonly<Record<string, string>>): Record<string, string> {
  const masked = maskHeaders(headers, authHeaderNames(auth));
  if (auth.type === 'hmac') {
    const signature = auth.header.toLowerCase();
    // The prefix is no secret, but `sha256=***` could be read as a real value; show only the mask.
    if (masked[signature] !== undefined) masked[signature] = MASK;
  }
  return masked;
}

/** The authenticator of an auth setting; constant headers are computed once, here. */
export function createAuthenticator(auth: HttpAuthSettings): Authenticator {
  const mask = (headers: Readonly<Record<string, string>>) => maskAuthHeaders(auth, headers);
  switch (auth.type) {
    case 'none':
      return { apply: () => {}, mask };
    case 'bearer': {
      const value = `Bearer ${auth.token}`;
      return { apply: (headers) => void (headers.authorization = value), mask };
    }
    case 'basic': {
      const value = `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
      return { apply: (headers) => void (headers.authorization = value), mask };
    }
    case 'hmac': {
      const header = auth.header.toLowerCase();
      const timestampHeader = auth.timestampHeader?.toLowerCase();
      return {
        apply(headers, body, nowMs) {
          if (timestampHeader === undefined) {
            headers[header] = hmacSignature(auth, body);
            return;
          }
          const timestamp = Math.floor(nowMs / 1000);
          headers[timestampHeader] = String(timestamp);
          headers[header] = hmacSignature(auth, body, timestamp);
        },
        mask,
      };
    }
  }
}
