import type { DatabaseSync } from 'node:sqlite';
import { ConfigError } from '../../errors/index.ts';

// Migrations of the embedded store, applied in order at open. A migration is never edited once
// released; a change is a new entry. Times are ISO 8601 UTC text (toISOString form, so they sort).
//
// Index layout is what write throughput hangs on: every index of `events` is updated per event.
// (id, source) serves duplicate detection and lookup by id, and appends when ids are ULIDs; subjects
// get a small integer id so the per-subject order index holds two integers per entry, not text.

const migrations: readonly string[] = [
  `
  CREATE TABLE subjects (
    subject  TEXT PRIMARY KEY,
    sid      INTEGER NOT NULL UNIQUE,
    version  INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE events (
    position     INTEGER PRIMARY KEY,
    id           TEXT NOT NULL,
    source       TEXT NOT NULL,
    type         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    sid          INTEGER NOT NULL,
    sequence     INTEGER NOT NULL,
    time         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    dataschema   TEXT,
    traceparent  TEXT,
    tracestate   TEXT,
    data         TEXT NOT NULL
  );
  CREATE UNIQUE INDEX events_id_source ON events (id, source);
  CREATE UNIQUE INDEX events_sid_sequence ON events (sid, sequence);

  CREATE TABLE checkpoints (
    consumer    TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    result       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

  CREATE TABLE xrefs (
    entity        TEXT NOT NULL,
    system        TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    canonical_id  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (entity, system, external_id)
  ) WITHOUT ROWID;
  CREATE INDEX xrefs_canonical ON xrefs (canonical_id);

  CREATE TABLE outbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    target        TEXT NOT NULL,
    action        TEXT NOT NULL,
    key           TEXT NOT NULL,
    payload       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending',
    attempts      INTEGER NOT NULL DEFAULT 0,
    available_at  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    causation_id  TEXT,
    traceparent   TEXT
  );
  CREATE INDEX outbox_due ON outbox (status, available_at, seq);

  CREATE TABLE timers (
    id          TEXT PRIMARY KEY,
    key         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    updated_at  TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX timers_due ON timers (status, due_at);

  CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
  ) WITHOUT ROWID;
  `,
  // 2: delivery. Leases let workers (and hubs) share the outbox. `is_head` marks the oldest
  // unfinished (pending or dead) command of each (target, key): claims scan only heads, so a long
  // queue behind a busy or parked key costs nothing. Attempts, receipts and the audit log are
  // append-only.
  `
  ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE outbox ADD COLUMN replays INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE outbox ADD COLUMN active_since TEXT;
  ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
  ALTER TABLE outbox ADD COLUMN lease_until TEXT;
  ALTER TABLE outbox ADD COLUMN error_code TEXT;
  ALTER TABLE outbox ADD COLUMN error_message TEXT;
  ALTER TABLE outbox ADD COLUMN is_head INTEGER NOT NULL DEFAULT 0;
  UPDATE outbox SET is_head = 1 WHERE status IN ('pending', 'dead')
    AND seq = (SELECT MIN(p.seq) FROM outbox p WHERE p.target = outbox.target AND p.key = outbox.key AND p.status IN ('pending', 'dead'));
  CREATE INDEX outbox_heads ON outbox (target, priority, seq) WHERE is_head = 1 AND status = 'pending';
  CREATE INDEX outbox_key_open ON outbox (target, key, seq) WHERE status IN ('pending', 'dead');
  CREATE INDEX outbox_listing ON outbox (status, target, seq);
  -- Claims use the heads index; every other outbox read is served by outbox_listing. One index
  -- fewer to maintain on every enqueue and settlement.
  DROP INDEX outbox_due;

  CREATE TABLE command_attempts (
    seq            INTEGER PRIMARY KEY,
    command_id     TEXT NOT NULL,
    attempt        INTEGER NOT NULL,
    owner          TEXT NOT NULL,
    started_at     TEXT NOT NULL,
    duration_ms    REAL NOT NULL,
    outcome        TEXT NOT NULL,
    error_code     TEXT,
    error_message  TEXT,
    target_status  INTEGER
  );
  CREATE INDEX command_attempts_command ON command_attempts (command_id, seq);

  CREATE TABLE delivery_receipts (
    command_id  TEXT PRIMARY KEY,
    target      TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_id   TEXT,
    status      TEXT NOT NULL,
    at          TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE audit_log (
    seq      INTEGER PRIMARY KEY,
    id       TEXT NOT NULL UNIQUE,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    reason   TEXT NOT NULL,
    details  TEXT
  );
  CREATE INDEX audit_log_subject ON audit_log (subject, seq);
  `,
  // 3: inbound. Webhooks refused (bad signature, unmappable payload) are kept with their reason, and
  // polled sources keep their cursor, written in the same transaction as the events a poll found.
  `
  CREATE TABLE inbound_rejections (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,
    topic        TEXT,
    delivery_id  TEXT,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL,
    problems     TEXT NOT NULL,
    headers      TEXT NOT NULL,
    body         TEXT,
    received_at  TEXT NOT NULL,
    status       TEXT NOT NULL,
    resolved_at  TEXT
  );
  CREATE INDEX inbound_rejections_listing ON inbound_rejections (source, status, seq);

  CREATE TABLE source_cursors (
    source      TEXT PRIMARY KEY,
    cursor      TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 4: processes. One row per (process, business key), written by compare-and-set on `seq`; its
  // steps as append-only history; tasks for people, numbered by `seq` so they list newest first.
  `
  CREATE TABLE process_instances (
    process             TEXT NOT NULL,
    key                 TEXT NOT NULL,
    definition_version  INTEGER NOT NULL,
    state               TEXT NOT NULL,
    data                TEXT NOT NULL,
    finished            INTEGER NOT NULL,
    seq                 INTEGER NOT NULL,
    started_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (process, key)
  ) WITHOUT ROWID;
  CREATE INDEX process_instances_key ON process_instances (key, process);

  CREATE TABLE process_transitions (
    process     TEXT NOT NULL,
    key         TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    cause       TEXT NOT NULL,
    cause_id    TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (process, key, seq)
  ) WITHOUT ROWID;

  CREATE TABLE tasks (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    process     TEXT NOT NULL,
    key         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    options     TEXT NOT NULL,
    data        TEXT NOT NULL,
    status      TEXT NOT NULL,
    claimed_by  TEXT,
    decision    TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  );
  CREATE INDEX tasks_listing ON tasks (status, seq);
  CREATE INDEX tasks_key ON tasks (key, seq);
  `,
  // 5: commands may ask for their result to be appended to the log (weft.command.delivered.v1 /
  // failed.v1), so a process can wait on them.
  `
  ALTER TABLE outbox ADD COLUMN report INTEGER NOT NULL DEFAULT 0;
  `,
];

/** Brings the database to the latest schema version, in one transaction per migration. */
export function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS weft_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
  const row = db.prepare("SELECT value FROM weft_meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  const current = row ? Number(row.value) : 0;
  if (current > migrations.length) {
    throw new ConfigError(
      'store_incompatible',
      `The database was written by a newer Weft (schema version ${current}; this build knows ${migrations.length}). Upgrade Weft or point it at another database.`,
    );
  }
  for (let version = current + 1; version <= migrations.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migrations[version - 1] as string);
      db.prepare("INSERT INTO weft_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(version));
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}
