import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Clock } from './clock.ts';
import type { NewEvent, Store, StoreOptions, UnitOfWork } from './store.ts';
import { outboxContract } from './store-outbox.contract.ts';
import { inboundContract } from './store-inbound.contract.ts';
import { processContract } from './store-process.contract.ts';

// The one contract every store adapter passes. Run it from the adapter's own test file with a
// factory that opens the adapter; the same `name` must reopen the same database.

/** Opens a store of the adapter under test. */
export type OpenStore = (name: string, options?: StoreOptions & { clock?: Clock }) => Promise<Store>;

let counter = 0;
function ev(subject: string, overrides: Partial<NewEvent> = {}): NewEvent {
  counter++;
  return {
    id: `evt-${process.pid}-${counter}`,
    source: '/test/contract',
    type: 'weft.order.captured.v1',
    subject,
    time: '2026-11-23T10:00:00.000Z',
    data: { n: counter, amount: { amount: 1999, currency: 'EUR' } },
    ...overrides,
  };
}

function committed(result: Awaited<ReturnType<Store['commit']>>) {
  assert.equal(result.status, 'committed', `expected committed, got ${JSON.stringify(result)}`);
  return result as Extract<typeof result, { status: 'committed' }>;
}

/** Runs the store contract against an adapter. */
export function storeContract(adapter: string, openStore: OpenStore): void {
  describe(`store contract: ${adapter}`, () => {
    const opened: Store[] = [];
    let seq = 0;
    const fresh = async (options?: StoreOptions & { clock?: Clock }) => {
      const store = await openStore(`c${process.pid}_${++seq}_${Date.now().toString(36)}`, options);
      opened.push(store);
      return store;
    };
    after(async () => {
      for (const store of opened) await store.close().catch(() => undefined);
    });

    it('appends events with global positions and per-subject sequences, and reads them back', async () => {
      const store = await fresh();
      const a1 = ev('ord_A', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', dataschema: 'https://example.com/s' });
      const b1 = ev('ord_B');
      const a2 = ev('ord_A', { data: { text: 'Grüße 😀', big: '12345678901234567890' } });
      const result = committed(await store.commit({ events: [a1, b1, a2] }));
      assert.deepEqual(
        result.events.map((e) => [e.id, e.subject, e.position, e.sequence, e.duplicate]),
        [
          [a1.id, 'ord_A', 1, 1, false],
          [b1.id, 'ord_B', 2, 1, false],
          [a2.id, 'ord_A', 3, 2, false],
        ],
      );
      assert.equal(await store.lastPosition(), 3);
      assert.equal(await store.subjectVersion('ord_A'), 2);
      assert.equal(await store.subjectVersion('ord_none'), 0);
      const all = await store.readAll({ limit: 10 });
      assert.deepEqual(all.map((e) => e.position), [1, 2, 3]);
      const first = all[0];
      assert.ok(first);
      assert.equal(first.specversion, '1.0');
      assert.equal(first.datacontenttype, 'application/json');
      assert.equal(first.traceparent, a1.traceparent);
      assert.equal(first.dataschema, 'https://example.com/s');
      assert.equal(first.time, a1.time);
      assert.match(first.recordedtime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(first.data, a1.data);
      assert.equal('tracestate' in first, false);
      assert.deepEqual((await store.readAll({ after: 1, limit: 1 })).map((e) => e.position), [2]);
      assert.deepEqual((await store.readSubject('ord_A', { limit: 10 })).map((e) => [e.sequence, e.data]), [
        [1, a1.data],
        [2, a2.data],
      ]);
      assert.deepEqual((await store.readSubject('ord_A', { afterSequence: 1, limit: 10 })).map((e) => e.id), [a2.id]);
      assert.equal((await store.eventAt(2))?.id, b1.id);
      assert.equal(await store.eventAt(99), undefined);
      assert.deepEqual((await store.eventsWithId(a2.id)).map((e) => e.position), [3]);
      const other = ev('ord_C', { type: 'weft.inventory.adjusted.v1' });
      committed(await store.commit({ events: [other] }));
      assert.deepEqual((await store.readAll({ limit: 10, types: ['weft.inventory.adjusted.v1'] })).map((e) => e.id), [other.id]);
    });

    it('groups concurrent commits into few transactions without gaps or reordering within a subject', async () => {
      const batches: number[] = [];
      const store = await fresh({ onCommit: (stats) => batches.push(stats.units) });
      const units = Array.from({ length: 300 }, (_, i) => ({ events: [ev(`ord_${i % 7}`, { data: { i } })] }));
      const results = await Promise.all(units.map((unit) => store.commit(unit)));
      const positions = results.map((result) => committed(result).events[0]?.position);
      assert.deepEqual([...positions].sort((a, b) => (a ?? 0) - (b ?? 0)), Array.from({ length: 300 }, (_, i) => i + 1));
      // Commit order follows submission order, so per-subject data is in submission order too.
      for (let subject = 0; subject < 7; subject++) {
        const events = await store.readSubject(`ord_${subject}`, { limit: 1000 });
        assert.deepEqual(events.map((e) => e.sequence), events.map((_, i) => i + 1));
        const indices = events.map((e) => (e.data as { i: number }).i);
        assert.deepEqual(indices, [...indices].sort((a, b) => a - b));
      }
      assert.equal(batches.reduce((a, b) => a + b, 0), 300);
      assert.ok(batches.length < 300, `expected grouping, got ${batches.length} transactions for 300 units`);
      assert.equal(store.pendingUnits(), 0);
      assert.equal(store.pendingEvents(), 0);
    });

    it('treats a re-sent (source, id) as a duplicate, and a different event under a used id as a conflict', async () => {
      const store = await fresh();
      const original = ev('ord_D');
      committed(await store.commit({ events: [original] }));
      const again = committed(await store.commit({ events: [{ ...original }, ev('ord_D')] }));
      assert.deepEqual(again.events.map((e) => [e.position, e.sequence, e.duplicate]), [
        [1, 1, true],
        [2, 2, false],
      ]);
      const clash = ev('ord_D');
      const conflict = await store.commit({ events: [clash, { ...original, data: { changed: true } }] });
      assert.deepEqual(conflict, { status: 'event_conflict', id: original.id, source: original.source });
      assert.equal(await store.lastPosition(), 2, 'a conflicting unit writes nothing');
      assert.deepEqual(await store.eventsWithId(clash.id), []);
      // The same id from another source is another event.
      committed(await store.commit({ events: [{ ...original, source: '/other' }] }));
      assert.equal((await store.eventsWithId(original.id)).length, 2);
    });

    it('honours idempotency keys: same request replays, different request conflicts, concurrent claims resolve to one', async () => {
      let now = Date.parse('2026-11-23T10:00:00Z');
      const store = await fresh({ clock: { now: () => now } });
      const claim = { scope: 'key_1', key: 'req-1', fingerprint: 'f1', expiresAt: '2026-11-24T10:00:00.000Z' };
      const first = committed(await store.commit({ idempotency: claim, events: [ev('ord_E')] }));
      const replay = await store.commit({ idempotency: claim, events: [ev('ord_E')] });
      assert.deepEqual(replay, { status: 'replayed', events: first.events });
      assert.deepEqual(await store.commit({ idempotency: { ...claim, fingerprint: 'f2' }, events: [ev('ord_E')] }), { status: 'idempotency_conflict', key: 'req-1' });
      assert.equal(await store.lastPosition(), 1);
      committed(await store.commit({ idempotency: { ...claim, scope: 'key_2' }, events: [ev('ord_E')] }));

      const racing = { scope: 'key_1', key: 'req-2', fingerprint: 'f', expiresAt: '2026-11-24T10:00:00.000Z' };
      const results = await Promise.all(Array.from({ length: 20 }, () => store.commit({ idempotency: racing, events: [ev('ord_F')] })));
      assert.equal(results.filter((r) => r.status === 'committed').length, 1);
      assert.equal(results.filter((r) => r.status === 'replayed').length, 19);
      assert.equal(await store.subjectVersion('ord_F'), 1);

      now = Date.parse('2026-11-25T10:00:00Z');
      assert.equal(await store.expireIdempotencyKeys('2026-11-25T10:00:00.000Z'), 3);
      committed(await store.commit({ idempotency: claim, events: [ev('ord_E')] }));
    });

    it('rejects a unit whose expected subject version does not hold, and sees earlier units of the same batch', async () => {
      const store = await fresh();
      committed(await store.commit({ events: [ev('ord_G')] }));
      const [ok, stale, next] = await Promise.all([
        store.commit({ expect: [{ subject: 'ord_G', version: 1 }], events: [ev('ord_G')] }),
        store.commit({ expect: [{ subject: 'ord_G', version: 1 }], events: [ev('ord_G')], checkpoints: [{ consumer: 'c', position: 9 }] }),
        store.commit({ expect: [{ subject: 'ord_G', version: 2 }, { subject: 'ord_new', version: 0 }], events: [ev('ord_G')] }),
      ]);
      committed(ok);
      assert.deepEqual(stale, { status: 'version_conflict', subject: 'ord_G', expected: 1, actual: 2 });
      committed(next);
      assert.equal(await store.subjectVersion('ord_G'), 3);
      assert.equal(await store.checkpoint('c'), 0, 'a rejected unit moves no checkpoint');
    });

    it('keeps consumer checkpoints', async () => {
      const store = await fresh();
      assert.equal(await store.checkpoint('projection'), 0);
      committed(await store.commit({ events: [ev('ord_H')], checkpoints: [{ consumer: 'projection', position: 1 }] }));
      committed(await store.commit({ checkpoints: [{ consumer: 'projection', position: 5 }, { consumer: 'other', position: 2 }] }));
      assert.equal(await store.checkpoint('projection'), 5);
      assert.equal(await store.checkpoint('other'), 2);
    });

    it('moves a checkpoint only from the position a unit expects, also within one batch', async () => {
      const store = await fresh();
      const [first, second, third] = await Promise.all([
        store.commit({ expectCheckpoints: [{ consumer: 'router', position: 0 }], checkpoints: [{ consumer: 'router', position: 3 }], outbox: [{ id: 'cmd_cas1', target: 't', action: 'a', key: 'k', payload: {} }] }),
        store.commit({ expectCheckpoints: [{ consumer: 'router', position: 0 }], checkpoints: [{ consumer: 'router', position: 3 }], outbox: [{ id: 'cmd_cas2', target: 't', action: 'a', key: 'k', payload: {} }] }),
        store.commit({ expectCheckpoints: [{ consumer: 'router', position: 3 }], checkpoints: [{ consumer: 'router', position: 7 }] }),
      ]);
      committed(first);
      assert.deepEqual(second, { status: 'checkpoint_conflict', consumer: 'router', expected: 0, actual: 3 });
      committed(third);
      assert.equal(await store.checkpoint('router'), 7);
      assert.equal(await store.command('cmd_cas2'), undefined, 'the losing unit wrote nothing');
    });

    it('maps system ids to canonical ids and refuses to re-point one', async () => {
      const store = await fresh();
      const link = { entity: 'order', system: 'shopify-eu', externalId: '5660980375615000001', canonicalId: 'ord_1' };
      committed(await store.commit({ xrefs: [link, { entity: 'order', system: 'netsuite', externalId: 'SO-1', canonicalId: 'ord_1' }] }));
      committed(await store.commit({ xrefs: [link] }));
      assert.equal(await store.resolveXref('order', 'shopify-eu', '5660980375615000001'), 'ord_1');
      assert.equal(await store.resolveXref('customer', 'shopify-eu', '5660980375615000001'), undefined);
      assert.deepEqual((await store.xrefsOf('ord_1')).map((x) => `${x.system}:${x.externalId}`), ['netsuite:SO-1', 'shopify-eu:5660980375615000001']);
      const clash = await store.commit({ events: [ev('ord_2')], xrefs: [{ ...link, canonicalId: 'ord_2' }] });
      assert.deepEqual(clash, { status: 'xref_conflict', reference: { ...link, canonicalId: 'ord_2' }, existingCanonicalId: 'ord_1' });
      assert.equal(await store.lastPosition(), 0);
    });

    it('holds outbox commands until due and records their settlement', async () => {
      const store = await fresh();
      const base = { target: 'netsuite', action: 'createSalesOrder', payload: { order: 'ord_1' } };
      committed(
        await store.commit({
          events: [ev('ord_I')],
          outbox: [
            { ...base, id: 'cmd_1', key: 'ord_I', availableAt: '2026-11-23T10:00:00Z', causationId: 'evt-x', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
            { ...base, id: 'cmd_2', key: 'ord_I', availableAt: '2026-11-23T09:00:00.000Z' },
            { ...base, id: 'cmd_3', key: 'ord_J', target: 'shipstation', availableAt: '2026-11-23T12:00:00.000Z' },
          ],
        }),
      );
      const due = await store.dueCommands({ now: '2026-11-23T11:00:00.000Z', limit: 10 });
      assert.deepEqual(due.map((c) => c.id), ['cmd_1', 'cmd_2'], 'in enqueue order');
      const first = due[0];
      assert.ok(first);
      assert.deepEqual(
        { ...first, seq: 0, createdAt: '' },
        { ...first, ...base, id: 'cmd_1', key: 'ord_I', seq: 0, status: 'pending', attempts: 0, availableAt: '2026-11-23T10:00:00.000Z', createdAt: '', causationId: 'evt-x', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      );
      assert.deepEqual(
        { priority: first.priority, replays: first.replays, leaseOwner: first.leaseOwner, leaseUntil: first.leaseUntil, lastError: first.lastError },
        { priority: 'normal', replays: 0, leaseOwner: undefined, leaseUntil: undefined, lastError: undefined },
      );
      assert.deepEqual((await store.dueCommands({ now: '2026-11-23T13:00:00.000Z', limit: 10, target: 'shipstation' })).map((c) => c.id), ['cmd_3']);
      committed(
        await store.commit({
          settle: [
            { id: 'cmd_1', outcome: 'done' },
            { id: 'cmd_2', outcome: 'retry', availableAt: '2026-11-23T11:30:00.000Z' },
            { id: 'cmd_3', outcome: 'dead' },
          ],
        }),
      );
      assert.deepEqual((await store.dueCommands({ now: '2026-11-23T11:00:00.000Z', limit: 10 })).map((c) => c.id), []);
      assert.deepEqual((await store.dueCommands({ now: '2026-11-23T11:30:00.000Z', limit: 10 })).map((c) => [c.id, c.attempts]), [['cmd_2', 1]]);
      assert.equal((await store.command('cmd_1'))?.status, 'done');
      assert.equal((await store.command('cmd_3'))?.status, 'dead');
      assert.equal(await store.command('cmd_none'), undefined);
    });

    outboxContract(fresh);
    inboundContract(fresh);
    processContract(fresh, openStore);

    it('fires durable timers once when due, unless cancelled', async () => {
      const store = await fresh();
      committed(
        await store.commit({
          timers: [
            { id: 'tmr_1', key: 'ord_K', kind: 'pickup.expired', dueAt: '2026-11-23T10:00:00Z', payload: { n: 1 } },
            { id: 'tmr_2', key: 'ord_K', kind: 'pickup.reminder', dueAt: '2026-11-23T09:00:00.000Z', payload: null },
            { id: 'tmr_3', key: 'ord_L', kind: 'pickup.expired', dueAt: '2026-11-23T11:00:00.000Z', payload: {} },
          ],
        }),
      );
      assert.deepEqual((await store.dueTimers({ now: '2026-11-23T10:00:00.000Z', limit: 10 })).map((t) => t.id), ['tmr_2', 'tmr_1']);
      assert.deepEqual((await store.dueTimers({ now: '2026-11-23T10:00:00.000Z', limit: 10 }))[1], {
        id: 'tmr_1',
        key: 'ord_K',
        kind: 'pickup.expired',
        dueAt: '2026-11-23T10:00:00.000Z',
        payload: { n: 1 },
      });
      committed(await store.commit({ firedTimers: ['tmr_2'], cancelTimers: ['tmr_3'] }));
      assert.deepEqual((await store.dueTimers({ now: '2026-11-24T00:00:00.000Z', limit: 10 })).map((t) => t.id), ['tmr_1']);
      committed(await store.commit({ firedTimers: ['tmr_1'] }));
      assert.deepEqual(await store.dueTimers({ now: '2026-11-24T00:00:00.000Z', limit: 10 }), []);
    });

    it('writes nothing of a unit that fails, and everything of the units beside it', async () => {
      const store = await fresh();
      committed(await store.commit({ events: [ev('ord_M')] }));
      const failing: UnitOfWork = {
        expect: [{ subject: 'ord_M', version: 0 }],
        events: [ev('ord_N')],
        checkpoints: [{ consumer: 'p', position: 1 }],
        xrefs: [{ entity: 'order', system: 's', externalId: '1', canonicalId: 'ord_N' }],
        outbox: [{ id: 'cmd_x', target: 't', action: 'a', key: 'k', payload: {} }],
        timers: [{ id: 'tmr_x', key: 'k', kind: 'x', dueAt: '2026-01-01T00:00:00.000Z', payload: {} }],
        idempotency: { scope: 's', key: 'k', fingerprint: 'f', expiresAt: '2099-01-01T00:00:00.000Z' },
      };
      const [bad, good] = await Promise.all([store.commit(failing), store.commit({ events: [ev('ord_O')] })]);
      assert.equal(bad.status, 'version_conflict');
      committed(good);
      assert.equal(await store.subjectVersion('ord_N'), 0);
      assert.equal(await store.checkpoint('p'), 0);
      assert.equal(await store.resolveXref('order', 's', '1'), undefined);
      assert.equal(await store.command('cmd_x'), undefined);
      assert.deepEqual(await store.dueTimers({ now: '2030-01-01T00:00:00.000Z', limit: 10 }), []);
      const retried = await store.commit({ ...failing, expect: [] });
      assert.equal(retried.status, 'committed', 'the idempotency key of a failed unit was not consumed');
    });

    it('stores API keys by hash and revokes them once', async () => {
      const store = await fresh();
      const record = { id: 'key_1', name: 'ci', secretHash: 'ab'.repeat(32), scopes: ['events:write'], createdAt: '2026-11-23T10:00:00.000Z', revokedAt: undefined };
      await store.createApiKey(record);
      await store.createApiKey({ ...record, id: 'key_2', name: 'ops', scopes: ['admin'], createdAt: '2026-11-23T11:00:00.000Z' });
      assert.deepEqual(await store.apiKey('key_1'), record);
      assert.equal(await store.apiKey('key_none'), undefined);
      assert.deepEqual((await store.listApiKeys()).map((k) => k.id), ['key_1', 'key_2']);
      assert.equal(await store.revokeApiKey('key_1', '2026-11-23T12:00:00.000Z'), true);
      assert.equal(await store.revokeApiKey('key_1', '2026-11-23T13:00:00.000Z'), false);
      assert.equal(await store.revokeApiKey('key_none', '2026-11-23T13:00:00.000Z'), false);
      assert.equal((await store.apiKey('key_1'))?.revokedAt, '2026-11-23T12:00:00.000Z');
    });

    it('keeps everything across close and reopen, and refuses work once closed', async () => {
      const name = `durable_${process.pid}_${Date.now().toString(36)}`;
      const store = await openStore(name);
      const pending = Array.from({ length: 50 }, (_, i) => store.commit({ events: [ev(`ord_P${i % 3}`)] }));
      await store.close();
      const results = await Promise.all(pending);
      assert.ok(results.every((r) => r.status === 'committed'), 'close drains queued commits');
      await assert.rejects(store.commit({ events: [ev('ord_P')] }), { code: 'store_unavailable' });
      const again = await openStore(name);
      opened.push(again);
      assert.equal(await again.lastPosition(), 50);
      assert.equal((await again.readSubject('ord_P0', { limit: 100 })).length, 17);
      await again.ping();
    });

    it('opens a read-only connection beside a writing one: it sees every commit and writes nothing', async () => {
      const name = `readonly_${process.pid}_${Date.now().toString(36)}`;
      const writer = await openStore(name);
      opened.push(writer);
      committed(await writer.commit({ events: [ev('ord_R')] }));
      await writer.createApiKey({ id: 'key_r', name: 'reader', secretHash: 'cd'.repeat(32), scopes: ['inventory:read'], createdAt: '2026-11-23T10:00:00.000Z', revokedAt: undefined });
      const reader = await openStore(name, { readOnly: true });
      opened.push(reader);
      assert.equal(await reader.lastPosition(), 1);
      committed(await writer.commit({ events: [ev('ord_R')] }));
      assert.deepEqual((await reader.readSubject('ord_R', { limit: 10 })).map((e) => e.sequence), [1, 2], 'a commit of the writer is visible to the reader at once');
      assert.equal((await reader.apiKey('key_r'))?.name, 'reader');
      await reader.ping();
      await assert.rejects(reader.commit({ events: [ev('ord_R')] }), { code: 'store_unavailable' });
      await assert.rejects(reader.revokeApiKey('key_r', '2026-11-23T11:00:00.000Z'));
      assert.equal(await writer.lastPosition(), 2, 'nothing was written through the reader');
      assert.equal((await writer.apiKey('key_r'))?.revokedAt, undefined);
      await reader.close();
      assert.equal(await writer.lastPosition(), 2, 'closing the reader leaves the writer working');
    });
  });
}
