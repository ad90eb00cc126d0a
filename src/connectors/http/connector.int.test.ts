import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { ConfigError, TargetError, WeftError } from '../../errors/index.ts';
import { createHttpClient } from '../sdk/http-client.ts';
import type { ActionCommand, ActionContext, ActionResult, DeliveryTarget } from '../sdk/index.ts';
import { startRecordingServer, type RecordedRequest, type RecordingServer } from '../sdk/recording-server.ts';
import { createHttpTarget } from './connector.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, parseHttpTargetSettings } from './settings.ts';
import { memoryXrefs } from '../sdk/testing.ts';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const client = createHttpClient({ timeoutMs: 5000 });
let server: RecordingServer;
let warnings: string[] = [];

before(async () => {
  server = await startRecordingServer();
});
after(async () => {
  await client.close();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.answer(() => ({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"id": 4711}' }));
  warnings = [];
});

function target(settings: Record<string, unknown>, baseUrl = `${server.url}/api/`): DeliveryTarget {
  return createHttpTarget('erp', parseHttpTargetSettings('erp', { connector: 'http', baseUrl, ...settings }), { http: client });
}

function command(payload: unknown, overrides: Partial<ActionCommand> = {}): ActionCommand {
  return {
    id: 'cmd_01',
    target: 'erp',
    action: 'create',
    key: 'ord_01',
    payload,
    attempt: 1,
    createdAt: '2025-03-01T11:59:00.000Z',
    causationId: undefined,
    traceparent: undefined,
    ...overrides,
  };
}

function context(cmd: ActionCommand): ActionContext {
  const log = { debug: () => {}, info: () => {}, warn: (_fields: object, message: string) => void warnings.push(message), error: () => {} };
  return { command: cmd, idempotencyKey: `weft-${cmd.id}`, http: client, xrefs: memoryXrefs(), log, clock: { now: () => NOW }, signal: new AbortController().signal };
}

async function run(t: DeliveryTarget, action: string, cmd: ActionCommand): Promise<ActionResult> {
  const found = t.actions[action];
  assert.ok(found, `action ${action}`);
  return found.run(context(cmd));
}

async function failure(promise: Promise<unknown>): Promise<WeftError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WeftError, `a WeftError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the action to fail');
}

const only = (): RecordedRequest => {
  assert.equal(server.requests.length, 1, 'exactly one request');
  return server.requests[0] as RecordedRequest;
};

const createOrder = { path: '/orders/{payload.orderId}', targetIdPointer: '/id', xrefEntity: 'order', xrefCanonicalPointer: '/orderId' };

test('builds the request: encoded path, static and templated headers, JSON body, key, traceparent', async () => {
  const t = target({
    headers: { 'X-Tenant': 'eu' },
    actions: { create: { ...createOrder, headers: { 'X-Ref': '{command.key}/{payload.orderId}' } } },
  });
  const payload = { orderId: 'ord/01 ü', total: { amount: 1250, currency: 'EUR' } };
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const result = await run(t, 'create', command(payload, { traceparent }));
  const received = only();
  assert.equal(received.method, 'POST');
  assert.equal(received.url, '/api/orders/ord%2F01%20%C3%BC');
  assert.equal(received.headers['x-tenant'], 'eu');
  assert.equal(received.headers['x-ref'], 'ord_01/ord/01 ü');
  assert.equal(received.headers['content-type'], 'application/json');
  assert.equal(received.headers['idempotency-key'], 'weft-cmd_01');
  assert.equal(received.headers.traceparent, traceparent);
  assert.equal(received.body.toString('utf8'), JSON.stringify(payload));
  assert.deepEqual(result, { status: 'created', targetId: '4711', xref: { entity: 'order', canonicalId: 'ord/01 ü' } });
});

test('GET and body "none" send no body and no Content-Type', async () => {
  const t = target({ actions: { get: { method: 'GET', path: '/orders/{key}' }, ping: { method: 'POST', path: '/ping', body: 'none' } } });
  server.answer(() => ({ status: 200, body: '{}' }));
  await run(t, 'get', command({ a: 1 }));
  await run(t, 'ping', command({ a: 1 }));
  for (const received of server.requests) {
    assert.equal(received.body.length, 0);
    assert.equal(received.headers['content-type'], undefined);
  }
});

test('bearer and basic auth', async () => {
  await run(target({ auth: { type: 'bearer', token: 't0ken' }, actions: { create: { path: '/o' } } }), 'create', command({}));
  await run(target({ auth: { type: 'basic', username: 'weft', password: 'pä55:w' }, actions: { create: { path: '/o' } } }), 'create', command({}));
  assert.equal(server.requests[0]?.headers.authorization, 'Bearer t0ken');
  assert.equal(server.requests[1]?.headers.authorization, `Basic ${Buffer.from('weft:pä55:w').toString('base64')}`);
});

test('HMAC signs the exact body bytes received', async () => {
  const payload = { orderId: 'ord_01', note: 'crème brûlée ✓' };
  await run(target({ auth: { type: 'hmac', secret: 'shh' }, actions: { create: { path: '/o' } } }), 'create', command(payload));
  const plain = only();
  assert.equal(plain.headers['x-signature'], createHmac('sha256', 'shh').update(plain.body).digest('hex'));

  server.requests.length = 0;
  const auth = { type: 'hmac', secret: 'shh', header: 'X-Weft-Signature', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=' };
  await run(target({ auth, actions: { create: { path: '/o' } } }), 'create', command(payload));
  const prefixed = only();
  assert.equal(prefixed.headers['x-weft-signature'], `sha512=${createHmac('sha512', 'shh').update(prefixed.body).digest('base64')}`);
});

test('HMAC with a timestamp header signs "<timestamp>.<body>"', async () => {
  const auth = { type: 'hmac', secret: 'shh', timestampHeader: 'X-Timestamp' };
  await run(target({ auth, actions: { create: { path: '/o' } } }), 'create', command({ a: 1 }));
  const received = only();
  const timestamp = received.headers['x-timestamp'];
  assert.equal(timestamp, String(NOW / 1000));
  const expected = createHmac('sha256', 'shh').update(Buffer.concat([Buffer.from(`${timestamp}.`), received.body])).digest('hex');
  assert.equal(received.headers['x-signature'], expected);
});

test('the idempotency header goes only with "key" actions, under the configured name', async () => {
  const actions = { key: { path: '/k' }, natural: { path: '/n', idempotency: 'natural' }, none: { path: '/x', idempotency: 'none' } };
  const t = target({ actions });
  for (const action of Object.keys(actions)) await run(t, action, command({}));
  assert.deepEqual(server.requests.map((r) => r.headers['idempotency-key']), ['weft-cmd_01', undefined, undefined]);

  server.requests.length = 0;
  await run(target({ idempotencyHeader: 'X-Request-Id', actions }), 'key', command({}));
  await run(target({ idempotencyHeader: '', actions }), 'key', command({}));
  assert.equal(server.requests[0]?.headers['x-request-id'], 'weft-cmd_01');
  assert.equal(server.requests[1]?.headers['idempotency-key'], undefined);
});

const lookupAction = {
  path: '/orders',
  targetIdPointer: '/id',
  idempotency: 'lookup',
  lookup: { path: '/orders/by-ref/{key}', targetIdPointer: '/order/id' },
};

test('lookup: a found record is not created again', async () => {
  server.answer((request) => (request.method === 'GET' ? { status: 200, body: '{"order": {"id": 99999999999999999999}}' } : { status: 201, body: '{"id": 1}' }));
  const result = await run(target({ auth: { type: 'bearer', token: 't' }, actions: { create: lookupAction } }), 'create', command({ a: 1 }));
  assert.deepEqual(result, { status: 'already_exists', targetId: '99999999999999999999' });
  const received = only();
  assert.equal(received.method, 'GET');
  assert.equal(received.url, '/api/orders/by-ref/ord_01');
  assert.equal(received.headers.authorization, 'Bearer t');
  assert.equal(received.headers['idempotency-key'], undefined);
});

test('lookup: 404 means create', async () => {
  server.answer((request) => (request.method === 'GET' ? { status: 404, body: 'no such order' } : { status: 201, body: '{"id": 5}' }));
  const result = await run(target({ actions: { create: lookupAction } }), 'create', command({ a: 1 }));
  assert.deepEqual(result, { status: 'created', targetId: '5' });
  assert.deepEqual(server.requests.map((r) => `${r.method} ${r.url}`), ['GET /api/orders/by-ref/ord_01', 'POST /api/orders']);
});

test('lookup: any other answer fails the attempt without creating', async () => {
  const t = target({ actions: { create: lookupAction } });
  server.answer(() => ({ status: 500, body: 'boom' }));
  const unavailable = await failure(run(t, 'create', command({})));
  assert.equal(unavailable.code, 'target_unavailable');
  server.answer(() => ({ status: 204 }));
  const odd = await failure(run(t, 'create', command({})));
  assert.equal(odd.code, 'target_rejected');
  assert.match(odd.message, /neither a found status \(200\) nor 404/);
  assert.ok(server.requests.every((r) => r.method === 'GET'));
});

test('maps statuses to receipts and errors', async () => {
  const t = target({ actions: { create: { path: '/o', targetIdPointer: '/id' } } });
  const answer = (status: number, body = '{"id": 1}', headers: Record<string, string> = {}) => server.answer(() => ({ status, body, headers }));
  answer(201);
  assert.deepEqual(await run(t, 'create', command({})), { status: 'created', targetId: '1' });
  answer(200);
  assert.equal((await run(t, 'create', command({}))).status, 'updated');
  answer(202);
  assert.equal((await run(t, 'create', command({}))).status, 'accepted');

  const cases: [number, string, Record<string, string>][] = [
    [409, 'target_rejected', {}],
    [422, 'target_rejected', {}],
    [401, 'target_auth_failed', {}],
    [403, 'target_auth_failed', {}],
    [429, 'target_throttled', { 'Retry-After': '30' }],
    [503, 'target_unavailable', {}],
  ];
  for (const [status, code, headers] of cases) {
    answer(status, `{"error": "status ${status}"}`, headers);
    const error = await failure(run(t, 'create', command({})));
    assert.ok(error instanceof TargetError);
    assert.equal(error.code, code, String(status));
    assert.equal(error.targetStatus, status);
    assert.match(error.message, new RegExp(`^erp\\.create \\(POST /o\\): target answered ${status}: \\{"error": "status ${status}"\\}$`));
    if (status === 429) assert.equal(error.retryAfterSeconds, 30);
  }
});

test('successStatuses narrows or widens what counts as success', async () => {
  const t = target({ actions: { strict: { path: '/s', successStatuses: [201] }, lenient: { path: '/l', successStatuses: [201, 409] } } });
  server.answer(() => ({ status: 200, body: '{}' }));
  const error = await failure(run(t, 'strict', command({})));
  assert.equal(error.code, 'target_rejected');
  server.answer(() => ({ status: 409, body: 'exists' }));
  assert.equal((await run(t, 'lenient', command({}))).status, 'already_exists');
});

test('ids above 2^53 stay exact; a missing id is a warning, not a failure', async () => {
  const t = target({ actions: { create: { path: '/o', targetIdPointer: '/order/id' } } });
  server.answer(() => ({ status: 201, body: '{"order": {"id": 12345678901234567890}}' }));
  assert.equal((await run(t, 'create', command({}))).targetId, '12345678901234567890');
  server.answer(() => ({ status: 201, body: 'created' }));
  assert.deepEqual(await run(t, 'create', command({})), { status: 'created' });
  assert.equal(warnings.length, 1);
});

test('a target that never answers is target_timeout', async () => {
  server.answer(() => 'hang');
  const error = await failure(run(target({ timeoutMs: 200, actions: { create: { path: '/o' } } }), 'create', command({})));
  assert.equal(error.code, 'target_timeout');
});

test('a reset after the request was sent is target_unreachable', async () => {
  server.answer(() => 'reset');
  const error = await failure(run(target({ actions: { create: { path: '/o' } } }), 'create', command({})));
  assert.equal(error.code, 'target_unreachable');
});

test('a refused connection is target_unreachable', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const error = await failure(run(target({ actions: { create: { path: '/o' } } }, `http://127.0.0.1:${port}`), 'create', command({})));
  assert.equal(error.code, 'target_unreachable');
});

test('preview shows the requests with secrets masked and sends nothing', async () => {
  const settings = { headers: { 'X-Api-Key': 'k3y', 'X-Tenant': 'eu' }, actions: { create: createOrder, upsert: lookupAction } };
  const bearer = target({ ...settings, auth: { type: 'bearer', token: 't0ken' } });
  const [request] = await bearer.actions.create!.preview(command({ orderId: 'ord_01' }));
  assert.deepEqual(request, {
    method: 'POST',
    url: `${server.url}/api/orders/ord_01`,
    headers: { 'x-api-key': '***', 'x-tenant': 'eu', 'content-type': 'application/json', 'idempotency-key': 'weft-cmd_01', authorization: 'Bearer ***' },
    body: '{"orderId":"ord_01"}',
  });
  const basic = await target({ ...settings, auth: { type: 'basic', username: 'u', password: 'p' } }).actions.create!.preview(command({ orderId: 'o' }));
  assert.equal(basic[0]?.headers.authorization, 'Basic ***');
  const hmac = await target({ ...settings, auth: { type: 'hmac', secret: 's', prefix: 'v1=', timestampHeader: 'X-Ts' } }).actions.upsert!.preview(command({ orderId: 'o' }));
  assert.deepEqual(hmac.map((r) => `${r.method} ${r.url}`), [`GET ${server.url}/api/orders/by-ref/ord_01`, `POST ${server.url}/api/orders`]);
  for (const r of hmac) assert.equal(r.headers['x-signature'], '***');
  assert.doesNotMatch(JSON.stringify([request, basic, hmac]), /t0ken|k3y|v1=[0-9a-f]/);
  assert.equal(server.requests.length, 0);
});

test('a command its templates cannot use is command_invalid and sends nothing', async () => {
  const t = target({ actions: { create: createOrder, header: { path: '/h', headers: { 'X-Ref': '{payload.ref}' } } } });
  const missing = await failure(run(t, 'create', command({ other: 1 })));
  assert.equal(missing.code, 'command_invalid');
  assert.equal(missing.retryable, false);
  assert.match(missing.message, /targets\.erp\.actions\.create\.path: placeholder \{payload\.orderId\} has no value/);
  assert.equal((await failure(run(t, 'create', command({ orderId: { nested: true } })))).code, 'command_invalid');
  assert.equal((await failure(run(t, 'header', command({ ref: 'a\r\nb' })))).code, 'command_invalid');
  await assert.rejects(t.actions.create!.preview(command({})), (error: unknown) => error instanceof WeftError && error.code === 'command_invalid');
  assert.equal(server.requests.length, 0);
});

test('bad templates and incomplete actions fail when the target is built, naming action and field', () => {
  const fails = (actions: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => target({ actions }), (error: unknown) => error instanceof ConfigError && pattern.test(error.message));
  fails({ create: { path: '/orders/{order.id}' } }, /targets\.erp\.actions\.create\.path: unknown placeholder \{order\.id\}/);
  fails({ create: { path: '/o', headers: { 'X-Ref': '{cmd.id}' } } }, /targets\.erp\.actions\.create\.headers\.X-Ref: unknown placeholder/);
  fails({ create: { path: 'orders' } }, /targets\.erp\.actions\.create\.path must start with "\/"/);
  fails({ create: { path: '/o', idempotency: 'lookup' } }, /targets\.erp\.actions\.create\.lookup is required/);
  fails({ create: { path: '/o', lookup: { path: '/o/{key}' } } }, /lookup is only used when idempotency is "lookup"/);
  fails({ create: { path: '/o', idempotency: 'lookup', lookup: { path: '/o/{bad}' } } }, /actions\.create\.lookup\.path: unknown placeholder \{bad\}/);
  fails({ create: { path: '/o', xrefEntity: 'order' } }, /xrefCanonicalPointer is required/);
});

test('policies: defaults, overrides, and a timeout that fits a lookup and a create', async () => {
  const plain = target({ actions: { create: { path: '/o', priority: 'urgent', retry: { maxAttempts: 3 } } } });
  assert.deepEqual(plain.rateLimit, DEFAULT_RATE_LIMIT);
  assert.deepEqual(plain.retry, DEFAULT_RETRY);
  assert.deepEqual(plain.breaker, DEFAULT_BREAKER);
  assert.equal(plain.timeoutMs, 10_000);
  assert.equal(plain.connector, 'http');
  assert.equal(plain.actions.create?.priority, 'urgent');
  assert.deepEqual(plain.actions.create?.retry, { maxAttempts: 3 });
  const tuned = target({ timeoutMs: 3000, rateLimit: { requestsPerSecond: 50 }, breaker: { openMs: 5000 }, actions: { create: lookupAction } });
  assert.deepEqual(tuned.rateLimit, { ...DEFAULT_RATE_LIMIT, requestsPerSecond: 50 });
  assert.deepEqual(tuned.breaker, { ...DEFAULT_BREAKER, openMs: 5000 });
  assert.equal(tuned.timeoutMs, 6000);
  await tuned.close();
  // The client belongs to the caller and keeps working.
  server.answer(() => ({ status: 200, body: 'ok' }));
  assert.equal((await client.request({ method: 'GET', url: `${server.url}/still-open` })).status, 200);
});
