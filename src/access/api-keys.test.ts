import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createIdGenerator } from '../ports/clock.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import { createApiKeyService, hasScope, requireScope } from './api-keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-keys-'));
const store = createSqliteStore({ path: join(dir, 'weft.db') });
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
let now = Date.parse('2026-11-23T10:00:00Z');
const clock = { now: () => now };
const ids = createIdGenerator(clock);

describe('API keys', () => {
  it('issues a token once, stores only a hash, and verifies it', async () => {
    const keys = createApiKeyService({ store, clock, ids }, { cacheMs: 1000 });
    const issued = await keys.create('shopify bridge', ['events:write', 'events:read']);
    assert.match(issued.token, /^weft_key_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    const stored = await store.apiKey(issued.record.id);
    assert.ok(stored);
    // The secret is the 43 characters after the key id; it may itself contain '_', so it is cut by length, not split.
    const secret = issued.token.slice(-43);
    assert.equal(`weft_${issued.record.id}_${secret}`, issued.token);
    assert.ok(!JSON.stringify(stored).includes(secret), 'the secret is not stored');
    const principal = await keys.verify(issued.token);
    assert.deepEqual(principal, { keyId: issued.record.id, name: 'shopify bridge', scopes: ['events:write', 'events:read'] });
    assert.equal(hasScope(principal, 'events:write'), true);
    assert.equal(hasScope(principal, 'keys:manage'), false);
    assert.throws(() => requireScope(principal, 'keys:manage'), { code: 'insufficient_scope', httpStatus: 403 });
    assert.equal(hasScope({ ...principal, scopes: ['admin'] }, 'keys:manage'), true);
  });

  it('tells missing, malformed, unknown and wrong-secret credentials apart only as far as is safe', async () => {
    const keys = createApiKeyService({ store, clock, ids }, { cacheMs: 1000 });
    const issued = await keys.create('ops', ['admin']);
    await assert.rejects(keys.verify(undefined), { code: 'unauthenticated', httpStatus: 401 });
    await assert.rejects(keys.verify('not-a-key'), { code: 'invalid_credentials' });
    const otherSecret = issued.token.slice(0, -1) + (issued.token.endsWith('A') ? 'B' : 'A');
    await assert.rejects(keys.verify(otherSecret), { code: 'invalid_credentials' });
    const unknownId = issued.token.replace(/key_[0-9A-Z]{26}/, ids.next('apiKey'));
    await assert.rejects(keys.verify(unknownId), { code: 'invalid_credentials' });
  });

  it('revokes at once in the revoking process, and within the cache time in another', async () => {
    const api = createApiKeyService({ store, clock, ids }, { cacheMs: 1000 });
    const cli = createApiKeyService({ store, clock, ids }, { cacheMs: 0 });
    const first = await api.create('one', ['events:read']);
    const second = await api.create('two', ['events:read']);
    await api.verify(first.token);
    await api.verify(second.token);
    assert.equal(await api.revoke(first.record.id), true);
    await assert.rejects(api.verify(first.token), { code: 'credentials_revoked' });
    assert.equal(await api.revoke(first.record.id), false, 'revoking twice reports nothing to revoke');

    assert.equal(await cli.revoke(second.record.id), true);
    await api.verify(second.token); // still trusted from the cache
    now += 1001;
    await assert.rejects(api.verify(second.token), { code: 'credentials_revoked' });
  });

  it('refuses keys without a name or with unknown scopes', async () => {
    const keys = createApiKeyService({ store, clock, ids }, { cacheMs: 1000 });
    await assert.rejects(keys.create(' ', ['admin']), { code: 'malformed_request' });
    await assert.rejects(keys.create('x', ['events:delete']), /Unknown scope events:delete/);
    await assert.rejects(keys.create('x', []), { code: 'malformed_request' });
  });
});
