import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../errors/index.ts';
import type { BreakerPolicy } from '../ports/connector.ts';
import { createCircuitBreaker, type BreakerState } from './circuit-breaker.ts';

const policy: BreakerPolicy = { failureThreshold: 3, openMs: 10_000, halfOpenProbes: 2 };

function setup(overrides: Partial<BreakerPolicy> = {}) {
  const clock = { time: 1_000_000, now: () => clock.time };
  const changes: [BreakerState, BreakerState][] = [];
  const breaker = createCircuitBreaker({ ...policy, ...overrides }, { clock, onStateChange: (from, to) => changes.push([from, to]) });
  const fail = (times: number) => {
    for (let i = 0; i < times; i += 1) {
      assert.equal(breaker.tryPass(), true);
      breaker.record('failure');
    }
  };
  return { clock, changes, breaker, fail };
}

test('a new breaker is closed and lets everything through', () => {
  const { breaker, changes } = setup();
  assert.equal(breaker.state(), 'closed');
  for (let i = 0; i < 100; i += 1) assert.equal(breaker.tryPass(), true);
  assert.equal(breaker.retryInMs(), 0);
  assert.equal(breaker.openings, 0);
  assert.deepEqual(changes, []);
});

test('failureThreshold consecutive failures open it', () => {
  const { breaker, changes, fail } = setup();
  fail(2);
  assert.equal(breaker.state(), 'closed');
  fail(1);
  assert.equal(breaker.state(), 'open');
  assert.equal(breaker.tryPass(), false);
  assert.equal(breaker.openings, 1);
  assert.deepEqual(changes, [['closed', 'open']]);
});

test('a success resets the failure run; neutral outcomes neither reset nor count', () => {
  const { breaker, fail } = setup();
  fail(2);
  breaker.tryPass();
  breaker.record('success');
  fail(2);
  assert.equal(breaker.state(), 'closed', 'the run restarted after the success');
  breaker.tryPass();
  breaker.record('neutral');
  assert.equal(breaker.state(), 'closed', 'a neutral outcome is not a failure');
  fail(1);
  assert.equal(breaker.state(), 'open', 'nor did it reset the run: 2 + 1 failures open it');
});

test('open counts down to half-open, computed from the clock', () => {
  const { breaker, clock, changes, fail } = setup();
  fail(3);
  assert.equal(breaker.retryInMs(), 10_000);
  clock.time += 9_999;
  assert.equal(breaker.retryInMs(), 1);
  assert.equal(breaker.state(), 'open');
  assert.equal(breaker.tryPass(), false);
  clock.time += 1;
  assert.equal(breaker.retryInMs(), 0);
  assert.equal(breaker.state(), 'half_open');
  assert.deepEqual(changes, [['closed', 'open'], ['open', 'half_open']]);
});

test('half-open lets at most halfOpenProbes probes out at once', () => {
  const { breaker, clock, fail } = setup();
  fail(3);
  clock.time += 10_000;
  assert.equal(breaker.tryPass(), true);
  assert.equal(breaker.tryPass(), true);
  assert.equal(breaker.tryPass(), false);
  assert.equal(breaker.state(), 'half_open');
  assert.equal(breaker.retryInMs(), 0);
});

test('half-open closes once halfOpenProbes probes succeed', () => {
  const { breaker, clock, changes, fail } = setup();
  fail(3);
  clock.time += 10_000;
  assert.equal(breaker.tryPass(), true);
  breaker.record('success');
  assert.equal(breaker.state(), 'half_open', 'one success of two is not enough');
  assert.equal(breaker.tryPass(), true, 'the finished probe freed its slot');
  breaker.record('success');
  assert.equal(breaker.state(), 'closed');
  assert.deepEqual(changes.at(-1), ['half_open', 'closed']);
  fail(2);
  assert.equal(breaker.state(), 'closed', 'the failure run starts over after closing');
});

test('any failure in half-open re-opens for another openMs', () => {
  const { breaker, clock, changes, fail } = setup();
  fail(3);
  clock.time += 12_000;
  assert.equal(breaker.tryPass(), true);
  assert.equal(breaker.tryPass(), true);
  breaker.record('success');
  breaker.record('failure');
  assert.equal(breaker.state(), 'open');
  assert.equal(breaker.openings, 2);
  assert.equal(breaker.retryInMs(), 10_000, 'the new open period starts at the failure');
  clock.time += 10_000;
  assert.equal(breaker.state(), 'half_open');
  assert.deepEqual(changes, [['closed', 'open'], ['open', 'half_open'], ['half_open', 'open'], ['open', 'half_open']]);
});

test('a neutral outcome in half-open frees the probe slot without counting', () => {
  const { breaker, clock, fail } = setup({ halfOpenProbes: 1 });
  fail(3);
  clock.time += 10_000;
  assert.equal(breaker.tryPass(), true);
  assert.equal(breaker.tryPass(), false);
  breaker.record('neutral');
  assert.equal(breaker.state(), 'half_open');
  assert.equal(breaker.tryPass(), true, 'the slot is free again');
  breaker.record('success');
  assert.equal(breaker.state(), 'closed');
});

test('late results of requests passed before opening do not disturb the open period', () => {
  const { breaker, clock, fail } = setup();
  assert.equal(breaker.tryPass(), true);
  assert.equal(breaker.tryPass(), true);
  fail(3);
  breaker.record('success');
  breaker.record('failure');
  assert.equal(breaker.state(), 'open');
  assert.equal(breaker.openings, 1);
  clock.time += 5_000;
  assert.equal(breaker.retryInMs(), 5_000);
});

test('a late result in half-open cannot drive the probe count negative', () => {
  const { breaker, clock, fail } = setup({ halfOpenProbes: 1 });
  fail(3);
  clock.time += 10_000;
  breaker.record('neutral');
  assert.equal(breaker.tryPass(), true);
  assert.equal(breaker.tryPass(), false, 'still only one probe out');
});

test('repeated openings are counted', () => {
  const { breaker, clock, fail } = setup({ failureThreshold: 1, halfOpenProbes: 1 });
  for (let round = 1; round <= 4; round += 1) {
    fail(1);
    assert.equal(breaker.openings, round * 2 - 1);
    clock.time += 10_000;
    assert.equal(breaker.tryPass(), true);
    breaker.record('failure');
    assert.equal(breaker.openings, round * 2);
    clock.time += 10_000;
    breaker.tryPass();
    breaker.record('success');
    assert.equal(breaker.state(), 'closed');
  }
});

test('openMs 0 goes straight to half-open', () => {
  const { breaker, fail } = setup({ openMs: 0 });
  fail(3);
  assert.equal(breaker.state(), 'half_open');
  assert.equal(breaker.retryInMs(), 0);
});

test('the default clock is the wall clock', () => {
  const breaker = createCircuitBreaker({ failureThreshold: 1, openMs: 60_000, halfOpenProbes: 1 });
  breaker.tryPass();
  breaker.record('failure');
  assert.equal(breaker.state(), 'open');
  const wait = breaker.retryInMs();
  assert.ok(wait > 50_000 && wait <= 60_000);
});

test('invalid policies are refused with invalid_config naming the field', () => {
  const cases: [Partial<BreakerPolicy>, string][] = [
    [{ failureThreshold: 0 }, 'failureThreshold'],
    [{ failureThreshold: 1.5 }, 'failureThreshold'],
    [{ openMs: -1 }, 'openMs'],
    [{ openMs: Number.NaN }, 'openMs'],
    [{ halfOpenProbes: 0 }, 'halfOpenProbes'],
  ];
  for (const [override, field] of cases) {
    assert.throws(
      () => createCircuitBreaker({ ...policy, ...override }),
      (error: unknown) => error instanceof ConfigError && error.code === 'invalid_config' && error.message.includes(field),
    );
  }
});
