import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApiKeyService } from '../../src/access/api-keys.ts';
import { openStore, startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { exampleEvent } from '../../src/domain/events/examples.ts';
import { createIdGenerator, systemClock } from '../../src/ports/clock.ts';
import type { Store } from '../../src/ports/store.ts';

// The HTTP API end to end: a real hub on a real port, real store, real HTTP. Every refusal must be
// a distinct problem+json and leave the store as it was.

const dir = mkdtempSync(join(tmpdir(), 'weft-api-'));
let hub: Hub;
let admin = '';

const env = {
  WEFT_DATA_DIR: dir,
  WEFT_HTTP_PORT: '0',
  WEFT_LOG_LEVEL: 'silent',
  WEFT_HTTP_BODY_LIMIT_BYTES: '65536',
  WEFT_HTTP_MAX_BATCH_EVENTS: '50',
};

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

async function call(method: string, path: string, options: { token?: string | null; body?: string; type?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? admin : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = options.type ?? 'application/json';
  const response = await fetch(`${hub.url}${path}`, { method, headers, ...(options.body !== undefined ? { body: options.body } : {}) });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (metrics): keep the text.
  }
  return { status: response.status, headers: response.headers, body, text };
}

const post = (body: unknown, options: Parameters<typeof call>[2] = {}) => call('POST', '/v1/events', { body: typeof body === 'string' ? body : JSON.stringify(body), ...options });

function assertProblem(answer: Answer, status: number, code: string): void {
  assert.equal(answer.status, status, `expected ${status} ${code}, got ${answer.status} ${answer.text}`);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(answer.body.code, code);
  assert.equal(answer.body.status, status);
  assert.equal(answer.body.type, `urn:weft:problem:${code}`);
  assert.equal(typeof answer.body.title, 'string');
  assert.equal(typeof answer.body.detail, 'string');
  assert.equal(answer.body.requestId, answer.headers.get('x-request-id'));
}

/** A fingerprint of everything a refused request must not change. */
async function state(): Promise<string> {
  const keys = await hub.store.listApiKeys();
  return JSON.stringify({ last: await hub.store.lastPosition(), keys: keys.map((k) => [k.id, k.revokedAt]) });
}

async function key(scopes: string[]): Promise<{ id: string; token: string }> {
  const created = await call('POST', '/v1/keys', { body: JSON.stringify({ name: `test ${scopes.join(' ')}`, scopes }) });
  assert.equal(created.status, 201, created.text);
  return { id: (created.body.key as { id: string }).id, token: created.body.token as string };
}

/** An admin token made directly in a store (for the extra hubs of a test). */
async function adminToken(store: Store): Promise<string> {
  return (await createApiKeyService({ store, clock: systemClock, ids: createIdGenerator() }, { cacheMs: 0 }).create('test', ['admin'])).token;
}

const stock = exampleEvent('weft.inventory.adjusted.v1');
const order = exampleEvent('weft.order.captured.v1');

before(async () => {
  hub = await startHub(loadConfig({ env }), { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
  assert.ok(admin, 'the first start announced an admin key');
});
after(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /v1/events', () => {
  it('appends one event durably and answers with its place in the log', async () => {
    const answer = await post(stock);
    assert.equal(answer.status, 201, answer.text);
    const [appended] = answer.body.events as { id: string; position: number; sequence: number; subject: string; duplicate: boolean; source: string }[];
    assert.ok(appended);
    assert.match(appended.id, /^evt_[0-9A-Z]{26}$/);
    assert.equal(appended.subject, stock.subject);
    assert.equal(appended.duplicate, false);
    const stored = await hub.store.eventAt(appended.position);
    assert.deepEqual(stored?.data, stock.data);
    assert.equal(stored?.source, appended.source);
  });

  it('appends a batch all together, in order, in every accepted content type', async () => {
    const before = await hub.store.lastPosition();
    const batch = await post([order, stock, stock]);
    assert.equal(batch.status, 201, batch.text);
    assert.deepEqual((batch.body.events as { position: number }[]).map((e) => e.position), [before + 1, before + 2, before + 3]);
    const single = await post({ ...stock, specversion: '1.0', id: 'ce-1', source: '/pos/store-12' }, { type: 'application/cloudevents+json' });
    assert.equal(single.status, 201, single.text);
    const many = await post([stock], { type: 'application/cloudevents-batch+json; charset=utf-8' });
    assert.equal(many.status, 201, many.text);
    assertProblem(await post(stock, { type: 'application/cloudevents-batch+json' }), 422, 'schema_violation');
    assertProblem(await post([stock], { type: 'application/cloudevents+json' }), 422, 'schema_violation');
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses the key for another body', async () => {
    const first = await post([stock, stock], { headers: { 'idempotency-key': 'order-sync-42' } });
    assert.equal(first.status, 201);
    const before = await state();
    const again = await post([stock, stock], { headers: { 'idempotency-key': '"order-sync-42"' } });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body);
    assert.equal(await state(), before, 'a replay appends nothing');
    const other = await post([stock], { headers: { 'idempotency-key': 'order-sync-42' } });
    assertProblem(other, 422, 'idempotency_key_reused');
    assert.equal(await state(), before);
    assertProblem(await post(stock, { headers: { 'idempotency-key': 'x'.repeat(256) } }), 400, 'invalid_idempotency_key');
    assert.equal(await state(), before);
  });

  it('keeps a re-sent event once, and refuses a different event under a used id', async () => {
    const event = { ...stock, id: 'pos-12-sale-981', source: '/pos/store-12' };
    const first = await post(event);
    const second = await post(event);
    assert.equal(second.status, 201);
    const [a] = first.body.events as { position: number }[];
    const [b] = second.body.events as { position: number; duplicate: boolean }[];
    assert.equal(b?.position, a?.position);
    assert.equal(b?.duplicate, true);
    const before = await state();
    assertProblem(await post({ ...event, data: { ...(event.data as object), quantityDelta: -5 } }), 409, 'event_id_conflict');
    assert.equal(await state(), before);
  });

  it('answers each kind of bad input with its own problem and changes nothing', async () => {
    const before = await state();
    const cases: [Promise<Answer>, number, string][] = [
      [post('{"type": "weft.inventory.adjusted.v1",'), 400, 'malformed_json'],
      [post(''), 400, 'malformed_json'],
      [post(JSON.stringify(stock), { type: 'text/plain' }), 415, 'unsupported_media_type'],
      [post(JSON.stringify(stock), { type: 'application/xml' }), 415, 'unsupported_media_type'],
      [post(JSON.stringify([{ ...stock, data: { ...(stock.data as object), note: 'x'.repeat(70_000) } }])), 413, 'payload_too_large'],
      [post(Array.from({ length: 51 }, () => stock)), 413, 'batch_too_large'],
      [post([]), 422, 'schema_violation'],
      [post({ ...stock, type: 'weft.inventory.teleported.v1' }), 422, 'unknown_event_type'],
      [post({ subject: stock.subject, data: stock.data }), 422, 'schema_violation'],
      [post({ ...stock, colour: 'blue' }), 422, 'schema_violation'],
      [post({ ...stock, data: { ...(stock.data as object), quantityDelta: 1.5 } }), 422, 'schema_violation'],
      [post({ ...stock, subject: 'OTHER-SKU@loc_01JD5GQAPENECFSECZP11HYGCP' }), 422, 'schema_violation'],
      [post({ ...stock, data: { ...(stock.data as object), note: 'bad \u0000 byte' } }), 422, 'schema_violation'],
      [post([stock, { ...stock, data: { ...(stock.data as object), sku: 12 } }]), 422, 'schema_violation'],
      [post([{ ...stock, id: 'same' }, { ...stock, id: 'same' }]), 422, 'schema_violation'],
      [post(stock, { token: null }), 401, 'unauthenticated'],
      [post(stock, { token: 'weft_key_01JD8X3ZQ4N9V6W2T5R7K0M1AB_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }), 401, 'invalid_credentials'],
      [post(stock, { token: 'garbage' }), 401, 'invalid_credentials'],
      [call('POST', '/v1/nothing', { body: '{}' }), 404, 'not_found'],
    ];
    for (const [pending, status, code] of cases) assertProblem(await pending, status, code);
    assert.equal(await state(), before, 'no refused request changed the store');
  });

  it('points at every problem in a batch, by JSON Pointer into the body', async () => {
    const answer = await post([stock, { ...stock, data: { ...(stock.data as object), quantityDelta: 'one' } }, { ...stock, subject: 'x@y' }]);
    assertProblem(answer, 422, 'schema_violation');
    const pointers = (answer.body.errors as { pointer: string }[]).map((error) => error.pointer);
    assert.deepEqual(pointers, ['/1/data/quantityDelta', '/2/subject']);
  });

  it('checks credentials before anything else, and scopes per endpoint', async () => {
    const reader = await key(['events:read']);
    const writer = await key(['events:write']);
    assertProblem(await post(stock, { token: reader.token }), 403, 'insufficient_scope');
    assert.equal((await post(stock, { token: writer.token })).status, 201);
    assertProblem(await call('GET', '/v1/events', { token: writer.token }), 403, 'insufficient_scope');
    assertProblem(await call('GET', '/metrics', { token: writer.token }), 403, 'insufficient_scope');
    assertProblem(await call('GET', '/v1/keys', { token: writer.token }), 403, 'insufficient_scope');
    // An unauthenticated oversized or malformed request is refused for its missing key first.
    assertProblem(await post('{', { token: null }), 401, 'unauthenticated');
    const revoke = await call('DELETE', `/v1/keys/${writer.id}`);
    assert.equal(revoke.status, 204);
    const before = await state();
    assertProblem(await post(stock, { token: writer.token }), 401, 'credentials_revoked');
    assertProblem(await call('DELETE', `/v1/keys/${writer.id}`), 404, 'not_found');
    assert.equal(await state(), before);
  });
});

describe('GET /v1/events', () => {
  it('pages through the log by position and through one subject by sequence', async () => {
    const last = await hub.store.lastPosition();
    const page = await call('GET', `/v1/events?after=${last - 3}&limit=2`);
    assert.equal(page.status, 200, page.text);
    const events = page.body.events as { position: number; specversion: string }[];
    assert.deepEqual(events.map((e) => e.position), [last - 2, last - 1]);
    assert.equal(events[0]?.specversion, '1.0');
    const next = await call('GET', `/v1/events?${page.body.next as string}`);
    assert.deepEqual((next.body.events as { position: number }[]).map((e) => e.position), [last]);
    const end = await call('GET', `/v1/events?${next.body.next as string}`);
    assert.deepEqual(end.body.events, []);
    assert.equal(end.body.next, next.body.next, 'at the end, next stays put so a client can poll it');

    const subject = await call('GET', `/v1/events?subject=${encodeURIComponent(stock.subject)}&limit=1000`);
    const sequences = (subject.body.events as { sequence: number; subject: string }[]).map((e) => e.sequence);
    assert.ok(sequences.length > 3);
    assert.deepEqual(sequences, sequences.map((_, i) => i + 1));
    const typed = await call('GET', `/v1/events?type=weft.order.captured.v1&limit=1000`);
    assert.ok((typed.body.events as { type: string }[]).every((e) => e.type === 'weft.order.captured.v1'));
    assert.ok((typed.body.events as unknown[]).length >= 1);
  });

  it('refuses malformed queries', async () => {
    assertProblem(await call('GET', '/v1/events?limit=0'), 400, 'malformed_request');
    assertProblem(await call('GET', '/v1/events?after=-1'), 400, 'malformed_request');
    assertProblem(await call('GET', '/v1/events?afterSequence=2'), 400, 'malformed_request');
    assertProblem(await call('GET', '/v1/events?subject=x&after=2'), 400, 'malformed_request');
    assertProblem(await call('GET', '/v1/events?colour=blue'), 400, 'malformed_request');
  });
});

describe('operations endpoints', () => {
  it('serves health without credentials and everything else only with them', async () => {
    assert.deepEqual((await call('GET', '/health/live', { token: null })).body.status, 'live');
    const ready = await call('GET', '/health/ready', { token: null });
    assert.equal(ready.status, 200);
    assert.equal(ready.body.store, 'sqlite');
    assertProblem(await call('GET', '/openapi.json', { token: null }), 401, 'unauthenticated');
    assertProblem(await call('GET', '/metrics', { token: null }), 401, 'unauthenticated');
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    const document = await call('GET', '/openapi.json');
    assert.equal(document.body.openapi, '3.1.0');
    const paths = document.body.paths as Record<string, Record<string, { security?: unknown[]; requestBody?: { content: Record<string, unknown> } }>>;
    assert.deepEqual(Object.keys(paths).sort(), [
      '/health/live',
      '/health/ready',
      '/metrics',
      '/openapi.json',
      '/v1/availability',
      '/v1/commands',
      '/v1/commands/{id}',
      '/v1/connectors',
      '/v1/connectors/{name}',
      '/v1/dead-letters',
      '/v1/dead-letters/discard',
      '/v1/dead-letters/replay',
      '/v1/dead-letters/{id}',
      '/v1/dead-letters/{id}/discard',
      '/v1/dead-letters/{id}/replay',
      '/v1/events',
      '/v1/inbound/rejections',
      '/v1/inbound/rejections/{id}',
      '/v1/inbound/rejections/{id}/discard',
      '/v1/inbound/rejections/{id}/replay',
      '/v1/inventory/drift',
      '/v1/inventory/drift/apply',
      '/v1/keys',
      '/v1/keys/{id}',
      '/v1/orders',
      '/v1/orders/{id}',
      '/v1/reservations',
      '/v1/reservations/{orderId}',
      '/v1/targets',
      '/v1/tasks',
      '/v1/tasks/{id}',
      '/v1/tasks/{id}/claim',
      '/v1/tasks/{id}/resolve',
      '/webhooks/{source}',
    ]);
    assert.deepEqual(Object.keys(paths['/v1/events']?.post?.requestBody?.content ?? {}).sort(), [
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/json',
    ]);
    assert.deepEqual(paths['/health/live']?.get?.security, []);
    assert.deepEqual(paths['/webhooks/{source}']?.post?.security, [], 'vendors cannot send an API key; their signature is checked instead');
    assert.deepEqual(paths['/v1/events']?.get?.security, [{ bearerAuth: [] }]);
    const text = document.text;
    assert.ok(!text.includes(admin), 'no secret in the document');
  });

  it('exposes Prometheus metrics of what it did', async () => {
    const reader = await key(['metrics:read']);
    const metrics = await call('GET', '/metrics', { token: reader.token });
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    const appended = Number(/^weft_events_appended_total (\d+)/m.exec(metrics.text)?.[1]);
    assert.equal(appended, await hub.store.lastPosition());
    assert.match(metrics.text, /weft_rejected_total\{code="schema_violation"\} [1-9]/);
    assert.match(metrics.text, /weft_http_request_duration_seconds_count\{route="\/v1\/events",method="POST",status="201"\} [1-9]/);
    assert.match(metrics.text, /^weft_store_pending_events 0$/m);
    assert.ok(!metrics.text.includes(admin));
  });
});

describe('admission control and shutdown', () => {
  /** Sends request headers promising a body that never comes: a request held in flight. */
  function hold(path: string, token: string): Promise<{ finish: (body: string) => Promise<string>; socket: ReturnType<typeof connect> }> {
    const url = new URL(hub.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        const body = JSON.stringify(stock);
        socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`);
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        resolve({
          socket,
          finish: (rest) =>
            new Promise((done) => {
              socket.write(rest);
              const check = setInterval(() => {
                if (/\r\n\r\n[\s\S]*\}/.test(answer)) {
                  clearInterval(check);
                  done(answer);
                }
              }, 10);
            }),
        });
      });
      socket.on('error', reject);
    });
  }

  it('sheds load at once with 503 and Retry-After when too many requests are in flight', async () => {
    const small = await startHub(loadConfig({ env: { ...env, WEFT_DATA_DIR: join(dir, 'small'), WEFT_INGEST_MAX_IN_FLIGHT_REQUESTS: '2' } }), { announce: () => undefined });
    try {
      const saved = hub;
      hub = small;
      try {
        const token = await adminToken(small.store);
        const first = await hold('/v1/events', token);
        const second = await hold('/v1/events', token);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const shed = await post(stock, { token });
        assertProblem(shed, 503, 'overloaded');
        assert.equal(shed.headers.get('retry-after'), '1');
        assert.equal(shed.body.retryable, true);
        assert.equal((await call('GET', '/health/live', { token: null })).status, 200, 'health is never shed');
        const body = JSON.stringify(stock);
        assert.match(await first.finish(body), /^HTTP\/1.1 201/);
        assert.match(await second.finish(body), /^HTTP\/1.1 201/);
        first.socket.destroy();
        second.socket.destroy();
        assert.equal((await post(stock, { token })).status, 201, 'capacity comes back');
      } finally {
        hub = saved;
      }
    } finally {
      await small.close();
    }
  });

  it('finishes in-flight requests on shutdown and refuses new ones', async () => {
    const other = await startHub(loadConfig({ env: { ...env, WEFT_DATA_DIR: join(dir, 'other') } }), { announce: () => undefined });
    const saved = hub;
    hub = other;
    try {
      const token = await adminToken(other.store);
      const held = await hold('/v1/events', token);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closing = other.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const refused = await post(stock, { token }).catch((error: Error) => error);
      if (!(refused instanceof Error)) assert.equal(refused.status, 503, 'a new request is refused (or its connection is)');
      const answer = await held.finish(JSON.stringify(stock));
      assert.match(answer, /^HTTP\/1.1 201/, 'the in-flight request completes');
      held.socket.destroy();
      await closing;
      const reopened = await openStore(loadConfig({ env: { ...env, WEFT_DATA_DIR: join(dir, 'other') } }));
      assert.equal(await reopened.lastPosition(), 1, 'the in-flight event was made durable before exit');
      await reopened.close();
    } finally {
      hub = saved;
    }
  });
});
