import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommitResult, UnitOfWork } from '../ports/store.ts';
import { DependencyError } from '../errors/index.ts';
import { createGroupCommitter } from './group-commit.ts';

const ok: CommitResult = { status: 'committed', events: [] };
const unit = (events: number, tag = ''): UnitOfWork => ({
  events: Array.from({ length: events }, (_, i) => ({ id: `${tag}${i}`, source: '/t', type: 'weft.t.x.v1', subject: 's', time: '2026-01-01T00:00:00Z', data: null })),
});

describe('group commit', () => {
  it('writes units submitted together in one transaction, and later ones in the next', async () => {
    const batches: number[] = [];
    const committer = createGroupCommitter((units) => (batches.push(units.length), units.map(() => ok)), { maxBatchUnits: 100, maxBatchEvents: 1000 });
    await Promise.all(Array.from({ length: 10 }, () => committer.submit(unit(1))));
    await committer.submit(unit(1));
    assert.deepEqual(batches, [10, 1]);
  });

  it('caps a transaction by units and by events, but never splits one unit', async () => {
    const batches: number[][] = [];
    const committer = createGroupCommitter((units) => (batches.push(units.map((u) => u.events?.length ?? 0)), units.map(() => ok)), {
      maxBatchUnits: 3,
      maxBatchEvents: 10,
    });
    await Promise.all([unit(4), unit(4), unit(4), unit(25), unit(1), unit(1), unit(1), unit(1)].map((u) => committer.submit(u)));
    assert.deepEqual(batches, [[4, 4], [4], [25], [1, 1, 1], [1]]);
  });

  it('keeps new units queued while a slow transaction is being written', async () => {
    const batches: number[] = [];
    let release: () => void = () => undefined;
    const committer = createGroupCommitter(
      async (units) => {
        batches.push(units.length);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return units.map(() => ok);
      },
      { maxBatchUnits: 100, maxBatchEvents: 1000 },
    );
    const first = committer.submit(unit(2));
    await new Promise((resolve) => setImmediate(resolve));
    const rest = Array.from({ length: 5 }, () => committer.submit(unit(1)));
    assert.equal(committer.pendingUnits(), 6);
    assert.equal(committer.pendingEvents(), 7);
    release();
    await Promise.all([first, ...rest]);
    assert.deepEqual(batches, [1, 5]);
    assert.equal(committer.pendingUnits(), 0);
  });

  it('hands further batches to a pipelining writer while earlier ones are still being written', async () => {
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const committer = createGroupCommitter(
      async (units) => {
        started.push(units.length);
        await new Promise<void>((resolve) => releases.push(resolve));
        return units.map(() => ok);
      },
      { maxBatchUnits: 100, maxBatchEvents: 1000, maxInFlightBatches: 2 },
    );
    const first = committer.submit(unit(1));
    await new Promise((resolve) => setImmediate(resolve));
    const second = [committer.submit(unit(1)), committer.submit(unit(1))];
    await new Promise((resolve) => setImmediate(resolve));
    const third = committer.submit(unit(1));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [1, 2], 'a second batch went out before the first was durable; the third waits for room');
    assert.equal(committer.pendingUnits(), 4);
    releases.shift()?.();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [1, 2, 1]);
    for (const release of releases.splice(0)) release();
    await Promise.all(second);
    releases.shift()?.();
    await third;
    assert.equal(committer.pendingUnits(), 0);
  });

  it('isolates a unit that breaks the batch transaction, and reports store failures as retryable', async () => {
    const committer = createGroupCommitter(
      (units) => {
        if (units.some((u) => u.events?.[0]?.id === 'bad0')) throw new Error('constraint failed');
        return units.map(() => ok);
      },
      { maxBatchUnits: 100, maxBatchEvents: 1000 },
    );
    const results = await Promise.allSettled([committer.submit(unit(1, 'a')), committer.submit(unit(1, 'bad')), committer.submit(unit(1, 'c'))]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    const failure = (results[1] as PromiseRejectedResult).reason;
    assert.equal(failure.code, 'internal');
    assert.equal(failure.retryable, false);
    assert.equal(failure.cause.message, 'constraint failed');
  });

  it('fails a whole batch at once when the store itself is unavailable', async () => {
    let calls = 0;
    const committer = createGroupCommitter(
      () => {
        calls++;
        throw new DependencyError('store_unavailable', 'connection refused');
      },
      { maxBatchUnits: 100, maxBatchEvents: 1000 },
    );
    const results = await Promise.allSettled([committer.submit(unit(1)), committer.submit(unit(1)), committer.submit(unit(1))]);
    assert.equal(calls, 1, 'no unit-by-unit retry against a store that is down');
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.equal((result as PromiseRejectedResult).reason.code, 'store_unavailable');
      assert.equal((result as PromiseRejectedResult).reason.retryable, true);
    }
  });

  it('drains queued units on close and refuses new ones', async () => {
    let written = 0;
    const committer = createGroupCommitter((units) => ((written += units.length), units.map(() => ok)), { maxBatchUnits: 2, maxBatchEvents: 1000 });
    const pending = Array.from({ length: 5 }, () => committer.submit(unit(1)));
    await committer.close();
    assert.equal(written, 5);
    await Promise.all(pending);
    await assert.rejects(committer.submit(unit(1)), { code: 'store_unavailable' });
  });
});
