import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { DependencyError, WeftError, isErrorCode } from '../../errors/index.ts';
import { systemClock, type Clock } from '../../ports/clock.ts';
import type { ApiKeyRecord, CommitResult, CrossReference, DeliveryReceipt, OutboxStat, Store, StoredCommand, StoreOptions, Timer, UnitOfWork } from '../../ports/store.ts';
import { createGroupCommitter } from '../group-commit.ts';
import {
  apiKeyFromRow,
  attemptFromRow,
  auditFromRow,
  rejectionFromRow,
  type RejectionRow,
  commandFromRow,
  eventFromRow,
  receiptFromRow,
  timerFromRow,
  type ApiKeyRow,
  type AttemptRow,
  type AuditRow,
  type CommandRow,
  type EventRow,
  type ReceiptRow,
  type TimerRow,
  processInstanceFromRow,
  processTransitionFromRow,
  taskFromRow,
  type ProcessInstanceRow,
  type ProcessTransitionRow,
  type TaskRow,
} from '../rows.ts';
import { commandListing, rejectionListing, taskListing } from '../command-listing.ts';
import { migrate } from './schema.ts';
import { EVENT_COLUMNS, openDatabase, statementCache, storeFailure } from './write-batch.ts';
import type { CheckpointerData } from './checkpointer-thread.ts';
import type { WriterData, WriterReply, WriterRequest } from './writer-thread.ts';

/** Options of the embedded SQLite store. */
export interface SqliteStoreOptions extends StoreOptions {
  /** Database file. */
  path: string;
  /** How long to wait for another process (the CLI) holding the write lock. */
  busyTimeoutMs?: number;
  /** Time source for recorded times. */
  clock?: Clock;
}

type WriterCall = { [K in WriterRequest['kind']]: Omit<Extract<WriterRequest, { kind: K }>, 'id'> }[WriterRequest['kind']];

/** Puts back what JSON drops on the way from the writer thread: a task conflict's `actual` when there is no such task. */
function revive(result: CommitResult): CommitResult {
  if (result.status !== 'task_conflict' || Object.hasOwn(result, 'actual')) return result;
  return { ...result, actual: undefined };
}

/**
 * The embedded store: one SQLite file. Writes go through group commit to a writer thread that owns
 * the only write connection, so fsyncs and WAL checkpoints never stall the thread serving requests.
 * Reads use a connection on the calling thread; WAL lets them run beside the writer and they only
 * ever see committed transactions.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const clock = options.clock ?? systemClock;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (options.path === ':memory:') throw new TypeError('The SQLite store needs a file: its writer thread and readers share it.');
  const readOnly = options.readOnly === true;
  // A read-only connection needs the file as the hub that writes it left it: it creates and migrates nothing.
  if (!readOnly) mkdirSync(dirname(options.path), { recursive: true });
  const reader: DatabaseSync = openDatabase(options.path, busyTimeoutMs, { readOnly });
  if (!readOnly) migrate(reader);
  let closed = false;
  let failed: Error | undefined = readOnly ? new DependencyError('store_unavailable', 'This connection to the embedded store is read-only; nothing was written.') : undefined;

  const worker = readOnly
    ? undefined
    : new Worker(new URL('./writer-thread.ts', import.meta.url), {
        workerData: { path: options.path, busyTimeoutMs } satisfies WriterData,
      });
  const checkpointer = readOnly
    ? undefined
    : new Worker(new URL('./checkpointer-thread.ts', import.meta.url), {
        workerData: { path: options.path, busyTimeoutMs, intervalMs: 200 } satisfies CheckpointerData,
      });
  checkpointer?.unref();
  checkpointer?.on('error', () => undefined);
  const calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextCall = 1;
  worker?.on('message', (reply: WriterReply) => {
    const call = calls.get(reply.id);
    if (!call) return;
    calls.delete(reply.id);
    if (reply.ok) call.resolve(reply.value);
    else if (reply.storeFailure) call.reject(storeFailure(reply.message));
    else if (reply.code && isErrorCode(reply.code)) call.reject(new WeftError(reply.code, reply.message));
    else call.reject(new Error(reply.message));
  });
  const failAll = (error: Error) => {
    failed = storeFailure(`the writer thread stopped: ${error.message}`, error);
    for (const call of calls.values()) call.reject(failed);
    calls.clear();
  };
  worker?.on('error', failAll);
  worker?.on('exit', (code) => {
    if (!closed) failAll(new Error(`exit code ${code}`));
  });
  // The writer thread must not keep the process alive on its own; pending calls keep it referenced.
  worker?.unref();
  const call = (request: WriterCall): Promise<unknown> => {
    if (failed || !worker) return Promise.reject(failed);
    const id = nextCall++;
    if (calls.size === 0) worker.ref();
    return new Promise<unknown>((resolve, reject) => {
      calls.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } as WriterRequest);
    }).finally(() => {
      if (calls.size === 0) worker.unref();
    });
  };

  const committer = createGroupCommitter(
    async (units) =>
      (JSON.parse((await call({ kind: 'batch', now: new Date(clock.now()).toISOString(), units: JSON.stringify(units) })) as string) as CommitResult[]).map(revive),
    // The writer thread merges batches that queue up behind a commit, so several may be in flight.
    { maxBatchUnits: options.maxBatchUnits ?? 512, maxBatchEvents: 20_000, onCommit: options.onCommit, maxInFlightBatches: 8 },
  );

  const r = statementCache(reader);
  const write = async (sql: string, ...params: (string | number | null)[]): Promise<number> => {
    if (closed) throw new DependencyError('store_unavailable', 'The store is closed.');
    return (await call({ kind: 'run', sql, params })) as number;
  };

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
    commit: (unit: UnitOfWork): Promise<CommitResult> =>
      closed ? Promise.reject(new DependencyError('store_unavailable', 'The store is closed.')) : readOnly ? Promise.reject(failed) : committer.submit(unit),
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
        (
          r(`SELECT ${EVENT_COLUMNS} FROM events WHERE sid = (SELECT sid FROM subjects WHERE subject = ?) AND sequence > ? ORDER BY sequence LIMIT ?`).all(
            subject,
            afterSequence,
            limit,
          ) as unknown as EventRow[]
        ).map(
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
    subjectVersion: (subject) => read(() => (r('SELECT version FROM subjects WHERE subject = ?').get(subject) as { version: number } | undefined)?.version ?? 0),

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
    claimCommands: async ({ target, now, limit, leaseMs, owner }) => {
      guard();
      const at = new Date(now);
      const text = (await call({ kind: 'claim', target, now: at.toISOString(), limit, leaseUntil: new Date(at.getTime() + leaseMs).toISOString(), owner })) as string;
      return (JSON.parse(text) as CommandRow[]).map(commandFromRow);
    },
    releaseLeases: (ownerPrefix) =>
      write("UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE status = 'pending' AND substr(lease_owner, 1, ?) = ?", ownerPrefix.length, ownerPrefix),
    command: (id) =>
      read((): StoredCommand | undefined => {
        const row = r('SELECT * FROM outbox WHERE id = ?').get(id) as CommandRow | undefined;
        return row ? commandFromRow(row) : undefined;
      }),
    listCommands: (filter) =>
      read(() => {
        const { where, params } = commandListing(filter, () => '?');
        return (r(`SELECT * FROM outbox ${where} ORDER BY seq DESC LIMIT ?`).all(...(params as SQLInputValue[]), filter.limit) as unknown as CommandRow[]).map(commandFromRow);
      }),
    commandAttempts: (id) =>
      read(() =>
        (
          r('SELECT attempt, owner, started_at, duration_ms, outcome, error_code, error_message, target_status FROM command_attempts WHERE command_id = ? ORDER BY seq').all(
            id,
          ) as unknown as AttemptRow[]
        ).map(attemptFromRow),
      ),
    receipt: (id) =>
      read((): DeliveryReceipt | undefined => {
        const row = r('SELECT * FROM delivery_receipts WHERE command_id = ?').get(id) as ReceiptRow | undefined;
        return row ? receiptFromRow(row) : undefined;
      }),
    outboxStats: () =>
      read(() =>
        (
          r('SELECT target, status, COUNT(*) AS count, MIN(created_at) AS oldest FROM outbox GROUP BY target, status ORDER BY target, status').all() as unknown as {
            target: string;
            status: OutboxStat['status'];
            count: number;
            oldest: string;
          }[]
        ).map((row): OutboxStat => ({ target: row.target, status: row.status, count: row.count, oldestCreatedAt: row.oldest })),
      ),
    auditLog: ({ subject, limit }) =>
      read(() =>
        (subject === undefined
          ? (r('SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?').all(limit) as unknown as AuditRow[])
          : (r('SELECT * FROM audit_log WHERE subject = ? ORDER BY seq DESC LIMIT ?').all(subject, limit) as unknown as AuditRow[])
        ).map(auditFromRow),
      ),
    listRejections: (filter) =>
      read(() => {
        const { where, params } = rejectionListing(filter, () => '?', 'inbound_rejections');
        return (r(`SELECT * FROM inbound_rejections ${where} ORDER BY seq DESC LIMIT ?`).all(...params, filter.limit) as unknown as RejectionRow[]).map(rejectionFromRow);
      }),
    rejection: (id) =>
      read(() => {
        const row = r('SELECT * FROM inbound_rejections WHERE id = ?').get(id) as unknown as RejectionRow | undefined;
        return row ? rejectionFromRow(row) : undefined;
      }),
    sourceCursor: (source) => read(() => (r('SELECT cursor FROM source_cursors WHERE source = ?').get(source) as { cursor: string } | undefined)?.cursor),
    processInstance: (process, key) =>
      read(() => {
        const row = r('SELECT * FROM process_instances WHERE process = ? AND key = ?').get(process, key) as unknown as ProcessInstanceRow | undefined;
        return row ? processInstanceFromRow(row) : undefined;
      }),
    processInstancesOf: (key) =>
      read(() => (r('SELECT * FROM process_instances WHERE key = ? ORDER BY process').all(key) as unknown as ProcessInstanceRow[]).map(processInstanceFromRow)),
    processTransitions: (process, key) =>
      read(() =>
        (r('SELECT * FROM process_transitions WHERE process = ? AND key = ? ORDER BY seq').all(process, key) as unknown as ProcessTransitionRow[]).map(processTransitionFromRow),
      ),
    listTasks: (filter) =>
      read(() => {
        const { where, params } = taskListing(filter, () => '?');
        return (r(`SELECT * FROM tasks ${where} ORDER BY seq DESC LIMIT ?`).all(...params, filter.limit) as unknown as TaskRow[]).map(taskFromRow);
      }),
    task: (id) =>
      read(() => {
        const row = r('SELECT * FROM tasks WHERE id = ?').get(id) as unknown as TaskRow | undefined;
        return row ? taskFromRow(row) : undefined;
      }),

    dueTimers: ({ now, limit }) =>
      read((): Timer[] =>
        (r("SELECT * FROM timers WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?").all(new Date(now).toISOString(), limit) as unknown as TimerRow[]).map(
          timerFromRow,
        ),
      ),

    pruneCommands: async (before, limit) => {
      guard();
      return (await call({ kind: 'prune', before: new Date(before).toISOString(), limit })) as number;
    },
    expireIdempotencyKeys: (now) => write('DELETE FROM idempotency_keys WHERE expires_at <= ?', new Date(now).toISOString()),

    createApiKey: async (record) => {
      await write(
        'INSERT INTO api_keys (id, name, secret_hash, scopes, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)',
        record.id,
        record.name,
        record.secretHash,
        JSON.stringify(record.scopes),
        record.createdAt,
        record.revokedAt ?? null,
      );
    },
    apiKey: (id) =>
      read((): ApiKeyRecord | undefined => {
        const row = r('SELECT * FROM api_keys WHERE id = ?').get(id) as ApiKeyRow | undefined;
        return row ? apiKeyFromRow(row) : undefined;
      }),
    listApiKeys: () => read(() => (r('SELECT * FROM api_keys ORDER BY created_at, id').all() as unknown as ApiKeyRow[]).map(apiKeyFromRow)),
    revokeApiKey: async (id, at) => (await write('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, id)) === 1,

    ping: () => read(() => void r('SELECT 1').get()),
    async close() {
      if (closed) return;
      await committer.close();
      closed = true;
      if (!failed) await call({ kind: 'close' }).catch(() => undefined);
      checkpointer?.postMessage({ kind: 'close' });
      await Promise.all([worker?.terminate(), checkpointer?.terminate()]);
      reader.close();
    },
  };
}
