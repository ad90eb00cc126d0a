import { ConflictError, InputError, WeftError } from '../../errors/index.ts';
import type { Clock, IdGenerator } from '../../ports/clock.ts';
import type { ConnectorLog } from '../../ports/connector.ts';
import type { ProcessInstance, ProcessTask, Store, StoredEvent, UnitOfWork } from '../../ports/store.ts';
import type { ProcessDefinition, ProcessInput } from './definition.ts';
import { definitionProblems } from './definition.ts';
import { decideStep, envelopeOf, timerKindOf } from './step.ts';
import { createStepLoop } from '../../delivery/step-loop.ts';

// Runs processes over the log: each process reads the events it cares about in log order, under
// its own checkpoint, and advances the instance of each event's business key. Everything one batch
// of events decides — instances (compare-and-set), history, commands, timers, events, tasks — is
// committed in one unit together with the checkpoint, so a crash repeats a batch but never half of
// one, and hubs sharing a store never both take a step. Durable timers fire through the store's
// timer table; tasks are resolved by people through the API and move their instance likewise.

/** The consumer name a process keeps its log checkpoint under. */
export function processConsumer(name: string): string {
  return `process:${name}`;
}

/** What the runner needs. */
export interface ProcessRunnerDeps {
  store: Store;
  ids: IdGenerator;
  clock: Clock;
  log: ConnectorLog;
  /** Told which targets got commands, so their delivery lanes look now. */
  onCommands?: (targets: ReadonlySet<string>) => void;
}

/** Options of the runner. */
export interface ProcessRunnerOptions {
  /** Every version of every process; instances finish on the version they started with, new ones start on the latest. */
  definitions: readonly ProcessDefinition<unknown>[];
  pollMs?: number;
  batchSize?: number;
  /** Most timers fired per poll. */
  timerBatch?: number;
}

/** A running set of processes. */
export interface ProcessRunner {
  start(): void;
  /** Looks at the log and the timers now, instead of at the next poll. */
  wake(): void;
  stop(): Promise<void>;
  /** Processes everything up to the end of the log and every timer due now, then resolves (tests). */
  drain(): Promise<void>;
  /** Claims an open task for `actor`. */
  claimTask(id: string, actor: string): Promise<ProcessTask>;
  /** Resolves a task with one of its options; the process follows the decision in the same commit. */
  /** Resolves a task with one of its options (and the values that decision needs); the process follows it in the same commit. */
  resolveTask(id: string, input: { decision: string; note?: string; actor: string; values?: Readonly<Record<string, string>> }): Promise<ProcessTask>;
}

interface Versions {
  latest: ProcessDefinition<unknown>;
  byVersion: Map<number, ProcessDefinition<unknown>>;
  types: string[];
}

const MAX_CONFLICT_RETRIES = 5;

/** Creates the runner; throws a WeftError naming every problem of the definitions. */
export function createProcessRunner(deps: ProcessRunnerDeps, options: ProcessRunnerOptions): ProcessRunner {
  const { store, ids, clock, log } = deps;
  const pollMs = options.pollMs ?? 200;
  const batchSize = options.batchSize ?? 200;
  const timerBatch = options.timerBatch ?? 100;
  const processes = new Map<string, Versions>();
  const problems: string[] = [];
  for (const definition of options.definitions) {
    problems.push(...definitionProblems(definition));
    const entry = processes.get(definition.name) ?? { latest: definition, byVersion: new Map(), types: [] };
    if (entry.byVersion.has(definition.version)) problems.push(`process ${definition.name} v${definition.version} is defined twice`);
    entry.byVersion.set(definition.version, definition);
    if (definition.version > entry.latest.version) entry.latest = definition;
    const types = new Set([...entry.types, ...definition.start.on, ...definition.transitions.map((t) => t.on).filter((on) => !on.startsWith('timer:') && !on.startsWith('task:'))]);
    entry.types = [...types];
    processes.set(definition.name, entry);
  }
  if (problems.length > 0) throw new WeftError('invalid_config', `Invalid process definitions:\n  ${problems.join('\n  ')}`);

  const now = (): string => new Date(clock.now()).toISOString();

  function definitionFor(entry: Versions, instance: ProcessInstance | undefined): ProcessDefinition<unknown> {
    if (instance === undefined) return entry.latest;
    const definition = entry.byVersion.get(instance.definitionVersion);
    if (!definition) throw new WeftError('internal', `process ${entry.latest.name} ${instance.key} runs on v${instance.definitionVersion}, which this hub does not have: keep old versions registered until their instances finish`);
    return definition;
  }

  function notify(unit: UnitOfWork): void {
    if (unit.outbox && unit.outbox.length > 0) deps.onCommands?.(new Set(unit.outbox.map((command) => command.target)));
  }

  /** Adds a step's unit to a batch's, keeping one instance write per key (the last state, the first expectation). */
  function merge(into: Required<Pick<UnitOfWork, 'processes' | 'transitions' | 'outbox' | 'timers' | 'cancelTimers' | 'events' | 'tasks'>>, unit: UnitOfWork): void {
    for (const write of unit.processes ?? []) {
      const index = into.processes.findIndex((existing) => existing.instance.process === write.instance.process && existing.instance.key === write.instance.key);
      if (index === -1) (into.processes as unknown[]).push(write);
      else (into.processes as unknown[])[index] = { instance: write.instance, expectSeq: (into.processes[index] as { expectSeq: number }).expectSeq };
    }
    for (const field of ['transitions', 'outbox', 'timers', 'cancelTimers', 'events', 'tasks'] as const) (into[field] as unknown[]).push(...((unit[field] ?? []) as unknown[]));
  }

  /** One batch of the log for one process; resolves to whether there may be more. */
  async function logStep(entry: Versions): Promise<boolean> {
    const consumer = processConsumer(entry.latest.name);
    const after = await store.checkpoint(consumer);
    const last = await store.lastPosition();
    if (last <= after) return false;
    const events = await store.readAll({ after, limit: batchSize, types: entry.types });
    const upTo = events.length === batchSize ? (events.at(-1) as StoredEvent).position : last;
    const instances = new Map<string, ProcessInstance | undefined>();
    const unit = { processes: [], transitions: [], outbox: [], timers: [], cancelTimers: [], events: [], tasks: [] } as Required<Pick<UnitOfWork, 'processes' | 'transitions' | 'outbox' | 'timers' | 'cancelTimers' | 'events' | 'tasks'>>;
    const at = now();
    for (const event of events) {
      if (event.position > upTo) break;
      const key = entry.latest.keyOf(event);
      if (key === undefined) continue;
      if (!instances.has(key)) instances.set(key, await store.processInstance(entry.latest.name, key));
      const instance = instances.get(key);
      const input: ProcessInput = { kind: 'event', id: event.id, type: event.type, subject: event.subject, time: event.time, data: event.data };
      const outcome = decideStep(definitionFor(entry, instance), key, instance, input, at, ids);
      if (outcome.kind === 'ignored') {
        log.debug({ process: entry.latest.name, key, event: event.id }, outcome.reason);
        continue;
      }
      instances.set(key, outcome.instance);
      merge(unit, outcome.unit);
    }
    const result = await store.commit({ ...unit, expectCheckpoints: [{ consumer, position: after }], checkpoints: [{ consumer, position: upTo }] });
    if (result.status === 'checkpoint_conflict' || result.status === 'process_conflict') return true;
    if (result.status !== 'committed') throw new WeftError('internal', `process ${entry.latest.name}: batch not committed: ${result.status}`);
    notify(unit);
    return upTo < last || events.length === batchSize;
  }

  /** Fires due timers of every process; resolves to whether there may be more. */
  async function timerStep(): Promise<boolean> {
    const due = await store.dueTimers({ now: now(), limit: timerBatch });
    let fired = 0;
    for (const timer of due) {
      const match = /^process:([^:]+):(.+)$/.exec(timer.kind);
      const entry = match ? processes.get(match[1] as string) : undefined;
      if (!match || !entry) continue;
      for (let attempt = 1; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
        const instance = await store.processInstance(entry.latest.name, timer.key);
        const input: ProcessInput = { kind: 'timer', id: timer.id, name: match[2] as string, firedAt: now(), payload: (timer.payload as { payload?: unknown } | null)?.payload ?? null };
        const outcome = decideStep(definitionFor(entry, instance), timer.key, instance, input, now(), ids);
        const unit: UnitOfWork = outcome.kind === 'step' ? { ...outcome.unit, firedTimers: [timer.id] } : { firedTimers: [timer.id] };
        if (outcome.kind === 'ignored') log.debug({ process: entry.latest.name, key: timer.key, timer: timer.id }, outcome.reason);
        const result = await store.commit(unit);
        if (result.status === 'process_conflict') continue;
        if (result.status !== 'committed') throw new WeftError('internal', `process ${entry.latest.name}: timer ${timer.id} not committed: ${result.status}`);
        notify(unit);
        fired++;
        break;
      }
    }
    return fired === timerBatch;
  }

  // Appends wake the runner many times a second; timers are looked for at most once per poll interval
  // (they are due in minutes or days), unless the last look found a full batch.
  let timersLookedAt = Number.NEGATIVE_INFINITY;
  let timersBehind = false;
  async function step(force = false): Promise<boolean> {
    let more = false;
    for (const entry of processes.values()) more = (await logStep(entry)) || more;
    if (force || timersBehind || clock.now() - timersLookedAt >= pollMs) {
      timersLookedAt = clock.now();
      timersBehind = await timerStep();
      more = timersBehind || more;
    }
    return more;
  }

  async function taskOf(id: string): Promise<ProcessTask> {
    const task = await store.task(id);
    if (!task) throw new InputError('not_found', `No task ${id}.`);
    return task;
  }

  const loop = createStepLoop(() => step(), { pollMs, enabled: processes.size > 0, onError: (error) => log.error({ err: error }, 'process step failed; retrying') });

  return {
    ...loop,
    // Tests and benchmarks drain everything due now, timers included.
    async drain() {
      while (await step(true));
    },
    async claimTask(id, actor) {
      const task = await taskOf(id);
      if (task.status !== 'open') throw new ConflictError('task_not_open', `Task ${id} is ${task.status}${task.claimedBy ? ` (claimed by ${task.claimedBy})` : ''}.`);
      const result = await store.commit({ taskUpdates: [{ id, from: 'open', to: 'claimed', claimedBy: actor }], audit: [{ id: ids.next('auditEntry'), actor, action: 'task.claim', subject: id, reason: 'claimed' }] });
      if (result.status === 'task_conflict') throw new ConflictError('task_not_open', `Task ${id} was taken by someone else meanwhile.`);
      if (result.status !== 'committed') throw new WeftError('internal', `claiming ${id}: ${result.status}`);
      return taskOf(id);
    },
    async resolveTask(id, { decision, note, actor, values }) {
      for (let attempt = 1; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
        const task = await taskOf(id);
        if (task.status === 'resolved' || task.status === 'cancelled') throw new ConflictError('task_not_open', `Task ${id} is ${task.status} already.`);
        if (!task.options.includes(decision)) {
          throw new InputError('schema_violation', `"${decision}" is not a decision of task ${id}; choose one of ${task.options.join(', ')}.`, { problems: [{ pointer: '/decision', message: `must be one of ${task.options.join(', ')}` }] });
        }
        const entry = processes.get(task.process);
        if (!entry) throw new WeftError('internal', `task ${id} belongs to process ${task.process}, which this hub does not run`);
        const instance = await store.processInstance(task.process, task.key);
        const definition = definitionFor(entry, instance);
        const given = values ?? {};
        // The definition checks what a decision needs before anything is committed; a definition that checks nothing takes no values.
        const problems = definition.checkDecision && instance ? definition.checkDecision({ kind: task.kind, decision, values: given }, envelopeOf(instance).data) : Object.keys(given).length > 0 ? [{ pointer: '/values', message: `the decision "${decision}" takes no values` }] : [];
        if (problems.length > 0) throw new InputError('schema_violation', `"${decision}" cannot be taken on task ${id}: ${problems.map((problem) => `${problem.pointer} ${problem.message}`).join('; ')}.`, { problems });
        const at = now();
        const input: ProcessInput = { kind: 'task', id, taskKind: task.kind, decision, note, resolvedAt: at, data: task.data, ...(values === undefined ? {} : { values }) };
        const outcome = decideStep(definition, task.key, instance, input, at, ids);
        const update = { id, from: task.status, to: 'resolved' as const, decision, ...(note === undefined ? {} : { note }), ...(task.claimedBy === undefined ? { claimedBy: actor } : {}) };
        const audit = [{ id: ids.next('auditEntry'), actor, action: 'task.resolve', subject: id, reason: note ?? decision, details: { decision, ...(values === undefined ? {} : { values }) } }];
        const unit: UnitOfWork = outcome.kind === 'step' ? { ...outcome.unit, taskUpdates: [update], audit } : { taskUpdates: [update], audit };
        if (outcome.kind === 'ignored') log.warn({ task: id, process: task.process, key: task.key }, `task resolved, but the process takes no step: ${outcome.reason}`);
        const result = await store.commit(unit);
        if (result.status === 'process_conflict' || result.status === 'task_conflict') continue;
        if (result.status !== 'committed') throw new WeftError('internal', `resolving ${id}: ${result.status}`);
        notify(unit);
        return taskOf(id);
      }
      throw new ConflictError('version_conflict', `Task ${id} could not be resolved: its process kept moving; try again.`);
    },
  };
}

/** The kind of a process's timers, for tests and operators reading the timer table. */
export { timerKindOf };
