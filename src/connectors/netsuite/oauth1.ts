import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// OAuth 1.0a request signing (RFC 5849 §3.4) for NetSuite token-based authentication. NetSuite
// signs with HMAC-SHA256, the RFC's published vectors use HMAC-SHA1: the hash is a parameter so the
// same code is checked against the RFC and used for NetSuite. The simulator verifies with it too.

/** Hash of the HMAC signature: `sha1` (RFC 5849's HMAC-SHA1) or `sha256` (NetSuite's HMAC-SHA256). */
export type SignatureHash = 'sha1' | 'sha256';

/** The `oauth_signature_method` value of a hash. */
export function signatureMethodOf(hash: SignatureHash): string {
  return hash === 'sha1' ? 'HMAC-SHA1' : 'HMAC-SHA256';
}

/** Percent-encoding of RFC 5849 §3.6 (RFC 3986 unreserved characters stay, everything else is %XX of UTF-8). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** One request parameter, decoded: the signature covers query, body and oauth_* parameters alike. */
export type OAuthParam = readonly [name: string, value: string];

/**
 * The base string URI of RFC 5849 §3.4.1.2: scheme and host in lower case, the default port left
 * out, the path as sent, no query or fragment.
 */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.toLowerCase();
  const host = url.hostname.toLowerCase();
  const port = url.port === '' || (scheme === 'http:' && url.port === '80') || (scheme === 'https:' && url.port === '443') ? '' : `:${url.port}`;
  return `${scheme}//${host}${port}${url.pathname === '' ? '/' : url.pathname}`;
}

// Query parameters decoded the way RFC 5849 §3.4.1.3.1 says: `+` is a space, %XX is decoded.
function queryParams(url: URL): OAuthParam[] {
  const query = url.search.startsWith('?') ? url.search.slice(1) : url.search;
  if (query === '') return [];
  return query.split('&').map((pair) => {
    const at = pair.indexOf('=');
    const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    return at === -1 ? ([decode(pair), ''] as const) : ([decode(pair.slice(0, at)), decode(pair.slice(at + 1))] as const);
  });
}

/** The normalised parameter string of RFC 5849 §3.4.1.3.2: encoded, sorted by name then value, joined with `&`. */
export function normalizeParameters(params: readonly OAuthParam[]): string {
  const encoded = params.map(([name, value]) => [percentEncode(name), percentEncode(value)] as const);
  encoded.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return encoded.map(([name, value]) => `${name}=${value}`).join('&');
}

/**
 * The signature base string of RFC 5849 §3.4.1: method, base URI and the normalised parameters
 * (the URL's query, `oauthParams` without oauth_signature or realm, and form `bodyParams`), each encoded.
 */
export function signatureBaseString(method: string, url: string | URL, oauthParams: readonly OAuthParam[], bodyParams: readonly OAuthParam[] = []): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const params = [...queryParams(parsed), ...oauthParams.filter(([name]) => name !== 'oauth_signature' && name !== 'realm'), ...bodyParams];
  return [method.toUpperCase(), percentEncode(baseStringUri(parsed)), percentEncode(normalizeParameters(params))].join('&');
}

/** The HMAC signature of a base string, base64: key = encode(consumerSecret) & encode(tokenSecret) (RFC 5849 §3.4.2). */
export function hmacSignature(baseString: string, consumerSecret: string, tokenSecret: string, hash: SignatureHash): string {
  return createHmac(hash, `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64');
}

/** Token-based authentication credentials of one NetSuite integration and user. All four are secrets except the ids' values in logs (never logged anyway). */
export interface TbaCredentials {
  /** Consumer key of the integration record. */
  consumerKey: string;
  /** Consumer secret of the integration record. */
  consumerSecret: string;
  /** Token id of the access token. */
  tokenId: string;
  /** Token secret of the access token. */
  tokenSecret: string;
}

/** What signing a request needs besides the credentials: where the nonce and the time come from. */
export interface SigningSources {
  /** A fresh nonce per request; NetSuite rejects a nonce it has seen before. */
  nonce(): string;
  /** Now, in ms since the epoch; the timestamp is its whole seconds. */
  now(): number;
}

/** Random 20-character alphanumeric nonces (NetSuite rejects nonces with special characters). */
export function randomNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(20)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** What signing one request produced: the header and the parts it was made of (for tests and the simulator). */
export interface SignedRequest {
  authorization: string;
  nonce: string;
  timestamp: string;
  baseString: string;
  signature: string;
}

/**
 * Signs one request and returns the `Authorization: OAuth …` header value: realm (not signed), the
 * oauth_* parameters and the signature, each value percent-encoded in double quotes.
 */
export function signRequest(input: {
  method: string;
  url: string;
  realm: string;
  credentials: TbaCredentials;
  hash: SignatureHash;
  sources: SigningSources;
  /** Sends oauth_version="1.0" (optional in RFC 5849; NetSuite's examples send it). Default true. */
  version?: boolean;
}): SignedRequest {
  const nonce = input.sources.nonce();
  const timestamp = String(Math.floor(input.sources.now() / 1000));
  const oauth: OAuthParam[] = [
    ['oauth_consumer_key', input.credentials.consumerKey],
    ['oauth_token', input.credentials.tokenId],
    ['oauth_signature_method', signatureMethodOf(input.hash)],
    ['oauth_timestamp', timestamp],
    ['oauth_nonce', nonce],
  ];
  if (input.version !== false) oauth.push(['oauth_version', '1.0']);
  const baseString = signatureBaseString(input.method, input.url, oauth);
  const signature = hmacSignature(baseString, input.credentials.consumerSecret, input.credentials.tokenSecret, input.hash);
  const parts = [['realm', input.realm] as const, ...oauth, ['oauth_signature', signature] as const];
  const authorization = `OAuth ${parts.map(([name, value]) => `${name}="${percentEncode(value)}"`).join(', ')}`;
  return { authorization, nonce, timestamp, baseString, signature };
}

/** The parameters of an `Authorization: OAuth …` header, decoded, or undefined when it is not one. */
export function parseAuthorizationHeader(value: string | undefined): Map<string, string> | undefined {
  if (value === undefined || !/^OAuth\s/i.test(value)) return undefined;
  const params = new Map<string, string>();
  const pattern = /([A-Za-z0-9_]+)="([^"]*)"/g;
  for (const match of value.slice(6).matchAll(pattern)) {
    try {
      params.set(match[1] as string, decodeURIComponent(match[2] as string));
    } catch {
      return undefined;
    }
  }
  return params;
}

/** Whether two base64 signatures are equal, in constant time. */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
