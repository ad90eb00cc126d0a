import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { availabilityReadersScenario } from '../support/availability-readers.ts';
import { postgresTestUrl, postgresUnavailable, reportPostgresUnavailable, withPostgres } from '../support/postgres.ts';

// The availability readers on the scale-out store: each reader thread opens its own read-only
// PostgreSQL connection beside the hub's and follows the same log (the scenario of
// test/support/availability-readers.ts).

const unavailable = await postgresUnavailable();
if (unavailable) {
  reportPostgresUnavailable('availability reader threads on PostgreSQL', unavailable);
} else {
  const schema = `weft_e2e_readers_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'weft-pg-readers-'));
  availabilityReadersScenario(
    'postgres',
    () => ({ WEFT_DATA_DIR: dir, WEFT_STORE_KIND: 'postgres', WEFT_STORE_POSTGRES_URL: postgresTestUrl, WEFT_STORE_POSTGRES_SCHEMA: schema }),
    async () => {
      rmSync(dir, { recursive: true, force: true });
      await withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));
    },
  );
}
