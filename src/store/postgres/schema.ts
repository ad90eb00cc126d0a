import type { PoolClient } from 'pg';
import { ConfigError } from '../../errors/index.ts';

// Migrations of the PostgreSQL store, applied in order at start-up. A migration is never edited
// once released; a change is a new entry. Same tables and column names as the SQLite store, so the
// row mappers in ../rows.ts serve both. `{s}` stands for the quoted schema name.
//
// Types: positions are assigned by the planner under the writer lock (not by a sequence), so
// `position` is a plain bigint. Event `data` is `json`, not `jsonb`: json keeps the exact text the
// planner produced, which the duplicate check compares; jsonb would reorder keys. The event `time`
// is text so the client's string round-trips exactly. Times that are compared are timestamptz.

const migrations: readonly string[] = [
  `
  CREATE TABLE {s}.subjects (
    subject  text PRIMARY KEY,
    sid      bigint NOT NULL UNIQUE,
    version  integer NOT NULL
  );

  CREATE TABLE {s}.events (
    position     bigint PRIMARY KEY,
    id           text NOT NULL,
    source       text NOT NULL,
    type         text NOT NULL,
    subject      text NOT NULL,
    sid          bigint NOT NULL,
    sequence     integer NOT NULL,
    time         text NOT NULL,
    recorded_at  timestamptz NOT NULL,
    dataschema   text,
    traceparent  text,
    tracestate   text,
    data         json NOT NULL
  );
  CREATE UNIQUE INDEX events_id_source ON {s}.events (id, source);
  CREATE UNIQUE INDEX events_sid_sequence ON {s}.events (sid, sequence);

  CREATE TABLE {s}.checkpoints (
    consumer    text PRIMARY KEY,
    position    bigint NOT NULL,
    updated_at  timestamptz NOT NULL
  );

  CREATE TABLE {s}.idempotency_keys (
    scope        text NOT NULL,
    key          text NOT NULL,
    fingerprint  text NOT NULL,
    result       jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX idempotency_keys_expiry ON {s}.idempotency_keys (expires_at);

  CREATE TABLE {s}.xrefs (
    entity        text NOT NULL,
    system        text NOT NULL,
    external_id   text NOT NULL,
    canonical_id  text NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (entity, system, external_id)
  );
  CREATE INDEX xrefs_canonical ON {s}.xrefs (canonical_id);

  CREATE TABLE {s}.outbox (
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id            text NOT NULL UNIQUE,
    target        text NOT NULL,
    action        text NOT NULL,
    key           text NOT NULL,
    payload       jsonb NOT NULL,
    status        text NOT NULL DEFAULT 'pending',
    attempts      integer NOT NULL DEFAULT 0,
    available_at  timestamptz NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    causation_id  text,
    traceparent   text
  );
  CREATE INDEX outbox_due ON {s}.outbox (status, available_at, seq);

  CREATE TABLE {s}.timers (
    id          text PRIMARY KEY,
    key         text NOT NULL,
    kind        text NOT NULL,
    due_at      timestamptz NOT NULL,
    payload     jsonb NOT NULL,
    status      text NOT NULL DEFAULT 'pending',
    updated_at  timestamptz NOT NULL
  );
  CREATE INDEX timers_due ON {s}.timers (status, due_at);

  CREATE TABLE {s}.api_keys (
    id           text PRIMARY KEY,
    name         text NOT NULL,
    secret_hash  text NOT NULL,
    scopes       jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz
  );
  `,
  // 2: delivery. See the SQLite store's migration 2 for the reasoning; same tables and columns.
  `
  ALTER TABLE {s}.outbox ADD COLUMN priority smallint NOT NULL DEFAULT 1;
  ALTER TABLE {s}.outbox ADD COLUMN replays integer NOT NULL DEFAULT 0;
  ALTER TABLE {s}.outbox ADD COLUMN active_since timestamptz;
  ALTER TABLE {s}.outbox ADD COLUMN lease_owner text;
  ALTER TABLE {s}.outbox ADD COLUMN lease_until timestamptz;
  ALTER TABLE {s}.outbox ADD COLUMN error_code text;
  ALTER TABLE {s}.outbox ADD COLUMN error_message text;
  ALTER TABLE {s}.outbox ADD COLUMN is_head boolean NOT NULL DEFAULT false;
  UPDATE {s}.outbox o SET is_head = true WHERE o.status IN ('pending', 'dead')
    AND o.seq = (SELECT MIN(p.seq) FROM {s}.outbox p WHERE p.target = o.target AND p.key = o.key AND p.status IN ('pending', 'dead'));
  CREATE INDEX outbox_heads ON {s}.outbox (target, priority, seq) WHERE is_head AND status = 'pending';
  CREATE INDEX outbox_key_open ON {s}.outbox (target, key, seq) WHERE status IN ('pending', 'dead');
  CREATE INDEX outbox_listing ON {s}.outbox (status, target, seq);
  DROP INDEX {s}.outbox_due;

  CREATE TABLE {s}.command_attempts (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    command_id     text NOT NULL,
    attempt        integer NOT NULL,
    owner          text NOT NULL,
    started_at     timestamptz NOT NULL,
    duration_ms    double precision NOT NULL,
    outcome        text NOT NULL,
    error_code     text,
    error_message  text,
    target_status  integer
  );
  CREATE INDEX command_attempts_command ON {s}.command_attempts (command_id, seq);

  CREATE TABLE {s}.delivery_receipts (
    command_id  text PRIMARY KEY,
    target      text NOT NULL,
    action      text NOT NULL,
    target_id   text,
    status      text NOT NULL,
    at          timestamptz NOT NULL
  );

  CREATE TABLE {s}.audit_log (
    seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id       text NOT NULL UNIQUE,
    at       timestamptz NOT NULL,
    actor    text NOT NULL,
    action   text NOT NULL,
    subject  text NOT NULL,
    reason   text NOT NULL,
    details  jsonb
  );
  CREATE INDEX audit_log_subject ON {s}.audit_log (subject, seq);
  `,
  // 3: inbound rejections and polling cursors (see the SQLite schema).
  `
  CREATE TABLE {s}.inbound_rejections (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           text NOT NULL UNIQUE,
    source       text NOT NULL,
    topic        text,
    delivery_id  text,
    code         text NOT NULL,
    message      text NOT NULL,
    problems     jsonb NOT NULL,
    headers      jsonb NOT NULL,
    body         text,
    received_at  timestamptz NOT NULL,
    status       text NOT NULL,
    resolved_at  timestamptz
  );
  CREATE INDEX inbound_rejections_listing ON {s}.inbound_rejections (source, status, seq);

  CREATE TABLE {s}.source_cursors (
    source      text PRIMARY KEY,
    cursor      text NOT NULL,
    updated_at  timestamptz NOT NULL
  );
  `,
  // 4: process instances, their transitions and tasks (see the SQLite schema).
  `
  CREATE TABLE {s}.process_instances (
    process             text NOT NULL,
    key                 text NOT NULL,
    definition_version  integer NOT NULL,
    state               text NOT NULL,
    data                jsonb NOT NULL,
    finished            boolean NOT NULL,
    seq                 integer NOT NULL,
    started_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (process, key)
  );
  CREATE INDEX process_instances_key ON {s}.process_instances (key, process);

  CREATE TABLE {s}.process_transitions (
    process     text NOT NULL,
    key         text NOT NULL,
    seq         integer NOT NULL,
    from_state  text,
    to_state    text NOT NULL,
    cause       text NOT NULL,
    cause_id    text NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (process, key, seq)
  );

  CREATE TABLE {s}.tasks (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          text NOT NULL UNIQUE,
    process     text NOT NULL,
    key         text NOT NULL,
    kind        text NOT NULL,
    title       text NOT NULL,
    options     jsonb NOT NULL,
    data        jsonb NOT NULL,
    status      text NOT NULL,
    claimed_by  text,
    decision    text,
    note        text,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
  );
  CREATE INDEX tasks_listing ON {s}.tasks (status, seq);
  CREATE INDEX tasks_key ON {s}.tasks (key, seq);
  `,
  // 5: commands that report their result into the log (see the SQLite schema).
  `
  ALTER TABLE {s}.outbox ADD COLUMN report boolean NOT NULL DEFAULT false;
  `,
];

/** The schema version this build writes. */
export const schemaVersion = migrations.length;

/**
 * Brings the schema to the latest version: one transaction per migration, each holding the writer
 * lock (a transaction-scoped advisory lock), so hub processes starting at once apply every migration
 * exactly once and no batch is written halfway through one. Creates the PostgreSQL schema if missing.
 */
export async function migrate(client: PoolClient, schema: string, quotedSchema: string, lockKey: readonly [number, number]): Promise<void> {
  const sql = (text: string) => text.replaceAll('{s}', quotedSchema);
  for (let first = true; ; first = false) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [lockKey[0], lockKey[1]]);
      if (first) {
        // Create the schema only when missing: CREATE SCHEMA IF NOT EXISTS still needs the CREATE
        // privilege on the database, which a role given a pre-made schema may lack.
        const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
        if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quotedSchema}`);
        await client.query(sql('CREATE TABLE IF NOT EXISTS {s}.weft_meta (key text PRIMARY KEY, value text NOT NULL)'));
      }
      const row = (await client.query<{ value: string }>(sql("SELECT value FROM {s}.weft_meta WHERE key = 'schema_version'"))).rows[0];
      const current = row ? Number(row.value) : 0;
      if (current > migrations.length) {
        throw new ConfigError(
          'store_incompatible',
          `The PostgreSQL schema "${schema}" was written by a newer Weft (schema version ${current}; this build knows ${migrations.length}). Upgrade Weft or point it at another schema.`,
        );
      }
      if (current === migrations.length) {
        await client.query('COMMIT');
        return;
      }
      await client.query(sql(migrations[current] as string));
      await client.query(
        sql("INSERT INTO {s}.weft_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
        [String(current + 1)],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}

/** Throws store_incompatible unless the schema is migrated to exactly this build's version (a read-only connection migrates nothing). */
export async function checkMigrated(client: PoolClient, schema: string, quotedSchema: string): Promise<void> {
  const row = (await client.query<{ value: string }>(`SELECT value FROM ${quotedSchema}.weft_meta WHERE key = 'schema_version'`)).rows[0];
  const current = row ? Number(row.value) : 0;
  if (current !== migrations.length) {
    throw new ConfigError('store_incompatible', `The PostgreSQL schema "${schema}" is at version ${current}; this build needs ${migrations.length}. A read-only connection migrates nothing: start the hub that writes it first.`);
  }
}
