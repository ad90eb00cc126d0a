import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CapacityError, ConfigError } from '../errors/index.ts';
import type { PriorityClass, RateLimit } from '../ports/connector.ts';
import { createRateBudget, type Permit, type RateBudgetOptions } from './rate-budget.ts';

/** Lets every promise callback that is ready run (grants resolve asynchronously). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A manual clock and timer queue: time moves only when the test says so. */
function fakeTime(start = 1_700_000_000_000) {
  let now = start;
  let ids = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const stats = { set: 0, fired: 0 };
  const options: RateBudgetOptions = {
    clock: { now: () => now },
    setTimer: (run, ms) => {
      stats.set += 1;
      timers.set(++ids, { at: now + ms, run });
      return ids;
    },
    clearTimer: (id) => timers.delete(id as number),
  };
  return {
    options,
    stats,
    start,
    now: () => now,
    pending: () => timers.size,
    /** Moves the clock without firing timers, as when a timer is late. */
    jump: (ms: number) => (now += ms),
    /** Moves the clock by `ms`, firing each timer at its due time. */
    async advance(ms: number) {
      await flush();
      const until = now + ms;
      for (;;) {
        let next: [number, { at: number; run: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
        if (!next) break;
        timers.delete(next[0]);
        now = next[1].at;
        stats.fired += 1;
        next[1].run();
        await flush();
      }
      now = until;
      await flush();
    },
  };
}

function setup(limit: Partial<RateLimit> = {}, extra: Partial<RateBudgetOptions> = {}) {
  const time = fakeTime();
  const budget = createRateBudget({ requestsPerSecond: 10, burst: 1, maxConcurrency: 1000, ...limit }, { ...time.options, ...extra });
  const order: string[] = [];
  const permits: Permit[] = [];
  const queue = (priority: PriorityClass, label: string, signal?: AbortSignal) =>
    budget.acquire(priority, signal).then((permit) => {
      order.push(label);
      permits.push(permit);
      return permit;
    });
  return { time, budget, order, permits, queue };
}

/** Keeps `workers` callers acquiring and releasing for `seconds`; returns the permits granted. */
async function pump(limit: RateLimit, seconds: number, extra: Partial<RateBudgetOptions> = {}, during?: (budget: ReturnType<typeof createRateBudget>) => void) {
  const time = fakeTime();
  const budget = createRateBudget(limit, { ...time.options, ...extra });
  during?.(budget);
  let granted = 0;
  const worker = async () => {
    for (;;) {
      const permit = await budget.acquire('normal');
      granted += 1;
      permit.release();
    }
  };
  const workers = Array.from({ length: 64 }, () => worker().catch(() => undefined));
  await time.advance(seconds * 1000);
  const count = granted;
  budget.close();
  await Promise.all(workers);
  return { count, time };
}

test('the bucket starts full at burst and refills at the rate', async () => {
  const { time, budget } = setup({ requestsPerSecond: 10, burst: 5 });
  for (let i = 0; i < 5; i += 1) assert.ok(budget.tryAcquire('normal'));
  assert.equal(budget.tryAcquire('urgent'), undefined);
  assert.equal(budget.inFlight(), 5);
  time.jump(99);
  assert.equal(budget.tryAcquire('urgent'), undefined);
  time.jump(1);
  assert.ok(budget.tryAcquire('urgent'));
  time.jump(10_000);
  for (let i = 0; i < 5; i += 1) assert.ok(budget.tryAcquire('bulk'), 'a quiet period refills up to burst');
  assert.equal(budget.tryAcquire('bulk'), undefined, 'and no further');
});

test('waiters are served by priority class, FIFO within a class, with one timer at a time', async () => {
  const { time, budget, order, queue } = setup();
  assert.ok(budget.tryAcquire('normal'));
  for (const [priority, label] of [['bulk', 'b1'], ['normal', 'n1'], ['urgent', 'u1'], ['normal', 'n2'], ['bulk', 'b2'], ['urgent', 'u2']] as const) {
    void queue(priority, label);
  }
  assert.deepEqual(budget.waitingByPriority(), { urgent: 2, normal: 2, bulk: 2 });
  assert.equal(budget.waiting(), 6);
  assert.equal(time.pending(), 1);
  await time.advance(99);
  assert.deepEqual(order, []);
  for (let i = 0; i < 6; i += 1) {
    await time.advance(100);
    assert.ok(time.pending() <= 1);
  }
  assert.deepEqual(order, ['u1', 'u2', 'n1', 'n2', 'b1', 'b2']);
  assert.equal(time.stats.fired, 6, 'woken once per token, never polled');
  assert.equal(budget.waiting(), 0);
  assert.equal(time.pending(), 0);
});

test('a late arrival of a higher class overtakes queued lower classes, not equal ones', async () => {
  const { time, budget, order, queue } = setup();
  assert.ok(budget.tryAcquire('normal'));
  void queue('normal', 'n1');
  void queue('bulk', 'b1');
  time.jump(100);
  void queue('urgent', 'u1');
  await flush();
  assert.deepEqual(order, ['u1'], 'the token that was due went to the urgent caller');
  void queue('normal', 'n2');
  await time.advance(300);
  assert.deepEqual(order, ['u1', 'n1', 'n2', 'b1']);
});

test('tryAcquire never jumps a same-or-higher class but may jump a lower one', async () => {
  const { time, budget, order, queue } = setup();
  assert.ok(budget.tryAcquire('normal'));
  void queue('bulk', 'b1');
  time.jump(100);
  assert.ok(budget.tryAcquire('normal'), 'a normal caller goes before queued bulk work');
  assert.equal(budget.waiting(), 1);
  time.jump(100);
  assert.equal(budget.tryAcquire('bulk'), undefined, 'the due token goes to b1, queued first');
  void queue('urgent', 'u1');
  time.jump(100);
  assert.equal(budget.tryAcquire('urgent'), undefined);
  await flush();
  assert.deepEqual(order, ['b1', 'u1']);
});

test('the concurrency cap holds waiters until a permit is released, and release is idempotent', async () => {
  const { time, budget, order, permits, queue } = setup({ requestsPerSecond: 1000, burst: 100, maxConcurrency: 2 });
  void queue('normal', 'a');
  void queue('normal', 'b');
  void queue('normal', 'c');
  await flush();
  assert.deepEqual(order, ['a', 'b']);
  assert.equal(budget.inFlight(), 2);
  assert.equal(budget.waiting(), 1);
  assert.equal(time.pending(), 0, 'no timer while the wait is for a slot');
  assert.equal(budget.tryAcquire('urgent'), undefined);
  permits[0]?.release();
  await flush();
  assert.deepEqual(order, ['a', 'b', 'c']);
  permits[0]?.release();
  assert.equal(budget.inFlight(), 2, 'a second release frees nothing');
  permits[1]?.release();
  permits[2]?.release();
  assert.equal(budget.inFlight(), 0);
});

for (const [rate, burst, seconds] of [
  [50, 10, 120],
  [1000, 50, 30],
  [20_000, 200, 10],
  [20_000, 1, 10],
  [0.1, 1, 3600],
] as const) {
  test(`over a long window at ${rate}/s (burst ${burst}) permits stay within 1% of burst + rate × seconds`, async () => {
    const { count, time } = await pump({ requestsPerSecond: rate, burst, maxConcurrency: 10_000 }, seconds);
    const expected = burst + rate * seconds;
    assert.ok(count <= expected + 1, `never more than the bucket allows: ${count} > ${expected}`);
    assert.ok(count >= expected * 0.99, `${count} is within 1% of ${expected}`);
    assert.ok(time.stats.fired <= seconds * 1000 + 1, 'at most one wake-up per millisecond');
  });
}

test('100,000/s is granted in batches, not one timer per permit', async () => {
  const { count, time } = await pump({ requestsPerSecond: 100_000, burst: 100, maxConcurrency: 100_000 }, 1);
  assert.ok(Math.abs(count - 100_100) <= 1001, `${count} ≈ 100100`);
  assert.ok(time.stats.set <= 1100, `${time.stats.set} timers for ${count} permits`);
});

test('a 429 halves the rate, empties the bucket and pauses for Retry-After', async () => {
  const { time, budget, order, queue } = setup({ requestsPerSecond: 100, burst: 10 });
  budget.throttled(2000);
  assert.equal(budget.currentRatePerSecond, 50);
  assert.equal(budget.pausedUntil(), time.start + 2000);
  assert.equal(budget.tryAcquire('urgent'), undefined, 'the full bucket was emptied');
  void queue('urgent', 'u1');
  await time.advance(2000);
  assert.deepEqual(order, [], 'the pause ends with an empty bucket');
  assert.equal(budget.pausedUntil(), 0);
  await time.advance(19);
  assert.deepEqual(order, []);
  await time.advance(1);
  assert.deepEqual(order, ['u1'], 'one token at the halved rate: 20 ms');
});

test('quiet intervals raise the rate back step by step, never above configured', async () => {
  const { time, budget } = setup({ requestsPerSecond: 100, burst: 10 });
  budget.throttled(500);
  const seen: number[] = [];
  time.jump(500 + 999);
  seen.push(budget.currentRatePerSecond);
  for (let i = 0; i < 7; i += 1) {
    time.jump(1000);
    seen.push(budget.currentRatePerSecond);
  }
  assert.deepEqual(seen, [50, 60, 70, 80, 90, 100, 100, 100]);
  budget.throttled();
  assert.equal(budget.currentRatePerSecond, 50);
  assert.equal(budget.pausedUntil(), 0);
  time.jump(1000);
  budget.throttled();
  assert.equal(budget.currentRatePerSecond, 30, 'halved from the partly recovered rate');
});

test('a burst of 429s within one recovery interval halves the rate once', () => {
  const { time, budget } = setup({ requestsPerSecond: 100, burst: 10 });
  for (let i = 0; i < 16; i += 1) budget.throttled(200);
  assert.equal(budget.currentRatePerSecond, 50);
  time.jump(999);
  budget.throttled();
  assert.equal(budget.currentRatePerSecond, 50, 'still the same overload');
  time.jump(1);
  budget.throttled();
  assert.equal(budget.currentRatePerSecond, 25, 'a 429 a full interval later is a new signal');
});

test('tokens during recovery follow the rising rate exactly', async () => {
  const { count } = await pump({ requestsPerSecond: 100, burst: 10, maxConcurrency: 1000 }, 6, {}, (budget) => budget.throttled());
  assert.ok(Math.abs(count - (50 + 60 + 70 + 80 + 90 + 100)) <= 1, `${count} ≈ 450`);
});

test('repeated throttling stops at the floor, and recovery options are honoured', () => {
  // 429s a recovery interval apart, each a new signal; recovery in between is negligible at this fraction.
  const { time, budget } = setup({ requestsPerSecond: 100 }, { recoveryFraction: 0.0001 });
  for (let i = 0; i < 20; i += 1) {
    if (i > 0) time.jump(1000);
    budget.throttled();
  }
  assert.equal(budget.currentRatePerSecond, 2, '2% of configured');
  const slow = setup({ requestsPerSecond: 1 }, { recoveryFraction: 0.0001 });
  for (let i = 0; i < 20; i += 1) {
    if (i > 0) slow.time.jump(1000);
    slow.budget.throttled();
  }
  assert.equal(slow.budget.currentRatePerSecond, 0.1);
  const custom = setup({ requestsPerSecond: 100 }, { minRatePerSecond: 40, recoveryIntervalMs: 500, recoveryFraction: 0.25 });
  custom.budget.throttled();
  custom.time.jump(500);
  custom.budget.throttled();
  assert.equal(custom.budget.currentRatePerSecond, 40);
  custom.time.jump(500);
  assert.equal(custom.budget.currentRatePerSecond, 65);
  custom.time.jump(1000);
  assert.equal(custom.budget.currentRatePerSecond, 100);
  time.jump(1000);
  assert.equal(budget.currentRatePerSecond, 2.01);
});

test('a shorter Retry-After does not cut a longer pause short', () => {
  const { time, budget } = setup();
  budget.throttled(5000);
  budget.throttled(1000);
  assert.equal(budget.pausedUntil(), time.start + 5000);
});

test('an aborted waiter is rejected with the reason and leaves the queue', async () => {
  const { time, budget, order, queue } = setup();
  assert.ok(budget.tryAcquire('normal'));
  const controller = new AbortController();
  const aborted = queue('urgent', 'u1', controller.signal);
  void queue('urgent', 'u2');
  const reason = new Error('attempt timed out');
  controller.abort(reason);
  await assert.rejects(aborted, (error) => error === reason);
  assert.deepEqual(budget.waitingByPriority(), { urgent: 1, normal: 0, bulk: 0 });
  await time.advance(100);
  assert.deepEqual(order, ['u2']);
  await assert.rejects(budget.acquire('normal', AbortSignal.abort(reason)), (error) => error === reason);
  assert.equal(budget.waiting(), 0);
  const late = new AbortController();
  await time.advance(100);
  const permit = await budget.acquire('normal', late.signal);
  late.abort();
  assert.equal(budget.inFlight(), 3, 'aborting after the grant changes nothing');
  permit.release();
});

test('close rejects every waiter and later acquires', async () => {
  const { time, budget, queue } = setup();
  assert.ok(budget.tryAcquire('normal'));
  const waiting = [queue('urgent', 'u'), queue('bulk', 'b')];
  budget.close();
  for (const promise of waiting) {
    await assert.rejects(promise, (error) => error instanceof CapacityError && error.code === 'shutting_down');
  }
  assert.equal(budget.waiting(), 0);
  assert.equal(time.pending(), 0, 'no timer outlives the budget');
  await assert.rejects(budget.acquire('urgent'), CapacityError);
  assert.equal(budget.tryAcquire('urgent'), undefined);
  const other = setup().budget;
  const reason = new Error('stopping');
  other.close(reason);
  await assert.rejects(other.acquire('normal'), (error) => error === reason);
});

test('the default clock and timers work and do not keep the process alive', async () => {
  const budget = createRateBudget({ requestsPerSecond: 0.001, burst: 1, maxConcurrency: 1 });
  (await budget.acquire('normal')).release();
  const waiter = budget.acquire('normal');
  budget.close(new Error('done'));
  await assert.rejects(waiter, /done/);
});

test('invalid limits are refused with invalid_config naming the field', () => {
  for (const [limit, field] of [
    [{ requestsPerSecond: 0 }, 'requestsPerSecond'],
    [{ burst: 0.5 }, 'burst'],
    [{ maxConcurrency: 1.5 }, 'maxConcurrency'],
    [{ maxConcurrency: Number.POSITIVE_INFINITY }, 'maxConcurrency'],
  ] as const) {
    assert.throws(
      () => createRateBudget({ requestsPerSecond: 10, burst: 1, maxConcurrency: 1, ...limit }),
      (error: unknown) => error instanceof ConfigError && error.code === 'invalid_config' && error.message.includes(field),
    );
  }
});
