import type {
  ApiKeyRecord,
  DeliveryAttempt,
  DeliveryReceipt,
  ProcessInstance,
  ProcessTask,
  ProcessTransition,
  StoredAuditEntry,
  StoredCommand,
  StoredEvent,
  StoredInboundRejection,
  TaskStatus,
  Timer,
} from '../ports/store.ts';

// Row shapes shared by the adapters (both use the same column names) and their mapping to the
// port's types. Drivers differ only in how they hand back times and JSON, handled here.

type Time = string | Date;
type Json = string | object | null;

function iso(value: Time): string {
  return value instanceof Date ? value.toISOString() : value;
}

function json(value: Json): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** An `events` row. */
export interface EventRow {
  position: number | string;
  id: string;
  source: string;
  type: string;
  subject: string;
  sequence: number | string;
  time: string;
  recorded_at: Time;
  dataschema: string | null;
  traceparent: string | null;
  tracestate: string | null;
  data: Json;
}

/** Maps an `events` row to a stored CloudEvent. */
export function eventFromRow(row: EventRow): StoredEvent {
  const event: StoredEvent = {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    subject: row.subject,
    time: row.time,
    datacontenttype: 'application/json',
    data: json(row.data),
    position: Number(row.position),
    sequence: Number(row.sequence),
    recordedtime: iso(row.recorded_at),
  };
  if (row.dataschema !== null) event.dataschema = row.dataschema;
  if (row.traceparent !== null) event.traceparent = row.traceparent;
  if (row.tracestate !== null) event.tracestate = row.tracestate;
  return event;
}

/** An `outbox` row. */
export interface CommandRow {
  seq: number | string;
  id: string;
  target: string;
  action: string;
  key: string;
  payload: Json;
  status: string;
  attempts: number;
  available_at: Time;
  created_at: Time;
  updated_at: Time;
  causation_id: string | null;
  traceparent: string | null;
  priority: number;
  replays: number;
  active_since: Time | null;
  lease_owner: string | null;
  lease_until: Time | null;
  error_code: string | null;
  error_message: string | null;
  report: number | boolean;
}

const PRIORITY_NAMES = ['urgent', 'normal', 'bulk'] as const;

/** Maps an `outbox` row to a stored command. */
export function commandFromRow(row: CommandRow): StoredCommand {
  return {
    id: row.id,
    seq: Number(row.seq),
    target: row.target,
    action: row.action,
    key: row.key,
    payload: json(row.payload),
    status: row.status as StoredCommand['status'],
    attempts: row.attempts,
    availableAt: iso(row.available_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    causationId: row.causation_id ?? undefined,
    traceparent: row.traceparent ?? undefined,
    priority: PRIORITY_NAMES[Number(row.priority)] ?? 'normal',
    replays: Number(row.replays),
    activeSince: iso(row.active_since ?? row.created_at),
    leaseOwner: row.lease_owner ?? undefined,
    leaseUntil: row.lease_until === null ? undefined : iso(row.lease_until),
    lastError: row.error_code === null ? undefined : { code: row.error_code, message: row.error_message ?? '' },
    report: row.report === true || row.report === 1,
  };
}

/** A `command_attempts` row. */
export interface AttemptRow {
  attempt: number;
  owner: string;
  started_at: Time;
  duration_ms: number;
  outcome: string;
  error_code: string | null;
  error_message: string | null;
  target_status: number | null;
}

/** Maps a `command_attempts` row to an attempt. */
export function attemptFromRow(row: AttemptRow): DeliveryAttempt {
  const attempt: DeliveryAttempt = {
    attempt: Number(row.attempt),
    owner: row.owner,
    startedAt: iso(row.started_at),
    durationMs: Number(row.duration_ms),
    outcome: row.outcome as DeliveryAttempt['outcome'],
  };
  if (row.error_code !== null) attempt.errorCode = row.error_code;
  if (row.error_message !== null) attempt.errorMessage = row.error_message;
  if (row.target_status !== null) attempt.targetStatus = Number(row.target_status);
  return attempt;
}

/** A `delivery_receipts` row. */
export interface ReceiptRow {
  command_id: string;
  target: string;
  action: string;
  target_id: string | null;
  status: string;
  at: Time;
}

/** Maps a `delivery_receipts` row to a receipt. */
export function receiptFromRow(row: ReceiptRow): DeliveryReceipt {
  return { commandId: row.command_id, target: row.target, action: row.action, targetId: row.target_id ?? undefined, status: row.status, at: iso(row.at) };
}

/** An `audit_log` row. */
export interface AuditRow {
  id: string;
  at: Time;
  actor: string;
  action: string;
  subject: string;
  reason: string;
  details: Json;
}

/** Maps an `audit_log` row to an audit entry. */
export function auditFromRow(row: AuditRow): StoredAuditEntry {
  const entry: StoredAuditEntry = { id: row.id, at: iso(row.at), actor: row.actor, action: row.action, subject: row.subject, reason: row.reason };
  if (row.details !== null) entry.details = json(row.details);
  return entry;
}

/** An `inbound_rejections` row. */
export interface RejectionRow {
  id: string;
  source: string;
  topic: string | null;
  delivery_id: string | null;
  code: string;
  message: string;
  problems: Json;
  headers: Json;
  body: string | null;
  received_at: Time;
  status: StoredInboundRejection['status'];
  resolved_at: Time | null;
}

/** Maps an `inbound_rejections` row to a stored rejection. */
export function rejectionFromRow(row: RejectionRow): StoredInboundRejection {
  return {
    id: row.id,
    source: row.source,
    topic: row.topic ?? undefined,
    deliveryId: row.delivery_id ?? undefined,
    code: row.code,
    message: row.message,
    problems: json(row.problems) as StoredInboundRejection['problems'],
    headers: json(row.headers) as Record<string, string>,
    body: row.body ?? undefined,
    receivedAt: iso(row.received_at),
    status: row.status,
    resolvedAt: row.resolved_at === null ? undefined : iso(row.resolved_at),
  };
}

/** A `process_instances` row. */
export interface ProcessInstanceRow {
  process: string;
  key: string;
  definition_version: number | string;
  state: string;
  data: Json;
  /** 0/1 in SQLite, boolean in PostgreSQL. */
  finished: number | boolean;
  seq: number | string;
  started_at: Time;
  updated_at: Time;
}

/** Maps a `process_instances` row to a process instance. */
export function processInstanceFromRow(row: ProcessInstanceRow): ProcessInstance {
  return {
    process: row.process,
    key: row.key,
    definitionVersion: Number(row.definition_version),
    state: row.state,
    data: json(row.data),
    finished: row.finished === true || Number(row.finished) === 1,
    seq: Number(row.seq),
    startedAt: iso(row.started_at),
    updatedAt: iso(row.updated_at),
  };
}

/** A `process_transitions` row. */
export interface ProcessTransitionRow {
  process: string;
  key: string;
  seq: number | string;
  from_state: string | null;
  to_state: string;
  cause: string;
  cause_id: string;
  at: Time;
}

/** Maps a `process_transitions` row to a transition. */
export function processTransitionFromRow(row: ProcessTransitionRow): ProcessTransition {
  return {
    process: row.process,
    key: row.key,
    seq: Number(row.seq),
    from: row.from_state ?? undefined,
    to: row.to_state,
    cause: row.cause,
    causeId: row.cause_id,
    at: iso(row.at),
  };
}

/** A `tasks` row. */
export interface TaskRow {
  id: string;
  process: string;
  key: string;
  kind: string;
  title: string;
  options: Json;
  data: Json;
  status: TaskStatus;
  claimed_by: string | null;
  decision: string | null;
  note: string | null;
  created_at: Time;
  updated_at: Time;
}

/** Maps a `tasks` row to a task. */
export function taskFromRow(row: TaskRow): ProcessTask {
  return {
    id: row.id,
    process: row.process,
    key: row.key,
    kind: row.kind,
    title: row.title,
    options: json(row.options) as string[],
    data: json(row.data),
    status: row.status,
    claimedBy: row.claimed_by ?? undefined,
    decision: row.decision ?? undefined,
    note: row.note ?? undefined,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** A `timers` row. */
export interface TimerRow {
  id: string;
  key: string;
  kind: string;
  due_at: Time;
  payload: Json;
}

/** Maps a `timers` row to a timer. */
export function timerFromRow(row: TimerRow): Timer {
  return { id: row.id, key: row.key, kind: row.kind, dueAt: iso(row.due_at), payload: json(row.payload) };
}

/** An `api_keys` row. */
export interface ApiKeyRow {
  id: string;
  name: string;
  secret_hash: string;
  scopes: Json;
  created_at: Time;
  revoked_at: Time | null;
}

/** Maps an `api_keys` row to a key record. */
export function apiKeyFromRow(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    scopes: json(row.scopes) as string[],
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at === null ? undefined : iso(row.revoked_at),
  };
}
