import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { storeContract } from '../../ports/store.contract.ts';
import type { Store, UnitOfWork } from '../../ports/store.ts';
import { createPostgresStore } from './store.ts';
import { postgresTestUrl, postgresUnavailable, reportPostgresUnavailable, withPostgres } from '../../../test/support/postgres.ts';

// Needs a PostgreSQL server (test/support/postgres.ts says which). Each store name gets its own
// schema (dropped at the end), so runs never see each other's rows. In CI the server is required;
// elsewhere the suite is skipped when none answers.

const url = postgresTestUrl;
const admin = withPostgres;
const created = new Set<string>();

function schemaFor(name: string): string {
  const schema = `weft_t_${name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
  created.add(schema);
  return schema;
}

const unreachable = await postgresUnavailable();

if (unreachable !== undefined) {
  reportPostgresUnavailable('store contract: postgres', unreachable);
} else {
  after(async () => {
    await admin(async (client) => {
      for (const schema of created) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    });
  });

  storeContract('postgres', async (name, options) => createPostgresStore({ ...options, url, schema: schemaFor(name) }));

  describe('postgres store', () => {
    const open: Store[] = [];
    after(async () => {
      for (const store of open) await store.close().catch(() => undefined);
    });
    const openStore = async (schema: string, maxBatchUnits?: number): Promise<Store> => {
      const store = await createPostgresStore({ url, schema, poolSize: 4, ...(maxBatchUnits === undefined ? {} : { maxBatchUnits }) });
      open.push(store);
      return store;
    };

    it('serialises writers of separate processes: unique gap-free positions, contiguous sequences', async () => {
      const schema = schemaFor(`multi_${process.pid}_${Date.now().toString(36)}`);
      // Two pools on a fresh schema, opened at once: the migration lock lets exactly one migrate.
      // Small batches, so the two contend for the writer lock many times.
      const [a, b] = await Promise.all([openStore(schema, 16), openStore(schema, 16)]);
      assert.ok(a && b);
      const subjects = 5;
      const perStore = 600;
      const unit = (store: string, i: number): UnitOfWork => ({
        events: [{ id: `${store}-${i}`, source: '/test/multi', type: 'weft.test.v1', subject: `ord_${i % subjects}`, time: '2026-11-23T10:00:00.000Z', data: { store, i } }],
      });
      // Submitted in waves, so both stores commit many interleaved transactions.
      const results = await Promise.all(
        Array.from({ length: perStore }, (_, i) => [a.commit(unit('a', i)), b.commit(unit('b', i))]).flat(),
      );
      const positions = results.map((result) => {
        assert.equal(result.status, 'committed');
        assert.ok(result.status === 'committed');
        return result.events[0]?.position ?? 0;
      });
      assert.deepEqual([...positions].sort((x, y) => x - y), Array.from({ length: 2 * perStore }, (_, i) => i + 1));
      assert.equal(await a.lastPosition(), 2 * perStore);
      const log = await b.readAll({ limit: 10_000 });
      assert.deepEqual(log.map((e) => e.position), Array.from({ length: 2 * perStore }, (_, i) => i + 1));
      const switches = log.filter((e, i) => i > 0 && e.id[0] !== log[i - 1]?.id[0]).length;
      assert.ok(switches > 2, `expected the two writers' transactions to interleave, got ${switches} switches`);
      for (let s = 0; s < subjects; s++) {
        const events = await a.readSubject(`ord_${s}`, { limit: 10_000 });
        assert.equal(events.length, (2 * perStore) / subjects);
        assert.deepEqual(events.map((e) => e.sequence), events.map((_, i) => i + 1));
        // Sequence order is log order.
        assert.deepEqual(events.map((e) => e.position), [...events.map((e) => e.position)].sort((x, y) => x - y));
      }
    });

    it('round-trips the exact JSON text of event data and JSON strings as payloads', async () => {
      const store = await openStore(schemaFor(`json_${process.pid}_${Date.now().toString(36)}`));
      const event = { id: 'e1', source: '/test/json', type: 'weft.test.v1', subject: 's', time: '2026-11-23T10:00:00+01:00', data: { z: 1, a: { y: 'Grüße', b: [3, 1] }, nul: '\u0000' } };
      const first = await store.commit({
        events: [event],
        outbox: [{ id: 'cmd_s', target: 't', action: 'a', key: 'k', payload: 'just a string' }],
        timers: [{ id: 'tmr_s', key: 'k', kind: 'x', dueAt: '2026-01-01T00:00:00.000Z', payload: '42' }],
      });
      assert.equal(first.status, 'committed');
      // Key order matters to the duplicate check: jsonb would have reordered { z, a }.
      const again = await store.commit({ events: [{ ...event }] });
      assert.deepEqual(again.status === 'committed' && again.events.map((e) => e.duplicate), [true]);
      const [stored] = await store.readAll({ limit: 1 });
      assert.equal(stored?.time, event.time);
      assert.equal(JSON.stringify(stored?.data), JSON.stringify(event.data));
      assert.equal((await store.command('cmd_s'))?.payload, 'just a string');
      assert.equal((await store.dueTimers({ now: '2026-01-02T00:00:00.000Z', limit: 1 }))[0]?.payload, '42');
    });

    it('applies repeated settlements and timer operations of one batch in order', async () => {
      const store = await openStore(schemaFor(`fold_${process.pid}_${Date.now().toString(36)}`));
      const timer = { key: 'k', kind: 'x', dueAt: '2026-01-01T00:00:00.000Z', payload: {} };
      await store.commit({
        outbox: [{ id: 'cmd_1', target: 't', action: 'a', key: 'k', payload: {}, availableAt: '2026-01-01T00:00:00.000Z' }],
        timers: [{ ...timer, id: 'tmr_old' }],
      });
      const results = await Promise.all([
        store.commit({ settle: [{ id: 'cmd_1', outcome: 'retry', availableAt: '2026-01-02T00:00:00.000Z' }] }),
        store.commit({ settle: [{ id: 'cmd_1', outcome: 'retry' }], cancelTimers: ['tmr_old'] }),
        store.commit({ timers: [{ ...timer, id: 'tmr_new' }], firedTimers: ['tmr_old'] }),
        store.commit({ cancelTimers: ['tmr_new'] }),
        store.commit({ timers: [{ ...timer, id: 'tmr_new', kind: 'y' }] }),
      ]);
      assert.ok(results.every((r) => r.status === 'committed'));
      const command = await store.command('cmd_1');
      assert.deepEqual([command?.status, command?.attempts, command?.availableAt], ['pending', 2, '2026-01-02T00:00:00.000Z']);
      assert.deepEqual(
        (await store.dueTimers({ now: '2026-01-02T00:00:00.000Z', limit: 10 })).map((t) => [t.id, t.kind]),
        [['tmr_new', 'y']],
      );
    });

    it('rejects a unit PostgreSQL cannot hold as a non-retryable error, and commits its neighbours', async () => {
      const store = await openStore(schemaFor(`poison_${process.pid}_${Date.now().toString(36)}`));
      const unit = (subject: string, id: string): UnitOfWork => ({ events: [{ id, source: '/t', type: 't', subject, time: 't', data: {} }] });
      const [before, poison, afterwards] = await Promise.allSettled([store.commit(unit('s', 'p1')), store.commit(unit('s\u0000', 'p2')), store.commit(unit('s', 'p3'))]);
      assert.equal(before.status === 'fulfilled' && before.value.status, 'committed');
      assert.equal(afterwards.status === 'fulfilled' && afterwards.value.status, 'committed');
      assert.equal(poison.status === 'rejected' && (poison.reason as { code?: string; retryable?: boolean }).code, 'malformed_request');
      assert.equal(await store.subjectVersion('s'), 2);
      assert.equal((await store.commit(unit('s', 'p4'))).status, 'committed');
    });

    it('refuses a schema written by a newer Weft', async () => {
      const schema = schemaFor(`newer_${process.pid}_${Date.now().toString(36)}`);
      await (await createPostgresStore({ url, schema })).close();
      await admin((client) => client.query(`UPDATE ${pg.escapeIdentifier(schema)}.weft_meta SET value = '999' WHERE key = 'schema_version'`));
      await assert.rejects(createPostgresStore({ url, schema }), { code: 'store_incompatible' });
    });

    it('survives the server dropping its connections, and never names the URL when unreachable', async () => {
      const schema = schemaFor(`drop_${process.pid}_${Date.now().toString(36)}`);
      const store = await openStore(schema);
      await store.ping();
      await admin((client) => client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`weft:${schema}`]));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const results = await Promise.all([1, 2].map((i) => store.commit({ events: [{ id: `d${i}`, source: '/t', type: 't', subject: 's', time: 't', data: i }] })));
      assert.deepEqual(results.map((r) => r.status), ['committed', 'committed']);

      const secret = 's3cret-pw';
      await assert.rejects(createPostgresStore({ url: `postgres://weft:${secret}@127.0.0.1:1/test`, schema, connectTimeoutMs: 1000 }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'store_unavailable');
        assert.ok(!error.message.includes(secret));
        return true;
      });
    });
  });
}
