import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../errors/index.ts';
import type { RetryPolicy } from '../ports/connector.ts';
import type { Failure } from './classify.ts';
import { backoffDelayMs, decideRetry, resolveRetryPolicy } from './retry-policy.ts';

const base: RetryPolicy = { maxAttempts: 5, maxAgeMs: 3_600_000, baseDelayMs: 1000, maxDelayMs: 60_000 };
const created = '2026-11-23T10:00:00.000Z';
const createdMs = Date.parse(created);
const timeout: Failure = { code: 'target_timeout', message: 'no answer within 10000 ms', retryable: true };

function assertConfigError(run: () => unknown, field: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'invalid_config');
    assert.match(error.message, new RegExp(`\\b${field}\\b`));
    return true;
  });
}

test('overrides are laid over the base in order, undefined ones and undefined fields ignored', () => {
  // Config parsed from JSON or spread from optional fields can carry explicit undefineds.
  const action = { maxAttempts: 10, baseDelayMs: undefined } as unknown as Partial<RetryPolicy>;
  const resolved = resolveRetryPolicy(base, undefined, action, { maxDelayMs: 30_000 }, { maxAttempts: 3 });
  assert.deepEqual(resolved, { maxAttempts: 3, maxAgeMs: 3_600_000, baseDelayMs: 1000, maxDelayMs: 30_000 });
  assert.deepEqual(base, { maxAttempts: 5, maxAgeMs: 3_600_000, baseDelayMs: 1000, maxDelayMs: 60_000 }, 'the base is not mutated');
  assert.notEqual(resolveRetryPolicy(base), base, 'a fresh object is returned');
});

test('fields an override does not know are not copied', () => {
  const resolved = resolveRetryPolicy(base, { maxAttempts: 2, extra: true } as Partial<RetryPolicy>);
  assert.deepEqual(Object.keys(resolved).sort(), ['baseDelayMs', 'maxAgeMs', 'maxAttempts', 'maxDelayMs']);
});

test('invalid policies are refused with invalid_config naming the field', () => {
  assertConfigError(() => resolveRetryPolicy(base, { maxAttempts: 0 }), 'maxAttempts');
  assertConfigError(() => resolveRetryPolicy(base, { maxAttempts: 2.5 }), 'maxAttempts');
  assertConfigError(() => resolveRetryPolicy(base, { maxAttempts: Number.NaN }), 'maxAttempts');
  assertConfigError(() => resolveRetryPolicy(base, { baseDelayMs: -1 }), 'baseDelayMs');
  assertConfigError(() => resolveRetryPolicy(base, { maxDelayMs: -1, baseDelayMs: 0 }), 'maxDelayMs');
  assertConfigError(() => resolveRetryPolicy(base, { maxDelayMs: Number.POSITIVE_INFINITY }), 'maxDelayMs');
  assertConfigError(() => resolveRetryPolicy(base, { maxDelayMs: 500 }), 'maxDelayMs');
  assertConfigError(() => resolveRetryPolicy(base, { maxAgeMs: 0 }), 'maxAgeMs');
  assertConfigError(() => resolveRetryPolicy(base, { maxAgeMs: -5 }), 'maxAgeMs');
  assertConfigError(() => resolveRetryPolicy({ ...base, maxAttempts: '3' as unknown as number }), 'maxAttempts');
  assertConfigError(() => resolveRetryPolicy({ ...base, baseDelayMs: 5000, maxDelayMs: 1000 }), 'maxDelayMs');
});

test('boundary values are accepted', () => {
  assert.deepEqual(resolveRetryPolicy({ maxAttempts: 1, maxAgeMs: 1, baseDelayMs: 0, maxDelayMs: 0 }), {
    maxAttempts: 1,
    maxAgeMs: 1,
    baseDelayMs: 0,
    maxDelayMs: 0,
  });
  assert.equal(resolveRetryPolicy(base, { baseDelayMs: 60_000 }).baseDelayMs, 60_000);
});

test('the backoff cap doubles per attempt up to maxDelayMs, and full jitter scales it', () => {
  const almostOne = () => 0.999_999;
  const caps = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelayMs(base, attempt, almostOne));
  assert.deepEqual(caps, [999, 1999, 3999, 7999, 15_999, 31_999, 59_999, 59_999]);
  assert.equal(backoffDelayMs(base, 3, () => 0), 0);
  assert.equal(backoffDelayMs(base, 3, () => 0.5), 2000);
  assert.equal(backoffDelayMs(base, 3, () => 0.25), 1000);
  assert.equal(backoffDelayMs(base, 4, () => 0.123_456), Math.floor(0.123_456 * 8000));
});

test('the backoff is an integer below the cap for any random draw', () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  for (let attempt = 1; attempt <= 20; attempt += 1) {
    const cap = Math.min(base.maxDelayMs, base.baseDelayMs * 2 ** (attempt - 1));
    for (let i = 0; i < 200; i += 1) {
      const delay = backoffDelayMs(base, attempt, random);
      assert.ok(Number.isInteger(delay) && delay >= 0 && delay < cap, `attempt ${attempt}: ${delay} within [0, ${cap})`);
    }
  }
});

test('huge attempt numbers neither overflow nor produce NaN', () => {
  for (const attempt of [60, 1100, 1e9, Number.MAX_SAFE_INTEGER]) {
    assert.equal(backoffDelayMs(base, attempt, () => 0.5), 30_000);
    assert.equal(backoffDelayMs({ ...base, baseDelayMs: 0, maxDelayMs: 0 }, attempt, () => 0.5), 0);
  }
  assert.equal(backoffDelayMs({ ...base, baseDelayMs: 0 }, 2000, () => 0.5), 0);
});

test('odd random draws and attempt numbers are clamped', () => {
  assert.equal(backoffDelayMs(base, 0, () => 0.5), 500);
  assert.equal(backoffDelayMs(base, 1, () => 1), 1000);
  assert.equal(backoffDelayMs(base, 1, () => -3), 0);
  assert.equal(backoffDelayMs(base, 1, () => Number.NaN), 0);
});

test('a retryable failure within limits is retried after the jittered backoff', () => {
  const now = createdMs + 10_000;
  const decision = decideRetry({ policy: base, attempt: 2, createdAt: created, now, failure: timeout, random: () => 0.5 });
  assert.deepEqual(decision, { retry: true, delayMs: 1000, availableAt: new Date(now + 1000).toISOString() });
  assert.equal(decision.retry && decision.availableAt, '2026-11-23T10:00:11.000Z');
});

test('a terminal failure is dead-lettered with its own code and message', () => {
  const rejected: Failure = { code: 'target_rejected', message: '422: SKU unknown', retryable: false, targetStatus: 422 };
  const decision = decideRetry({ policy: base, attempt: 1, createdAt: created, now: createdMs, failure: rejected });
  assert.deepEqual(decision, { retry: false, code: 'target_rejected', reason: '422: SKU unknown' });
});

test('terminal beats exhausted: the failure code is more useful than the count', () => {
  const rejected: Failure = { code: 'target_auth_failed', message: 'bad key', retryable: false };
  const decision = decideRetry({ policy: base, attempt: 5, createdAt: created, now: createdMs, failure: rejected });
  assert.equal(decision.retry === false && decision.code, 'target_auth_failed');
});

test('the last allowed attempt exhausts the policy, naming the count and the last failure', () => {
  const decision = decideRetry({ policy: base, attempt: 5, createdAt: created, now: createdMs, failure: timeout, random: () => 0 });
  assert.equal(decision.retry, false);
  assert.ok(!decision.retry);
  assert.equal(decision.code, 'attempts_exhausted');
  assert.match(decision.reason, /5 attempts/);
  assert.match(decision.reason, /target_timeout: no answer within 10000 ms/);
  const single = decideRetry({ policy: { ...base, maxAttempts: 1 }, attempt: 1, createdAt: created, now: createdMs, failure: timeout });
  assert.ok(!single.retry && single.code === 'attempts_exhausted' && /1 attempt\b/.test(single.reason));
  const before = decideRetry({ policy: base, attempt: 4, createdAt: created, now: createdMs, failure: timeout, random: () => 0 });
  assert.equal(before.retry, true);
});

test('Retry-After is a floor on the delay, never a ceiling', () => {
  const throttled: Failure = { code: 'target_throttled', message: '429', retryable: true, retryAfterMs: 30_000, targetStatus: 429 };
  const floor = decideRetry({ policy: base, attempt: 1, createdAt: created, now: createdMs, failure: throttled, random: () => 0.5 });
  assert.ok(floor.retry);
  assert.equal(floor.delayMs, 30_000);
  const shortHint = { ...throttled, retryAfterMs: 100 };
  const policy = { ...base, maxAttempts: 10 };
  const backoff = decideRetry({ policy, attempt: 6, createdAt: created, now: createdMs, failure: shortHint, random: () => 0.5 });
  assert.ok(backoff.retry);
  assert.equal(backoff.delayMs, 16_000);
  const beyondMax = decideRetry({ policy: base, attempt: 1, createdAt: created, now: createdMs, failure: { ...throttled, retryAfterMs: 120_000 }, random: () => 0 });
  assert.ok(beyondMax.retry);
  assert.equal(beyondMax.delayMs, 120_000, 'the target knows better than maxDelayMs');
});

test('a retry that would run past maxAgeMs expires the delivery', () => {
  const policy = { ...base, maxAgeMs: 60_000 };
  const justInside = decideRetry({ policy, attempt: 1, createdAt: created, now: createdMs + 59_500, failure: timeout, random: () => 0.5 });
  assert.ok(justInside.retry);
  assert.equal(justInside.availableAt, new Date(createdMs + 60_000).toISOString());
  const past = decideRetry({ policy, attempt: 1, createdAt: created, now: createdMs + 59_501, failure: timeout, random: () => 0.5 });
  assert.ok(!past.retry);
  assert.equal(past.code, 'delivery_expired');
  assert.match(past.reason, /expired/i);
  assert.match(past.reason, /60000 ms/);
  assert.match(past.reason, /target_timeout: no answer within 10000 ms/);
});

test('a Retry-After that reaches past maxAgeMs expires the delivery', () => {
  const throttled: Failure = { code: 'target_throttled', message: 'slow down', retryable: true, retryAfterMs: 7_200_000 };
  const decision = decideRetry({ policy: base, attempt: 1, createdAt: created, now: createdMs, failure: throttled, random: () => 0 });
  assert.ok(!decision.retry);
  assert.equal(decision.code, 'delivery_expired');
  assert.match(decision.reason, /target_throttled: slow down/);
});

test('an unreadable createdAt parks the command instead of retrying without an age bound', () => {
  const decision = decideRetry({ policy: base, attempt: 1, createdAt: 'yesterday', now: createdMs, failure: timeout });
  assert.ok(!decision.retry);
  assert.equal(decision.code, 'internal');
  assert.match(decision.reason, /"yesterday"/);
});

test('the default jitter stays within the window', () => {
  for (let i = 0; i < 100; i += 1) {
    const decision = decideRetry({ policy: base, attempt: 3, createdAt: created, now: createdMs, failure: timeout });
    assert.ok(decision.retry && decision.delayMs >= 0 && decision.delayMs < 4000);
  }
});
