import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from './clock.ts';
import type { OutboxCommand, Store, StoreOptions } from './store.ts';

// The outbox part of the store contract: leases, per-key order, parking behind dead letters,
// attempts, receipts, replay, discard and audit. Called from ./store.contract.ts.

type Fresh = (options?: StoreOptions & { clock?: Clock }) => Promise<Store>;

const T0 = '2026-11-23T10:00:00.000Z';
const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function cmd(id: string, key: string, overrides: Partial<OutboxCommand> = {}): OutboxCommand {
  return { id, target: 'erp', action: 'createSalesOrder', key, payload: { id }, availableAt: T0, ...overrides };
}

async function ok(store: Store, unit: Parameters<Store['commit']>[0]): Promise<void> {
  const result = await store.commit(unit);
  assert.equal(result.status, 'committed', JSON.stringify(result));
}

/** Outbox and delivery bookkeeping, against a fresh store per test. */
export function outboxContract(fresh: Fresh): void {
  describe('outbox delivery', () => {
    it('keeps whether a command reports its result, through enqueue, claim and reads', async () => {
      const store = await fresh();
      await ok(store, { outbox: [cmd('r1', 'A', { report: true }), cmd('r2', 'B')] });
      assert.deepEqual([(await store.command('r1'))?.report, (await store.command('r2'))?.report], [true, false]);
      const claimed = await store.claimCommands({ target: 'erp', now: T0, limit: 10, leaseMs: 1000, owner: 'w1' });
      assert.deepEqual(claimed.map((c) => [c.id, c.report]).sort(), [['r1', true], ['r2', false]]);
    });

    it('claims the oldest unfinished command of each key, urgent first, and leases it', async () => {
      const store = await fresh();
      await ok(store, {
        outbox: [
          cmd('c1', 'A'),
          cmd('c2', 'A'),
          cmd('c3', 'B', { priority: 'bulk' }),
          cmd('c4', 'C', { priority: 'urgent' }),
          cmd('c5', 'D', { availableAt: at(60) }),
          cmd('c6', 'A', { target: 'wms' }),
        ],
      });
      const claimed = await store.claimCommands({ target: 'erp', now: T0, limit: 10, leaseMs: 30_000, owner: 'w1' });
      assert.deepEqual(claimed.map((c) => c.id), ['c4', 'c1', 'c3'], 'c2 waits behind c1 of its key; c5 is not due; c6 is another target');
      assert.ok(claimed.every((c) => c.leaseOwner === 'w1' && c.leaseUntil === at(30)));
      assert.deepEqual(await store.claimCommands({ target: 'erp', now: at(10), limit: 10, leaseMs: 30_000, owner: 'w2' }), [], 'leased commands and their keys are held');
      const lapsed = await store.claimCommands({ target: 'erp', now: at(61), limit: 10, leaseMs: 30_000, owner: 'w2' });
      assert.deepEqual(lapsed.map((c) => c.id), ['c4', 'c1', 'c5', 'c3'], 'a lapsed lease frees the command for another worker');
      assert.deepEqual((await store.claimCommands({ target: 'wms', now: T0, limit: 1, leaseMs: 1000, owner: 'w1' })).map((c) => c.id), ['c6']);
    });

    it('keeps a key in order through retries and parks it behind a dead letter until replay or discard', async () => {
      const store = await fresh();
      await ok(store, { outbox: [cmd('k1', 'A'), cmd('k2', 'A'), cmd('k3', 'B')] });
      await store.claimCommands({ target: 'erp', now: T0, limit: 10, leaseMs: 30_000, owner: 'w1' });
      await ok(store, {
        settle: [
          {
            id: 'k1',
            outcome: 'retry',
            owner: 'w1',
            availableAt: at(5),
            error: { code: 'target_unavailable', message: '503 from erp' },
            attempt: { attempt: 1, owner: 'w1', startedAt: T0, durationMs: 12.5, outcome: 'retry', errorCode: 'target_unavailable', errorMessage: '503 from erp', targetStatus: 503 },
          },
          { id: 'k3', outcome: 'done', owner: 'w1', receipt: { target: 'erp', action: 'createSalesOrder', targetId: 'SO-3', status: 'created' }, attempt: { attempt: 1, owner: 'w1', startedAt: T0, durationMs: 3, outcome: 'done' } },
        ],
      });
      assert.deepEqual(await store.claimCommands({ target: 'erp', now: at(1), limit: 10, leaseMs: 1000, owner: 'w1' }), [], 'k2 waits while k1 backs off');
      const k1 = await store.command('k1');
      assert.equal(k1?.attempts, 1);
      assert.deepEqual(k1?.lastError, { code: 'target_unavailable', message: '503 from erp' });
      assert.equal(k1?.leaseOwner, undefined);
      assert.deepEqual(await store.receipt('k3'), { commandId: 'k3', target: 'erp', action: 'createSalesOrder', targetId: 'SO-3', status: 'created', at: (await store.receipt('k3'))?.at });
      assert.equal(await store.receipt('k1'), undefined);

      assert.deepEqual((await store.claimCommands({ target: 'erp', now: at(5), limit: 10, leaseMs: 1000, owner: 'w1' })).map((c) => c.id), ['k1']);
      await ok(store, {
        settle: [{ id: 'k1', outcome: 'dead', owner: 'w1', error: { code: 'target_rejected', message: '400 bad SKU' }, attempt: { attempt: 2, owner: 'w1', startedAt: at(5), durationMs: 4, outcome: 'dead', errorCode: 'target_rejected', errorMessage: '400 bad SKU', targetStatus: 400 } }],
      });
      assert.deepEqual(await store.claimCommands({ target: 'erp', now: at(100), limit: 10, leaseMs: 1000, owner: 'w1' }), [], 'the dead letter parks its key');
      const dead = await store.listCommands({ status: 'dead', limit: 10 });
      assert.deepEqual(dead.map((c) => [c.id, c.lastError?.code, c.attempts]), [['k1', 'target_rejected', 2]]);
      assert.deepEqual((await store.commandAttempts('k1')).map((a) => [a.attempt, a.outcome, a.errorCode, a.targetStatus, a.durationMs]), [
        [1, 'retry', 'target_unavailable', 503, 12.5],
        [2, 'dead', 'target_rejected', 400, 4],
      ]);

      await ok(store, { requeue: [{ id: 'k1', availableAt: at(150) }, { id: 'k3' }], audit: [{ id: 'aud_1', actor: 'key_ops', action: 'dlq.replay', subject: 'k1', reason: 'SKU fixed', details: { dryRun: false } }] });
      const replayed = await store.command('k1');
      assert.deepEqual([replayed?.status, replayed?.attempts, replayed?.replays, replayed?.lastError], ['pending', 0, 1, undefined]);
      assert.ok((replayed?.activeSince ?? '') > (replayed?.createdAt ?? ''), 'a replay starts a new round of attempts');
      assert.equal((await store.command('k3'))?.status, 'done', 'only dead commands are requeued');
      assert.deepEqual((await store.claimCommands({ target: 'erp', now: at(200), limit: 10, leaseMs: 1000, owner: 'w1' })).map((c) => c.id), ['k1']);
      await ok(store, { settle: [{ id: 'k1', outcome: 'dead', owner: 'w1', error: { code: 'target_rejected', message: 'still bad' } }] });
      await ok(store, { discard: [{ id: 'k1', reason: 'order cancelled' }], audit: [{ id: 'aud_2', actor: 'key_ops', action: 'dlq.discard', subject: 'k1', reason: 'order cancelled' }] });
      assert.equal((await store.command('k1'))?.status, 'discarded');
      assert.deepEqual((await store.claimCommands({ target: 'erp', now: at(300), limit: 10, leaseMs: 1000, owner: 'w1' })).map((c) => c.id), ['k2'], 'discarding unparks the key');
      const audit = await store.auditLog({ subject: 'k1', limit: 10 });
      assert.deepEqual(audit.map((a) => [a.id, a.action, a.actor, a.reason]), [
        ['aud_2', 'dlq.discard', 'key_ops', 'order cancelled'],
        ['aud_1', 'dlq.replay', 'key_ops', 'SKU fixed'],
      ]);
      assert.deepEqual(audit[1]?.details, { dryRun: false });
      assert.equal((await store.auditLog({ limit: 1 })).length, 1);
    });

    it('ignores the settlement of a worker whose lease was taken over, but records its attempt', async () => {
      const store = await fresh();
      await ok(store, { outbox: [cmd('l1', 'A')] });
      await store.claimCommands({ target: 'erp', now: T0, limit: 1, leaseMs: 1000, owner: 'slow' });
      await store.claimCommands({ target: 'erp', now: at(2), limit: 1, leaseMs: 1000, owner: 'fast' });
      await ok(store, { settle: [{ id: 'l1', outcome: 'retry', owner: 'slow', availableAt: at(100), attempt: { attempt: 1, owner: 'slow', startedAt: T0, durationMs: 2000, outcome: 'retry', errorCode: 'target_timeout' } }] });
      const after = await store.command('l1');
      assert.deepEqual([after?.status, after?.leaseOwner, after?.attempts], ['pending', 'fast', 0]);
      await ok(store, { settle: [{ id: 'l1', outcome: 'done', owner: 'fast', receipt: { target: 'erp', action: 'createSalesOrder', status: 'created' } }] });
      assert.equal((await store.command('l1'))?.status, 'done');
      assert.equal((await store.receipt('l1'))?.targetId, undefined);
      assert.deepEqual((await store.commandAttempts('l1')).map((a) => a.owner), ['slow']);
    });

    it('frees the leases of a worker prefix, and only those', async () => {
      const store = await fresh();
      await ok(store, { outbox: [cmd('z1', 'A'), cmd('z2', 'B'), cmd('z3', 'C')] });
      await store.claimCommands({ target: 'erp', now: T0, limit: 2, leaseMs: 60_000, owner: 'host-a:101:x' });
      await store.claimCommands({ target: 'erp', now: T0, limit: 1, leaseMs: 60_000, owner: 'host-b:202:y' });
      assert.equal(await store.releaseLeases('host-a:'), 2);
      assert.deepEqual((await store.claimCommands({ target: 'erp', now: at(1), limit: 10, leaseMs: 1000, owner: 'host-a:303:z' })).map((c) => c.id), ['z1', 'z2']);
      assert.equal((await store.command('z3'))?.leaseOwner, 'host-b:202:y');
    });

    it('prunes finished commands with their attempts and receipts, never pending or dead ones', async () => {
      const store = await fresh();
      await ok(store, { outbox: [cmd('p1', 'A'), cmd('p2', 'B'), cmd('p3', 'C'), cmd('p4', 'D'), cmd('p5', 'E')] });
      await ok(store, {
        settle: [
          { id: 'p1', outcome: 'done', receipt: { target: 'erp', action: 'createSalesOrder', status: 'created' }, attempt: { attempt: 1, owner: 'w', startedAt: T0, durationMs: 1, outcome: 'done' } },
          { id: 'p2', outcome: 'dead', error: { code: 'target_rejected', message: 'x' } },
          { id: 'p4', outcome: 'done' },
        ],
      });
      await ok(store, { discard: [{ id: 'p2', reason: 'gone' }], audit: [{ id: 'aud_p2', actor: 'ops', action: 'dlq.discard', subject: 'p2', reason: 'gone' }] });
      await ok(store, { settle: [{ id: 'p3', outcome: 'dead', error: { code: 'target_rejected', message: 'y' } }] });
      assert.equal(await store.pruneCommands('2000-01-01T00:00:00.000Z', 100), 0, 'nothing finished that long ago');
      assert.equal(await store.pruneCommands('2999-01-01T00:00:00.000Z', 2), 2, 'at most the limit');
      assert.equal(await store.pruneCommands('2999-01-01T00:00:00.000Z', 100), 1);
      assert.deepEqual((await store.listCommands({ limit: 10 })).map((c) => [c.id, c.status]), [
        ['p5', 'pending'],
        ['p3', 'dead'],
      ]);
      assert.equal(await store.receipt('p1'), undefined);
      assert.deepEqual(await store.commandAttempts('p1'), []);
      assert.equal((await store.auditLog({ subject: 'p2', limit: 10 })).length, 1, 'the audit log is kept');
    });

    it('hands back a claimed command unattempted on release', async () => {
      const store = await fresh();
      await ok(store, { outbox: [cmd('r1', 'A')] });
      await store.claimCommands({ target: 'erp', now: T0, limit: 1, leaseMs: 60_000, owner: 'w1' });
      await ok(store, { settle: [{ id: 'r1', outcome: 'release', owner: 'w1', availableAt: at(10) }] });
      const released = await store.command('r1');
      assert.deepEqual([released?.status, released?.attempts, released?.leaseOwner, released?.availableAt], ['pending', 0, undefined, at(10)]);
      assert.deepEqual((await store.claimCommands({ target: 'erp', now: at(10), limit: 1, leaseMs: 1000, owner: 'w2' })).map((c) => c.id), ['r1']);
    });

    it('lists commands by status, target, error code, key and age, newest first, and counts them', async () => {
      const store = await fresh();
      await ok(store, { outbox: [cmd('f1', 'A'), cmd('f2', 'B'), cmd('f3', 'C', { target: 'wms' }), cmd('f4', 'D')] });
      await ok(store, {
        settle: [
          { id: 'f1', outcome: 'dead', error: { code: 'target_rejected', message: 'x' } },
          { id: 'f2', outcome: 'dead', error: { code: 'attempts_exhausted', message: 'y' } },
          { id: 'f3', outcome: 'dead', error: { code: 'target_rejected', message: 'z' } },
        ],
      });
      const ids = async (filter: Parameters<Store['listCommands']>[0]) => (await store.listCommands(filter)).map((c) => c.id);
      assert.deepEqual(await ids({ status: 'dead', limit: 10 }), ['f3', 'f2', 'f1']);
      assert.deepEqual(await ids({ status: 'dead', target: 'erp', limit: 10 }), ['f2', 'f1']);
      assert.deepEqual(await ids({ status: 'dead', errorCode: 'target_rejected', limit: 10 }), ['f3', 'f1']);
      assert.deepEqual(await ids({ key: 'B', limit: 10 }), ['f2']);
      assert.deepEqual(await ids({ status: 'dead', createdBefore: '2000-01-01T00:00:00Z', limit: 10 }), []);
      assert.deepEqual(await ids({ status: 'dead', createdAfter: '2000-01-01T00:00:00Z', limit: 2 }), ['f3', 'f2']);
      const page = await store.listCommands({ status: 'dead', limit: 2 });
      assert.deepEqual(await ids({ status: 'dead', beforeSeq: page.at(-1)?.seq as number, limit: 2 }), ['f1']);
      const stats = await store.outboxStats();
      assert.deepEqual(stats.map((s) => [s.target, s.status, s.count]), [
        ['erp', 'dead', 2],
        ['erp', 'pending', 1],
        ['wms', 'dead', 1],
      ]);
      assert.ok(stats.every((s) => !Number.isNaN(Date.parse(s.oldestCreatedAt))));
    });
  });
}
