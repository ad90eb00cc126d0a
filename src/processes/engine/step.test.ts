import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WeftError } from '../../errors/index.ts';
import { createIdGenerator, type Clock } from '../../ports/clock.ts';
import type { ProcessInstance } from '../../ports/store.ts';
import { definitionProblems, type ProcessDefinition, type ProcessInput } from './definition.ts';
import { GROUP, LOCATION, ORDER, pickup, type PickupData } from './test-pickup.ts';
import { decideStep, envelopeOf, type StepOutcome } from './step.ts';

// The transition table at work on a small pick-up process: started by a captured order, waiting for
// collection with a durable timer, cancelled (with its compensations) when not collected, and a
// task for a person when the store reports a problem.

const clock: Clock = { now: () => Date.parse('2026-11-23T12:00:00.000Z') };
const event = (type: string, id: string, data: unknown = {}): ProcessInput => ({ kind: 'event', id, type, subject: ORDER, time: '2026-11-23T12:00:00.000Z', data });
const now = '2026-11-23T12:00:00.000Z';

function step(instance: ProcessInstance | undefined, input: ProcessInput, definition: ProcessDefinition<PickupData> = pickup): Extract<StepOutcome<PickupData>, { kind: 'step' }> {
  const outcome = decideStep(definition, ORDER, instance, input, now, createIdGenerator(clock));
  assert.equal(outcome.kind, 'step', outcome.kind === 'ignored' ? outcome.reason : '');
  return outcome as Extract<StepOutcome<PickupData>, { kind: 'step' }>;
}

describe('process steps', () => {
  it('checks a definition for unknown and final states, bad names and inputs', () => {
    assert.deepEqual(definitionProblems(pickup), []);
    const broken: ProcessDefinition<PickupData> = { ...pickup, name: 'Bad Name', final: ['gone'], transitions: [...pickup.transitions, { from: 'collected', on: 'timer:x', to: 'nowhere' }, { from: 'nowhere', on: 'Not An Input', to: 'cancelled' }] };
    const problems = definitionProblems(broken);
    assert.ok(problems.some((p) => /name must be lower case/.test(p)));
    assert.ok(problems.some((p) => /final state "gone"/.test(p)));
    assert.ok(problems.some((p) => /goes to unknown state "nowhere"/.test(p)));
    assert.ok(problems.some((p) => /leaves unknown state "nowhere"/.test(p)));
    assert.ok(problems.some((p) => /"Not An Input" is not an event type/.test(p)));
  });

  it('starts on its start event with a timer and a command that owes a compensation, all in one unit', () => {
    const started = step(undefined, event('weft.order.ready_for_pickup.v1', 'evt_1'));
    assert.deepEqual([started.instance.state, started.instance.seq, started.instance.definitionVersion, started.instance.finished], ['awaiting_collection', 1, 1, false]);
    assert.deepEqual(started.unit.processes, [{ instance: started.instance, expectSeq: 0 }]);
    assert.deepEqual(started.transition, { process: 'store-pickup', key: ORDER, seq: 1, from: undefined, to: 'awaiting_collection', cause: 'weft.order.ready_for_pickup.v1', causeId: 'evt_1', at: now });
    const [timer] = started.unit.timers ?? [];
    assert.equal(timer?.kind, 'process:store-pickup:collect_by');
    assert.equal(timer?.dueAt, '2026-11-26T12:00:00.000Z');
    const [command] = started.unit.outbox ?? [];
    assert.deepEqual([command?.target, command?.action, command?.key, command?.causationId, command?.report], ['pos', 'holdStock', ORDER, 'evt_1', true]);
    assert.deepEqual((command?.payload as { type: string; subject: string }).type, 'weft.order.ready_for_pickup.v1');
    assert.equal(envelopeOf<PickupData>(started.instance).compensations.length, 1);
    assert.equal(envelopeOf<PickupData>(started.instance).timers.collect_by, timer?.id);
  });

  it('ignores an input with no transition, and everything once finished', () => {
    const started = step(undefined, event('weft.order.ready_for_pickup.v1', 'evt_1'));
    const noRow = decideStep(pickup, ORDER, started.instance, event('weft.order.released.v1', 'evt_2'), now, createIdGenerator(clock));
    assert.deepEqual(noRow, { kind: 'ignored', reason: `store-pickup ${ORDER} in awaiting_collection has no transition on weft.order.released.v1` });
    assert.equal(decideStep(pickup, ORDER, undefined, event('weft.order.collected.v1', 'evt_3'), now, createIdGenerator(clock)).kind, 'ignored', 'only a start event starts it');
    const collected = step(started.instance, event('weft.order.collected.v1', 'evt_4'));
    assert.equal(collected.instance.finished, true);
    assert.deepEqual(collected.unit.cancelTimers, [envelopeOf<PickupData>(started.instance).timers.collect_by], 'collection cancels the timer');
    assert.match((decideStep(pickup, ORDER, collected.instance, event('weft.order.held.v1', 'evt_5'), now, createIdGenerator(clock)) as { reason: string }).reason, /is finished \(collected\)/);
  });

  it('cancels an uncollected order when its timer fires: compensations sent newest first, a valid event emitted', () => {
    const started = step(undefined, event('weft.order.ready_for_pickup.v1', 'evt_1'));
    const timerId = envelopeOf<PickupData>(started.instance).timers.collect_by as string;
    const fired = step(started.instance, { kind: 'timer', id: timerId, name: 'collect_by', firedAt: '2026-11-26T12:00:01.000Z', payload: null });
    assert.deepEqual([fired.instance.state, fired.instance.finished, fired.instance.seq, fired.note], ['cancelled', true, 2, 'not collected in time']);
    assert.deepEqual(fired.unit.processes?.[0]?.expectSeq, 1);
    assert.deepEqual(fired.unit.outbox?.map((c) => `${c.target}.${c.action}`), ['pos.releaseStock']);
    assert.equal(fired.unit.outbox?.[0]?.priority, 'urgent');
    assert.deepEqual(fired.unit.cancelTimers, [], 'the fired timer is spent, not cancelled');
    assert.equal(fired.unit.events?.[0]?.type, 'weft.order.cancelled.v1');
    assert.equal(envelopeOf<PickupData>(fired.instance).compensations.length, 0);
  });

  it('opens a task, and follows the decision a person takes on it', () => {
    const started = step(undefined, event('weft.order.ready_for_pickup.v1', 'evt_1'));
    const held = step(started.instance, event('weft.order.held.v1', 'evt_2'));
    const [task] = held.unit.tasks ?? [];
    assert.deepEqual([task?.kind, task?.status, task?.options], ['pickup_problem', 'open', ['wait', 'cancel']]);
    const decided = (decision: string): ProcessInput => ({ kind: 'task', id: task?.id as string, taskKind: 'pickup_problem', decision, note: undefined, resolvedAt: now, data: null });
    const waited = step(held.instance, decided('wait'));
    assert.deepEqual([waited.instance.state, envelopeOf<PickupData>(waited.instance).data.reminders], ['awaiting_collection', 1]);
    const cancelled = step(held.instance, decided('cancel'));
    assert.deepEqual([cancelled.instance.state, cancelled.unit.outbox?.map((c) => c.action)], ['cancelled', ['releaseStock']]);
  });

  it('keeps an instance on the version it started with', () => {
    const started = step(undefined, event('weft.order.ready_for_pickup.v1', 'evt_1'));
    const v2: ProcessDefinition<PickupData> = { ...pickup, version: 2 };
    const collected = step(started.instance, event('weft.order.collected.v1', 'evt_2'), v2);
    assert.equal(collected.instance.definitionVersion, 1);
    assert.equal(step(undefined, event('weft.order.ready_for_pickup.v1', 'evt_3'), v2).instance.definitionVersion, 2);
  });

  it('refuses to emit an event the catalogue refuses: a bug in the definition, not in the input', () => {
    const broken: ProcessDefinition<PickupData> = { ...pickup, transitions: [{ from: 'awaiting_collection', on: 'weft.order.collected.v1', to: 'collected', actions: () => [{ kind: 'emit', type: 'weft.order.cancelled.v1', subject: ORDER, data: { orderId: ORDER } }] }] };
    const started = step(undefined, event('weft.order.ready_for_pickup.v1', 'evt_1'), broken);
    assert.throws(() => decideStep(broken, ORDER, started.instance, event('weft.order.collected.v1', 'evt_2', { locationId: LOCATION, fulfilmentGroupId: GROUP }), now, createIdGenerator(clock)), (error: unknown) => error instanceof WeftError && /emits an invalid weft\.order\.cancelled\.v1/.test(error.message));
  });
});
