import { InputError } from '../errors/index.ts';
import type {
  AppendedEvent,
  AuditEntry,
  InboundRejection,
  RejectionResolution,
  CommandDiscard,
  CommandRequeue,
  CommandSettlement,
  CommitResult,
  CrossReference,
  NewEvent,
  OutboxCommand,
  ProcessInstance,
  ProcessTask,
  ProcessTransition,
  TaskStatus,
  Timer,
  UnitOfWork,
} from '../ports/store.ts';

// The semantics of a group commit, written once for every adapter. An adapter reads a snapshot of
// the rows the batch touches (inside its write transaction, after taking the writer lock), calls
// planBatch, and writes the rows the plan returns. Units are decided in order, each seeing the
// effects of the units before it, so a batch behaves exactly like the same units committed one by one.

/** An event whose data is already JSON text, so it can cross a thread boundary as a plain string. */
export interface SerializedEvent extends Omit<NewEvent, 'data'> {
  /** `JSON.stringify(data)`. */
  dataText: string;
}

/** A unit of work as the planner takes it: events may carry their data as object or as JSON text. */
export type PlannableUnit = Omit<UnitOfWork, 'events'> & { events?: readonly (NewEvent | SerializedEvent)[] };

/** Serialises a unit's event data once, on the calling thread. */
export function serializeUnit(unit: UnitOfWork): PlannableUnit {
  if (!unit.events) return unit;
  return {
    ...unit,
    events: unit.events.map(({ data, ...rest }): SerializedEvent => ({ ...rest, dataText: JSON.stringify(data ?? null) })),
  };
}

function dataTextOf(event: NewEvent | SerializedEvent): string {
  return 'dataText' in event ? event.dataText : JSON.stringify(event.data ?? null);
}

/** An event row to insert, with its log coordinates assigned. */
export interface EventRow {
  event: NewEvent | SerializedEvent;
  position: number;
  /** The subject's compact numeric id (indexes stay small: `(sid, sequence)` instead of text). */
  subjectId: number;
  sequence: number;
  /** `JSON.stringify(event.data)`, computed once. */
  dataText: string;
}

/** A subject's numeric id and how many events it holds. */
export interface SubjectState {
  sid: number;
  version: number;
}

/** What the log already holds for a (source, id). */
export interface ExistingEvent {
  position: number;
  sequence: number;
  type: string;
  subject: string;
  dataText: string;
}

/** An idempotency key as stored. */
export interface ExistingIdempotency {
  fingerprint: string;
  events: AppendedEvent[];
}

/** The rows a batch reads before deciding; keys built with `snapshotKey`. */
export interface BatchSnapshot {
  lastPosition: number;
  /** Highest subject id in use (0 when none). */
  lastSubjectId: number;
  /** By `snapshotKey(scope, key)`; only keys that have not expired. */
  idempotency: ReadonlyMap<string, ExistingIdempotency>;
  /** Id and number of events of every existing subject the batch touches. */
  subjects: ReadonlyMap<string, SubjectState>;
  /** By `snapshotKey(source, id)`, for every event the batch appends. */
  events: ReadonlyMap<string, ExistingEvent>;
  /** By `snapshotKey(entity, system, externalId)`, for every cross-reference the batch adds. */
  xrefs: ReadonlyMap<string, string>;
  /** Position of every consumer a unit expects (absent = 0). */
  checkpoints: ReadonlyMap<string, number>;
  /** By `snapshotKey(process, key)`, the seq of every process instance a unit writes (absent = no instance). */
  processes: ReadonlyMap<string, number>;
  /** Status of every task a unit opens or updates (absent = no such task). */
  tasks: ReadonlyMap<string, TaskStatus>;
}

/** What the batch needs to read: collected from the units before the snapshot is taken. */
export interface SnapshotRequest {
  idempotency: { scope: string; key: string }[];
  subjects: string[];
  events: { source: string; id: string }[];
  xrefs: { entity: string; system: string; externalId: string }[];
  checkpoints: string[];
  processes: { process: string; key: string }[];
  /** Ids of the tasks units open or update. */
  tasks: string[];
}

/** A task's status change as the writer applies it: the units' updates of one task folded into one (undefined fields keep the stored value). */
export interface TaskChange {
  id: string;
  status: TaskStatus;
  claimedBy: string | undefined;
  decision: string | undefined;
  note: string | undefined;
}

/** A timer operation, applied in order. */
export type TimerOp = { op: 'schedule'; timer: Timer } | { op: 'cancel'; id: string } | { op: 'fire'; id: string };

/** Everything to write, plus each unit's result. */
export interface BatchPlan {
  results: CommitResult[];
  events: EventRow[];
  /** Final state of every subject the batch appended to; `created` ones are new rows. */
  subjects: Map<string, SubjectState & { created: boolean }>;
  idempotency: { scope: string; key: string; fingerprint: string; expiresAt: string; events: AppendedEvent[] }[];
  checkpoints: Map<string, number>;
  xrefs: CrossReference[];
  commands: OutboxCommand[];
  settlements: CommandSettlement[];
  requeues: CommandRequeue[];
  discards: CommandDiscard[];
  audit: AuditEntry[];
  rejections: InboundRejection[];
  resolutions: RejectionResolution[];
  cursors: Map<string, string>;
  /** Final state of every process instance written, by `snapshotKey(process, key)` (times normalised). */
  processes: Map<string, ProcessInstance>;
  /** Transitions to add (first of each (process, key, seq) in the batch; an existing row wins). */
  transitions: ProcessTransition[];
  /** Tasks to insert, in order (ids new to the store and the batch; times normalised). */
  tasks: ProcessTask[];
  /** Status changes, one per task, applied after the inserts, stamped with the commit time. */
  taskChanges: Map<string, TaskChange>;
  timers: TimerOp[];
}

/** Outbox priority column values: lower goes first. */
export const PRIORITY_RANK = { urgent: 0, normal: 1, bulk: 2 } as const;

/** Joins key parts unambiguously (NUL cannot occur in any of them). */
export function snapshotKey(...parts: string[]): string {
  return parts.join('\u0000');
}

/** The rows a batch of units reads before it can be decided. */
export function snapshotRequest(units: readonly PlannableUnit[]): SnapshotRequest {
  const request: SnapshotRequest = { idempotency: [], subjects: [], events: [], xrefs: [], checkpoints: [], processes: [], tasks: [] };
  const subjects = new Set<string>();
  const consumers = new Set<string>();
  const processes = new Map<string, { process: string; key: string }>();
  const tasks = new Set<string>();
  for (const unit of units) {
    if (unit.idempotency) request.idempotency.push({ scope: unit.idempotency.scope, key: unit.idempotency.key });
    for (const expectation of unit.expect ?? []) subjects.add(expectation.subject);
    for (const event of unit.events ?? []) {
      subjects.add(event.subject);
      request.events.push({ source: event.source, id: event.id });
    }
    for (const xref of unit.xrefs ?? []) request.xrefs.push({ entity: xref.entity, system: xref.system, externalId: xref.externalId });
    for (const expectation of unit.expectCheckpoints ?? []) consumers.add(expectation.consumer);
    for (const { instance } of unit.processes ?? []) processes.set(snapshotKey(instance.process, instance.key), { process: instance.process, key: instance.key });
    for (const task of unit.tasks ?? []) tasks.add(task.id);
    for (const update of unit.taskUpdates ?? []) tasks.add(update.id);
  }
  request.subjects = [...subjects];
  request.checkpoints = [...consumers];
  request.processes = [...processes.values()];
  request.tasks = [...tasks];
  return request;
}

/** A time as the store keeps it: ISO 8601 UTC in `toISOString` form, so stored times sort as text. */
export function normalizeTime(value: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new InputError('malformed_request', `Not an ISO 8601 time: ${value}`);
  return time.toISOString();
}

/** Decides every unit of a batch against the snapshot and returns the rows to write; `now` is the commit time. */
export function planBatch(units: readonly PlannableUnit[], snapshot: BatchSnapshot, now: string): BatchPlan {
  const plan: BatchPlan = {
    results: [],
    events: [],
    subjects: new Map(),
    idempotency: [],
    checkpoints: new Map(),
    xrefs: [],
    commands: [],
    settlements: [],
    requeues: [],
    discards: [],
    audit: [],
    rejections: [],
    resolutions: [],
    cursors: new Map(),
    processes: new Map(),
    transitions: [],
    tasks: [],
    taskChanges: new Map(),
    timers: [],
  };
  // Overlays: what earlier units of this batch have written, on top of the snapshot.
  const idempotency = new Map(snapshot.idempotency);
  const subjects = new Map(snapshot.subjects);
  let lastSubjectId = snapshot.lastSubjectId;
  const events = new Map(snapshot.events);
  const xrefs = new Map(snapshot.xrefs);
  const checkpoints = new Map(snapshot.checkpoints);
  const processSeqs = new Map(snapshot.processes);
  const taskStatuses = new Map(snapshot.tasks);
  const transitionKeys = new Set<string>();
  let position = snapshot.lastPosition;

  for (const unit of units) {
    const result = decideUnit(unit);
    plan.results.push(result);
  }
  return plan;

  function decideUnit(unit: PlannableUnit): CommitResult {
    const claim = unit.idempotency;
    if (claim) {
      const seen = idempotency.get(snapshotKey(claim.scope, claim.key));
      if (seen) {
        return seen.fingerprint === claim.fingerprint
          ? { status: 'replayed', events: seen.events }
          : { status: 'idempotency_conflict', key: claim.key };
      }
    }
    for (const expectation of unit.expect ?? []) {
      const actual = subjects.get(expectation.subject)?.version ?? 0;
      if (actual !== expectation.version) {
        return { status: 'version_conflict', subject: expectation.subject, expected: expectation.version, actual };
      }
    }
    for (const expectation of unit.expectCheckpoints ?? []) {
      const actual = checkpoints.get(expectation.consumer) ?? 0;
      if (actual !== expectation.position) return { status: 'checkpoint_conflict', consumer: expectation.consumer, expected: expectation.position, actual };
    }
    // Process instances: compare-and-set on seq; a second write of the same instance in the unit sees the first.
    const localSeqs = new Map<string, number>();
    for (const { instance, expectSeq } of unit.processes ?? []) {
      const key = snapshotKey(instance.process, instance.key);
      const actual = localSeqs.get(key) ?? processSeqs.get(key) ?? 0;
      if (actual !== expectSeq) return { status: 'process_conflict', process: instance.process, key: instance.key, expected: expectSeq, actual };
      localSeqs.set(key, instance.seq);
    }
    // Tasks: an id already stored (or opened earlier) keeps its row; an update applies only from the status it names.
    const localStatuses = new Map<string, TaskStatus>();
    const newTasks: ProcessTask[] = [];
    for (const task of unit.tasks ?? []) {
      if (localStatuses.has(task.id) || taskStatuses.has(task.id)) continue;
      localStatuses.set(task.id, task.status);
      newTasks.push({ ...task, createdAt: normalizeTime(task.createdAt), updatedAt: normalizeTime(task.updatedAt) });
    }
    for (const update of unit.taskUpdates ?? []) {
      const actual = localStatuses.get(update.id) ?? taskStatuses.get(update.id);
      if (actual !== update.from) return { status: 'task_conflict', id: update.id, expected: update.from, actual };
      localStatuses.set(update.id, update.to);
    }
    // Decide everything before writing anything, so a conflict late in the unit leaves no trace.
    const newXrefs: CrossReference[] = [];
    for (const xref of unit.xrefs ?? []) {
      const key = snapshotKey(xref.entity, xref.system, xref.externalId);
      const existing = xrefs.get(key) ?? newXrefs.find((candidate) => snapshotKey(candidate.entity, candidate.system, candidate.externalId) === key)?.canonicalId;
      if (existing === undefined) newXrefs.push(xref);
      else if (existing !== xref.canonicalId) return { status: 'xref_conflict', reference: xref, existingCanonicalId: existing };
    }
    const appended: AppendedEvent[] = [];
    const rows: EventRow[] = [];
    const localSubjects = new Map<string, SubjectState & { created: boolean }>();
    let newSubjects = 0;
    const localEvents = new Map<string, ExistingEvent>();
    for (const event of unit.events ?? []) {
      const key = snapshotKey(event.source, event.id);
      const dataText = dataTextOf(event);
      const existing = localEvents.get(key) ?? events.get(key);
      if (existing) {
        if (existing.type !== event.type || existing.subject !== event.subject || existing.dataText !== dataText) {
          return { status: 'event_conflict', id: event.id, source: event.source };
        }
        appended.push({ id: event.id, source: event.source, subject: event.subject, position: existing.position, sequence: existing.sequence, duplicate: true });
        continue;
      }
      let subject = localSubjects.get(event.subject);
      if (!subject) {
        const known = subjects.get(event.subject);
        // A subject first seen in an earlier unit of this batch is still `created` for the writer.
        subject = known
          ? { ...known, created: plan.subjects.get(event.subject)?.created ?? false }
          : { sid: lastSubjectId + ++newSubjects, version: 0, created: true };
        localSubjects.set(event.subject, subject);
      }
      subject.version++;
      const sequence = subject.version;
      const row: EventRow = { event, position: position + rows.length + 1, subjectId: subject.sid, sequence, dataText };
      rows.push(row);
      localEvents.set(key, { position: row.position, sequence, type: event.type, subject: event.subject, dataText });
      appended.push({ id: event.id, source: event.source, subject: event.subject, position: row.position, sequence, duplicate: false });
    }

    // The unit holds: make its effects visible to the units after it, and queue its rows.
    position += rows.length;
    lastSubjectId += newSubjects;
    for (const [name, subject] of localSubjects) {
      subjects.set(name, { sid: subject.sid, version: subject.version });
      plan.subjects.set(name, subject);
    }
    for (const [key, existing] of localEvents) events.set(key, existing);
    for (const xref of newXrefs) xrefs.set(snapshotKey(xref.entity, xref.system, xref.externalId), xref.canonicalId);
    plan.events.push(...rows);
    plan.xrefs.push(...newXrefs);
    for (const checkpoint of unit.checkpoints ?? []) {
      plan.checkpoints.set(checkpoint.consumer, checkpoint.position);
      checkpoints.set(checkpoint.consumer, checkpoint.position);
    }
    for (const command of unit.outbox ?? []) plan.commands.push({ ...command, availableAt: normalizeTime(command.availableAt ?? now) });
    for (const settlement of unit.settle ?? []) {
      plan.settlements.push(settlement.availableAt === undefined ? settlement : { ...settlement, availableAt: normalizeTime(settlement.availableAt) });
    }
    for (const requeue of unit.requeue ?? []) plan.requeues.push({ id: requeue.id, availableAt: normalizeTime(requeue.availableAt ?? now) });
    for (const discard of unit.discard ?? []) plan.discards.push(discard);
    plan.audit.push(...(unit.audit ?? []));
    for (const rejection of unit.rejections ?? []) plan.rejections.push({ ...rejection, receivedAt: normalizeTime(rejection.receivedAt) });
    plan.resolutions.push(...(unit.resolveRejections ?? []));
    for (const cursor of unit.cursors ?? []) plan.cursors.set(cursor.source, cursor.cursor);
    for (const { instance } of unit.processes ?? []) {
      const key = snapshotKey(instance.process, instance.key);
      processSeqs.set(key, instance.seq);
      plan.processes.set(key, { ...instance, startedAt: normalizeTime(instance.startedAt), updatedAt: normalizeTime(instance.updatedAt) });
    }
    for (const transition of unit.transitions ?? []) {
      const key = snapshotKey(transition.process, transition.key, String(transition.seq));
      if (transitionKeys.has(key)) continue;
      transitionKeys.add(key);
      plan.transitions.push({ ...transition, at: normalizeTime(transition.at) });
    }
    for (const [id, status] of localStatuses) taskStatuses.set(id, status);
    plan.tasks.push(...newTasks);
    for (const update of unit.taskUpdates ?? []) {
      const before = plan.taskChanges.get(update.id);
      plan.taskChanges.set(update.id, {
        id: update.id,
        status: update.to,
        claimedBy: update.claimedBy ?? before?.claimedBy,
        decision: update.decision ?? before?.decision,
        note: update.note ?? before?.note,
      });
    }
    for (const timer of unit.timers ?? []) plan.timers.push({ op: 'schedule', timer: { ...timer, dueAt: normalizeTime(timer.dueAt) } });
    for (const id of unit.cancelTimers ?? []) plan.timers.push({ op: 'cancel', id });
    for (const id of unit.firedTimers ?? []) plan.timers.push({ op: 'fire', id });
    if (claim) {
      idempotency.set(snapshotKey(claim.scope, claim.key), { fingerprint: claim.fingerprint, events: appended });
      plan.idempotency.push({ ...claim, events: appended });
    }
    return { status: 'committed', events: appended };
  }
}
