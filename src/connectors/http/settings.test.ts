import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../errors/index.ts';
import { HttpTargetSettings, parseHttpTargetSettings } from './settings.ts';

test('fills every default', () => {
  const settings = parseHttpTargetSettings('erp', {
    connector: 'http',
    baseUrl: 'https://erp.example.com/api',
    auth: { type: 'hmac', secret: 'k' },
    actions: { createOrder: { path: '/orders' }, findOrder: { path: '/orders', idempotency: 'lookup', lookup: { path: '/orders/{key}' } } },
  });
  assert.equal(settings.timeoutMs, 10_000);
  assert.deepEqual(settings.headers, {});
  assert.equal(settings.idempotencyHeader, 'Idempotency-Key');
  assert.deepEqual(settings.auth, { type: 'hmac', secret: 'k', header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: '' });
  assert.deepEqual(settings.actions.createOrder, { path: '/orders', description: '', method: 'POST', headers: {}, body: 'payload', idempotency: 'key', priority: 'normal' });
  assert.deepEqual(settings.actions.findOrder?.lookup, { path: '/orders/{key}', method: 'GET', foundStatuses: [200] });
  assert.deepEqual(parseHttpTargetSettings('erp', { connector: 'http', baseUrl: 'http://x', actions: {} }).auth, { type: 'none' });
});

test('parsing twice gives the same settings', () => {
  const once = parseHttpTargetSettings('erp', { connector: 'http', baseUrl: 'http://x', actions: { a: { path: '/a' } } });
  assert.deepEqual(parseHttpTargetSettings('erp', once), once);
});

test('secrets are marked in the schema', () => {
  const branches = (HttpTargetSettings.properties.auth as unknown as { anyOf: { properties: Record<string, Record<string, unknown>> }[] }).anyOf;
  const secrets = branches.flatMap((branch) => Object.entries(branch.properties).filter(([, field]) => field['x-weft-secret'] === true).map(([key]) => key));
  assert.deepEqual(secrets.sort(), ['password', 'secret', 'token']);
});

test('a bad config names each field once, by its path', () => {
  assert.throws(
    () =>
      parseHttpTargetSettings('erp', {
        connector: 'http',
        baseUrl: 'https://user:pw@erp.example.com',
        auth: { type: 'hmac', algorithm: 'md5' },
        actions: { create: { method: 'FOO' }, 'bad name': { path: '/' } },
        extra: true,
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'invalid_config');
      const lines = error.message.split('\n').slice(1).map((line) => line.trim());
      assert.deepEqual(lines.sort(), [
        'targets.erp.actions.create.method must be one of GET, POST, PUT, PATCH, DELETE',
        'targets.erp.actions.create.path is required',
        'targets.erp.actions: "bad name" is not an allowed name (^[A-Za-z][A-Za-z0-9_.-]*$)',
        'targets.erp.auth.algorithm must be one of sha256, sha512',
        'targets.erp.auth.secret is required',
        lines.find((line) => line.startsWith('targets.erp.baseUrl must match pattern')) ?? 'baseUrl line missing',
        'targets.erp.extra is not a known field',
      ].sort());
      return true;
    },
  );
  assert.throws(() => parseHttpTargetSettings('erp', { connector: 'http', baseUrl: 'http://x', auth: { type: 'oauth' }, actions: {} }), /targets\.erp\.auth\.type must be one of none, bearer, basic, hmac/);
});
