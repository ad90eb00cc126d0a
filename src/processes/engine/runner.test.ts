import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WeftError } from '../../errors/index.ts';
import { createIdGenerator, type Clock } from '../../ports/clock.ts';
import type { NewEvent, Store } from '../../ports/store.ts';
import { createSqliteStore } from '../../store/sqlite/store.ts';
import type { ProcessDefinition } from './definition.ts';
import { createProcessRunner, processConsumer } from './runner.ts';
import { GROUP, LOCATION, ORDER, pickup, type PickupData } from './test-pickup.ts';

// The runner over the real embedded store: steps taken from the log once each, in one commit with
// the checkpoint; timers that fire after a restart; tasks people resolve; two runners (two hubs)
// sharing a store without a step taken twice; instances finishing on the version they started on.

const dir = mkdtempSync(join(tmpdir(), 'weft-processes-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let time = Date.parse('2026-11-23T12:00:00.000Z');
const clock: Clock = { now: () => time };
let n = 0;
let stores = 0;

function event(type: string, data: object = {}, subject = ORDER): NewEvent {
  n++;
  return { id: `evt_${n}`, source: '/test', type, subject, time: '2026-11-23T12:00:00.000Z', data: { orderId: subject, fulfilmentGroupId: GROUP, locationId: LOCATION, occurredAt: '2026-11-23T12:00:00.000Z', ...data } };
}

function open(): Store {
  const store = createSqliteStore({ path: join(dir, `p${++stores}.db`) });
  after(() => store.close());
  return store;
}

function runner(store: Store, definitions: readonly ProcessDefinition<unknown>[] = [pickup as ProcessDefinition<unknown>]) {
  return createProcessRunner({ store, ids: createIdGenerator(clock), clock, log: quiet }, { definitions, pollMs: 10 });
}

describe('process runner', () => {
  it('refuses definitions with problems at start, naming them', () => {
    const store = open();
    assert.throws(() => runner(store, [{ ...pickup, start: { ...pickup.start, state: 'limbo' } } as ProcessDefinition<unknown>]), (error: unknown) => error instanceof WeftError && /start state "limbo"/.test(error.message));
    assert.throws(() => runner(store, [pickup as ProcessDefinition<unknown>, pickup as ProcessDefinition<unknown>]), /defined twice/);
  });

  it('takes each event of the log once, committing the step with the checkpoint', async () => {
    const store = open();
    const processes = runner(store);
    await store.commit({ events: [event('weft.order.ready_for_pickup.v1'), event('weft.order.released.v1'), event('weft.order.ready_for_pickup.v1', {}, 'ord_01JDS0000000000000000000BB')] });
    await processes.drain();
    const instance = await store.processInstance('store-pickup', ORDER);
    assert.deepEqual([instance?.state, instance?.seq], ['awaiting_collection', 1], 'released has no transition: ignored');
    assert.equal((await store.processInstance('store-pickup', 'ord_01JDS0000000000000000000BB'))?.state, 'awaiting_collection');
    assert.equal(await store.checkpoint(processConsumer('store-pickup')), 3);
    const commands = await store.listCommands({ key: ORDER, limit: 10 });
    assert.deepEqual(commands.map((c) => `${c.target}.${c.action}`), ['pos.holdStock']);
    await processes.drain();
    assert.equal((await store.listCommands({ key: ORDER, limit: 10 })).length, 1, 'draining again takes nothing twice');
    await store.commit({ events: [event('weft.order.collected.v1')] });
    await processes.drain();
    const history = await store.processTransitions('store-pickup', ORDER);
    assert.deepEqual(history.map((t) => [t.from ?? null, t.to, t.cause]), [
      [null, 'awaiting_collection', 'weft.order.ready_for_pickup.v1'],
      ['awaiting_collection', 'collected', 'weft.order.collected.v1'],
    ]);
    assert.equal((await store.dueTimers({ now: '2030-01-01T00:00:00.000Z', limit: 10 })).length, 1, 'only the other order\'s timer is left: collection cancelled this one');
  });

  it('fires a durable timer after a restart, cancelling the order with its compensation', async () => {
    const store = open();
    await store.commit({ events: [event('weft.order.ready_for_pickup.v1')] });
    await runner(store).drain();
    // A new runner (a restarted hub) three days later.
    time += 3 * 86_400_000 + 1000;
    const restarted = runner(store);
    await restarted.drain();
    const instance = await store.processInstance('store-pickup', ORDER);
    assert.deepEqual([instance?.state, instance?.finished], ['cancelled', true]);
    const commands = await store.listCommands({ key: ORDER, limit: 10 });
    assert.deepEqual(commands.map((c) => c.action).sort(), ['holdStock', 'releaseStock']);
    const [cancelled] = (await store.readSubject(ORDER, { limit: 10 })).filter((e) => e.type === 'weft.order.cancelled.v1');
    assert.equal((cancelled?.data as { reason: string }).reason, 'not_collected');
    assert.equal((await store.dueTimers({ now: '2030-01-01T00:00:00.000Z', limit: 10 })).length, 0, 'the timer fired once');
  });

  it('opens a task, lets a person claim and resolve it, and follows the decision', async () => {
    const store = open();
    const processes = runner(store);
    await store.commit({ events: [event('weft.order.ready_for_pickup.v1'), event('weft.order.held.v1', { reason: 'manual' })] });
    await processes.drain();
    const [task] = await store.listTasks({ status: 'open', limit: 10 });
    assert.ok(task);
    assert.equal(task.kind, 'pickup_problem');
    const claimed = await processes.claimTask(task.id, 'key_alice');
    assert.deepEqual([claimed.status, claimed.claimedBy], ['claimed', 'key_alice']);
    await assert.rejects(processes.claimTask(task.id, 'key_bob'), (error: unknown) => error instanceof WeftError && error.code === 'task_not_open');
    await assert.rejects(processes.resolveTask(task.id, { decision: 'shrug', actor: 'key_alice' }), /"shrug" is not a decision/);
    await assert.rejects(processes.resolveTask(task.id, { decision: 'wait', values: { until: 'Friday' }, actor: 'key_alice' }), (error: unknown) => error instanceof WeftError && error.code === 'schema_violation' && /takes no values/.test(error.message), 'a process that checks no values takes none');
    assert.equal((await store.task(task.id))?.status, 'claimed', 'a refused resolution leaves the task as it was');
    const resolved = await processes.resolveTask(task.id, { decision: 'wait', note: 'customer called, comes Friday', actor: 'key_alice' });
    assert.deepEqual([resolved.status, resolved.decision, resolved.note], ['resolved', 'wait', 'customer called, comes Friday']);
    const instance = await store.processInstance('store-pickup', ORDER);
    assert.equal(instance?.state, 'awaiting_collection');
    assert.equal(((instance?.data as { data: PickupData }).data).reminders, 1);
    await assert.rejects(processes.resolveTask(task.id, { decision: 'cancel', actor: 'key_bob' }), /resolved already/);
    assert.equal((await store.auditLog({ subject: task.id, limit: 10 })).length, 2, 'claim and resolution are audited');
  });

  it('takes no step twice when two runners (two hubs) share a store', async () => {
    const store = open();
    const subjects = Array.from({ length: 20 }, (_, i) => `ord_01JDS00000000000000000${String(i).padStart(4, '0')}`);
    await store.commit({ events: subjects.map((subject) => event('weft.order.ready_for_pickup.v1', {}, subject)) });
    await store.commit({ events: subjects.map((subject) => event('weft.order.collected.v1', {}, subject)) });
    const one = runner(store);
    const two = runner(store);
    await Promise.all([one.drain(), two.drain(), one.drain()]);
    for (const subject of subjects) {
      const instance = await store.processInstance('store-pickup', subject);
      assert.deepEqual([instance?.state, instance?.seq], ['collected', 2], subject);
    }
    assert.equal((await store.listCommands({ limit: 100 })).length, 20, 'one holdStock per order');
  });

  it('finishes instances in flight on their version while new ones start on the new one', async () => {
    const store = open();
    await store.commit({ events: [event('weft.order.ready_for_pickup.v1')] });
    await runner(store).drain();
    // Version 2 collects without the store's hold: different actions, same states.
    const v2: ProcessDefinition<PickupData> = {
      ...pickup,
      version: 2,
      start: { ...pickup.start, actions: ({ now }) => [{ kind: 'timer', name: 'collect_by', dueAt: new Date(Date.parse(now) + 86_400_000).toISOString() }] },
    };
    const both = runner(store, [pickup as ProcessDefinition<unknown>, v2 as ProcessDefinition<unknown>]);
    await store.commit({ events: [event('weft.order.ready_for_pickup.v1', {}, 'ord_01JDS0000000000000000000CC'), event('weft.order.collected.v1')] });
    await both.drain();
    assert.deepEqual([(await store.processInstance('store-pickup', ORDER))?.definitionVersion, (await store.processInstance('store-pickup', ORDER))?.state], [1, 'collected']);
    assert.equal((await store.processInstance('store-pickup', 'ord_01JDS0000000000000000000CC'))?.definitionVersion, 2);
    assert.equal((await store.listCommands({ key: 'ord_01JDS0000000000000000000CC', limit: 10 })).length, 0, 'v2 sends no hold');
    // A hub that lost v1 refuses to guess how to move a v1 instance.
    const onlyV2 = runner(store, [v2 as ProcessDefinition<unknown>]);
    await store.commit({ events: [event('weft.order.ready_for_pickup.v1', {}, 'ord_01JDS0000000000000000000DD')] });
    await onlyV2.drain();
    await store.commit({ events: [event('weft.order.held.v1', {}, 'ord_01JDS0000000000000000000DD')] });
    const checkpoint = await store.checkpoint(processConsumer('store-pickup'));
    await assert.rejects(runner(store).drain(), /runs on v2, which this hub does not have/);
    assert.equal(await store.checkpoint(processConsumer('store-pickup')), checkpoint, 'nothing taken: the event waits for a hub that has v2');
    assert.equal((await store.processInstance('store-pickup', 'ord_01JDS0000000000000000000DD'))?.state, 'awaiting_collection');
  });
});
