import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, TargetError, WeftError } from '../errors/index.ts';
import { classifyFailure, MAX_FAILURE_MESSAGE_LENGTH, redactSecrets } from './classify.ts';

test('a TargetError keeps its code, message, retryability, Retry-After and target status', () => {
  const error = new TargetError('target_throttled', 'Shopify answered 429', { targetStatus: 429, retryAfterSeconds: 2.5 });
  assert.deepEqual(classifyFailure(error), {
    code: 'target_throttled',
    message: 'Shopify answered 429',
    retryable: true,
    retryAfterMs: 2500,
    targetStatus: 429,
  });
});

test('terminal codes stay terminal and optional fields are absent, not undefined', () => {
  const failure = classifyFailure(new TargetError('target_rejected', 'SKU unknown'));
  assert.deepEqual(failure, { code: 'target_rejected', message: 'SKU unknown', retryable: false });
  assert.equal(Object.hasOwn(failure, 'retryAfterMs'), false);
  assert.equal(Object.hasOwn(failure, 'targetStatus'), false);
});

test('a WeftError that is not a TargetError has no target status', () => {
  const failure = classifyFailure(new ConfigError('invalid_config', 'bad', { retryAfterSeconds: 0 }));
  assert.deepEqual(failure, { code: 'invalid_config', message: 'bad', retryable: false, retryAfterMs: 0 });
});

test('the instance retryable flag beats the catalogue', () => {
  const error = new TargetError('target_rejected', 'locked, try later', { targetStatus: 409, retryable: true });
  assert.equal(classifyFailure(error).retryable, true);
});

test('the target override wins when it returns a verdict and is ignored when it returns undefined', () => {
  const conflict = new TargetError('target_rejected', 'record locked', { targetStatus: 409 });
  const gateway = new TargetError('target_unavailable', 'bad gateway', { targetStatus: 502 });
  const override = (error: unknown) => (error instanceof TargetError && error.targetStatus === 409 ? { retryable: true } : undefined);
  assert.equal(classifyFailure(conflict, override).retryable, true);
  assert.equal(classifyFailure(gateway, override).retryable, true);
  assert.equal(classifyFailure(gateway, () => ({ retryable: false })).retryable, false);
  assert.equal(classifyFailure(conflict, () => undefined).retryable, false);
});

test('an override that throws leaves the default verdict in place', () => {
  const error = new TargetError('target_unavailable', 'bad gateway', { targetStatus: 502 });
  const failure = classifyFailure(error, () => {
    throw new Error('vendor hook bug');
  });
  assert.equal(failure.retryable, true);
  assert.equal(failure.code, 'target_unavailable');
});

test('any other error is an internal, non-retryable failure, whatever the override says', () => {
  const failure = classifyFailure(new TypeError("Cannot read properties of undefined (reading 'sku')"), () => ({ retryable: true }));
  assert.deepEqual(failure, { code: 'internal', message: "Cannot read properties of undefined (reading 'sku')", retryable: false });
});

test('thrown non-errors still produce a message', () => {
  assert.equal(classifyFailure('plain string').message, 'plain string');
  assert.equal(classifyFailure(42).message, 'Non-error value thrown: 42');
  assert.equal(classifyFailure(undefined).message, 'Non-error value thrown: undefined');
  const hostile = {
    toString() {
      throw new Error('no');
    },
  };
  assert.equal(classifyFailure(hostile).message, 'Non-error value thrown.');
  assert.equal(classifyFailure(new Error('')).message, 'Error');
});

test('long messages are cut to 500 characters', () => {
  const failure = classifyFailure(new Error('x'.repeat(2000)));
  assert.equal(failure.message.length, MAX_FAILURE_MESSAGE_LENGTH);
  assert.ok(failure.message.endsWith('…'));
  assert.equal(classifyFailure(new Error('y'.repeat(500))).message, 'y'.repeat(500));
  const weft = classifyFailure(new WeftError('internal', 'z'.repeat(501)));
  assert.equal(weft.message.length, MAX_FAILURE_MESSAGE_LENGTH);
});

test('truncation never splits a surrogate pair', () => {
  const message = `${'a'.repeat(498)}😀${'b'.repeat(10)}`;
  const cut = classifyFailure(new Error(message)).message;
  assert.ok(cut.length <= MAX_FAILURE_MESSAGE_LENGTH);
  assert.equal(cut, `${'a'.repeat(498)}…`);
  assert.equal(cut.isWellFormed(), true);
});

test('URL userinfo is masked, the host is kept', () => {
  assert.equal(redactSecrets('GET https://user:s3cret@api.example.com/orders failed'), 'GET https://***@api.example.com/orders failed');
  assert.equal(redactSecrets('postgres://weft:p@ss@db:5432/weft'), 'postgres://***@db:5432/weft');
  assert.equal(redactSecrets('token only: https://abc123@host'), 'token only: https://***@host');
  assert.equal(redactSecrets('mail me at ops@example.com, see https://example.com/a@b'), 'mail me at ops@example.com, see https://example.com/a@b');
});

test('Bearer tokens are masked wherever they occur', () => {
  assert.equal(redactSecrets('Authorization: Bearer eyJhbGciOi.xyz.sig rejected'), 'Authorization: Bearer *** rejected');
  assert.equal(redactSecrets('{"authorization":"bearer abc-123"}'), '{"authorization":"bearer ***"}');
  assert.equal(redactSecrets('Bearer a, Bearer b'), 'Bearer ***, Bearer ***');
});

test('failures never carry secrets, even ones that sit across the truncation point', () => {
  const error = new TargetError('target_auth_failed', 'POST https://shop:hunter2@erp.example/api with Bearer tok_live_123 refused');
  const failure = classifyFailure(error);
  assert.doesNotMatch(failure.message, /hunter2|tok_live_123/);
  assert.match(failure.message, /https:\/\/\*\*\*@erp\.example/);
  const secret = 'tok_live_abcdefghijklmnopqrstuvwxyz';
  const long = classifyFailure(new Error(`${'x'.repeat(480)} Bearer ${secret}`));
  assert.doesNotMatch(long.message, /tok_live/);
  assert.ok(long.message.endsWith('Bearer ***'));
});
