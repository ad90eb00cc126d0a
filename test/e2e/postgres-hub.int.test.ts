import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { startHub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { exampleEvent } from '../../src/domain/events/examples.ts';
import { postgresTestUrl, postgresUnavailable, reportPostgresUnavailable, withPostgres } from '../support/postgres.ts';

// The same hub on the scale-out store: configured by environment, it ingests, dedups and reads back
// through PostgreSQL exactly as on the embedded store, and keeps everything across a restart.

const unavailable = await postgresUnavailable();
const schema = `weft_e2e_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'weft-pg-hub-'));
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!unavailable) await withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));
});

if (unavailable) {
  reportPostgresUnavailable('hub on PostgreSQL', unavailable);
} else {
  test('the hub runs on PostgreSQL when configured to, and keeps events across restarts', async () => {
    const env = {
      WEFT_DATA_DIR: dir,
      WEFT_HTTP_PORT: '0',
      WEFT_LOG_LEVEL: 'silent',
      WEFT_STORE_KIND: 'postgres',
      WEFT_STORE_POSTGRES_URL: postgresTestUrl,
      WEFT_STORE_POSTGRES_SCHEMA: schema,
    };
    let token = '';
    const first = await startHub(loadConfig({ env }), { announce: (text) => (token = /(weft_key_\S+)/.exec(text)?.[1] ?? token) });
    assert.equal(first.store.kind, 'postgres');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const stock = { ...exampleEvent('weft.inventory.adjusted.v1'), id: 'pos-7-981', source: '/pos/store-7' };
    const order = exampleEvent('weft.order.captured.v1');
    const posted = await fetch(`${first.url}/v1/events`, { method: 'POST', headers: { ...headers, 'idempotency-key': 'k1' }, body: JSON.stringify([stock, order]) });
    assert.equal(posted.status, 201, await posted.clone().text());
    const replay = await fetch(`${first.url}/v1/events`, { method: 'POST', headers: { ...headers, 'idempotency-key': 'k1' }, body: JSON.stringify([stock, order]) });
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const again = await fetch(`${first.url}/v1/events`, { method: 'POST', headers, body: JSON.stringify(stock) });
    assert.equal(((await again.json()) as { events: { duplicate: boolean }[] }).events[0]?.duplicate, true);
    await first.close();

    const second = await startHub(loadConfig({ env }), { announce: () => undefined });
    try {
      const page = (await (await fetch(`${second.url}/v1/events?limit=10`, { headers })).json()) as { events: { id: string; type: string; position: number }[] };
      assert.deepEqual(page.events.map((event) => [event.position, event.type]), [
        [1, 'weft.inventory.adjusted.v1'],
        [2, 'weft.order.captured.v1'],
      ]);
      const ready = (await (await fetch(`${second.url}/health/ready`)).json()) as { store: string };
      assert.equal(ready.store, 'postgres');
    } finally {
      await second.close();
    }
  });
}
