import pg from 'pg';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { DependencyError, InputError, WeftError } from '../../errors/index.ts';

// Connections of the PostgreSQL store: pools with this store's own type parsers, the advisory lock
// key, one statement runner that maps driver errors onto Weft's error hierarchy.

/** Identifiers longer than this are silently truncated by PostgreSQL, so two names could collide. */
export const MAX_IDENTIFIER_BYTES = 63;

// Writers of one schema, in any process, serialise on an advisory lock keyed (namespace, hash of the
// schema name): positions are then assigned gap-free and become visible in commit order, which is
// what consumers tailing the log by position rely on. Migrations take the same lock.
const LOCK_NAMESPACE = 0x57656674; // 'Weft'

/** The advisory lock key of a schema's writers, as the two int4 arguments of pg_advisory_xact_lock. */
export function lockKey(schema: string): readonly [number, number] {
  // FNV-1a, 32 bits: a collision only makes two schemas share a lock, never breaks correctness.
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(schema)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return [LOCK_NAMESPACE, hash | 0];
}

function parseInt8(text: string): number {
  // Positions and counts fit in 2^53; refuse to round anything that does not.
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`A bigint column holds ${text}, beyond the safe integer range.`);
  return value;
}

/**
 * Type parsers of this store's pools only (never the driver's global ones): int8 as number, and
 * json/jsonb as their text, so ../rows.ts parses JSON exactly as for SQLite (a JSON string value
 * stays a string instead of being parsed twice).
 */
function typeParsers(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  const raw = (text: string): string => text;
  types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  types.setTypeParser(pg.types.builtins.JSON, raw);
  types.setTypeParser(pg.types.builtins.JSONB, raw);
  return types;
}

/** What a pool of the store connects with. */
export interface PoolSettings {
  url: string;
  schema: string;
  max: number;
  connectTimeoutMs: number;
  /** Send statements without waiting for the previous answer (the writer's connection). */
  pipeline?: boolean;
  /** Ends the session of a process that stops mid-transaction, releasing the writer lock. */
  idleInTransactionTimeoutMs?: number;
  /** Sessions whose transactions are read-only: the server refuses any write on them. */
  readOnly?: boolean;
}

/** A pool with the store's type parsers; the URL only goes to the driver. */
export function createPool(settings: PoolSettings): Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.max,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    keepAlive: true,
    // Lets operators tell hubs apart in pg_stat_activity.
    application_name: `weft:${settings.schema}`.slice(0, MAX_IDENTIFIER_BYTES),
    types: typeParsers(),
    pipeline: settings.pipeline ?? false,
    ...(settings.idleInTransactionTimeoutMs === undefined ? {} : { idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs }),
    ...(settings.readOnly === true ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection that the server drops emits 'error' on the pool; unhandled, it would crash the
  // process. The pool discards that connection by itself and the next query opens a new one.
  pool.on('error', () => undefined);
  return pool;
}

/** Maps a driver error to Weft's hierarchy: lost connections are retryable, bad values are not. */
export function storeError(error: unknown, message: string): Error {
  if (error instanceof WeftError) return error;
  if (error instanceof pg.DatabaseError && typeof error.code === 'string') {
    const sqlClass = error.code.slice(0, 2);
    // 22: data exception (a NUL character in text, a time out of range): retrying cannot help.
    if (sqlClass === '22') return new InputError('malformed_request', 'The store cannot hold a value of this request.', { cause: error });
    // 08 connection, 40 rollback (deadlock), 53 resources, 57 operator intervention (shutdown), 58 system.
    if (['08', '40', '53', '57', '58'].includes(sqlClass)) return new DependencyError('store_unavailable', message, { cause: error });
    return error;
  }
  // Anything else the driver throws means the connection failed (refused, reset, timed out, pool ended).
  return new DependencyError('store_unavailable', message, { cause: error });
}

/**
 * Runs one statement, mapping its errors with `storeError`. A `name` makes it a prepared statement,
 * parsed once per connection; without values it goes as a simple query (several statements allowed).
 */
export async function run<R extends QueryResultRow>(on: Pool | PoolClient, name: string | undefined, text: string, values: unknown[] = []): Promise<QueryResult<R>> {
  try {
    return await on.query<R>(name === undefined ? { text, values } : { name: `weft_${name}`, text, values });
  } catch (error) {
    throw storeError(error, 'The PostgreSQL store is unavailable.');
  }
}
