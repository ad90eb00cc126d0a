// The store port: Weft's durable state. One store holds the event log, consumer checkpoints,
// inbound idempotency keys, the cross-reference map, the outbox, timers and API keys, and writes
// any mix of them in one transaction (a unit of work). Adapters: src/store/sqlite (embedded
// default) and src/store/postgres (scale-out); both pass ./store.contract.ts.

import type { PriorityClass } from './connector.ts';

/** A complete CloudEvent ready to be appended (ids, source and time already filled in). */
export interface NewEvent {
  /** CloudEvents id; unique per source. */
  id: string;
  /** CloudEvents source (URI reference). */
  source: string;
  /** CloudEvents type (`weft.order.captured.v1`). */
  type: string;
  /** Aggregate key; events of one subject are numbered 1, 2, 3, ... in the order appended. */
  subject: string;
  /** When the change happened (ISO 8601 UTC). */
  time: string;
  /** Optional CloudEvents dataschema URI. */
  dataschema?: string;
  /** W3C traceparent of the trace the event belongs to. */
  traceparent?: string;
  /** W3C tracestate accompanying traceparent. */
  tracestate?: string;
  /** The event data (JSON). */
  data: unknown;
}

/** An event as the log holds it. */
export interface StoredEvent extends NewEvent {
  /** Always 1.0. */
  specversion: '1.0';
  /** Always application/json. */
  datacontenttype: 'application/json';
  /** Global position in the log; strictly increasing in commit order, starting at 1. */
  position: number;
  /** Position within the subject, starting at 1, without gaps. */
  sequence: number;
  /** When the store made the event durable (ISO 8601 UTC). */
  recordedtime: string;
}

/** Where an appended (or already present) event sits in the log. */
export interface AppendedEvent {
  /** CloudEvents id. */
  id: string;
  /** CloudEvents source. */
  source: string;
  /** Aggregate key. */
  subject: string;
  /** Global position. */
  position: number;
  /** Position within the subject. */
  sequence: number;
  /** True when the log already held this (source, id) with the same content; nothing was appended. */
  duplicate: boolean;
}

/** Claims an inbound idempotency key for the unit; the first unit to claim it wins. */
export interface IdempotencyClaim {
  /** Namespace of the key (the API key id, a connector's webhook endpoint, ...). */
  scope: string;
  /** The key the sender chose (`Idempotency-Key` header, a webhook's event id). */
  key: string;
  /** Digest of the request; the same key with a different fingerprint is a conflict. */
  fingerprint: string;
  /** When the store may forget the key (ISO 8601 UTC). */
  expiresAt: string;
}

/** Optimistic concurrency: the subject must be at exactly this version (0 = has no events yet). */
export interface SubjectExpectation {
  /** Aggregate key. */
  subject: string;
  /** Number of events the subject must hold before this unit appends. */
  version: number;
}

/** How far a consumer has processed the log. */
export interface Checkpoint {
  /** Consumer name (a projection, a process, a subscriber). */
  consumer: string;
  /** Last position the consumer has fully processed. */
  position: number;
}

/** Links a canonical id to one system's id for the same object. */
export interface CrossReference {
  /** Kind of object (`order`, `customer`, ...); the same vendor id may name different kinds. */
  entity: string;
  /** Configured system name (`shopify-eu`). */
  system: string;
  /** The system's own id, always a string. */
  externalId: string;
  /** Weft's canonical id. */
  canonicalId: string;
}

/** A command for a target system, written with the state change that caused it. */
export interface OutboxCommand {
  /** Command id (`cmd_…`); the idempotency key sent to the target derives from it. */
  id: string;
  /** Target system name. */
  target: string;
  /** Connector action to run (`createSalesOrder`). */
  action: string;
  /** Ordering key: commands with the same target and key are delivered in order. */
  key: string;
  /** Action input (JSON). */
  payload: unknown;
  /** Priority class toward the target; defaults to `normal`. */
  priority?: PriorityClass;
  /** Earliest delivery time (ISO 8601 UTC); defaults to the commit time. */
  availableAt?: string;
  /** Id of the event that caused the command. */
  causationId?: string;
  /** W3C traceparent to continue the trace in delivery. */
  traceparent?: string;
  /**
   * Whether its result goes into the log: weft.command.delivered.v1 or weft.command.failed.v1,
   * appended with the settlement (a process waiting on the command sets it). Default false.
   */
  report?: boolean;
}

/**
 * Where a command is: `pending` (waiting, leased or backing off), `done` (took effect), `dead`
 * (gave up; its key is parked until it is replayed or discarded), `discarded` (an operator let it go).
 */
export type CommandStatus = 'pending' | 'done' | 'dead' | 'discarded';

/** The error a command last failed with. */
export interface CommandError {
  /** Stable error code (`target_unavailable`). */
  code: string;
  /** What went wrong, without secrets. */
  message: string;
}

/** A command as the outbox holds it. */
export interface StoredCommand extends Required<Omit<OutboxCommand, 'causationId' | 'traceparent'>> {
  /** Id of the causing event, if any. */
  causationId: string | undefined;
  /** Trace to continue, if any. */
  traceparent: string | undefined;
  /** Order of enqueueing, across all targets. */
  seq: number;
  status: CommandStatus;
  /** Delivery attempts since it was enqueued or last replayed. */
  attempts: number;
  /** How many times an operator replayed it from the dead letters. */
  replays: number;
  /** When the current round of attempts began (enqueue, or the last replay); the retry policy's maximum age counts from here. */
  activeSince: string;
  /** When the command was enqueued. */
  createdAt: string;
  /** When its row last changed. */
  updatedAt: string;
  /** Worker holding it while a delivery runs, if any. */
  leaseOwner: string | undefined;
  /** Until when that worker holds it. */
  leaseUntil: string | undefined;
  /** The last failure, if any (the dead-letter reason once dead). */
  lastError: CommandError | undefined;
}

/** One delivery attempt of a command, as recorded. */
export interface DeliveryAttempt {
  /** Attempt number since enqueue or the last replay, 1 for the first. */
  attempt: number;
  /** Worker that made it. */
  owner: string;
  /** When the request started (ISO 8601 UTC). */
  startedAt: string;
  /** How long it took, in ms. */
  durationMs: number;
  /** done, retry or dead: what was decided after it. */
  outcome: 'done' | 'retry' | 'dead';
  /** Error code when it failed. */
  errorCode?: string;
  /** Error message when it failed (no secrets). */
  errorMessage?: string;
  /** HTTP status the target answered with, if it answered. */
  targetStatus?: number;
}

/** What a command left at its target when it took effect. */
export interface DeliveryReceipt {
  commandId: string;
  target: string;
  action: string;
  /** The target's id of the record, if it has one. */
  targetId: string | undefined;
  /** `created`, `updated`, `already_exists`, `accepted`, ... */
  status: string;
  /** When the effect was confirmed (ISO 8601 UTC). */
  at: string;
}

/** Records the outcome of a delivery attempt (or hands a claimed command back), in a unit of work. */
export interface CommandSettlement {
  /** Command id. */
  id: string;
  /**
   * done: delivered; dead: gave up (parks the key); retry: try again at `availableAt`;
   * release: hand back unattempted (no attempt counted).
   */
  outcome: 'done' | 'dead' | 'retry' | 'release';
  /** For retry: the next attempt's earliest time. For release: optional. */
  availableAt?: string;
  /**
   * The lease holder settling it. When given, the command's row changes only if that worker still
   * holds the lease (a worker whose lease lapsed must not overwrite the one that took over). The
   * attempt is recorded either way: it happened.
   */
  owner?: string;
  /** The attempt this outcome follows (not for release). */
  attempt?: DeliveryAttempt;
  /** For retry and dead: the error, kept on the command. */
  error?: CommandError;
  /** For done: the receipt. */
  receipt?: Omit<DeliveryReceipt, 'commandId' | 'at' | 'targetId'> & { targetId?: string | undefined };
}

/** Puts a dead command back in the queue (an operator's replay). Ignored unless the command is dead. */
export interface CommandRequeue {
  id: string;
  /** Earliest next attempt; defaults to the commit time. */
  availableAt?: string;
}

/** Lets a dead command go for good, unparking its key. Ignored unless the command is dead. */
export interface CommandDiscard {
  id: string;
  /** Why, in the operator's words. */
  reason: string;
}

/** An operator's action, kept for audit. */
export interface AuditEntry {
  /** Entry id (`aud_…`). */
  id: string;
  /** Who: an API key id, or `cli:<user>`. */
  actor: string;
  /** What (`dlq.replay`, `dlq.discard`). */
  action: string;
  /** What it was done to (a command id). */
  subject: string;
  /** Why, in the actor's words. */
  reason: string;
  /** Anything else worth keeping (JSON). */
  details?: unknown;
}

/** An audit entry as stored. */
export interface StoredAuditEntry extends AuditEntry {
  /** When it was recorded (ISO 8601 UTC). */
  at: string;
}

/** Why an inbound webhook or poll result was refused, kept so nothing accepted from a vendor is lost silently. */
export interface InboundRejection {
  /** Rejection id (`rej_…`). */
  id: string;
  /** Configured source name (`shopify`). */
  source: string;
  /** The vendor's topic, when it could be read. */
  topic: string | undefined;
  /** The vendor's delivery id, when it could be read. */
  deliveryId: string | undefined;
  /** Error code (`webhook_signature_invalid`, `mapping_failed`, ...). */
  code: string;
  /** What was wrong, in words. */
  message: string;
  /** Field problems, JSON Pointers into the vendor's payload. */
  problems: { pointer: string; message: string }[];
  /** Request headers worth keeping (signatures and credentials left out). */
  headers: Record<string, string>;
  /** The body as received (UTF-8), kept only when its signature held; absent otherwise. */
  body: string | undefined;
  /** When it was received (ISO 8601 UTC). */
  receivedAt: string;
}

/** A rejection as stored, with what became of it. */
export interface StoredInboundRejection extends InboundRejection {
  /** `open` until replayed successfully or discarded. */
  status: 'open' | 'replayed' | 'discarded';
  /** When it stopped being open. */
  resolvedAt: string | undefined;
}

/** A rejection that is no longer open. */
export interface RejectionResolution {
  id: string;
  status: 'replayed' | 'discarded';
}

/** Where a source's polling stands: an opaque cursor the connector gave back. */
export interface SourceCursor {
  source: string;
  cursor: string;
}

/** A running (or finished) process instance: one per process and business key. */
export interface ProcessInstance {
  /** Process name (`order-to-cash`). */
  process: string;
  /** Business key (an order id). */
  key: string;
  /** Version of the process definition the instance started on; it finishes on it. */
  definitionVersion: number;
  /** Current state (`awaiting_payment`). */
  state: string;
  /** What the process keeps between steps (JSON). */
  data: unknown;
  /** Whether the instance reached a final state. */
  finished: boolean;
  /** Number of transitions taken; a write must name the one it read (compare-and-set). */
  seq: number;
  /** When it started (ISO 8601 UTC). */
  startedAt: string;
  /** When it last moved (ISO 8601 UTC). */
  updatedAt: string;
}

/** Writing a process instance: its new state, if it still is at `expectSeq` (0 = must not exist yet). */
export interface ProcessWrite {
  instance: ProcessInstance;
  expectSeq: number;
}

/** One step a process instance took, kept as its history. */
export interface ProcessTransition {
  process: string;
  key: string;
  /** The instance's seq after this step (1 for the first). */
  seq: number;
  from: string | undefined;
  to: string;
  /** What moved it: an event type, `timer:<name>` or `task:<kind>`. */
  cause: string;
  /** Id of the event, timer or task that moved it. */
  causeId: string;
  /** When (ISO 8601 UTC). */
  at: string;
}

/** Where a task for a person stands. */
export type TaskStatus = 'open' | 'claimed' | 'resolved' | 'cancelled';

/** A task for a person: an exception a process cannot decide alone (stock mismatch, payment review). */
export interface ProcessTask {
  /** Task id (`tsk_…`). */
  id: string;
  process: string;
  key: string;
  /** What kind of decision (`stock_mismatch`). */
  kind: string;
  /** One line for the queue. */
  title: string;
  /** The decisions the process can follow (`backorder`, `cancel_line`, ...). */
  options: string[];
  /** What the person needs to decide (JSON). */
  data: unknown;
  status: TaskStatus;
  /** Who claimed it (an API key id). */
  claimedBy: string | undefined;
  /** The chosen option, once resolved. */
  decision: string | undefined;
  /** Why, in the person's words. */
  note: string | undefined;
  createdAt: string;
  updatedAt: string;
}

/** A change of a task's status (claim, resolve, cancel); applied only from the status named. */
export interface TaskUpdate {
  id: string;
  from: TaskStatus;
  to: TaskStatus;
  claimedBy?: string;
  decision?: string;
  note?: string;
}

/** Filter of the outbox listing; every field narrows. */
export interface CommandFilter {
  status?: CommandStatus;
  target?: string;
  /** Code of the last error. */
  errorCode?: string;
  key?: string;
  action?: string;
  /** Only commands enqueued before this time (ISO 8601 UTC). */
  createdBefore?: string;
  /** Only commands enqueued at or after this time. */
  createdAfter?: string;
  /** Page after this `seq` (newest first: commands with a lower seq). */
  beforeSeq?: number;
  limit: number;
}

/** How many commands a target has in a status, and the oldest one's age. */
export interface OutboxStat {
  target: string;
  status: CommandStatus;
  count: number;
  /** When the oldest of them was enqueued (ISO 8601 UTC). */
  oldestCreatedAt: string;
}

/** A durable timer: fires once at or after `dueAt` unless cancelled. */
export interface Timer {
  /** Timer id (`tmr_…`). */
  id: string;
  /** Business key the timer belongs to (an order id, ...). */
  key: string;
  /** What the timer is for (`pickup.expired`). */
  kind: string;
  /** When it is due (ISO 8601 UTC). */
  dueAt: string;
  /** Data handed back when it fires (JSON). */
  payload: unknown;
}

/**
 * Everything one unit of work changes. The store applies all of it atomically, or none of it when a
 * precondition (idempotency, expected version, event id, cross-reference) does not hold.
 */
export interface UnitOfWork {
  /** Inbound idempotency key to claim. */
  idempotency?: IdempotencyClaim;
  /** Subject versions that must hold before anything is written. */
  expect?: readonly SubjectExpectation[];
  /** Events to append, in this order. */
  events?: readonly NewEvent[];
  /** Consumer positions that must hold before anything is written (compare-and-set of a checkpoint; 0 = none yet). */
  expectCheckpoints?: readonly Checkpoint[];
  /** Consumer positions to record. */
  checkpoints?: readonly Checkpoint[];
  /** Cross-references to add (re-adding an identical one is a no-op). */
  xrefs?: readonly CrossReference[];
  /** Commands to enqueue. */
  outbox?: readonly OutboxCommand[];
  /** Delivery outcomes to record. */
  settle?: readonly CommandSettlement[];
  /** Dead commands to put back in the queue. */
  requeue?: readonly CommandRequeue[];
  /** Dead commands to let go. */
  discard?: readonly CommandDiscard[];
  /** Operator actions to record. */
  audit?: readonly AuditEntry[];
  /** Inbound webhooks refused, to record (re-adding an id is a no-op). */
  rejections?: readonly InboundRejection[];
  /** Rejections that were replayed or discarded. */
  resolveRejections?: readonly RejectionResolution[];
  /** Polling cursors to record. */
  cursors?: readonly SourceCursor[];
  /** Process instances to write (compare-and-set on their seq). */
  processes?: readonly ProcessWrite[];
  /** Process steps to record as history. */
  transitions?: readonly ProcessTransition[];
  /** Tasks to open. */
  tasks?: readonly ProcessTask[];
  /** Task status changes (applied only when the task has the status `from`; otherwise `task_conflict`). */
  taskUpdates?: readonly TaskUpdate[];
  /** Timers to schedule. */
  timers?: readonly Timer[];
  /** Timers to cancel (by id). */
  cancelTimers?: readonly string[];
  /** Timers that have fired and been handled (by id). */
  firedTimers?: readonly string[];
}

/** The outcome of a unit of work. Anything but `committed`/`replayed` means nothing was written. */
export type CommitResult =
  | { status: 'committed'; events: AppendedEvent[] }
  | { status: 'replayed'; events: AppendedEvent[] }
  | { status: 'idempotency_conflict'; key: string }
  | { status: 'version_conflict'; subject: string; expected: number; actual: number }
  | { status: 'event_conflict'; id: string; source: string }
  | { status: 'xref_conflict'; reference: CrossReference; existingCanonicalId: string }
  | { status: 'checkpoint_conflict'; consumer: string; expected: number; actual: number }
  | { status: 'process_conflict'; process: string; key: string; expected: number; actual: number }
  | { status: 'task_conflict'; id: string; expected: TaskStatus; actual: TaskStatus | undefined };

/** An API key as stored: only a hash of its secret is kept. */
export interface ApiKeyRecord {
  /** Key id (`key_…`), also the public part of the token. */
  id: string;
  /** Who or what the key is for. */
  name: string;
  /** SHA-256 of the secret part, hex. */
  secretHash: string;
  /** Granted scopes. */
  scopes: string[];
  /** When the key was created. */
  createdAt: string;
  /** When the key was revoked, if it was. */
  revokedAt: string | undefined;
}

/** Measurements of one group commit, for metrics. */
export interface CommitBatchStats {
  /** Units in the transaction. */
  units: number;
  /** Events appended by it (not counting duplicates). */
  events: number;
  /** Wall time of the transaction, including the flush to disk. */
  durationMs: number;
}

/** Options every adapter takes. */
export interface StoreOptions {
  /** Most units of work grouped into one transaction. */
  maxBatchUnits?: number;
  /** Called after every group commit. */
  onCommit?: (stats: CommitBatchStats) => void;
  /**
   * A connection that only reads, beside a hub that opened the store first (an availability reader
   * thread): no migration, no writer, and commit and every write reject with store_unavailable.
   */
  readOnly?: boolean;
}

/** Weft's durable state. Every method is asynchronous so that every adapter fits behind it. */
export interface Store {
  /** Adapter name (`sqlite`, `postgres`). */
  readonly kind: string;
  /**
   * Applies a unit of work atomically. Concurrent calls are grouped into one transaction; the
   * promise settles only once the transaction is durable. Expected outcomes are returned, not thrown.
   */
  commit(unit: UnitOfWork): Promise<CommitResult>;
  /** Units submitted and not yet committed (for admission control). */
  pendingUnits(): number;
  /** Events submitted and not yet committed (for admission control). */
  pendingEvents(): number;

  /** Events after a global position, in log order. */
  readAll(options: { after?: number; limit: number; types?: readonly string[] }): Promise<StoredEvent[]>;
  /** Events of one subject after a sequence number, in subject order. */
  readSubject(subject: string, options: { afterSequence?: number; limit: number }): Promise<StoredEvent[]>;
  /** The event at a global position. */
  eventAt(position: number): Promise<StoredEvent | undefined>;
  /** Events with this CloudEvents id (unique per source, so possibly several). */
  eventsWithId(id: string): Promise<StoredEvent[]>;
  /** The highest position in the log (0 when empty). */
  lastPosition(): Promise<number>;
  /** Number of events a subject holds (0 when none). */
  subjectVersion(subject: string): Promise<number>;

  /** A consumer's last processed position (0 when it has none). */
  checkpoint(consumer: string): Promise<number>;

  /** The canonical id a system's id maps to. */
  resolveXref(entity: string, system: string, externalId: string): Promise<string | undefined>;
  /** Every system id linked to a canonical id. */
  xrefsOf(canonicalId: string): Promise<CrossReference[]>;

  /** Pending commands due at `now`, oldest first, at most `limit`. */
  dueCommands(options: { now: string; limit: number; target?: string }): Promise<StoredCommand[]>;
  /**
   * Leases up to `limit` commands of a target for delivery by `owner` until `now + leaseMs`: pending,
   * due, not leased by anyone else, and each the oldest unfinished command of its key (a key whose
   * oldest command is pending elsewhere, backing off or dead is skipped, so keys stay in order).
   * Most urgent priority first, then enqueue order.
   */
  claimCommands(options: { target: string; now: string; limit: number; leaseMs: number; owner: string }): Promise<StoredCommand[]>;
  /**
   * Frees the leases of every worker whose name starts with `ownerPrefix` (a restarted hub freeing
   * what its previous run held when it died); returns how many commands were freed.
   */
  releaseLeases(ownerPrefix: string): Promise<number>;
  /** A command by id. */
  command(id: string): Promise<StoredCommand | undefined>;
  /** Commands matching a filter, newest first. */
  listCommands(filter: CommandFilter): Promise<StoredCommand[]>;
  /** Every recorded attempt of a command, oldest first (across replays). */
  commandAttempts(id: string): Promise<DeliveryAttempt[]>;
  /** The receipt of a command that took effect. */
  receipt(id: string): Promise<DeliveryReceipt | undefined>;
  /** Counts per target and status (statuses with no command are left out). */
  outboxStats(): Promise<OutboxStat[]>;
  /** Audit entries about a subject (or all), newest first. */
  auditLog(options: { subject?: string; limit: number }): Promise<StoredAuditEntry[]>;
  /** Inbound rejections, newest first; every option narrows (`before` is a rejection id to page from). */
  listRejections(options: { source?: string; status?: StoredInboundRejection['status']; code?: string; before?: string; limit: number }): Promise<StoredInboundRejection[]>;
  /** One inbound rejection. */
  rejection(id: string): Promise<StoredInboundRejection | undefined>;
  /** A source's polling cursor, undefined before its first poll. */
  sourceCursor(source: string): Promise<string | undefined>;
  /** A process instance, undefined when the key never started the process. */
  processInstance(process: string, key: string): Promise<ProcessInstance | undefined>;
  /** Every process instance of a business key (one per process). */
  processInstancesOf(key: string): Promise<ProcessInstance[]>;
  /** The steps of a process instance, in order. */
  processTransitions(process: string, key: string): Promise<ProcessTransition[]>;
  /** Tasks, newest first; every option narrows. */
  listTasks(options: { status?: TaskStatus; process?: string; key?: string; kind?: string; limit: number }): Promise<ProcessTask[]>;
  /** One task. */
  task(id: string): Promise<ProcessTask | undefined>;

  /** Pending timers due at `now`, earliest first. */
  dueTimers(options: { now: string; limit: number }): Promise<Timer[]>;

  /**
   * Deletes commands that finished (done or discarded) before `before`, with their attempts and
   * receipts, at most `limit` of them; returns how many. Dead and pending commands are never pruned.
   * Their audit entries stay: the audit log is kept for good.
   */
  pruneCommands(before: string, limit: number): Promise<number>;
  /** Deletes idempotency keys that expired before `now`; returns how many. */
  expireIdempotencyKeys(now: string): Promise<number>;

  /** Stores a new API key. */
  createApiKey(record: ApiKeyRecord): Promise<void>;
  /** An API key by id. */
  apiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every API key, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false when there is no such key or it was already revoked. */
  revokeApiKey(id: string, at: string): Promise<boolean>;

  /** Resolves when the store can serve requests; rejects with store_unavailable otherwise. */
  ping(): Promise<void>;
  /** Finishes pending commits, then releases the store. Further calls fail. */
  close(): Promise<void>;
}
