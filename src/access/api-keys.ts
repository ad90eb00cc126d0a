import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AccessError, InputError } from '../errors/index.ts';
import { isoNow, type Clock, type IdGenerator } from '../ports/clock.ts';
import type { ApiKeyRecord, Store } from '../ports/store.ts';

/** What a key may do. `admin` implies every other scope. */
export const scopes = ['events:write', 'events:read', 'keys:manage', 'metrics:read', 'deliveries:read', 'deliveries:manage', 'inbound:read', 'inbound:manage', 'tasks:read', 'tasks:manage', 'orders:read', 'orders:write', 'inventory:read', 'inventory:reserve', 'inventory:manage', 'admin'] as const;
/** One permission an API key can carry. */
export type Scope = (typeof scopes)[number];

/** Who made a request: the key that authenticated it. */
export interface Principal {
  /** Key id (`key_…`), safe to log. */
  keyId: string;
  /** The key's name. */
  name: string;
  /** Granted scopes. */
  scopes: readonly Scope[];
}

/** A newly created key: the token is shown once and never stored. */
export interface IssuedKey {
  /** The stored record (hash only). */
  record: ApiKeyRecord;
  /** The bearer token to hand to the client: `weft_<key id>_<secret>`. */
  token: string;
}

const TOKEN = /^weft_(key_[0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether a value is a known scope. */
export function isScope(value: string): value is Scope {
  return (scopes as readonly string[]).includes(value);
}

/** Whether a principal holds a scope (directly or through `admin`). */
export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes(scope) || principal.scopes.includes('admin');
}

/** Options of the key service. */
export interface ApiKeyServiceOptions {
  /** How long a verified key is trusted before it is read from the store again. */
  cacheMs: number;
}

/** Issues, verifies, lists and revokes API keys. Secrets are random 256-bit values; only their SHA-256 is stored. */
export interface ApiKeyService {
  /** Creates a key with the given scopes; the returned token is the only copy of the secret. */
  create(name: string, scopes: readonly string[]): Promise<IssuedKey>;
  /** Resolves a bearer token to its principal, or throws an AccessError saying why not. */
  verify(token: string | undefined): Promise<Principal>;
  /** Every key (hashes only). */
  list(): Promise<ApiKeyRecord[]>;
  /** Revokes a key; effective at once in this process. False if unknown or already revoked. */
  revoke(id: string): Promise<boolean>;
}

interface CacheEntry {
  record: ApiKeyRecord | undefined;
  fetchedAt: number;
}

/** Creates the key service over the store. */
export function createApiKeyService(deps: { store: Store; clock: Clock; ids: IdGenerator }, options: ApiKeyServiceOptions): ApiKeyService {
  const cache = new Map<string, CacheEntry>();
  // Tokens already verified, so a client sending the same key thousands of times a second costs a
  // map lookup, not a hash. Entries live no longer than a key record in `cache` does.
  const verified = new Map<string, { principal: Principal; at: number }>();
  const MAX_CACHE = 10_000;

  async function load(id: string): Promise<ApiKeyRecord | undefined> {
    const now = deps.clock.now();
    const cached = cache.get(id);
    if (cached && now - cached.fetchedAt < options.cacheMs) return cached.record;
    const record = await deps.store.apiKey(id);
    if (cache.size >= MAX_CACHE) cache.clear();
    cache.set(id, { record, fetchedAt: now });
    return record;
  }

  return {
    async create(name, requested) {
      const trimmed = name.trim();
      if (trimmed === '' || trimmed.length > 100) throw new InputError('malformed_request', 'A key needs a name of 1 to 100 characters.');
      const unknown = requested.filter((scope) => !isScope(scope));
      if (unknown.length > 0) throw new InputError('malformed_request', `Unknown scope ${unknown.join(', ')}; known scopes: ${scopes.join(', ')}.`);
      if (requested.length === 0) throw new InputError('malformed_request', `A key needs at least one scope: ${scopes.join(', ')}.`);
      const id = deps.ids.next('apiKey');
      const secret = randomBytes(32).toString('base64url');
      const record: ApiKeyRecord = {
        id,
        name: trimmed,
        secretHash: hashSecret(secret),
        scopes: [...new Set(requested)],
        createdAt: isoNow(deps.clock),
        revokedAt: undefined,
      };
      await deps.store.createApiKey(record);
      cache.delete(id);
      return { record, token: `weft_${id}_${secret}` };
    },

    async verify(token) {
      const hit = token === undefined ? undefined : verified.get(token);
      if (hit && deps.clock.now() - hit.at < options.cacheMs) return hit.principal;
      if (token === undefined || token === '') {
        throw new AccessError('unauthenticated', 'This endpoint needs an API key: send "Authorization: Bearer <key>".');
      }
      const match = TOKEN.exec(token);
      if (!match) throw new AccessError('invalid_credentials', 'The API key is not valid.');
      const [, id, secret] = match as unknown as [string, string, string];
      const record = await load(id);
      const presented = Buffer.from(hashSecret(secret), 'hex');
      // Compare even when the key is unknown, so timing does not tell which key ids exist.
      const expected = Buffer.from(record?.secretHash ?? '0'.repeat(64), 'hex');
      const matches = presented.length === expected.length && timingSafeEqual(presented, expected) && record !== undefined;
      if (!matches || !record) throw new AccessError('invalid_credentials', 'The API key is not valid.');
      if (record.revokedAt !== undefined) throw new AccessError('credentials_revoked', `The API key ${record.id} was revoked at ${record.revokedAt}.`);
      const principal: Principal = { keyId: record.id, name: record.name, scopes: record.scopes.filter(isScope) };
      if (verified.size >= MAX_CACHE) verified.clear();
      verified.set(token, { principal, at: cache.get(id)?.fetchedAt ?? deps.clock.now() });
      return principal;
    },

    list: () => deps.store.listApiKeys(),

    async revoke(id) {
      const revoked = await deps.store.revokeApiKey(id, isoNow(deps.clock));
      cache.delete(id);
      for (const [token, entry] of verified) if (entry.principal.keyId === id) verified.delete(token);
      return revoked;
    },
  };
}

/** Throws 403 insufficient_scope unless the principal holds the scope. */
export function requireScope(principal: Principal, scope: Scope): void {
  if (!hasScope(principal, scope)) {
    throw new AccessError('insufficient_scope', `The API key ${principal.keyId} lacks the scope "${scope}" this request needs.`);
  }
}
