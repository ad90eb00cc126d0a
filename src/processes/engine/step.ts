import { validateEventData } from '../../domain/events/validate.ts';
import { WeftError } from '../../errors/index.ts';
import type { IdGenerator } from '../../ports/clock.ts';
import type { NewEvent, OutboxCommand, ProcessInstance, ProcessTask, ProcessTransition, Timer, UnitOfWork } from '../../ports/store.ts';
import { causeOf, type ProcessAction, type ProcessDefinition, type ProcessInput, type StepContext, type Transition } from './definition.ts';

// One step of a process instance: the transition an input takes it through, and everything the step
// writes — the instance (compare-and-set on its seq), its history, commands to systems, timers,
// events and tasks — as one unit of work, so a crash never leaves a step half done. Deciding is pure
// (given the ids it may mint); the caller commits the unit with whatever else belongs to it (the
// checkpoint of the log it read, the timer that fired, the task that was resolved).

/** What an instance keeps besides the definition's data: compensations owed and timers set. */
export interface Envelope<D> {
  data: D;
  /** Compensations of the commands sent so far, oldest first. */
  compensations: { target: string; action: string; event: { type: string; data: unknown } }[];
  /** Timers set and not yet fired or cancelled, by name: their ids. */
  timers: Record<string, string>;
}

/** A step, or why the input does not move the instance. */
export type StepOutcome<D> =
  | { kind: 'step'; instance: ProcessInstance; envelope: Envelope<D>; transition: ProcessTransition; unit: UnitOfWork; note: string | undefined }
  | { kind: 'ignored'; reason: string };

/** The source of events a process emits. */
export function processEventSource(name: string): string {
  return `urn:weft:process:${name}`;
}

/** The kind a process timer is stored under: `process:<name>:<timer>`. */
export function timerKindOf(process: string, timer: string): string {
  return `process:${process}:${timer}`;
}

function fromMatches(from: Transition<unknown>['from'], state: string): boolean {
  return from === '*' ? true : typeof from === 'string' ? from === state : from.includes(state) || from.includes('*');
}

/** The envelope of a stored instance. */
export function envelopeOf<D>(instance: ProcessInstance): Envelope<D> {
  return instance.data as Envelope<D>;
}

/**
 * Decides what `input` does to the instance (undefined: none yet) and builds the unit that writes it.
 * Throws when the definition produces something invalid (an event the catalogue refuses, an unknown
 * state): that is a bug in the definition, not in the input.
 */
export function decideStep<D>(definition: ProcessDefinition<D>, key: string, instance: ProcessInstance | undefined, input: ProcessInput, now: string, ids: IdGenerator): StepOutcome<D> {
  const cause = causeOf(input);
  let from: string | undefined;
  let to: string;
  let envelope: Envelope<D>;
  let actions: ProcessAction[];
  let note: string | undefined;
  if (instance === undefined) {
    if (input.kind !== 'event' || !definition.start.on.includes(input.type)) return { kind: 'ignored', reason: `no ${definition.name} instance for ${key}, and ${cause} does not start one` };
    const data = definition.start.data(input);
    envelope = { data, compensations: [], timers: {} };
    to = definition.start.state;
    actions = definition.start.actions?.({ key, state: to, data, input, now }) ?? [];
    note = 'started';
  } else {
    if (instance.finished) return { kind: 'ignored', reason: `${definition.name} ${key} is finished (${instance.state})` };
    envelope = structuredClone(envelopeOf<D>(instance));
    const context: StepContext<D> = { key, state: instance.state, data: envelope.data, input, now };
    const transition = definition.transitions.find((candidate) => candidate.on === cause && fromMatches(candidate.from, instance.state) && (candidate.when?.(context) ?? true));
    if (!transition) return { kind: 'ignored', reason: `${definition.name} ${key} in ${instance.state} has no transition on ${cause}` };
    from = instance.state;
    to = typeof transition.to === 'string' ? transition.to : transition.to(context);
    if (!definition.states.includes(to)) throw new WeftError('internal', `process ${definition.name} v${definition.version}: the transition on ${cause} from ${from} goes to unknown state "${to}"`);
    if (transition.data) envelope.data = transition.data(context);
    actions = transition.actions?.({ ...context, data: envelope.data }) ?? [];
    // A timer that just fired is spent.
    if (input.kind === 'timer' && envelope.timers[input.name] === input.id) delete envelope.timers[input.name];
    note = transition.note;
  }

  const unit: { outbox: OutboxCommand[]; timers: Timer[]; cancelTimers: string[]; events: NewEvent[]; tasks: ProcessTask[] } = { outbox: [], timers: [], cancelTimers: [], events: [], tasks: [] };
  const command = (target: string, action: string, event: { type: string; data: unknown }, priority?: OutboxCommand['priority']): OutboxCommand => ({
    id: ids.next('command'),
    target,
    action,
    key,
    payload: { id: input.id, source: processEventSource(definition.name), type: event.type, subject: key, time: now, data: event.data },
    causationId: input.id,
    // The process may wait on what became of it: the engine appends weft.command.delivered/failed.v1.
    report: true,
    ...(priority ? { priority } : {}),
  });
  for (const action of actions) {
    switch (action.kind) {
      case 'command':
        unit.outbox.push(command(action.target, action.action, action.event, action.priority));
        if (action.compensation) envelope.compensations.push(action.compensation);
        break;
      case 'compensate':
        for (const owed of [...envelope.compensations].reverse()) unit.outbox.push(command(owed.target, owed.action, owed.event, 'urgent'));
        envelope.compensations = [];
        break;
      case 'forgetCompensations':
        envelope.compensations = [];
        break;
      case 'timer': {
        const replaced = envelope.timers[action.name];
        if (replaced !== undefined) unit.cancelTimers.push(replaced);
        const timer: Timer = { id: ids.next('timer'), key, kind: timerKindOf(definition.name, action.name), dueAt: action.dueAt, payload: { process: definition.name, key, name: action.name, payload: action.payload ?? null } };
        unit.timers.push(timer);
        envelope.timers[action.name] = timer.id;
        break;
      }
      case 'cancelTimer': {
        const id = envelope.timers[action.name];
        if (id !== undefined) unit.cancelTimers.push(id);
        delete envelope.timers[action.name];
        break;
      }
      case 'emit': {
        const verdict = validateEventData(action.type, action.subject, action.data);
        if (!verdict.ok) {
          throw new WeftError('internal', `process ${definition.name} v${definition.version} emits an invalid ${action.type}: ${verdict.problems.slice(0, 3).map((p) => `${p.pointer} ${p.message}`).join('; ')}`);
        }
        const event: NewEvent = { id: ids.next('event'), source: processEventSource(definition.name), type: action.type, subject: action.subject, time: now, data: action.data };
        unit.events.push(event);
        break;
      }
      case 'task': {
        const task: ProcessTask = {
          id: ids.next('task'),
          process: definition.name,
          key,
          kind: action.taskKind,
          title: action.title,
          options: [...action.options],
          data: action.data ?? null,
          status: 'open',
          claimedBy: undefined,
          decision: undefined,
          note: undefined,
          createdAt: now,
          updatedAt: now,
        };
        unit.tasks.push(task);
        break;
      }
    }
  }
  // A finished instance owes no timers.
  const finished = definition.final.includes(to);
  if (finished) {
    for (const id of Object.values(envelope.timers)) unit.cancelTimers.push(id);
    envelope.timers = {};
  }
  const seq = (instance?.seq ?? 0) + 1;
  const next: ProcessInstance = {
    process: definition.name,
    key,
    definitionVersion: instance?.definitionVersion ?? definition.version,
    state: to,
    data: envelope,
    finished,
    seq,
    startedAt: instance?.startedAt ?? now,
    updatedAt: now,
  };
  const transition: ProcessTransition = { process: definition.name, key, seq, from, to, cause, causeId: input.id, at: now };
  return {
    kind: 'step',
    instance: next,
    envelope,
    transition,
    note,
    unit: { ...unit, processes: [{ instance: next, expectSeq: instance?.seq ?? 0 }], transitions: [transition] },
  };
}
