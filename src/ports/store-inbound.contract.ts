import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from './clock.ts';
import type { InboundRejection, Store, StoreOptions } from './store.ts';

// The inbound part of the store contract: rejected webhooks kept with their reason and body, their
// resolution, and polling cursors written atomically with the events a poll found. Called from
// ./store.contract.ts.

type Fresh = (options?: StoreOptions & { clock?: Clock }) => Promise<Store>;

function rejection(id: string, overrides: Partial<InboundRejection> = {}): InboundRejection {
  return {
    id,
    source: 'shopify',
    topic: 'orders/create',
    deliveryId: `wh-${id}`,
    code: 'mapping_failed',
    message: 'line 2 has no SKU',
    problems: [{ pointer: '/line_items/1/sku', message: 'is empty' }],
    headers: { 'x-shopify-topic': 'orders/create' },
    body: '{"id":820982911946154508}',
    receivedAt: '2026-11-23T10:00:00+01:00',
    ...overrides,
  };
}

/** Inbound rejections and cursors, against a fresh store per test. */
export function inboundContract(fresh: Fresh): void {
  describe('inbound rejections and cursors', () => {
    it('keeps rejections with body and problems, lists them newest first with filters, and pages', async () => {
      const store = await fresh();
      const first = await store.commit({ rejections: [rejection('rej_1'), rejection('rej_2', { source: 'square', code: 'webhook_signature_invalid', body: undefined, problems: [] })] });
      assert.equal(first.status, 'committed');
      assert.equal((await store.commit({ rejections: [rejection('rej_3'), rejection('rej_1', { message: 'changed' })] })).status, 'committed', 're-adding an id is a no-op');
      const one = await store.rejection('rej_1');
      assert.deepEqual(one, { ...rejection('rej_1'), receivedAt: '2026-11-23T09:00:00.000Z', status: 'open', resolvedAt: undefined });
      assert.equal((await store.rejection('rej_2'))?.body, undefined);
      assert.deepEqual((await store.listRejections({ limit: 10 })).map((r) => r.id), ['rej_3', 'rej_2', 'rej_1']);
      assert.deepEqual((await store.listRejections({ limit: 10, source: 'shopify' })).map((r) => r.id), ['rej_3', 'rej_1']);
      assert.deepEqual((await store.listRejections({ limit: 10, code: 'webhook_signature_invalid' })).map((r) => r.id), ['rej_2']);
      assert.deepEqual((await store.listRejections({ limit: 10, before: 'rej_3' })).map((r) => r.id), ['rej_2', 'rej_1']);
      assert.equal(await store.rejection('rej_missing'), undefined);
    });

    it('resolves a rejection once, with the time, and leaves others open', async () => {
      const store = await fresh();
      await store.commit({ rejections: [rejection('rej_a'), rejection('rej_b')] });
      await store.commit({ resolveRejections: [{ id: 'rej_a', status: 'replayed' }] });
      await store.commit({ resolveRejections: [{ id: 'rej_a', status: 'discarded' }] });
      const a = await store.rejection('rej_a');
      assert.equal(a?.status, 'replayed', 'a resolved rejection is not resolved again');
      assert.match(a?.resolvedAt ?? '', /^\d{4}-\d{2}-\d{2}T/);
      assert.deepEqual((await store.listRejections({ limit: 10, status: 'open' })).map((r) => r.id), ['rej_b']);
    });

    it('stores polling cursors with the events of the poll, atomically', async () => {
      const store = await fresh();
      assert.equal(await store.sourceCursor('netsuite'), undefined);
      const event = { id: 'ns-1', source: 'urn:weft:source:netsuite', type: 'weft.test.v1', subject: 's1', time: '2026-11-23T10:00:00.000Z', data: {} };
      assert.equal((await store.commit({ events: [event], cursors: [{ source: 'netsuite', cursor: 'c1' }] })).status, 'committed');
      assert.equal(await store.sourceCursor('netsuite'), 'c1');
      // A conflicting unit writes nothing: neither its events nor its cursor.
      const conflict = await store.commit({ events: [{ ...event, data: { other: true } }], cursors: [{ source: 'netsuite', cursor: 'c2' }] });
      assert.equal(conflict.status, 'event_conflict');
      assert.equal(await store.sourceCursor('netsuite'), 'c1');
      await store.commit({ cursors: [{ source: 'netsuite', cursor: 'c3' }] });
      assert.equal(await store.sourceCursor('netsuite'), 'c3');
    });
  });
}
