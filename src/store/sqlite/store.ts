import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { DependencyError } from '../../errors/index.ts';
import { systemClock, type Clock } from '../../ports/clock.ts';
import type { ApiKeyRecord, CommitResult, CrossReference, Store, StoredCommand, StoreOptions, Timer, UnitOfWork } from '../../ports/store.ts';
import { createGroupCommitter, type UnitOutcome } from '../group-commit.ts';
import { planBatch, snapshotKey, snapshotRequest, type BatchPlan, type BatchSnapshot, type ExistingEvent, type ExistingIdempotency } from '../plan-batch.ts';
import { apiKeyFromRow, commandFromRow, eventFromRow, timerFromRow, type ApiKeyRow, type CommandRow, type EventRow, type TimerRow } from '../rows.ts';
import { migrate } from './schema.ts';

/** Options of the embedded SQLite store. */
export interface SqliteStoreOptions extends StoreOptions {
  /** Database file; `:memory:` for a throw-away store. */
  path: string;
  /** How long to wait for another process holding the write lock. */
  busyTimeoutMs?: number;
  /** Time source for recorded times. */
  clock?: Clock;
}

const EVENT_COLUMNS = 'position, id, source, type, subject, sequence, time, recorded_at, dataschema, traceparent, tracestate, data';

function open(path: string, busyTimeoutMs: number): DatabaseSync {
  const db = new DatabaseSync(path);
  // WAL lets readers (the API, the CLI) run beside the writer; synchronous=FULL fsyncs the WAL at
  // every commit, so an acknowledged write survives a crash of the process or the machine.
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}

// Primary result codes that mean the store, not the unit, failed: busy/locked by another process,
// read-only, I/O error, disk full, cannot open, lock protocol error.
const STORE_FAILURES = new Set([5, 6, 8, 10, 13, 14, 15]);

function classify(error: unknown): unknown {
  const code = (error as { errcode?: number }).errcode;
  if (typeof code === 'number' && STORE_FAILURES.has(code & 0xff)) {
    return new DependencyError('store_unavailable', `The embedded store could not write (${(error as { errstr?: string }).errstr ?? 'SQLite error'}); nothing was written.`, {
      cause: error,
    });
  }
  return error;
}

/**
 * The embedded store: one SQLite file, written through group commit. Writes use one connection;
 * reads use a second one, so a reader never sees a transaction that is still being written.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const clock = options.clock ?? systemClock;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const writer = open(options.path, busyTimeoutMs);
  migrate(writer);
  // An in-memory database is private to its connection, so there the writer also reads.
  const reader = options.path === ':memory:' ? writer : open(options.path, busyTimeoutMs);
  let closed = false;

  const cache = new Map<string, StatementSync>();
  const stmt = (db: DatabaseSync, sql: string): StatementSync => {
    const key = (db === writer ? 'w:' : 'r:') + sql;
    let statement = cache.get(key);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(key, statement);
    }
    return statement;
  };
  const w = (sql: string) => stmt(writer, sql);
  const r = (sql: string) => stmt(reader, sql);

  function readSnapshot(units: readonly UnitOfWork[], now: string): BatchSnapshot {
    const request = snapshotRequest(units);
    const lastPosition = (w('SELECT COALESCE(MAX(position), 0) AS p FROM events').get() as { p: number }).p;
    const idempotency = new Map<string, ExistingIdempotency>();
    for (const { scope, key } of request.idempotency) {
      const row = w('SELECT fingerprint, result FROM idempotency_keys WHERE scope = ? AND key = ? AND expires_at > ?').get(scope, key, now) as
        | { fingerprint: string; result: string }
        | undefined;
      if (row) idempotency.set(snapshotKey(scope, key), { fingerprint: row.fingerprint, events: JSON.parse(row.result) });
    }
    const versions = new Map<string, number>();
    for (const subject of request.subjects) {
      versions.set(subject, (w('SELECT COALESCE(MAX(sequence), 0) AS v FROM events WHERE subject = ?').get(subject) as { v: number }).v);
    }
    const events = new Map<string, ExistingEvent>();
    for (const { source, id } of request.events) {
      const row = w('SELECT position, sequence, type, subject, data FROM events WHERE source = ? AND id = ?').get(source, id) as
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
    return { lastPosition, idempotency, versions, events, xrefs };
  }

  function writePlan(plan: BatchPlan, now: string): void {
    const insertEvent = w(`INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const row of plan.events) {
      const e = row.event;
      insertEvent.run(row.position, e.id, e.source, e.type, e.subject, row.sequence, e.time, now, e.dataschema ?? null, e.traceparent ?? null, e.tracestate ?? null, row.dataText);
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
        `INSERT INTO outbox (id, target, action, key, payload, available_at, created_at, updated_at, causation_id, traceparent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(c.id, c.target, c.action, c.key, JSON.stringify(c.payload ?? null), c.availableAt ?? now, now, now, c.causationId ?? null, c.traceparent ?? null);
    }
    for (const s of plan.settlements) {
      const status = s.outcome === 'retry' ? 'pending' : s.outcome;
      w('UPDATE outbox SET status = ?, attempts = attempts + 1, available_at = COALESCE(?, available_at), updated_at = ? WHERE id = ?').run(
        status,
        s.availableAt ?? null,
        now,
        s.id,
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

  function writeBatch(units: readonly UnitOfWork[]): UnitOutcome[] {
    const now = new Date(clock.now()).toISOString();
    writer.exec('BEGIN IMMEDIATE');
    try {
      const plan = planBatch(units, readSnapshot(units, now), now);
      writePlan(plan, now);
      writer.exec('COMMIT');
      return plan.results;
    } catch (error) {
      if (writer.isTransaction) writer.exec('ROLLBACK');
      throw classify(error);
    }
  }

  const committer = createGroupCommitter(writeBatch, {
    maxBatchUnits: options.maxBatchUnits ?? 512,
    maxBatchEvents: 20_000,
    onCommit: options.onCommit,
  });

  const guard = (): void => {
    if (closed) throw new DependencyError('store_unavailable', 'The store is closed.');
  };
  const read = <T>(fn: () => T): Promise<T> => {
    try {
      guard();
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  };

  return {
    kind: 'sqlite',
    commit: (unit: UnitOfWork): Promise<CommitResult> => (closed ? Promise.reject(new DependencyError('store_unavailable', 'The store is closed.')) : committer.submit(unit)),
    pendingUnits: () => committer.pendingUnits(),
    pendingEvents: () => committer.pendingEvents(),

    readAll: ({ after = 0, limit, types }) =>
      read(() => {
        if (types && types.length > 0) {
          const placeholders = types.map(() => '?').join(', ');
          return (r(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND type IN (${placeholders}) ORDER BY position LIMIT ?`).all(after, ...types, limit) as unknown as EventRow[]).map(
            eventFromRow,
          );
        }
        return (r(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).all(after, limit) as unknown as EventRow[]).map(eventFromRow);
      }),
    readSubject: (subject, { afterSequence = 0, limit }) =>
      read(() =>
        (r(`SELECT ${EVENT_COLUMNS} FROM events WHERE subject = ? AND sequence > ? ORDER BY sequence LIMIT ?`).all(subject, afterSequence, limit) as unknown as EventRow[]).map(
          eventFromRow,
        ),
      ),
    eventAt: (position) =>
      read(() => {
        const row = r(`SELECT ${EVENT_COLUMNS} FROM events WHERE position = ?`).get(position) as EventRow | undefined;
        return row ? eventFromRow(row) : undefined;
      }),
    eventsWithId: (id) => read(() => (r(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ? ORDER BY position`).all(id) as unknown as EventRow[]).map(eventFromRow)),
    lastPosition: () => read(() => (r('SELECT COALESCE(MAX(position), 0) AS p FROM events').get() as { p: number }).p),
    subjectVersion: (subject) => read(() => (r('SELECT COALESCE(MAX(sequence), 0) AS v FROM events WHERE subject = ?').get(subject) as { v: number }).v),

    checkpoint: (consumer) => read(() => (r('SELECT position FROM checkpoints WHERE consumer = ?').get(consumer) as { position: number } | undefined)?.position ?? 0),

    resolveXref: (entity, system, externalId) =>
      read(
        () =>
          (r('SELECT canonical_id FROM xrefs WHERE entity = ? AND system = ? AND external_id = ?').get(entity, system, externalId) as { canonical_id: string } | undefined)
            ?.canonical_id,
      ),
    xrefsOf: (canonicalId) =>
      read(() =>
        (
          r('SELECT entity, system, external_id, canonical_id FROM xrefs WHERE canonical_id = ? ORDER BY system, entity, external_id').all(canonicalId) as unknown as {
            entity: string;
            system: string;
            external_id: string;
            canonical_id: string;
          }[]
        ).map((row): CrossReference => ({ entity: row.entity, system: row.system, externalId: row.external_id, canonicalId: row.canonical_id })),
      ),

    dueCommands: ({ now, limit, target }) =>
      read(() => {
        const params: SQLInputValue[] = [new Date(now).toISOString()];
        let sql = "SELECT * FROM outbox WHERE status = 'pending' AND available_at <= ?";
        if (target !== undefined) {
          sql += ' AND target = ?';
          params.push(target);
        }
        return (r(`${sql} ORDER BY seq LIMIT ?`).all(...params, limit) as unknown as CommandRow[]).map(commandFromRow);
      }),
    command: (id) =>
      read((): StoredCommand | undefined => {
        const row = r('SELECT * FROM outbox WHERE id = ?').get(id) as CommandRow | undefined;
        return row ? commandFromRow(row) : undefined;
      }),

    dueTimers: ({ now, limit }) =>
      read((): Timer[] =>
        (r("SELECT * FROM timers WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?").all(new Date(now).toISOString(), limit) as unknown as TimerRow[]).map(
          timerFromRow,
        ),
      ),

    expireIdempotencyKeys: (now) =>
      read(() => Number(w('DELETE FROM idempotency_keys WHERE expires_at <= ?').run(new Date(now).toISOString()).changes)),

    createApiKey: (record) =>
      read(() => {
        w('INSERT INTO api_keys (id, name, secret_hash, scopes, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)').run(
          record.id,
          record.name,
          record.secretHash,
          JSON.stringify(record.scopes),
          record.createdAt,
          record.revokedAt ?? null,
        );
      }),
    apiKey: (id) =>
      read((): ApiKeyRecord | undefined => {
        const row = r('SELECT * FROM api_keys WHERE id = ?').get(id) as ApiKeyRow | undefined;
        return row ? apiKeyFromRow(row) : undefined;
      }),
    listApiKeys: () => read(() => (r('SELECT * FROM api_keys ORDER BY created_at, id').all() as unknown as ApiKeyRow[]).map(apiKeyFromRow)),
    revokeApiKey: (id, at) => read(() => Number(w('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes) === 1),

    ping: () => read(() => void r('SELECT 1').get()),
    async close() {
      if (closed) return;
      await committer.close();
      closed = true;
      cache.clear();
      if (reader !== writer) reader.close();
      writer.close();
    },
  };
}
