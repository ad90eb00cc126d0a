import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { createHttpTarget } from '../../src/connectors/http/connector.ts';
import { parseHttpTargetSettings } from '../../src/connectors/http/settings.ts';
import { createHttpClient } from '../../src/connectors/sdk/http-client.ts';
import { createDeliveryEngine } from '../../src/delivery/engine.ts';
import { createRouter } from '../../src/delivery/router.ts';
import type { DeliveryLog } from '../../src/delivery/telemetry.ts';
import { createIdGenerator, systemClock } from '../../src/ports/clock.ts';
import type { Store } from '../../src/ports/store.ts';
import { createPostgresStore } from '../../src/store/postgres/store.ts';
import { startFakeTarget } from '../support/fake-target.ts';
import { postgresTestUrl, postgresUnavailable, reportPostgresUnavailable, withPostgres } from '../support/postgres.ts';

// Scale-out delivery: two "hubs" (two stores, two routers, two engines) share one PostgreSQL schema
// and deliver to one faulty target. Claims with SKIP LOCKED and checkpoint compare-and-set must keep
// every effect single and every key in order across them.

const schema = `weft_delivery_${process.pid}`;
const unavailable = await postgresUnavailable();
const quiet: DeliveryLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
after(async () => {
  if (!unavailable) await withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));
});

if (unavailable) {
  reportPostgresUnavailable('delivery on PostgreSQL', unavailable);
} else {
  test('two hubs deliver from one PostgreSQL store: each effect once, each key in order', { timeout: 120_000 }, async () => {
    const fake = await startFakeTarget({ faults: { error500: 0.1, reset: 0.05, duplicateAck: 0.1, seed: 11 } });
    const http = createHttpClient();
    const settings = parseHttpTargetSettings('erp', {
      connector: 'http',
      baseUrl: fake.url,
      timeoutMs: 1000,
      rateLimit: { requestsPerSecond: 1000, burst: 50, maxConcurrency: 8 },
      retry: { maxAttempts: 50, baseDelayMs: 5, maxDelayMs: 50 },
      // A quarter of requests fail by design here: the breaker must not stall the run for 30 s.
      breaker: { failureThreshold: 50, openMs: 200 },
      actions: { createOrder: { path: '/effects/orders' } },
    });
    const stores: Store[] = [];
    const hubs = [];
    for (const name of ['hub-a', 'hub-b']) {
      const store = await createPostgresStore({ url: postgresTestUrl, schema, poolSize: 4 });
      stores.push(store);
      const target = createHttpTarget('erp', settings, { http });
      const ids = createIdGenerator();
      const engine = createDeliveryEngine({ store, targets: new Map([['erp', target]]), clock: systemClock, ids, log: quiet, http }, { owner: `${name}:1:x`, pollMs: 10 });
      const router = createRouter({ store, ids, clock: systemClock, log: quiet }, { routes: [{ name: 'orders', events: ['weft.order.captured.v1'], target: 'erp', action: 'createOrder' }], pollMs: 10 });
      hubs.push({ engine, router });
    }
    try {
      const [store] = stores as [Store];
      // The fake target records order per `orderKey`: the router's payload is the event, so the
      // data carries it; `n` numbers each key's events in log order.
      const events = Array.from({ length: 300 }, (_, i) => ({
        id: `evt-pg-${i}`,
        source: '/test/pg',
        type: 'weft.order.captured.v1',
        subject: `ord_pg${i % 15}`,
        time: '2026-11-23T10:00:00.000Z',
        data: { orderKey: `ord_pg${i % 15}`, n: i },
      }));
      for (let i = 0; i < events.length; i += 50) assert.equal((await store.commit({ events: events.slice(i, i + 50) })).status, 'committed');
      for (const hub of hubs) {
        hub.router.start();
        hub.engine.start();
      }
      const deadline = Date.now() + 90_000;
      while ((await store.listCommands({ status: 'done', limit: 1000 })).length < events.length) {
        if (Date.now() > deadline) throw new Error(`not delivered in time: ${JSON.stringify(await store.outboxStats())}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal((await store.listCommands({ limit: 1000 })).length, events.length, 'each event routed once across both routers');
      const stats = fake.stats();
      assert.equal(stats.applied, events.length);
      assert.equal(stats.maxEffectsPerKey, 1);
      assert.deepEqual(stats.orderViolations, []);
      const attempts = await withPostgres(async (client) =>
        (await client.query<{ owner: string; n: string }>(`SELECT owner, count(*) AS n FROM ${pg.escapeIdentifier(schema)}.command_attempts GROUP BY owner`)).rows,
      );
      assert.equal(attempts.length, 2, `both hubs delivered (${JSON.stringify(attempts)})`);
    } finally {
      for (const hub of hubs) {
        await hub.router.stop();
        await hub.engine.stop();
      }
      for (const store of stores) await store.close();
      await http.close();
      await fake.close();
    }
  });
}
