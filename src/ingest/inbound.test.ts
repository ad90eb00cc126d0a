import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateEventData } from '../domain/events/validate.ts';
import { parseJsonKeepingBigIntegers } from '../domain/shared/json.ts';
import { MappingError, WebhookError, WeftError } from '../errors/index.ts';
import { createIdGenerator, type Clock } from '../ports/clock.ts';
import type { HttpClient } from '../ports/connector.ts';
import type { InboundMapping, InboundSource, WebhookDelivery, WebhookRequest } from '../ports/inbound.ts';
import type { Store } from '../ports/store.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import { createInbound, inboundEventSource, type InboundOutcome } from './inbound.ts';

// The inbound pipeline against the real embedded store, with a small vendor defined here: it signs
// the raw body with HMAC-SHA256 (hex, header x-test-signature), names the topic in x-test-topic and
// the delivery in x-test-delivery. Real connectors have their own tests; this one covers what every
// source gets from the pipeline: dedup, ids, rejections with their reason, replay, polling.

const dir = mkdtempSync(join(tmpdir(), 'weft-inbound-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'test-secret';
const clock: Clock = { now: () => Date.parse('2026-11-23T12:00:00.000Z') };
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const noHttp: HttpClient = { request: () => Promise.reject(new Error('no http in this test')), close: async () => undefined };

const customerMapping: InboundMapping = {
  description: 'test customer → weft.customer.created.v1',
  async map(payload, context) {
    const body = payload as { id: string | number; email?: string; created_at: string };
    if (body.email === undefined) throw new MappingError('the customer has no email', [{ pointer: '/email', message: 'is required' }]);
    const id = await context.ids.ref('customer', String(body.id));
    return {
      kind: 'events',
      events: [
        {
          type: 'weft.customer.created.v1',
          subject: id,
          time: body.created_at,
          data: { id, status: 'active', externalRefs: [{ system: context.system, id: String(body.id) }], emails: [{ address: body.email, primary: true, verified: false }], phones: [], addresses: [], consents: [], createdAt: body.created_at, updatedAt: body.created_at },
        },
      ],
    };
  },
};

function testSource(overrides: Partial<InboundSource> = {}): InboundSource {
  return {
    name: 'shop',
    connector: 'test',
    settings: {},
    verify(request: WebhookRequest): WebhookDelivery {
      const expected = createHmac('sha256', SECRET).update(request.rawBody).digest('hex');
      if (request.headers['x-test-signature'] !== expected) throw new WebhookError('webhook_signature_invalid', 'x-test-signature does not match the body');
      const topic = request.headers['x-test-topic'];
      const deliveryId = request.headers['x-test-delivery'];
      if (!topic || !deliveryId) throw new WebhookError('webhook_malformed', 'x-test-topic and x-test-delivery are required');
      return { topic, deliveryId, payload: parseJsonKeepingBigIntegers(request.rawBody.toString('utf8')) };
    },
    mappings: { 'customers/create': customerMapping, 'customers/delete': { description: 'not used', map: async () => ({ kind: 'ignored', reason: 'erasure comes from the CRM' }) } },
    ...overrides,
  };
}

function webhook(body: string, topic: string, delivery: string, secret = SECRET): WebhookRequest {
  return {
    headers: { 'x-test-signature': createHmac('sha256', secret).update(body).digest('hex'), 'x-test-topic': topic, 'x-test-delivery': delivery, authorization: 'Bearer should-not-be-kept', 'content-type': 'application/json' },
    rawBody: Buffer.from(body),
    notificationUrl: 'https://hub.example/webhooks/shop',
    requestUrl: '/webhooks/shop',
    receivedAtMs: clock.now(),
  };
}

let stores = 0;
async function setup(sources: InboundSource[] = [testSource()]): Promise<{ store: Store; inbound: ReturnType<typeof createInbound>; outcomes: string[] }> {
  const store = createSqliteStore({ path: join(dir, `s${++stores}.db`) });
  after(() => store.close());
  const outcomes: string[] = [];
  const inbound = createInbound(
    { store, clock, ids: createIdGenerator(clock), http: noHttp, log: quiet, sources: new Map(sources.map((s) => [s.name, s])), onOutcome: (_s, o) => outcomes.push(o) },
    { enrichTimeoutMs: 1000 },
  );
  return { store, inbound, outcomes };
}

const BIG = '115310627314723954';
const customer = (email: string | undefined, id = BIG): string => `{"id":${id},${email === undefined ? '' : `"email":"${email}",`}"created_at":"2026-11-20T08:00:00.000Z"}`;

describe('webhooks', () => {
  it('appends the mapped events with their cross-references; the same vendor id gets the same canonical id', async () => {
    const { store, inbound } = await setup();
    const first = await inbound.receiveWebhook('shop', webhook(customer('ada@example.com'), 'customers/create', 'd1'));
    assert.equal(first.status, 'accepted');
    const canonical = await store.resolveXref('customer', 'shop', BIG);
    assert.match(canonical ?? '', /^cus_/, 'the big vendor id is linked with every digit');
    const [stored] = await store.readAll({ limit: 10 });
    assert.equal(stored?.source, inboundEventSource('shop'));
    assert.equal(stored?.id, 'd1');
    assert.equal(stored?.subject, canonical);
    assert.deepEqual((stored?.data as { externalRefs: unknown }).externalRefs, [{ system: 'shop', id: BIG }]);
    const second = await inbound.receiveWebhook('shop', webhook(customer('ada@example.org'), 'customers/create', 'd2'));
    assert.equal(second.status, 'accepted');
    assert.equal((second as Extract<InboundOutcome, { status: 'accepted' }>).events[0]?.subject, canonical, 'no second canonical id for the same vendor id');
  });

  it('treats a redelivery as a duplicate and appends nothing', async () => {
    const { store, inbound, outcomes } = await setup();
    const body = customer('ada@example.com');
    await inbound.receiveWebhook('shop', webhook(body, 'customers/create', 'd1'));
    const again = await inbound.receiveWebhook('shop', webhook(body, 'customers/create', 'd1'));
    assert.equal(again.status, 'duplicate');
    assert.equal(await store.lastPosition(), 1);
    assert.deepEqual(outcomes, ['accepted', 'duplicate']);
  });

  it('refuses a bad signature, records why without the body or secrets, and appends nothing', async () => {
    const { store, inbound } = await setup();
    await assert.rejects(inbound.receiveWebhook('shop', webhook(customer('ada@example.com'), 'customers/create', 'd1', 'wrong-secret')), (error: unknown) => error instanceof WeftError && error.code === 'webhook_signature_invalid' && error.httpStatus === 401);
    const [rejection] = await store.listRejections({ limit: 10 });
    assert.equal(rejection?.code, 'webhook_signature_invalid');
    assert.equal(rejection?.body, undefined, 'an unauthenticated body is not kept');
    assert.equal(rejection?.headers.authorization, undefined);
    assert.equal(rejection?.headers['x-test-signature'], undefined);
    assert.equal(rejection?.headers['x-test-topic'], 'customers/create');
    assert.equal(await store.lastPosition(), 0);
  });

  it('refuses an unknown source by name', async () => {
    const { inbound } = await setup();
    await assert.rejects(inbound.receiveWebhook('nope', webhook('{}', 't', 'd')), /No source "nope" is configured \(sources: shop\)/);
  });

  it('keeps an unmappable webhook with its body and problems, and replays it once the mapping is fixed', async () => {
    const strict = testSource();
    const { store, inbound } = await setup([strict]);
    const outcome = await inbound.receiveWebhook('shop', webhook(customer(undefined), 'customers/create', 'd1'));
    assert.equal(outcome.status, 'rejected');
    const id = (outcome as Extract<InboundOutcome, { status: 'rejected' }>).rejectionId;
    const kept = await inbound.rejection(id);
    assert.equal(kept.code, 'mapping_failed');
    assert.deepEqual(kept.problems, [{ pointer: '/email', message: 'is required' }]);
    assert.equal(kept.body, customer(undefined), 'the body is kept byte for byte');
    assert.equal(await store.lastPosition(), 0);
    // Replaying with the same mapping fails the same way and leaves it open.
    await assert.rejects(inbound.replayRejection(id, 'key_ops', 'try again'), (error: unknown) => error instanceof MappingError);
    assert.equal((await inbound.rejection(id)).status, 'open');
    // The retailer's fix: customers without an email get a placeholder.
    (strict.mappings as Record<string, InboundMapping>)['customers/create'] = {
      description: 'fixed',
      map: (payload, context) => customerMapping.map({ email: 'unknown@example.com', ...(payload as object) }, context),
    };
    const replayed = await inbound.replayRejection(id, 'key_ops', 'mapping fixed');
    assert.equal(replayed.status, 'accepted');
    const after = await inbound.rejection(id);
    assert.equal(after.status, 'replayed');
    const [audit] = await store.auditLog({ subject: id, limit: 5 });
    assert.deepEqual([audit?.actor, audit?.action, audit?.reason], ['key_ops', 'inbound.replay', 'mapping fixed']);
    const [stored] = await store.readAll({ limit: 1 });
    assert.equal(stored?.id, 'd1', 'the replayed delivery keeps its delivery id, so a later redelivery is a duplicate');
    assert.equal((await inbound.receiveWebhook('shop', webhook(customer(undefined), 'customers/create', 'd1'))).status, 'duplicate');
    await assert.rejects(inbound.replayRejection(id, 'key_ops', 'twice'), /replayed already/);
  });

  it('rejects what a mapping produces when the catalogue refuses it, pointing at the field', async () => {
    const broken = testSource({
      mappings: { 'customers/create': { description: 'broken', map: async (_payload, context) => ({ kind: 'events', events: [{ type: 'weft.customer.created.v1', subject: await context.ids.ref('customer', '1'), time: '2026-11-20T08:00:00.000Z', data: { status: 'active' } }] }) } },
    });
    const { store, inbound } = await setup([broken]);
    const outcome = await inbound.receiveWebhook('shop', webhook(customer('a@example.com'), 'customers/create', 'd1'));
    assert.equal(outcome.status, 'rejected');
    const [kept] = await store.listRejections({ limit: 1 });
    assert.ok(kept?.problems.some((p) => p.pointer.startsWith('/events/0/data')), JSON.stringify(kept?.problems));
    assert.equal(await store.resolveXref('customer', 'shop', '1'), undefined, 'no cross-reference is kept for a rejected delivery');
  });

  it('keeps the first event of a keyed fact the vendor repeats in new deliveries, and the rest of each delivery', async () => {
    const keyed = testSource({
      mappings: {
        'customers/create': {
          description: 'a keyed fact beside an unkeyed one',
          map: async (payload, context) => {
            const outcome = await customerMapping.map(payload, context);
            if (outcome.kind !== 'events') return outcome;
            const [created] = outcome.events;
            if (!created) return outcome;
            // The same data again without a key: it stands for any event of the delivery that is news each time.
            return { kind: 'events', events: [{ ...created, key: `shop:customer:${String((payload as { id: unknown }).id)}:created` }, { ...created }] };
          },
        },
      },
    });
    const { store, inbound } = await setup([keyed]);
    assert.equal((await inbound.receiveWebhook('shop', webhook(customer('a@example.com'), 'customers/create', 'd1'))).status, 'accepted');
    const second = await inbound.receiveWebhook('shop', webhook(customer('b@example.com'), 'customers/create', 'd2'));
    assert.equal(second.status, 'accepted');
    const stored = await store.readAll({ limit: 10 });
    assert.deepEqual(stored.map((e) => [e.id, e.type]), [
      [`shop:customer:${BIG}:created`, 'weft.customer.created.v1'],
      ['d1#1', 'weft.customer.created.v1'],
      ['d2#1', 'weft.customer.created.v1'],
    ], 'the repeated keyed fact is dropped, the unkeyed event of the second delivery is kept');
    assert.equal((stored[0]?.data as { emails: { address: string }[] }).emails[0]?.address, 'a@example.com', 'the first report of the fact stays');
  });

  it('says why it takes nothing from an ignored topic or a topic without a mapping', async () => {
    const { store, inbound } = await setup();
    assert.deepEqual(await inbound.receiveWebhook('shop', webhook('{"id":1}', 'customers/delete', 'd1')), { status: 'ignored', reason: 'erasure comes from the CRM' });
    assert.deepEqual(await inbound.receiveWebhook('shop', webhook('{"id":1}', 'carts/create', 'd2')), { status: 'ignored', reason: 'test topic "carts/create" has no mapping' });
    assert.equal(await store.lastPosition(), 0);
  });

  it('asks the vendor to retry when enrichment fails, keeping nothing', async () => {
    const { store, inbound } = await setup([testSource({ enrich: () => Promise.reject(new Error('connect ECONNREFUSED')) })]);
    await assert.rejects(inbound.receiveWebhook('shop', webhook(customer('a@example.com'), 'customers/create', 'd1')), (error: unknown) => error instanceof WeftError && error.code === 'source_unavailable' && error.retryable);
    assert.equal((await store.listRejections({ limit: 1 })).length, 0);
    assert.equal(await store.lastPosition(), 0);
  });

  it('discards a rejection with a reason, audited, once', async () => {
    const { store, inbound } = await setup();
    const outcome = (await inbound.receiveWebhook('shop', webhook(customer(undefined), 'customers/create', 'd1'))) as Extract<InboundOutcome, { status: 'rejected' }>;
    await inbound.discardRejection(outcome.rejectionId, 'key_ops', 'test customer');
    assert.equal((await inbound.rejection(outcome.rejectionId)).status, 'discarded');
    assert.equal((await store.auditLog({ subject: outcome.rejectionId, limit: 1 }))[0]?.action, 'inbound.discard');
    await assert.rejects(inbound.discardRejection(outcome.rejectionId, 'key_ops', 'again'), /discarded already/);
  });
});

describe('polling', () => {
  it('moves the cursor with the events of a poll, goes on from it, and takes a repeated change once', async () => {
    const pages: Record<string, { deliveries: WebhookDelivery[]; cursor: string; more: boolean }> = {
      start: { deliveries: [{ topic: 'customers/create', deliveryId: 'p1', payload: JSON.parse(customer('a@example.com', '1')) }], cursor: 'c1', more: true },
      c1: {
        deliveries: [
          { topic: 'customers/create', deliveryId: 'p1', payload: JSON.parse(customer('a@example.com', '1')) },
          { topic: 'customers/create', deliveryId: 'p2', payload: JSON.parse(customer(undefined, '2')) },
          { topic: 'customers/create', deliveryId: 'p3', payload: JSON.parse(customer('c@example.com', '3')) },
        ],
        cursor: 'c2',
        more: false,
      },
      c2: { deliveries: [], cursor: 'c2', more: false },
    };
    const seen: (string | undefined)[] = [];
    const polled = testSource({ poll: { intervalMs: 1000, run: async (cursor) => (seen.push(cursor), pages[cursor ?? 'start'] as (typeof pages)[string]) } });
    const { store, inbound } = await setup([polled]);
    const first = await inbound.poll('shop');
    assert.deepEqual([first.outcomes.map((o) => o.status), first.more], [['accepted'], true]);
    assert.equal(await store.sourceCursor('shop'), 'c1');
    const second = await inbound.poll('shop');
    assert.deepEqual(second.outcomes.map((o) => o.status), ['duplicate', 'rejected', 'accepted']);
    assert.equal(await store.sourceCursor('shop'), 'c2');
    const third = await inbound.poll('shop');
    assert.deepEqual(third.outcomes, []);
    assert.deepEqual(seen, [undefined, 'c1', 'c2']);
    assert.equal(await store.lastPosition(), 2);
    const [rejection] = await store.listRejections({ limit: 1 });
    assert.equal(rejection?.deliveryId, 'p2');
    assert.ok(rejection?.body?.includes('"id":2'));
    for (const event of await store.readAll({ limit: 10 })) assert.equal(validateEventData(event.type, event.subject, event.data).ok, true);
  });

  it('reports a failing poll as source_unavailable and keeps the cursor', async () => {
    const { store, inbound } = await setup([testSource({ poll: { intervalMs: 1000, run: () => Promise.reject(new Error('503 from vendor')) } })]);
    await assert.rejects(inbound.poll('shop'), (error: unknown) => error instanceof WeftError && error.code === 'source_unavailable');
    assert.equal(await store.sourceCursor('shop'), undefined);
  });
});
