import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from './clock.ts';
import type { CommitResult, NewEvent, ProcessInstance, ProcessTask, ProcessTransition, Store, StoreOptions } from './store.ts';

// The process part of the store contract: process instances written by compare-and-set on their
// seq (also between units of one group commit), their transitions as history, and tasks for people
// whose status changes only from the status an update names. Called from ./store.contract.ts.

type Fresh = (options?: StoreOptions & { clock?: Clock }) => Promise<Store>;
type Reopen = (name: string, options?: StoreOptions & { clock?: Clock }) => Promise<Store>;

const T0 = '2026-11-23T10:00:00.000Z';

function instance(process: string, key: string, seq: number, overrides: Partial<ProcessInstance> = {}): ProcessInstance {
  return {
    process,
    key,
    definitionVersion: 2,
    state: `state_${seq}`,
    data: { seq, lines: [{ sku: 'SKU-1', qty: 2 }], note: 'Grüße' },
    finished: false,
    seq,
    startedAt: '2026-11-23T11:00:00+01:00',
    updatedAt: T0,
    ...overrides,
  };
}

function transition(process: string, key: string, seq: number, overrides: Partial<ProcessTransition> = {}): ProcessTransition {
  return {
    process,
    key,
    seq,
    from: seq === 1 ? undefined : `state_${seq - 1}`,
    to: `state_${seq}`,
    cause: 'weft.order.captured.v1',
    causeId: `evt_${seq}`,
    at: T0,
    ...overrides,
  };
}

function task(id: string, overrides: Partial<ProcessTask> = {}): ProcessTask {
  return {
    id,
    process: 'order-to-cash',
    key: 'ord_1',
    kind: 'stock_mismatch',
    title: 'SKU-1: 2 ordered, 1 in stock',
    options: ['backorder', 'cancel_line'],
    data: { sku: 'SKU-1', ordered: 2, available: 1 },
    status: 'open',
    claimedBy: undefined,
    decision: undefined,
    note: undefined,
    createdAt: '2026-11-23T11:00:00+01:00',
    updatedAt: '2026-11-23T11:00:00+01:00',
    ...overrides,
  };
}

function event(id: string, subject: string): NewEvent {
  return { id, source: '/test/process', type: 'weft.process.moved.v1', subject, time: T0, data: { id } };
}

function committed(result: CommitResult): void {
  assert.equal(result.status, 'committed', `expected committed, got ${JSON.stringify(result)}`);
}

/** Process instances, transitions and tasks, against a fresh store per test (`reopen` opens a named store again). */
export function processContract(fresh: Fresh, reopen: Reopen): void {
  describe('process instances and tasks', () => {
    it('creates an instance from seq 0 and advances it only from the seq it read', async () => {
      const store = await fresh();
      assert.equal(await store.processInstance('order-to-cash', 'ord_1'), undefined);
      committed(await store.commit({ processes: [{ instance: instance('order-to-cash', 'ord_1', 1), expectSeq: 0 }] }));
      assert.deepEqual(await store.processInstance('order-to-cash', 'ord_1'), { ...instance('order-to-cash', 'ord_1', 1), startedAt: T0 });

      // Creating it again (expectSeq 0) conflicts: it exists at seq 1.
      assert.deepEqual(await store.commit({ processes: [{ instance: instance('order-to-cash', 'ord_1', 1), expectSeq: 0 }] }), {
        status: 'process_conflict',
        process: 'order-to-cash',
        key: 'ord_1',
        expected: 0,
        actual: 1,
      });

      const finished = instance('order-to-cash', 'ord_1', 2, { state: 'completed', finished: true, data: 'done', updatedAt: '2026-11-23T12:30:00+01:00' });
      committed(await store.commit({ processes: [{ instance: finished, expectSeq: 1 }] }));
      assert.deepEqual(await store.processInstance('order-to-cash', 'ord_1'), { ...finished, startedAt: T0, updatedAt: '2026-11-23T11:30:00.000Z' });
      assert.equal(await store.processInstance('order-to-cash', 'ord_2'), undefined);
      assert.equal(await store.processInstance('fulfilment', 'ord_1'), undefined);
    });

    it('writes nothing of a unit whose expected seq is stale', async () => {
      const store = await fresh();
      committed(await store.commit({ processes: [{ instance: instance('order-to-cash', 'ord_1', 1), expectSeq: 0 }], transitions: [transition('order-to-cash', 'ord_1', 1)] }));
      committed(await store.commit({ processes: [{ instance: instance('order-to-cash', 'ord_1', 2), expectSeq: 1 }], transitions: [transition('order-to-cash', 'ord_1', 2)] }));
      const stale = await store.commit({
        events: [event('evt_stale', 'ord_1')],
        checkpoints: [{ consumer: 'process:order-to-cash', position: 1 }],
        // A fresh instance of another process goes first: the conflict later in the unit undoes it too.
        processes: [
          { instance: instance('fulfilment', 'ord_1', 1), expectSeq: 0 },
          { instance: instance('order-to-cash', 'ord_1', 2, { state: 'stale' }), expectSeq: 1 },
        ],
        transitions: [transition('fulfilment', 'ord_1', 1), transition('order-to-cash', 'ord_1', 2, { to: 'stale' })],
        outbox: [{ id: 'cmd_stale', target: 'erp', action: 'createSalesOrder', key: 'ord_1', payload: {} }],
        tasks: [task('tsk_stale')],
        timers: [{ id: 'tmr_stale', key: 'ord_1', kind: 'payment.timeout', dueAt: T0, payload: {} }],
      });
      assert.deepEqual(stale, { status: 'process_conflict', process: 'order-to-cash', key: 'ord_1', expected: 1, actual: 2 });
      assert.equal((await store.processInstance('order-to-cash', 'ord_1'))?.state, 'state_2');
      assert.equal(await store.processInstance('fulfilment', 'ord_1'), undefined);
      assert.deepEqual((await store.processTransitions('order-to-cash', 'ord_1')).map((t) => [t.seq, t.to]), [
        [1, 'state_1'],
        [2, 'state_2'],
      ]);
      assert.deepEqual(await store.processTransitions('fulfilment', 'ord_1'), []);
      assert.deepEqual(await store.eventsWithId('evt_stale'), []);
      assert.equal(await store.lastPosition(), 0);
      assert.equal(await store.checkpoint('process:order-to-cash'), 0);
      assert.equal(await store.command('cmd_stale'), undefined);
      assert.equal(await store.task('tsk_stale'), undefined);
      assert.deepEqual(await store.dueTimers({ now: '2030-01-01T00:00:00.000Z', limit: 10 }), []);
    });

    it('sees the writes of earlier units of the same group commit', async () => {
      const batches: number[] = [];
      const store = await fresh({ onCommit: (stats) => batches.push(stats.units) });
      committed(await store.commit({ processes: [{ instance: instance('order-to-cash', 'ord_1', 1), expectSeq: 0 }] }));
      const results = await Promise.all([
        store.commit({ processes: [{ instance: instance('order-to-cash', 'ord_1', 2), expectSeq: 1 }], events: [event('evt_a', 'ord_1')] }),
        store.commit({ processes: [{ instance: instance('order-to-cash', 'ord_1', 2, { state: 'lost' }), expectSeq: 1 }], events: [event('evt_b', 'ord_1')] }),
        store.commit({ processes: [{ instance: instance('order-to-cash', 'ord_1', 3), expectSeq: 2 }] }),
        store.commit({ processes: [{ instance: instance('fulfilment', 'ord_1', 1), expectSeq: 0 }] }),
        store.commit({ processes: [{ instance: instance('fulfilment', 'ord_1', 1, { state: 'twin' }), expectSeq: 0 }] }),
      ]);
      assert.deepEqual(batches, [1, 5], 'the five units went into one transaction');
      committed(results[0] as CommitResult);
      assert.deepEqual(results[1], { status: 'process_conflict', process: 'order-to-cash', key: 'ord_1', expected: 1, actual: 2 });
      committed(results[2] as CommitResult);
      committed(results[3] as CommitResult);
      assert.deepEqual(results[4], { status: 'process_conflict', process: 'fulfilment', key: 'ord_1', expected: 0, actual: 1 });
      const current = await store.processInstance('order-to-cash', 'ord_1');
      assert.deepEqual([current?.seq, current?.state], [3, 'state_3']);
      assert.equal((await store.processInstance('fulfilment', 'ord_1'))?.state, 'state_1');
      assert.deepEqual(await store.eventsWithId('evt_b'), [], 'the conflicting unit appended nothing');
      assert.equal((await store.eventsWithId('evt_a')).length, 1);
    });

    it('lists every process instance of a key, by process name', async () => {
      const store = await fresh();
      committed(
        await store.commit({
          processes: [
            { instance: instance('order-to-cash', 'ord_1', 1), expectSeq: 0 },
            { instance: instance('fulfilment', 'ord_1', 1), expectSeq: 0 },
            { instance: instance('order-to-cash', 'ord_2', 1), expectSeq: 0 },
          ],
        }),
      );
      assert.deepEqual((await store.processInstancesOf('ord_1')).map((p) => [p.process, p.key]), [
        ['fulfilment', 'ord_1'],
        ['order-to-cash', 'ord_1'],
      ]);
      assert.deepEqual(await store.processInstancesOf('ord_2'), [{ ...instance('order-to-cash', 'ord_2', 1), startedAt: T0 }]);
      assert.deepEqual(await store.processInstancesOf('ord_none'), []);
    });

    it('keeps transitions in seq order; re-adding one is a no-op', async () => {
      const store = await fresh();
      committed(
        await store.commit({
          transitions: [transition('order-to-cash', 'ord_1', 2), transition('order-to-cash', 'ord_1', 1, { at: '2026-11-23T10:59:00+01:00' }), transition('fulfilment', 'ord_1', 1)],
        }),
      );
      committed(
        await store.commit({
          transitions: [transition('order-to-cash', 'ord_1', 1, { to: 'rewritten', cause: 'other' }), transition('order-to-cash', 'ord_1', 3, { cause: 'timer:payment', causeId: 'tmr_1' })],
        }),
      );
      committed(await store.commit({ transitions: [transition('order-to-cash', 'ord_1', 2)] }));
      const steps = await store.processTransitions('order-to-cash', 'ord_1');
      assert.deepEqual(steps, [
        transition('order-to-cash', 'ord_1', 1, { at: '2026-11-23T09:59:00.000Z' }),
        transition('order-to-cash', 'ord_1', 2),
        transition('order-to-cash', 'ord_1', 3, { cause: 'timer:payment', causeId: 'tmr_1' }),
      ]);
      assert.equal(steps[0]?.from, undefined);
      assert.deepEqual(await store.processTransitions('fulfilment', 'ord_1'), [transition('fulfilment', 'ord_1', 1)]);
      assert.deepEqual(await store.processTransitions('order-to-cash', 'ord_none'), []);
    });

    it('lists tasks newest first, with every filter; re-adding an id is a no-op', async () => {
      const store = await fresh();
      committed(await store.commit({ tasks: [task('tsk_1'), task('tsk_2', { kind: 'payment_review', key: 'ord_2' })] }));
      committed(await store.commit({ tasks: [task('tsk_3', { process: 'fulfilment' }), task('tsk_1', { title: 'changed', status: 'resolved' })] }));
      committed(await store.commit({ tasks: [task('tsk_4', { key: 'ord_2' })], taskUpdates: [{ id: 'tsk_4', from: 'open', to: 'claimed', claimedBy: 'key_ops' }] }));
      assert.deepEqual(await store.task('tsk_1'), { ...task('tsk_1'), createdAt: T0, updatedAt: T0 });
      assert.equal(await store.task('tsk_none'), undefined);
      const ids = async (options: Parameters<Store['listTasks']>[0]) => (await store.listTasks(options)).map((t) => t.id);
      assert.deepEqual(await ids({ limit: 10 }), ['tsk_4', 'tsk_3', 'tsk_2', 'tsk_1']);
      assert.deepEqual(await ids({ limit: 2 }), ['tsk_4', 'tsk_3']);
      assert.deepEqual(await ids({ limit: 10, status: 'open' }), ['tsk_3', 'tsk_2', 'tsk_1']);
      assert.deepEqual(await ids({ limit: 10, status: 'claimed' }), ['tsk_4']);
      assert.deepEqual(await ids({ limit: 10, process: 'fulfilment' }), ['tsk_3']);
      assert.deepEqual(await ids({ limit: 10, key: 'ord_2' }), ['tsk_4', 'tsk_2']);
      assert.deepEqual(await ids({ limit: 10, kind: 'payment_review' }), ['tsk_2']);
      assert.deepEqual(await ids({ limit: 10, key: 'ord_2', kind: 'stock_mismatch', status: 'claimed', process: 'order-to-cash' }), ['tsk_4']);
      assert.deepEqual(await ids({ limit: 10, status: 'resolved' }), []);
    });

    it('claims and resolves a task only from the status an update names', async () => {
      let now = Date.parse('2026-11-23T12:00:00.000Z');
      const store = await fresh({ clock: { now: () => now } });
      committed(await store.commit({ tasks: [task('tsk_1'), task('tsk_2')] }));
      committed(await store.commit({ taskUpdates: [{ id: 'tsk_1', from: 'open', to: 'claimed', claimedBy: 'key_ops' }] }));
      const claimed = await store.task('tsk_1');
      assert.deepEqual([claimed?.status, claimed?.claimedBy, claimed?.updatedAt, claimed?.createdAt], ['claimed', 'key_ops', '2026-11-23T12:00:00.000Z', T0]);

      now = Date.parse('2026-11-23T12:05:00.000Z');
      committed(await store.commit({ taskUpdates: [{ id: 'tsk_1', from: 'claimed', to: 'resolved', decision: 'backorder', note: 'supplier ships Friday' }] }));
      const resolved = await store.task('tsk_1');
      assert.deepEqual(resolved, {
        ...task('tsk_1'),
        status: 'resolved',
        claimedBy: 'key_ops',
        decision: 'backorder',
        note: 'supplier ships Friday',
        createdAt: T0,
        updatedAt: '2026-11-23T12:05:00.000Z',
      });

      now = Date.parse('2026-11-23T12:10:00.000Z');
      const again = await store.commit({
        taskUpdates: [
          { id: 'tsk_2', from: 'open', to: 'claimed', claimedBy: 'key_other' },
          { id: 'tsk_1', from: 'claimed', to: 'resolved', decision: 'cancel_line', note: 'too late' },
        ],
        processes: [{ instance: instance('order-to-cash', 'ord_1', 1), expectSeq: 0 }],
      });
      assert.deepEqual(again, { status: 'task_conflict', id: 'tsk_1', expected: 'claimed', actual: 'resolved' });
      assert.deepEqual(await store.task('tsk_1'), resolved, 'a conflicting update changes nothing');
      assert.equal((await store.task('tsk_2'))?.status, 'open', 'nor does the rest of its unit');
      assert.equal(await store.processInstance('order-to-cash', 'ord_1'), undefined);

      assert.deepEqual(await store.commit({ taskUpdates: [{ id: 'tsk_none', from: 'open', to: 'claimed', claimedBy: 'key_ops' }] }), {
        status: 'task_conflict',
        id: 'tsk_none',
        expected: 'open',
        actual: undefined,
      });
      assert.equal(await store.task('tsk_none'), undefined);
    });

    it('decides task updates in order within a unit and across a group commit', async () => {
      const store = await fresh();
      // Opened and claimed in one unit: the update sees the task opened before it.
      committed(await store.commit({ tasks: [task('tsk_1')], taskUpdates: [{ id: 'tsk_1', from: 'open', to: 'claimed', claimedBy: 'key_a' }] }));
      committed(await store.commit({ tasks: [task('tsk_2')] }));
      const [first, second, third] = await Promise.all([
        store.commit({ taskUpdates: [{ id: 'tsk_2', from: 'open', to: 'claimed', claimedBy: 'key_a' }] }),
        store.commit({ taskUpdates: [{ id: 'tsk_2', from: 'open', to: 'claimed', claimedBy: 'key_b' }] }),
        store.commit({ taskUpdates: [{ id: 'tsk_2', from: 'claimed', to: 'cancelled', note: 'order cancelled' }] }),
      ]);
      committed(first as CommitResult);
      assert.deepEqual(second, { status: 'task_conflict', id: 'tsk_2', expected: 'open', actual: 'claimed' });
      committed(third as CommitResult);
      const two = await store.task('tsk_2');
      assert.deepEqual([two?.status, two?.claimedBy, two?.note, two?.decision], ['cancelled', 'key_a', 'order cancelled', undefined]);
      const one = await store.task('tsk_1');
      assert.deepEqual([one?.status, one?.claimedBy], ['claimed', 'key_a']);
      // A task whose id is already stored is not opened again, so an update from `open` fails.
      assert.deepEqual(await store.commit({ tasks: [task('tsk_1')], taskUpdates: [{ id: 'tsk_1', from: 'open', to: 'claimed', claimedBy: 'key_c' }] }), {
        status: 'task_conflict',
        id: 'tsk_1',
        expected: 'open',
        actual: 'claimed',
      });
    });

    it('keeps instances, transitions and tasks across close and reopen', async () => {
      const name = `proc_${process.pid}_${Date.now().toString(36)}`;
      const store = await reopen(name);
      try {
        committed(
          await store.commit({
            processes: [{ instance: instance('order-to-cash', 'ord_1', 1), expectSeq: 0 }],
            transitions: [transition('order-to-cash', 'ord_1', 1)],
            tasks: [task('tsk_1')],
          }),
        );
        committed(await store.commit({ taskUpdates: [{ id: 'tsk_1', from: 'open', to: 'claimed', claimedBy: 'key_ops' }] }));
      } finally {
        await store.close();
      }
      const again = await reopen(name);
      try {
        assert.deepEqual(await again.processInstance('order-to-cash', 'ord_1'), { ...instance('order-to-cash', 'ord_1', 1), startedAt: T0 });
        assert.deepEqual(await again.processTransitions('order-to-cash', 'ord_1'), [transition('order-to-cash', 'ord_1', 1)]);
        const reopened = await again.task('tsk_1');
        assert.deepEqual([reopened?.status, reopened?.claimedBy, reopened?.title], ['claimed', 'key_ops', task('tsk_1').title]);
        assert.deepEqual((await again.listTasks({ limit: 10, status: 'claimed' })).map((t) => t.id), ['tsk_1']);
        // The seq survived too: the compare-and-set still holds against it.
        assert.equal((await again.commit({ processes: [{ instance: instance('order-to-cash', 'ord_1', 2), expectSeq: 0 }] })).status, 'process_conflict');
        committed(await again.commit({ processes: [{ instance: instance('order-to-cash', 'ord_1', 2), expectSeq: 1 }] }));
      } finally {
        await again.close();
      }
    });
  });
}
