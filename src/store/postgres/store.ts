import pg from 'pg';
import type { QueryResult, QueryResultRow } from 'pg';
import { ConfigError, DependencyError, WeftError } from '../../errors/index.ts';
import { systemClock, type Clock } from '../../ports/clock.ts';
import type { ApiKeyRecord, CommitResult, CrossReference, DeliveryReceipt, OutboxStat, Store, StoredCommand, StoreOptions, Timer, UnitOfWork } from '../../ports/store.ts';
import { commandListing, rejectionListing, taskListing } from '../command-listing.ts';
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
import { createPool, lockKey, MAX_IDENTIFIER_BYTES, run } from './connection.ts';
import { checkMigrated, migrate } from './schema.ts';
import { PRIORITY_RANK } from '../plan-batch.ts';
import { createBatchWriter, EVENT_COLUMNS } from './write-batch.ts';

const rank = (priority: string): number => PRIORITY_RANK[priority as keyof typeof PRIORITY_RANK] ?? 1;

/** Options of the scale-out PostgreSQL store. */
export interface PostgresStoreOptions extends StoreOptions {
  /** Connection URL (`postgres://user:password@host:5432/db`); never logged or put in error messages. */
  url: string;
  /** PostgreSQL schema that holds Weft's tables; created when missing. */
  schema: string;
  /** Most connections for reads (default 10); writes use one more connection of their own. */
  poolSize?: number;
  /** How long to wait for a connection before giving up (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** Time source for recorded times. */
  clock?: Clock;
}

/**
 * The scale-out store: Weft's tables in one PostgreSQL schema, written through group commit. Writes
 * have a connection of their own, so reads can never starve the writer; reads use a pool.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const schema = options.schema;
  if (schema.length === 0 || schema.includes('\u0000') || Buffer.byteLength(schema) > MAX_IDENTIFIER_BYTES) {
    throw new ConfigError('invalid_config', `The PostgreSQL schema name must be 1 to ${MAX_IDENTIFIER_BYTES} bytes without NUL characters.`);
  }
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new ConfigError('invalid_config', 'The PostgreSQL pool size must be a positive integer.');
  const s = pg.escapeIdentifier(schema);
  const sql = (text: string): string => text.replaceAll('{s}', s);
  const lock = lockKey(schema);
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;

  // The writer's pool holds one pipelined connection: only one batch is written at a time.
  const writers = createPool({ url: options.url, schema, max: 1, connectTimeoutMs, pipeline: true, idleInTransactionTimeoutMs: 60_000 });
  const readOnly = options.readOnly === true;
  const readers = createPool({ url: options.url, schema, max: poolSize, connectTimeoutMs, readOnly });
  const end = async (): Promise<void> => {
    await Promise.all([writers.end(), readers.end()]);
  };

  try {
    // A read-only store never touches the writer's connection: it checks the schema it will read.
    const client = await (readOnly ? readers : writers).connect();
    let broken: Error | undefined;
    try {
      if (readOnly) await checkMigrated(client, schema, s);
      else await migrate(client, schema, s, lock);
    } catch (error) {
      if (!(error instanceof WeftError)) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  } catch (error) {
    await end().catch(() => undefined);
    if (error instanceof WeftError) throw error;
    // The driver's messages name at most host and port; the URL (and its password) never goes here.
    const reason = (error as { code?: unknown } | null)?.code;
    throw new DependencyError('store_unavailable', `Could not open the PostgreSQL store (schema "${schema}"${typeof reason === 'string' ? `, ${reason}` : ''}).`, { cause: error });
  }

  let closed = false;
  let closing: Promise<void> | undefined;

  const committer = createGroupCommitter(createBatchWriter({ pool: writers, sql, lockKey: lock, clock }), {
    maxBatchUnits: options.maxBatchUnits ?? 512,
    maxBatchEvents: 20_000,
    onCommit: options.onCommit,
  });

  // Reads (and the few direct statements) go straight to the readers' pool, outside any transaction.

  const query = async <R extends QueryResultRow>(name: string | undefined, text: string, values: unknown[] = []): Promise<QueryResult<R>> => {
    if (closed) throw new DependencyError('store_unavailable', 'The store is closed.');
    return run<R>(readers, name, sql(text), values);
  };
  const read = async <R extends QueryResultRow>(name: string | undefined, text: string, values: unknown[] = []): Promise<R[]> => (await query<R>(name, text, values)).rows;
  const iso = (time: string): string => new Date(time).toISOString();

  return {
    kind: 'postgres',
    commit: (unit: UnitOfWork): Promise<CommitResult> =>
      closed || readOnly ? Promise.reject(new DependencyError('store_unavailable', readOnly ? 'This connection to the PostgreSQL store is read-only; nothing was written.' : 'The store is closed.')) : committer.submit(unit),
    pendingUnits: () => committer.pendingUnits(),
    pendingEvents: () => committer.pendingEvents(),

    readAll: async ({ after = 0, limit, types }) => {
      const rows =
        types && types.length > 0
          ? await read<EventRow>('read_all_types', `SELECT ${EVENT_COLUMNS} FROM {s}.events WHERE position > $1 AND type = ANY($3::text[]) ORDER BY position LIMIT $2`, [after, limit, types])
          : await read<EventRow>('read_all', `SELECT ${EVENT_COLUMNS} FROM {s}.events WHERE position > $1 ORDER BY position LIMIT $2`, [after, limit]);
      return rows.map(eventFromRow);
    },
    readSubject: async (subject, { afterSequence = 0, limit }) =>
      (
        await read<EventRow>('read_subject', `SELECT ${EVENT_COLUMNS} FROM {s}.events WHERE sid = (SELECT sid FROM {s}.subjects WHERE subject = $1) AND sequence > $2 ORDER BY sequence LIMIT $3`, [subject, afterSequence, limit])
      ).map(eventFromRow),
    eventAt: async (position) => {
      const [row] = await read<EventRow>('event_at', `SELECT ${EVENT_COLUMNS} FROM {s}.events WHERE position = $1`, [position]);
      return row ? eventFromRow(row) : undefined;
    },
    eventsWithId: async (id) => (await read<EventRow>('events_with_id', `SELECT ${EVENT_COLUMNS} FROM {s}.events WHERE id = $1 ORDER BY position`, [id])).map(eventFromRow),
    lastPosition: async () => (await read<{ p: number }>('last_position', 'SELECT COALESCE(MAX(position), 0) AS p FROM {s}.events'))[0]?.p ?? 0,
    subjectVersion: async (subject) =>
      (await read<{ v: number }>('subject_version', 'SELECT version AS v FROM {s}.subjects WHERE subject = $1', [subject]))[0]?.v ?? 0,

    checkpoint: async (consumer) => (await read<{ position: number }>('checkpoint', 'SELECT position FROM {s}.checkpoints WHERE consumer = $1', [consumer]))[0]?.position ?? 0,

    resolveXref: async (entity, system, externalId) =>
      (
        await read<{ canonical_id: string }>('resolve_xref', 'SELECT canonical_id FROM {s}.xrefs WHERE entity = $1 AND system = $2 AND external_id = $3', [
          entity,
          system,
          externalId,
        ])
      )[0]?.canonical_id,
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's collation.
    xrefsOf: async (canonicalId) =>
      (
        await read<{ entity: string; system: string; external_id: string; canonical_id: string }>(
          'xrefs_of',
          'SELECT entity, system, external_id, canonical_id FROM {s}.xrefs WHERE canonical_id = $1 ORDER BY system COLLATE "C", entity COLLATE "C", external_id COLLATE "C"',
          [canonicalId],
        )
      ).map((row): CrossReference => ({ entity: row.entity, system: row.system, externalId: row.external_id, canonicalId: row.canonical_id })),

    dueCommands: async ({ now, limit, target }) => {
      const due = iso(now);
      const rows =
        target === undefined
          ? await read<CommandRow>('due_commands', "SELECT * FROM {s}.outbox WHERE status = 'pending' AND available_at <= $1 ORDER BY seq LIMIT $2", [due, limit])
          : await read<CommandRow>('due_commands_target', "SELECT * FROM {s}.outbox WHERE status = 'pending' AND available_at <= $1 AND target = $3 ORDER BY seq LIMIT $2", [
              due,
              limit,
              target,
            ]);
      return rows.map(commandFromRow);
    },
    // One statement: the candidates are locked as they are picked (SKIP LOCKED: another hub's claim
    // in progress is passed over, not waited for) and leased in the same statement.
    claimCommands: async ({ target, now, limit, leaseMs, owner }) => {
      const at = new Date(now);
      const rows = await read<CommandRow>(
        'claim_commands',
        `WITH c AS (
           SELECT o.seq FROM {s}.outbox o
           WHERE o.target = $1 AND o.is_head AND o.status = 'pending' AND o.available_at <= $2 AND (o.lease_until IS NULL OR o.lease_until <= $2)
           ORDER BY o.priority, o.seq LIMIT $3
           FOR UPDATE SKIP LOCKED
         )
         UPDATE {s}.outbox o SET lease_owner = $4, lease_until = $5 FROM c WHERE o.seq = c.seq RETURNING o.*`,
        [target, at.toISOString(), limit, owner, new Date(at.getTime() + leaseMs).toISOString()],
      );
      return rows.map(commandFromRow).sort((a, b) => rank(a.priority) - rank(b.priority) || a.seq - b.seq);
    },
    releaseLeases: async (ownerPrefix) =>
      (
        await query(
          'release_leases',
          "UPDATE {s}.outbox SET lease_owner = NULL, lease_until = NULL WHERE status = 'pending' AND lease_owner IS NOT NULL AND left(lease_owner, $1) = $2",
          [ownerPrefix.length, ownerPrefix],
        )
      ).rowCount ?? 0,
    command: async (id): Promise<StoredCommand | undefined> => {
      const [row] = await read<CommandRow>('command', 'SELECT * FROM {s}.outbox WHERE id = $1', [id]);
      return row ? commandFromRow(row) : undefined;
    },
    listCommands: async (filter) => {
      const { where, params } = commandListing(filter, (n) => `$${n}`);
      return (await read<CommandRow>(undefined, `SELECT * FROM {s}.outbox ${where} ORDER BY seq DESC LIMIT $${params.length + 1}`, [...params, filter.limit])).map(commandFromRow);
    },
    commandAttempts: async (id) =>
      (
        await read<AttemptRow>(
          'command_attempts',
          'SELECT attempt, owner, started_at, duration_ms, outcome, error_code, error_message, target_status FROM {s}.command_attempts WHERE command_id = $1 ORDER BY seq',
          [id],
        )
      ).map(attemptFromRow),
    receipt: async (id): Promise<DeliveryReceipt | undefined> => {
      const [row] = await read<ReceiptRow>('receipt', 'SELECT * FROM {s}.delivery_receipts WHERE command_id = $1', [id]);
      return row ? receiptFromRow(row) : undefined;
    },
    outboxStats: async () =>
      (
        await read<{ target: string; status: OutboxStat['status']; count: string; oldest: Date }>(
          'outbox_stats',
          'SELECT target, status, COUNT(*) AS count, MIN(created_at) AS oldest FROM {s}.outbox GROUP BY target, status ORDER BY target COLLATE "C", status COLLATE "C"',
        )
      ).map((row): OutboxStat => ({ target: row.target, status: row.status, count: Number(row.count), oldestCreatedAt: row.oldest.toISOString() })),
    auditLog: async ({ subject, limit }) =>
      (subject === undefined
        ? await read<AuditRow>('audit_all', 'SELECT * FROM {s}.audit_log ORDER BY seq DESC LIMIT $1', [limit])
        : await read<AuditRow>('audit_subject', 'SELECT * FROM {s}.audit_log WHERE subject = $1 ORDER BY seq DESC LIMIT $2', [subject, limit])
      ).map(auditFromRow),
    listRejections: async (filter) => {
      const { where, params } = rejectionListing(filter, (n) => `$${n}`, '{s}.inbound_rejections');
      return (await read<RejectionRow>(undefined, `SELECT * FROM {s}.inbound_rejections ${where} ORDER BY seq DESC LIMIT $${params.length + 1}`, [...params, filter.limit])).map(rejectionFromRow);
    },
    rejection: async (id) => {
      const [row] = await read<RejectionRow>('rejection', 'SELECT * FROM {s}.inbound_rejections WHERE id = $1', [id]);
      return row ? rejectionFromRow(row) : undefined;
    },
    sourceCursor: async (source) => (await read<{ cursor: string }>('source_cursor', 'SELECT cursor FROM {s}.source_cursors WHERE source = $1', [source]))[0]?.cursor,
    processInstance: async (process, key) => {
      const [row] = await read<ProcessInstanceRow>('process_instance', 'SELECT * FROM {s}.process_instances WHERE process = $1 AND key = $2', [process, key]);
      return row ? processInstanceFromRow(row) : undefined;
    },
    processInstancesOf: async (key) =>
      (await read<ProcessInstanceRow>('process_instances_of', 'SELECT * FROM {s}.process_instances WHERE key = $1 ORDER BY process COLLATE "C"', [key])).map(processInstanceFromRow),
    processTransitions: async (process, key) =>
      (await read<ProcessTransitionRow>('process_transitions', 'SELECT * FROM {s}.process_transitions WHERE process = $1 AND key = $2 ORDER BY seq', [process, key])).map(
        processTransitionFromRow,
      ),
    listTasks: async (filter) => {
      const { where, params } = taskListing(filter, (n) => `$${n}`);
      return (await read<TaskRow>(undefined, `SELECT * FROM {s}.tasks ${where} ORDER BY seq DESC LIMIT $${params.length + 1}`, [...params, filter.limit])).map(taskFromRow);
    },
    task: async (id) => {
      const [row] = await read<TaskRow>('task', 'SELECT * FROM {s}.tasks WHERE id = $1', [id]);
      return row ? taskFromRow(row) : undefined;
    },

    dueTimers: async ({ now, limit }): Promise<Timer[]> =>
      (
        await read<TimerRow>('due_timers', `SELECT * FROM {s}.timers WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at, id COLLATE "C" LIMIT $2`, [iso(now), limit])
      ).map(timerFromRow),

    // Finished commands are never read by a batch, so they can go outside the group commit.
    pruneCommands: async (before, limit) =>
      (
        await query(
          'prune_commands',
          `WITH gone AS (
             DELETE FROM {s}.outbox WHERE seq IN (
               SELECT seq FROM {s}.outbox WHERE status IN ('done', 'discarded') AND updated_at < $1 ORDER BY seq LIMIT $2
             ) RETURNING id
           ), attempts AS (
             DELETE FROM {s}.command_attempts WHERE command_id IN (SELECT id FROM gone)
           ), receipts AS (
             DELETE FROM {s}.delivery_receipts WHERE command_id IN (SELECT id FROM gone)
           )
           SELECT count(*)::int AS n FROM gone`,
          [iso(before), limit],
        )
      ).rows[0]?.n ?? 0,
    // Direct statements, outside group commit: only expired keys go, which no batch treats as live,
    // and row locks order the delete against a batch re-claiming one of them.
    expireIdempotencyKeys: async (now) => (await query('expire_idem', 'DELETE FROM {s}.idempotency_keys WHERE expires_at <= $1', [iso(now)])).rowCount ?? 0,

    createApiKey: async (record) => {
      await query('ins_api_key', 'INSERT INTO {s}.api_keys (id, name, secret_hash, scopes, created_at, revoked_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)', [
        record.id,
        record.name,
        record.secretHash,
        JSON.stringify(record.scopes),
        record.createdAt,
        record.revokedAt ?? null,
      ]);
    },
    apiKey: async (id): Promise<ApiKeyRecord | undefined> => {
      const [row] = await read<ApiKeyRow>('api_key', 'SELECT * FROM {s}.api_keys WHERE id = $1', [id]);
      return row ? apiKeyFromRow(row) : undefined;
    },
    listApiKeys: async () => (await read<ApiKeyRow>('list_api_keys', 'SELECT * FROM {s}.api_keys ORDER BY created_at, id COLLATE "C"')).map(apiKeyFromRow),
    revokeApiKey: async (id, at) => (await query('revoke_api_key', 'UPDATE {s}.api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount === 1,

    ping: async () => {
      if (closed) throw new DependencyError('store_unavailable', 'The store is closed.');
      try {
        await readers.query('SELECT 1');
      } catch (error) {
        throw new DependencyError('store_unavailable', 'The PostgreSQL store does not answer.', { cause: error });
      }
    },
    close() {
      closing ??= (async () => {
        await committer.close();
        closed = true;
        await end();
      })();
      return closing;
    },
  };
}
