import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { createIdGenerator, systemClock } from '../ports/clock.ts';
import type { NewEvent } from '../ports/store.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import { createRouter, ROUTER_CONSUMER } from './router.ts';
import type { DeliveryLog } from './telemetry.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-router-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quiet: DeliveryLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let n = 0;
function event(type: string, subject: string): NewEvent {
  n++;
  return { id: `e${n}`, source: '/test', type, subject, time: '2026-11-23T10:00:00.000Z', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', data: { n } };
}

it('turns routed events into commands in log order, with the checkpoint in the same unit, once', async () => {
  const store = createSqliteStore({ path: join(dir, 'r.db') });
  const routed: string[][] = [];
  const router = createRouter(
    { store, ids: createIdGenerator(), clock: systemClock, log: quiet, onRouted: (targets) => routed.push([...targets]) },
    {
      routes: [
        { name: 'orders to erp', events: ['weft.order.captured.v1', 'weft.order.cancelled.v1'], target: 'erp', action: 'upsertOrder' },
        { name: 'orders to crm', events: ['weft.order.captured.v1'], target: 'crm', action: 'note', priority: 'bulk' },
      ],
      priorities: (target) => (target === 'erp' ? 'urgent' : undefined),
      batchSize: 3,
    },
  );
  try {
    await store.commit({
      events: [event('weft.order.captured.v1', 'ord_A'), event('weft.inventory.adjusted.v1', 'SKU@loc'), event('weft.order.cancelled.v1', 'ord_A'), event('weft.order.captured.v1', 'ord_B')],
    });
    await router.drain();
    assert.equal(await store.checkpoint(ROUTER_CONSUMER), 4);
    const commands = (await store.listCommands({ limit: 10 })).reverse();
    assert.deepEqual(
      commands.map((c) => [c.target, c.action, c.key, c.priority, c.causationId]),
      [
        ['erp', 'upsertOrder', 'ord_A', 'urgent', 'e1'],
        ['crm', 'note', 'ord_A', 'bulk', 'e1'],
        ['erp', 'upsertOrder', 'ord_A', 'urgent', 'e3'],
        ['erp', 'upsertOrder', 'ord_B', 'urgent', 'e4'],
        ['crm', 'note', 'ord_B', 'bulk', 'e4'],
      ],
    );
    assert.deepEqual(commands[0]?.payload, { id: 'e1', source: '/test', type: 'weft.order.captured.v1', subject: 'ord_A', time: '2026-11-23T10:00:00.000Z', data: { n: 1 } });
    assert.equal(commands[0]?.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    assert.ok(routed.flat().includes('erp') && routed.flat().includes('crm'));

    await router.drain();
    assert.equal((await store.listCommands({ limit: 10 })).length, 5, 'draining again routes nothing twice');

    // A restarted router continues from its checkpoint.
    await store.commit({ events: [event('weft.order.captured.v1', 'ord_C')] });
    const again = createRouter({ store, ids: createIdGenerator(), clock: systemClock, log: quiet }, { routes: [{ name: 'x', events: ['weft.order.captured.v1'], target: 'erp', action: 'upsertOrder' }] });
    await again.drain();
    assert.deepEqual((await store.listCommands({ key: 'ord_C', limit: 10 })).map((c) => c.target), ['erp']);
    assert.equal(await store.checkpoint(ROUTER_CONSUMER), 5);
  } finally {
    await store.close();
  }
});

it('routes each event once when two routers share a store', async () => {
  const store = createSqliteStore({ path: join(dir, 'two.db') });
  const routes = [{ name: 'x', events: ['weft.order.captured.v1'], target: 'erp', action: 'a' }];
  const one = createRouter({ store, ids: createIdGenerator(), clock: systemClock, log: quiet }, { routes, batchSize: 7 });
  const two = createRouter({ store, ids: createIdGenerator(), clock: systemClock, log: quiet }, { routes, batchSize: 5 });
  try {
    for (let i = 0; i < 60; i++) await store.commit({ events: [event('weft.order.captured.v1', `ord_two${i % 6}`)] });
    await Promise.all([one.drain(), two.drain(), one.drain()]);
    const commands = await store.listCommands({ limit: 100 });
    assert.equal(commands.length, 60);
    assert.equal(new Set(commands.map((c) => c.causationId)).size, 60, 'no event routed twice');
  } finally {
    await store.close();
  }
});

it('routes as the log grows while started, and stops cleanly', async () => {
  const store = createSqliteStore({ path: join(dir, 's.db') });
  const router = createRouter({ store, ids: createIdGenerator(), clock: systemClock, log: quiet }, { routes: [{ name: 'x', events: ['weft.order.captured.v1'], target: 'erp', action: 'a' }], pollMs: 10 });
  try {
    router.start();
    for (let i = 0; i < 5; i++) await store.commit({ events: [event('weft.order.captured.v1', `ord_${i}`)] });
    router.wake();
    const deadline = Date.now() + 5000;
    while ((await store.listCommands({ limit: 10 })).length < 5) {
      if (Date.now() > deadline) throw new Error('not routed');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await router.stop();
    await store.commit({ events: [event('weft.order.captured.v1', 'ord_late')] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await store.listCommands({ limit: 10 })).length, 5, 'a stopped router routes nothing');
  } finally {
    await router.stop();
    await store.close();
  }
});

it('routes only the events that meet a route\'s conditions, and moves the checkpoint over the others', async () => {
  const store = createSqliteStore({ path: join(dir, 'where.db') });
  const router = createRouter(
    { store, ids: createIdGenerator(), clock: systemClock, log: quiet },
    {
      routes: [
        { name: 'web orders to the warehouse', events: ['weft.order.captured.v1'], target: 'wms', action: 'release', where: [{ pointer: '/data/channel', in: ['web', 'marketplace'] }] },
        { name: 'shop orders to the shop', events: ['weft.order.captured.v1'], target: 'shop', action: 'tag', where: [{ pointer: '/source', in: ['urn:weft:source:webshop'] }, { pointer: '/data/test', in: [null, false] }] },
      ],
    },
  );
  try {
    const order = (subject: string, source: string, data: object): NewEvent => ({ ...event('weft.order.captured.v1', subject), source, data });
    await store.commit({
      events: [
        order('ord_web', 'urn:weft:source:webshop', { channel: 'web' }),
        order('ord_pos', 'urn:weft:source:pos', { channel: 'pos' }),
        order('ord_test', 'urn:weft:source:webshop', { channel: 'web', test: true }),
        order('ord_nochannel', '/elsewhere', {}),
      ],
    });
    await router.drain();
    const commands = await store.listCommands({ limit: 10 });
    assert.deepEqual(commands.map((c) => `${c.target}:${c.key}`).sort(), ['shop:ord_web', 'wms:ord_test', 'wms:ord_web']);
    assert.equal(await store.checkpoint(ROUTER_CONSUMER), 4);
  } finally {
    await store.close();
  }
});
