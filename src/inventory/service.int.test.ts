import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { Store } from '../ports/store.ts';
import { createPostgresStore } from '../store/postgres/store.ts';
import { postgresTestUrl, postgresUnavailable, reportPostgresUnavailable, withPostgres } from '../../test/support/postgres.ts';
import { runReservationStorm } from './concurrency-scenario.ts';

// The reservation storm of service.test.ts against PostgreSQL: two hubs, each with its own pool on
// one fresh schema (dropped at the end), race for the same units. Needs a PostgreSQL server
// (test/support/postgres.ts says which); in CI it is required, elsewhere the suite is skipped.

const unreachable = await postgresUnavailable();

if (unreachable !== undefined) {
  reportPostgresUnavailable('inventory service: postgres', unreachable);
} else {
  describe('inventory service (postgres)', () => {
    const schema = `weft_t_inventory_${process.pid}_${Date.now().toString(36)}`;
    const open: Store[] = [];
    after(async () => {
      for (const store of open) await store.close().catch(() => undefined);
      await withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));
    });

    it('two hubs, each with its own connection to one database, racing 200 orders for 30 units, never promise a unit twice', async (t) => {
      // Opened at once on the fresh schema: the migration lock lets one of them create it.
      const stores = await Promise.all([0, 1].map(() => createPostgresStore({ url: postgresTestUrl, schema, poolSize: 4 })));
      open.push(...stores);
      const report = await runReservationStorm([stores[0] as Store, stores[1] as Store]);
      t.diagnostic(`storm: ${JSON.stringify(report)}`);
      assert.ok(report.reserved + report.partial > 0 && report.short > 0, `the stock ran out: ${JSON.stringify(report)}`);
      assert.ok(report.versionConflicts > 0, `the hubs raced for the same keys: ${JSON.stringify(report)}`);
    });
  });
}
