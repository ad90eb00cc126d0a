import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { Clock } from '../../ports/clock.ts';
import type { TaskStatus, Timer, UnitOfWork } from '../../ports/store.ts';
import type { BatchWriter, UnitOutcome } from '../group-commit.ts';
import { PRIORITY_RANK, planBatch, snapshotKey, snapshotRequest, type BatchPlan, type BatchSnapshot, type ExistingEvent, type ExistingIdempotency, type SubjectState } from '../plan-batch.ts';
import { run, storeError } from './connection.ts';

// The write side of the PostgreSQL store: one transaction per group-commit batch, in two round
// trips on a pipelined connection. First BEGIN, the writer lock and the snapshot reads; then every
// write and COMMIT. Every kind of row is read and written with one statement over arrays (unnest),
// whatever the batch size.

/** Column list of the `events` table, in the order the adapter reads and writes it. */
export const EVENT_COLUMNS = 'position, id, source, type, subject, sequence, time, recorded_at, dataschema, traceparent, tracestate, data';

/** What the batch writer needs from the store. */
export interface BatchWriterDeps {
  /** Pool of pipelined connections for writing (one is used at a time). */
  pool: Pool;
  /** Qualifies `{s}.table` with the store's quoted schema. */
  sql: (text: string) => string;
  /** Advisory lock key of the schema's writers. */
  lockKey: readonly [number, number];
  clock: Clock;
}

type Statement = [name: string, text: string, values: unknown[]];

/** The group committer's batch writer for a PostgreSQL schema. */
export function createBatchWriter({ pool, sql, lockKey, clock }: BatchWriterDeps): BatchWriter {
  // No parameters, so it goes as one simple query: BEGIN, the writer lock and the last position.
  // READ COMMITTED is spelled out: each later statement then takes its snapshot after the lock is
  // granted (the server runs pipelined statements one after another), so it sees everything the
  // previous lock holder committed. A transaction-wide snapshot would predate the lock.
  const begin = sql(
    `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${lockKey[0]}, ${lockKey[1]}); SELECT COALESCE(MAX(position), 0) AS p, (SELECT COALESCE(MAX(sid), 0) FROM {s}.subjects) AS s FROM {s}.events`,
  );

  /** Sends statements back to back on the pipelined connection and waits for all of them. */
  async function pipeline(client: PoolClient, statements: Statement[], last?: string): Promise<QueryResult[]> {
    const sent = statements.map(([name, text, values]) => run(client, name, sql(text), values));
    if (last !== undefined) sent.push(run(client, undefined, last));
    const settled = await Promise.allSettled(sent);
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((outcome) => (outcome as PromiseFulfilledResult<QueryResult>).value);
  }

  return async function writeBatch(units: readonly UnitOfWork[]): Promise<UnitOutcome[]> {
    const now = new Date(clock.now()).toISOString();
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw storeError(error, 'The PostgreSQL store is unreachable; nothing was written.');
    }
    let broken: Error | undefined;
    try {
      const request = snapshotRequest(units);
      const reads = snapshotStatements(request, now);
      const opened = run(client, undefined, begin) as unknown as Promise<QueryResult<{ p: number; s: number }>[]>;
      const [[, , last], results] = await Promise.all([opened, pipeline(client, reads.map(([, statement]) => statement))]);
      const snapshot: BatchSnapshot = {
        lastPosition: (last?.rows[0]?.p as number | undefined) ?? 0,
        lastSubjectId: (last?.rows[0]?.s as number | undefined) ?? 0,
        idempotency: new Map(),
        subjects: new Map(),
        events: new Map(),
        xrefs: new Map(),
        checkpoints: new Map(),
        processes: new Map(),
        tasks: new Map(),
      };
      reads.forEach(([collect], index) => collect(snapshot, (results[index] as QueryResult).rows));
      const plan = planBatch(units, snapshot, now);
      const [commit] = (await pipeline(client, writeStatements(plan, now), 'COMMIT')).slice(-1);
      // In an aborted transaction COMMIT answers ROLLBACK without an error; never report that as durable.
      if (commit?.command !== 'COMMIT') throw new Error(`The transaction ended with ${commit?.command ?? 'nothing'} instead of COMMIT.`);
      return plan.results;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // A connection that cannot even roll back is destroyed instead of going back to the pool.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw error;
    } finally {
      client.release(broken);
    }
  };
}

type Collect = (snapshot: BatchSnapshot, rows: QueryResultRow[]) => void;

/** The snapshot reads a batch needs, one statement per kind, each with how to file its rows. */
function snapshotStatements(request: ReturnType<typeof snapshotRequest>, now: string): [Collect, Statement][] {
  const reads: [Collect, Statement][] = [];
  if (request.idempotency.length > 0) {
    reads.push([
      (snapshot, rows) => {
        const map = snapshot.idempotency as Map<string, ExistingIdempotency>;
        for (const row of rows) map.set(snapshotKey(row.scope, row.key), { fingerprint: row.fingerprint, events: JSON.parse(row.result) });
      },
      [
        'snap_idem',
        `SELECT k.scope, k.key, k.fingerprint, k.result FROM {s}.idempotency_keys k
         JOIN unnest($1::text[], $2::text[]) AS r(scope, key) ON k.scope = r.scope AND k.key = r.key
         WHERE k.expires_at > $3`,
        [request.idempotency.map((c) => c.scope), request.idempotency.map((c) => c.key), now],
      ],
    ]);
  }
  if (request.subjects.length > 0) {
    reads.push([
      (snapshot, rows) => {
        const map = snapshot.subjects as Map<string, SubjectState>;
        for (const row of rows) map.set(row.subject, { sid: row.sid, version: row.version });
      },
      ['snap_subjects', `SELECT s.subject, s.sid, s.version FROM {s}.subjects s WHERE s.subject = ANY($1::text[])`, [request.subjects]],
    ]);
  }
  if (request.events.length > 0) {
    reads.push([
      (snapshot, rows) => {
        const map = snapshot.events as Map<string, ExistingEvent>;
        for (const row of rows) map.set(snapshotKey(row.source, row.id), { position: row.position, sequence: row.sequence, type: row.type, subject: row.subject, dataText: row.data });
      },
      [
        'snap_events',
        `SELECT e.source, e.id, e.position, e.sequence, e.type, e.subject, e.data FROM {s}.events e
         JOIN unnest($1::text[], $2::text[]) AS r(source, id) ON e.source = r.source AND e.id = r.id`,
        [request.events.map((e) => e.source), request.events.map((e) => e.id)],
      ],
    ]);
  }
  if (request.xrefs.length > 0) {
    reads.push([
      (snapshot, rows) => {
        const map = snapshot.xrefs as Map<string, string>;
        for (const row of rows) map.set(snapshotKey(row.entity, row.system, row.external_id), row.canonical_id);
      },
      [
        'snap_xrefs',
        `SELECT x.entity, x.system, x.external_id, x.canonical_id FROM {s}.xrefs x
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS r(entity, system, external_id)
           ON x.entity = r.entity AND x.system = r.system AND x.external_id = r.external_id`,
        [request.xrefs.map((x) => x.entity), request.xrefs.map((x) => x.system), request.xrefs.map((x) => x.externalId)],
      ],
    ]);
  }
  if (request.checkpoints.length > 0) {
    reads.push([
      (snapshot, rows) => {
        const map = snapshot.checkpoints as Map<string, number>;
        for (const row of rows) map.set(row.consumer, Number(row.position));
      },
      ['snap_checkpoints', 'SELECT c.consumer, c.position FROM {s}.checkpoints c WHERE c.consumer = ANY($1::text[])', [request.checkpoints]],
    ]);
  }
  if (request.processes.length > 0) {
    reads.push([
      (snapshot, rows) => {
        const map = snapshot.processes as Map<string, number>;
        for (const row of rows) map.set(snapshotKey(row.process, row.key), Number(row.seq));
      },
      [
        'snap_processes',
        `SELECT p.process, p.key, p.seq FROM {s}.process_instances p
         JOIN unnest($1::text[], $2::text[]) AS r(process, key) ON p.process = r.process AND p.key = r.key`,
        [request.processes.map((p) => p.process), request.processes.map((p) => p.key)],
      ],
    ]);
  }
  if (request.tasks.length > 0) {
    reads.push([
      (snapshot, rows) => {
        const map = snapshot.tasks as Map<string, TaskStatus>;
        for (const row of rows) map.set(row.id, row.status as TaskStatus);
      },
      ['snap_tasks', 'SELECT t.id, t.status FROM {s}.tasks t WHERE t.id = ANY($1::text[])', [request.tasks]],
    ]);
  }
  return reads;
}

/** The writes of a plan, one statement per kind of row, in the order SQLite applies them. */
function writeStatements(plan: BatchPlan, now: string): Statement[] {
  const writes: Statement[] = [];
  const events = plan.events;
  if (events.length > 0) {
    writes.push([
      'ins_events',
      `INSERT INTO {s}.events (${EVENT_COLUMNS}, sid)
       SELECT position, id, source, type, subject, sequence, time, $12, dataschema, traceparent, tracestate, data::json, sid
       FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $13::int8[])
         AS r(position, id, source, type, subject, sequence, time, dataschema, traceparent, tracestate, data, sid)`,
      [
        events.map((r) => r.position),
        events.map((r) => r.event.id),
        events.map((r) => r.event.source),
        events.map((r) => r.event.type),
        events.map((r) => r.event.subject),
        events.map((r) => r.sequence),
        events.map((r) => r.event.time),
        events.map((r) => r.event.dataschema ?? null),
        events.map((r) => r.event.traceparent ?? null),
        events.map((r) => r.event.tracestate ?? null),
        events.map((r) => r.dataText),
        now,
        events.map((r) => r.subjectId),
      ],
    ]);
    const subjects = [...plan.subjects];
    writes.push([
      'ups_subjects',
      `INSERT INTO {s}.subjects (subject, sid, version)
       SELECT subject, sid, version FROM unnest($1::text[], $2::int8[], $3::int4[]) AS r(subject, sid, version)
       ON CONFLICT (subject) DO UPDATE SET version = excluded.version`,
      [subjects.map(([subject]) => subject), subjects.map(([, state]) => state.sid), subjects.map(([, state]) => state.version)],
    ]);
  }
  const claims = plan.idempotency;
  if (claims.length > 0) {
    // The planner claims a key at most once per batch, so no row is upserted twice by this statement.
    writes.push([
      'ins_idem',
      `INSERT INTO {s}.idempotency_keys (scope, key, fingerprint, result, created_at, expires_at)
       SELECT scope, key, fingerprint, result::jsonb, $6, expires_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS r(scope, key, fingerprint, result, expires_at)
       ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, result = excluded.result, created_at = excluded.created_at, expires_at = excluded.expires_at`,
      [claims.map((c) => c.scope), claims.map((c) => c.key), claims.map((c) => c.fingerprint), claims.map((c) => JSON.stringify(c.events)), claims.map((c) => c.expiresAt), now],
    ]);
  }
  if (plan.checkpoints.size > 0) {
    writes.push([
      'ins_checkpoints',
      `INSERT INTO {s}.checkpoints (consumer, position, updated_at)
       SELECT consumer, position, $3 FROM unnest($1::text[], $2::int8[]) AS r(consumer, position)
       ON CONFLICT (consumer) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
      [[...plan.checkpoints.keys()], [...plan.checkpoints.values()], now],
    ]);
  }
  const xrefs = plan.xrefs;
  if (xrefs.length > 0) {
    writes.push([
      'ins_xrefs',
      `INSERT INTO {s}.xrefs (entity, system, external_id, canonical_id, created_at)
       SELECT entity, system, external_id, canonical_id, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(entity, system, external_id, canonical_id)`,
      [xrefs.map((x) => x.entity), xrefs.map((x) => x.system), xrefs.map((x) => x.externalId), xrefs.map((x) => x.canonicalId), now],
    ]);
  }
  const commands = plan.commands;
  if (commands.length > 0) {
    // `seq` comes from an identity column; ORDER BY the array index numbers commands in enqueue order.
    writes.push([
      'ins_outbox',
      // A command is its key's head when it is the first of the key in this batch and the key has no
      // unfinished command yet (rows of one INSERT do not see each other, hence the window).
      `INSERT INTO {s}.outbox (id, target, action, key, payload, priority, available_at, created_at, updated_at, active_since, causation_id, traceparent, report, is_head)
       SELECT id, target, action, key, payload::jsonb, priority, available_at, $9, $9, $9, causation_id, traceparent, report,
         row_number() OVER (PARTITION BY target, key ORDER BY n) = 1
           AND NOT EXISTS (SELECT 1 FROM {s}.outbox p WHERE p.target = r.target AND p.key = r.key AND p.status IN ('pending', 'dead'))
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $10::int2[], $11::bool[])
         WITH ORDINALITY AS r(id, target, action, key, payload, available_at, causation_id, traceparent, priority, report, n)
       ORDER BY n`,
      [
        commands.map((c) => c.id),
        commands.map((c) => c.target),
        commands.map((c) => c.action),
        commands.map((c) => c.key),
        commands.map((c) => JSON.stringify(c.payload ?? null)),
        commands.map((c) => c.availableAt ?? now),
        commands.map((c) => c.causationId ?? null),
        commands.map((c) => c.traceparent ?? null),
        now,
        commands.map((c) => PRIORITY_RANK[c.priority ?? 'normal']),
        commands.map((c) => c.report === true),
      ],
    ]);
  }
  if (plan.settlements.length > 0) writes.push(...settlementStatements(plan, now));
  if (plan.requeues.length > 0) {
    // A command requeued twice in one batch: the second finds it pending and changes nothing, as in SQLite.
    const requeues = [...new Map(plan.requeues.map((r) => [r.id, r])).values()];
    writes.push([
      'requeue_outbox',
      `UPDATE {s}.outbox o SET status = 'pending', attempts = 0, replays = o.replays + 1, active_since = $3, available_at = r.available_at, lease_owner = NULL, lease_until = NULL,
         error_code = NULL, error_message = NULL, updated_at = $3
       FROM unnest($1::text[], $2::timestamptz[]) AS r(id, available_at)
       WHERE o.id = r.id AND o.status = 'dead'`,
      [requeues.map((r) => r.id), requeues.map((r) => r.availableAt ?? now), now],
    ]);
  }
  if (plan.discards.length > 0) {
    writes.push([
      'discard_outbox',
      `UPDATE {s}.outbox SET status = 'discarded', is_head = false, updated_at = $2 WHERE id = ANY($1::text[]) AND status = 'dead'`,
      [plan.discards.map((d) => d.id), now],
    ]);
    writes.push(promoteHeads('promote_discarded', plan.discards.map((d) => d.id)));
  }
  if (plan.audit.length > 0) {
    const audit = plan.audit;
    writes.push([
      'ins_audit',
      `INSERT INTO {s}.audit_log (id, at, actor, action, subject, reason, details)
       SELECT id, $7, actor, action, subject, reason, details::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS r(id, actor, action, subject, reason, details, n)
       ORDER BY n`,
      [
        audit.map((a) => a.id),
        audit.map((a) => a.actor),
        audit.map((a) => a.action),
        audit.map((a) => a.subject),
        audit.map((a) => a.reason),
        audit.map((a) => (a.details === undefined ? null : JSON.stringify(a.details))),
        now,
      ],
    ]);
  }
  if (plan.rejections.length > 0) {
    const list = plan.rejections;
    writes.push([
      'ins_rejections',
      `INSERT INTO {s}.inbound_rejections (id, source, topic, delivery_id, code, message, problems, headers, body, received_at, status)
       SELECT id, source, topic, delivery_id, code, message, problems::jsonb, headers::jsonb, body, received_at, 'open'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
         WITH ORDINALITY AS r(id, source, topic, delivery_id, code, message, problems, headers, body, received_at, n)
       ORDER BY n
       ON CONFLICT (id) DO NOTHING`,
      [
        list.map((j) => j.id),
        list.map((j) => j.source),
        list.map((j) => j.topic ?? null),
        list.map((j) => j.deliveryId ?? null),
        list.map((j) => j.code),
        list.map((j) => j.message),
        list.map((j) => JSON.stringify(j.problems)),
        list.map((j) => JSON.stringify(j.headers)),
        list.map((j) => j.body ?? null),
        list.map((j) => j.receivedAt),
      ],
    ]);
  }
  // One statement per resolution and cursor: they are rare (operator actions, one cursor per poll).
  plan.resolutions.forEach((j) => {
    writes.push(['resolve_rejection', `UPDATE {s}.inbound_rejections SET status = $2, resolved_at = $3 WHERE id = $1 AND status = 'open'`, [j.id, j.status, now]]);
  });
  for (const [source, cursor] of plan.cursors) {
    writes.push([
      'upsert_cursor',
      `INSERT INTO {s}.source_cursors (source, cursor, updated_at) VALUES ($1, $2, $3) ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
      [source, cursor, now],
    ]);
  }
  writes.push(...processStatements(plan, now));
  if (plan.timers.length > 0) writes.push(...timerStatements(plan, now));
  return writes;
}

/** Process instances (one row each: the planner keeps the last write), transitions, new tasks, then task changes. */
function processStatements(plan: BatchPlan, now: string): Statement[] {
  const statements: Statement[] = [];
  const instances = [...plan.processes.values()];
  if (instances.length > 0) {
    statements.push([
      'ups_processes',
      `INSERT INTO {s}.process_instances (process, key, definition_version, state, data, finished, seq, started_at, updated_at)
       SELECT process, key, definition_version, state, data::jsonb, finished, seq, started_at, updated_at
       FROM unnest($1::text[], $2::text[], $3::int4[], $4::text[], $5::text[], $6::bool[], $7::int4[], $8::timestamptz[], $9::timestamptz[])
         AS r(process, key, definition_version, state, data, finished, seq, started_at, updated_at)
       ON CONFLICT (process, key) DO UPDATE SET definition_version = excluded.definition_version, state = excluded.state, data = excluded.data,
         finished = excluded.finished, seq = excluded.seq, started_at = excluded.started_at, updated_at = excluded.updated_at`,
      [
        instances.map((p) => p.process),
        instances.map((p) => p.key),
        instances.map((p) => p.definitionVersion),
        instances.map((p) => p.state),
        instances.map((p) => JSON.stringify(p.data ?? null)),
        instances.map((p) => p.finished),
        instances.map((p) => p.seq),
        instances.map((p) => p.startedAt),
        instances.map((p) => p.updatedAt),
      ],
    ]);
  }
  const transitions = plan.transitions;
  if (transitions.length > 0) {
    statements.push([
      'ins_transitions',
      `INSERT INTO {s}.process_transitions (process, key, seq, from_state, to_state, cause, cause_id, at)
       SELECT process, key, seq, from_state, to_state, cause, cause_id, at
       FROM unnest($1::text[], $2::text[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
         AS r(process, key, seq, from_state, to_state, cause, cause_id, at)
       ON CONFLICT (process, key, seq) DO NOTHING`,
      [
        transitions.map((t) => t.process),
        transitions.map((t) => t.key),
        transitions.map((t) => t.seq),
        transitions.map((t) => t.from ?? null),
        transitions.map((t) => t.to),
        transitions.map((t) => t.cause),
        transitions.map((t) => t.causeId),
        transitions.map((t) => t.at),
      ],
    ]);
  }
  const tasks = plan.tasks;
  if (tasks.length > 0) {
    // `seq` comes from an identity column; ORDER BY the array index numbers tasks in the order opened.
    statements.push([
      'ins_tasks',
      `INSERT INTO {s}.tasks (id, process, key, kind, title, options, data, status, claimed_by, decision, note, created_at, updated_at)
       SELECT id, process, key, kind, title, options::jsonb, data::jsonb, status, claimed_by, decision, note, created_at, updated_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[])
         WITH ORDINALITY AS r(id, process, key, kind, title, options, data, status, claimed_by, decision, note, created_at, updated_at, n)
       ORDER BY n
       ON CONFLICT (id) DO NOTHING`,
      [
        tasks.map((t) => t.id),
        tasks.map((t) => t.process),
        tasks.map((t) => t.key),
        tasks.map((t) => t.kind),
        tasks.map((t) => t.title),
        tasks.map((t) => JSON.stringify(t.options)),
        tasks.map((t) => JSON.stringify(t.data ?? null)),
        tasks.map((t) => t.status),
        tasks.map((t) => t.claimedBy ?? null),
        tasks.map((t) => t.decision ?? null),
        tasks.map((t) => t.note ?? null),
        tasks.map((t) => t.createdAt),
        tasks.map((t) => t.updatedAt),
      ],
    ]);
  }
  const changes = [...plan.taskChanges.values()];
  if (changes.length > 0) {
    // The planner checked every update against the status it names and folded them per task, so
    // each row changes once; the statement runs after the inserts, so it reaches tasks opened in the batch.
    statements.push([
      'upd_tasks',
      `UPDATE {s}.tasks t SET status = r.status, claimed_by = COALESCE(r.claimed_by, t.claimed_by), decision = COALESCE(r.decision, t.decision),
         note = COALESCE(r.note, t.note), updated_at = $6
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(id, status, claimed_by, decision, note)
       WHERE t.id = r.id`,
      [changes.map((c) => c.id), changes.map((c) => c.status), changes.map((c) => c.claimedBy ?? null), changes.map((c) => c.decision ?? null), changes.map((c) => c.note ?? null), now],
    ]);
  }
  return statements;
}

function settlementStatements(plan: BatchPlan, now: string): Statement[] {
  const statements: Statement[] = [];
  const attempts = plan.settlements.filter((s) => s.attempt !== undefined);
  if (attempts.length > 0) {
    statements.push([
      'ins_attempts',
      `INSERT INTO {s}.command_attempts (command_id, attempt, owner, started_at, duration_ms, outcome, error_code, error_message, target_status)
       SELECT command_id, attempt, owner, started_at, duration_ms, outcome, error_code, error_message, target_status
       FROM unnest($1::text[], $2::int4[], $3::text[], $4::timestamptz[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::int4[])
         WITH ORDINALITY AS r(command_id, attempt, owner, started_at, duration_ms, outcome, error_code, error_message, target_status, n)
       ORDER BY n`,
      [
        attempts.map((s) => s.id),
        attempts.map((s) => s.attempt?.attempt),
        attempts.map((s) => s.attempt?.owner),
        attempts.map((s) => s.attempt?.startedAt),
        attempts.map((s) => s.attempt?.durationMs),
        attempts.map((s) => s.attempt?.outcome),
        attempts.map((s) => s.attempt?.errorCode ?? null),
        attempts.map((s) => s.attempt?.errorMessage ?? null),
        attempts.map((s) => s.attempt?.targetStatus ?? null),
      ],
    ]);
  }
  // UPDATE ... FROM changes a row once, so several settlements of one command in a batch are folded
  // into the effect of applying them one after the other (the first that finishes it wins; SQLite
  // skips later ones because the row is no longer pending).
  interface Folded {
    status: string | null;
    count: number;
    availableAt: string | null;
    errorCode: string | null;
    errorMessage: string | null;
    owner: string | null;
    receipt: { target: string; action: string; targetId: string | null; status: string } | null;
  }
  const folded = new Map<string, Folded>();
  for (const s of plan.settlements) {
    const before = folded.get(s.id);
    if (before && before.status !== null && before.status !== 'pending') continue;
    const release = s.outcome === 'release';
    folded.set(s.id, {
      status: release ? (before?.status ?? null) : s.outcome === 'retry' ? 'pending' : s.outcome,
      count: (before?.count ?? 0) + (release ? 0 : 1),
      availableAt: s.availableAt ?? before?.availableAt ?? null,
      errorCode: release ? (before?.errorCode ?? null) : (s.error?.code ?? null),
      errorMessage: release ? (before?.errorMessage ?? null) : (s.error?.message ?? null),
      owner: before?.owner ?? s.owner ?? null,
      receipt: s.outcome === 'done' && s.receipt ? { target: s.receipt.target, action: s.receipt.action, targetId: s.receipt.targetId ?? null, status: s.receipt.status } : null,
    });
  }
  const entries = [...folded];
  const receipts = entries.filter(([, f]) => f.receipt !== null);
  statements.push([
    'upd_outbox',
    `WITH u AS (
       UPDATE {s}.outbox o SET status = COALESCE(r.status, o.status), attempts = o.attempts + r.count, available_at = COALESCE(r.available_at, o.available_at),
         lease_owner = NULL, lease_until = NULL,
         error_code = CASE WHEN r.status IS NULL THEN o.error_code ELSE r.error_code END,
         error_message = CASE WHEN r.status IS NULL THEN o.error_message ELSE r.error_message END,
         is_head = o.is_head AND r.status IS DISTINCT FROM 'done',
         updated_at = $8
       FROM unnest($1::text[], $2::text[], $3::int4[], $4::timestamptz[], $5::text[], $6::text[], $7::text[]) AS r(id, status, count, available_at, error_code, error_message, owner)
       WHERE o.id = r.id AND o.status = 'pending' AND (r.owner IS NULL OR o.lease_owner = r.owner)
       RETURNING o.id, o.status
     )
     INSERT INTO {s}.delivery_receipts (command_id, target, action, target_id, status, at)
     SELECT x.id, x.target, x.action, x.target_id, x.status, $8
     FROM unnest($9::text[], $10::text[], $11::text[], $12::text[], $13::text[]) AS x(id, target, action, target_id, status)
     JOIN u ON u.id = x.id AND u.status = 'done'
     ON CONFLICT (command_id) DO NOTHING`,
    [
      entries.map(([id]) => id),
      entries.map(([, f]) => f.status),
      entries.map(([, f]) => f.count),
      entries.map(([, f]) => f.availableAt),
      entries.map(([, f]) => f.errorCode),
      entries.map(([, f]) => f.errorMessage),
      entries.map(([, f]) => f.owner),
      now,
      receipts.map(([id]) => id),
      receipts.map(([, f]) => f.receipt?.target),
      receipts.map(([, f]) => f.receipt?.action),
      receipts.map(([, f]) => f.receipt?.targetId ?? null),
      receipts.map(([, f]) => f.receipt?.status),
    ],
  ]);
  const finished = entries.filter(([, f]) => f.status === 'done').map(([id]) => id);
  if (finished.length > 0) statements.push(promoteHeads('promote_done', finished));
  return statements;
}

/** Makes the oldest unfinished command of each key of these commands its head (after they finished). */
function promoteHeads(name: string, ids: string[]): Statement {
  return [
    name,
    `UPDATE {s}.outbox o SET is_head = true
     FROM (
       SELECT DISTINCT ON (p.target, p.key) p.seq FROM {s}.outbox p
       JOIN (SELECT DISTINCT target, key FROM {s}.outbox WHERE id = ANY($1::text[])) k ON p.target = k.target AND p.key = k.key
       WHERE p.status IN ('pending', 'dead')
       ORDER BY p.target, p.key, p.seq
     ) h
     WHERE o.seq = h.seq AND NOT o.is_head`,
    [ids],
  ];
}

function timerStatements(plan: BatchPlan, now: string): Statement[] {
  // Fold the ordered operations per timer id. After a schedule the outcome is known (an upsert);
  // without one, only the first cancel/fire can change the row (pending -> cancelled/fired): any
  // later one finds it no longer pending.
  const upserts = new Map<string, { timer: Timer; status: string }>();
  const transitions = new Map<string, string>();
  for (const op of plan.timers) {
    if (op.op === 'schedule') {
      transitions.delete(op.timer.id);
      upserts.set(op.timer.id, { timer: op.timer, status: 'pending' });
      continue;
    }
    const status = op.op === 'cancel' ? 'cancelled' : 'fired';
    const scheduled = upserts.get(op.id);
    if (scheduled) {
      if (scheduled.status === 'pending') scheduled.status = status;
    } else if (!transitions.has(op.id)) {
      transitions.set(op.id, status);
    }
  }
  const statements: Statement[] = [];
  if (upserts.size > 0) {
    const entries = [...upserts.values()];
    statements.push([
      'ins_timers',
      `INSERT INTO {s}.timers (id, key, kind, due_at, payload, status, updated_at)
       SELECT id, key, kind, due_at, payload::jsonb, status, $7
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[]) AS r(id, key, kind, due_at, payload, status)
       ON CONFLICT (id) DO UPDATE SET key = excluded.key, kind = excluded.kind, due_at = excluded.due_at, payload = excluded.payload, status = excluded.status, updated_at = excluded.updated_at`,
      [
        entries.map((e) => e.timer.id),
        entries.map((e) => e.timer.key),
        entries.map((e) => e.timer.kind),
        entries.map((e) => e.timer.dueAt),
        entries.map((e) => JSON.stringify(e.timer.payload ?? null)),
        entries.map((e) => e.status),
        now,
      ],
    ]);
  }
  if (transitions.size > 0) {
    statements.push([
      'upd_timers',
      `UPDATE {s}.timers t SET status = r.status, updated_at = $3
       FROM unnest($1::text[], $2::text[]) AS r(id, status)
       WHERE t.id = r.id AND t.status = 'pending'`,
      [[...transitions.keys()], [...transitions.values()], now],
    ]);
  }
  return statements;
}
