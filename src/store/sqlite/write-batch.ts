import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { DependencyError } from '../../errors/index.ts';
import type { CommitResult, TaskStatus } from '../../ports/store.ts';
import {
  PRIORITY_RANK,
  planBatch,
  snapshotKey,
  snapshotRequest,
  type BatchPlan,
  type BatchSnapshot,
  type ExistingEvent,
  type ExistingIdempotency,
  type PlannableUnit,
  type SubjectState,
} from '../plan-batch.ts';

// The write side of the embedded store. It runs on the writer thread (writer-thread.ts), so the
// flush to disk and WAL checkpoints never block the thread that serves HTTP.

/** Column list of the `events` table, in the order the adapter reads and writes it. */
export const EVENT_COLUMNS = 'position, id, source, type, subject, sequence, time, recorded_at, dataschema, traceparent, tracestate, data';

/** Opens a connection with the settings every connection of the store uses. */
export function openDatabase(path: string, busyTimeoutMs: number, options: { readOnly?: boolean } = {}): DatabaseSync {
  if (options.readOnly === true) {
    // SQLite itself refuses writes on it; the journal mode and syncing are the writer's to set.
    const db = new DatabaseSync(path, { readOnly: true });
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    db.exec('PRAGMA cache_size = -65536');
    return db;
  }
  const db = new DatabaseSync(path);
  // WAL lets readers (the API, the CLI) run beside the writer; synchronous=FULL fsyncs the WAL at
  // every commit, so an acknowledged write survives a crash of the process or the machine.
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  // Index pages of many subjects are dirtied by every batch: keep them cached. Checkpoints are run
  // by the checkpointer thread; the writer checkpoints itself only as a safety net, if the WAL
  // has grown past ~200 MB because that thread could not keep up.
  db.exec('PRAGMA cache_size = -65536');
  db.exec('PRAGMA wal_autocheckpoint = 50000');
  return db;
}

// Primary result codes that mean the store, not the unit, failed: busy/locked by another process,
// read-only, I/O error, disk full, cannot open, lock protocol error.
const STORE_FAILURES = new Set([5, 6, 8, 10, 13, 14, 15]);

/** Whether a SQLite error means the store is unavailable (worth retrying) rather than a bad unit. */
export function isStoreFailure(error: unknown): boolean {
  const code = (error as { errcode?: number } | null)?.errcode;
  return typeof code === 'number' && STORE_FAILURES.has(code & 0xff);
}

/** The error a caller sees for a SQLite failure. */
export function storeFailure(message: string, cause?: unknown): DependencyError {
  return new DependencyError('store_unavailable', `The embedded store could not write (${message}); nothing was written.`, { cause });
}

/** A synchronous writer of group-commit batches on one connection. */
export interface SqliteWriter {
  /** Writes a batch in one transaction, at commit time `now`. */
  writeBatch(units: readonly PlannableUnit[], now: string): CommitResult[];
  /** Runs one statement outside the group commit (API keys, maintenance); returns the changed row count. */
  run(sql: string, params: readonly (string | number | null)[]): number;
  /** Leases commands for delivery (see Store.claimCommands); returns the leased rows as JSON text. */
  claim(options: ClaimOptions): string;
  /** Deletes finished commands (see Store.pruneCommands); returns how many. */
  prune(before: string, limit: number): number;
}

/** A claim as the writer thread takes it. */
export interface ClaimOptions {
  target: string;
  now: string;
  limit: number;
  leaseUntil: string;
  owner: string;
}

/**
 * The oldest unfinished command of each key, due and not leased by another worker. A key whose
 * oldest unfinished command is leased, backing off or dead is skipped: that keeps each key in order
 * and parks it behind a dead letter.
 */
// INDEXED BY: without statistics (every new database) the planner prefers outbox_due and scans every
// pending row; the partial heads index reads only the heads.
export const CLAIMABLE = `SELECT o.* FROM outbox o INDEXED BY outbox_heads
  WHERE o.target = ? AND o.is_head = 1 AND o.status = 'pending' AND o.available_at <= ? AND (o.lease_until IS NULL OR o.lease_until <= ?)
  ORDER BY o.priority, o.seq LIMIT ?`;

/** A function that prepares each SQL text once per connection and hands back the cached statement. */
export function statementCache(db: DatabaseSync): (sql: string) => StatementSync {
  const cache = new Map<string, StatementSync>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

/** Creates the batch writer over a connection of a migrated database. */
export function createSqliteWriter(db: DatabaseSync): SqliteWriter {
  const w = statementCache(db);

  function readSnapshot(units: readonly PlannableUnit[], now: string): BatchSnapshot {
    const request = snapshotRequest(units);
    const lastPosition = (w('SELECT COALESCE(MAX(position), 0) AS p FROM events').get() as { p: number }).p;
    const lastSubjectId = (w('SELECT COALESCE(MAX(sid), 0) AS s FROM subjects').get() as { s: number }).s;
    const idempotency = new Map<string, ExistingIdempotency>();
    for (const { scope, key } of request.idempotency) {
      const row = w('SELECT fingerprint, result FROM idempotency_keys WHERE scope = ? AND key = ? AND expires_at > ?').get(scope, key, now) as
        | { fingerprint: string; result: string }
        | undefined;
      if (row) idempotency.set(snapshotKey(scope, key), { fingerprint: row.fingerprint, events: JSON.parse(row.result) });
    }
    const subjects = new Map<string, SubjectState>();
    for (const subject of request.subjects) {
      const row = w('SELECT sid, version FROM subjects WHERE subject = ?').get(subject) as SubjectState | undefined;
      if (row) subjects.set(subject, { sid: row.sid, version: row.version });
    }
    const events = new Map<string, ExistingEvent>();
    for (const { source, id } of request.events) {
      const row = w('SELECT position, sequence, type, subject, data FROM events WHERE id = ? AND source = ?').get(id, source) as
        | { position: number; sequence: number; type: string; subject: string; data: string }
        | undefined;
      if (row) events.set(snapshotKey(source, id), { position: row.position, sequence: row.sequence, type: row.type, subject: row.subject, dataText: row.data });
    }
    const xrefs = new Map<string, string>();
    for (const { entity, system, externalId } of request.xrefs) {
      const row = w('SELECT canonical_id FROM xrefs WHERE entity = ? AND system = ? AND external_id = ?').get(entity, system, externalId) as
        | { canonical_id: string }
        | undefined;
      if (row) xrefs.set(snapshotKey(entity, system, externalId), row.canonical_id);
    }
    const checkpoints = new Map<string, number>();
    for (const consumer of request.checkpoints) {
      const row = w('SELECT position FROM checkpoints WHERE consumer = ?').get(consumer) as { position: number } | undefined;
      if (row) checkpoints.set(consumer, row.position);
    }
    const processes = new Map<string, number>();
    for (const { process, key } of request.processes) {
      const row = w('SELECT seq FROM process_instances WHERE process = ? AND key = ?').get(process, key) as { seq: number } | undefined;
      if (row) processes.set(snapshotKey(process, key), row.seq);
    }
    const tasks = new Map<string, TaskStatus>();
    for (const id of request.tasks) {
      const row = w('SELECT status FROM tasks WHERE id = ?').get(id) as { status: TaskStatus } | undefined;
      if (row) tasks.set(id, row.status);
    }
    return { lastPosition, lastSubjectId, idempotency, subjects, events, xrefs, checkpoints, processes, tasks };
  }

  function writePlan(plan: BatchPlan, now: string): void {
    const insertEvent = w(`INSERT INTO events (${EVENT_COLUMNS}, sid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const row of plan.events) {
      const e = row.event;
      insertEvent.run(row.position, e.id, e.source, e.type, e.subject, row.sequence, e.time, now, e.dataschema ?? null, e.traceparent ?? null, e.tracestate ?? null, row.dataText, row.subjectId);
    }
    for (const [subject, state] of plan.subjects) {
      if (state.created) w('INSERT INTO subjects (subject, sid, version) VALUES (?, ?, ?)').run(subject, state.sid, state.version);
      else w('UPDATE subjects SET version = ? WHERE subject = ?').run(state.version, subject);
    }
    for (const claim of plan.idempotency) {
      w(
        `INSERT INTO idempotency_keys (scope, key, fingerprint, result, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, result = excluded.result, created_at = excluded.created_at, expires_at = excluded.expires_at`,
      ).run(claim.scope, claim.key, claim.fingerprint, JSON.stringify(claim.events), now, claim.expiresAt);
    }
    for (const [consumer, position] of plan.checkpoints) {
      w(
        `INSERT INTO checkpoints (consumer, position, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (consumer) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
      ).run(consumer, position, now);
    }
    for (const x of plan.xrefs) {
      w('INSERT INTO xrefs (entity, system, external_id, canonical_id, created_at) VALUES (?, ?, ?, ?, ?)').run(x.entity, x.system, x.externalId, x.canonicalId, now);
    }
    for (const c of plan.commands) {
      w(
        `INSERT INTO outbox (id, target, action, key, payload, priority, available_at, created_at, updated_at, active_since, causation_id, traceparent, report, is_head)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOT EXISTS (SELECT 1 FROM outbox WHERE target = ? AND key = ? AND status IN ('pending', 'dead')))`,
      ).run(
        c.id,
        c.target,
        c.action,
        c.key,
        JSON.stringify(c.payload ?? null),
        PRIORITY_RANK[c.priority ?? 'normal'],
        c.availableAt ?? now,
        now,
        now,
        now,
        c.causationId ?? null,
        c.traceparent ?? null,
        c.report === true ? 1 : 0,
        c.target,
        c.key,
      );
    }
    // The oldest unfinished command of a key becomes its head once the one before it is finished.
    const promote = (row: { target: string; key: string } | undefined): void => {
      if (!row) return;
      w(
        `UPDATE outbox SET is_head = 1 WHERE seq = (SELECT MIN(seq) FROM outbox WHERE target = ? AND key = ? AND status IN ('pending', 'dead')) AND is_head = 0`,
      ).run(row.target, row.key);
    };
    for (const s of plan.settlements) {
      if (s.attempt) {
        const a = s.attempt;
        w(
          `INSERT INTO command_attempts (command_id, attempt, owner, started_at, duration_ms, outcome, error_code, error_message, target_status)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(s.id, a.attempt, a.owner, a.startedAt, a.durationMs, a.outcome, a.errorCode ?? null, a.errorMessage ?? null, a.targetStatus ?? null);
      }
      const owner = s.owner ?? null;
      if (s.outcome === 'release') {
        w('UPDATE outbox SET lease_owner = NULL, lease_until = NULL, available_at = COALESCE(?, available_at), updated_at = ? WHERE id = ? AND (? IS NULL OR lease_owner = ?)').run(
          s.availableAt ?? null,
          now,
          s.id,
          owner,
          owner,
        );
        continue;
      }
      const status = s.outcome === 'retry' ? 'pending' : s.outcome;
      const changed = w(
        `UPDATE outbox SET status = ?, attempts = attempts + 1, available_at = COALESCE(?, available_at), lease_owner = NULL, lease_until = NULL,
         error_code = ?, error_message = ?, updated_at = ?, is_head = CASE WHEN ? = 'done' THEN 0 ELSE is_head END
         WHERE id = ? AND status = 'pending' AND (? IS NULL OR lease_owner = ?) RETURNING target, key`,
      ).get(status, s.availableAt ?? null, s.error?.code ?? null, s.error?.message ?? null, now, status, s.id, owner, owner) as { target: string; key: string } | undefined;
      if (s.outcome === 'done') promote(changed);
      if (s.outcome === 'done' && s.receipt && changed) {
        const r = s.receipt;
        w('INSERT INTO delivery_receipts (command_id, target, action, target_id, status, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (command_id) DO NOTHING').run(
          s.id,
          r.target,
          r.action,
          r.targetId ?? null,
          r.status,
          now,
        );
      }
    }
    for (const r of plan.requeues) {
      w(
        `UPDATE outbox SET status = 'pending', attempts = 0, replays = replays + 1, active_since = ?, available_at = ?, lease_owner = NULL, lease_until = NULL,
         error_code = NULL, error_message = NULL, updated_at = ? WHERE id = ? AND status = 'dead'`,
      ).run(now, r.availableAt ?? now, now, r.id);
    }
    for (const d of plan.discards) {
      promote(w("UPDATE outbox SET status = 'discarded', is_head = 0, updated_at = ? WHERE id = ? AND status = 'dead' RETURNING target, key").get(now, d.id) as { target: string; key: string } | undefined);
    }
    for (const a of plan.audit) {
      w('INSERT INTO audit_log (id, at, actor, action, subject, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        a.id,
        now,
        a.actor,
        a.action,
        a.subject,
        a.reason,
        a.details === undefined ? null : JSON.stringify(a.details),
      );
    }
    for (const j of plan.rejections) {
      w(
        `INSERT INTO inbound_rejections (id, source, topic, delivery_id, code, message, problems, headers, body, received_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open') ON CONFLICT (id) DO NOTHING`,
      ).run(j.id, j.source, j.topic ?? null, j.deliveryId ?? null, j.code, j.message, JSON.stringify(j.problems), JSON.stringify(j.headers), j.body ?? null, j.receivedAt);
    }
    for (const j of plan.resolutions) {
      w("UPDATE inbound_rejections SET status = ?, resolved_at = ? WHERE id = ? AND status = 'open'").run(j.status, now, j.id);
    }
    for (const [source, cursor] of plan.cursors) {
      w('INSERT INTO source_cursors (source, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at').run(source, cursor, now);
    }
    for (const p of plan.processes.values()) {
      w(
        `INSERT INTO process_instances (process, key, definition_version, state, data, finished, seq, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (process, key) DO UPDATE SET definition_version = excluded.definition_version, state = excluded.state, data = excluded.data,
           finished = excluded.finished, seq = excluded.seq, started_at = excluded.started_at, updated_at = excluded.updated_at`,
      ).run(p.process, p.key, p.definitionVersion, p.state, JSON.stringify(p.data ?? null), p.finished ? 1 : 0, p.seq, p.startedAt, p.updatedAt);
    }
    for (const t of plan.transitions) {
      w(
        `INSERT INTO process_transitions (process, key, seq, from_state, to_state, cause, cause_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (process, key, seq) DO NOTHING`,
      ).run(t.process, t.key, t.seq, t.from ?? null, t.to, t.cause, t.causeId, t.at);
    }
    for (const t of plan.tasks) {
      w(
        `INSERT INTO tasks (id, process, key, kind, title, options, data, status, claimed_by, decision, note, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ).run(
        t.id,
        t.process,
        t.key,
        t.kind,
        t.title,
        JSON.stringify(t.options),
        JSON.stringify(t.data ?? null),
        t.status,
        t.claimedBy ?? null,
        t.decision ?? null,
        t.note ?? null,
        t.createdAt,
        t.updatedAt,
      );
    }
    // The planner checked every update against the status it names; these apply its outcome.
    for (const c of plan.taskChanges.values()) {
      w('UPDATE tasks SET status = ?, claimed_by = COALESCE(?, claimed_by), decision = COALESCE(?, decision), note = COALESCE(?, note), updated_at = ? WHERE id = ?').run(
        c.status,
        c.claimedBy ?? null,
        c.decision ?? null,
        c.note ?? null,
        now,
        c.id,
      );
    }
    for (const op of plan.timers) {
      if (op.op === 'schedule') {
        const t = op.timer;
        w(
          `INSERT INTO timers (id, key, kind, due_at, payload, status, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)
           ON CONFLICT (id) DO UPDATE SET key = excluded.key, kind = excluded.kind, due_at = excluded.due_at, payload = excluded.payload, status = 'pending', updated_at = excluded.updated_at`,
        ).run(t.id, t.key, t.kind, t.dueAt, JSON.stringify(t.payload ?? null), now);
      } else {
        w("UPDATE timers SET status = ?, updated_at = ? WHERE id = ? AND status = 'pending'").run(op.op === 'cancel' ? 'cancelled' : 'fired', now, op.id);
      }
    }
  }

  return {
    writeBatch(units, now) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const plan = planBatch(units, readSnapshot(units, now), now);
        writePlan(plan, now);
        db.exec('COMMIT');
        return plan.results;
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    run(sql, params) {
      return Number(w(sql).run(...params).changes);
    },
    prune(before, limit) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const ids = (w("SELECT id FROM outbox WHERE status IN ('done', 'discarded') AND updated_at < ? ORDER BY seq LIMIT ?").all(before, limit) as { id: string }[]).map((row) => row.id);
        for (const id of ids) {
          w('DELETE FROM command_attempts WHERE command_id = ?').run(id);
          w('DELETE FROM delivery_receipts WHERE command_id = ?').run(id);
          w('DELETE FROM outbox WHERE id = ?').run(id);
        }
        db.exec('COMMIT');
        return ids.length;
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    claim({ target, now, limit, leaseUntil, owner }) {
      // A lease is coordination, not data: losing one in a crash only frees the command sooner. So
      // claims skip the fsync; the next durable commit flushes them with it.
      db.exec('PRAGMA synchronous = OFF');
      db.exec('BEGIN IMMEDIATE');
      try {
        const rows = w(CLAIMABLE).all(target, now, now, limit) as { id: string; lease_owner: string | null; lease_until: string | null }[];
        const lease = w('UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id = ?');
        for (const row of rows) {
          lease.run(owner, leaseUntil, row.id);
          row.lease_owner = owner;
          row.lease_until = leaseUntil;
        }
        db.exec('COMMIT');
        return JSON.stringify(rows);
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      } finally {
        db.exec('PRAGMA synchronous = FULL');
      }
    },
  };
}
