import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { TargetError, WeftError } from '../../errors/index.ts';
import { createHttpClient, MAX_RESPONSE_BODY_BYTES, TRUNCATED_BODY_NOTE } from './http-client.ts';
import { startRecordingServer, type RecordingServer } from './recording-server.ts';

let server: RecordingServer;
const client = createHttpClient({ timeoutMs: 2000, userAgent: 'weft-test' });

before(async () => {
  server = await startRecordingServer();
});
after(async () => {
  await client.close();
  await server.close();
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

test('sends method, path, query, headers and body as given; lower-cases response header names', async () => {
  server.answer(() => ({ status: 201, headers: { 'X-Record-Id': '42', 'Content-Type': 'application/json' }, body: '{"ok":true}' }));
  const response = await client.request({ method: 'post', url: `${server.url}/a/b%2Fc?x=1&y=%C3%A9`, headers: { 'X-One': 'één' }, body: 'héllo' });
  assert.equal(response.status, 201);
  assert.equal(response.headers['x-record-id'], '42');
  assert.equal(response.body, '{"ok":true}');
  const received = server.requests.at(-1);
  assert.equal(received?.method, 'POST');
  assert.equal(received?.url, '/a/b%2Fc?x=1&y=%C3%A9');
  assert.equal(received?.headers['user-agent'], 'weft-test');
  assert.deepEqual(received?.body, Buffer.from('héllo', 'utf8'));
});

test('any status resolves', async () => {
  for (const status of [200, 302, 404, 409, 500, 503]) {
    server.answer(() => ({ status, body: `status ${status}` }));
    const response = await client.request({ method: 'GET', url: `${server.url}/s` });
    assert.equal(response.status, status);
  }
});

test('a caller-set User-Agent wins', async () => {
  server.answer(() => ({ status: 204 }));
  await client.request({ method: 'GET', url: `${server.url}/ua`, headers: { 'User-Agent': 'mine' } });
  assert.equal(server.requests.at(-1)?.headers['user-agent'], 'mine');
});

test('reuses keep-alive connections', async () => {
  server.answer(() => ({ status: 200, body: 'x' }));
  const own = createHttpClient();
  const ports = new Set<number>();
  for (let i = 0; i < 10; i++) {
    await own.request({ method: 'GET', url: `${server.url}/k` });
    ports.add(server.requests.at(-1)?.remotePort ?? 0);
  }
  await own.close();
  // undici frees a connection a tick after its answer is read, so requests in a row alternate
  // between two; what matters is that ten requests did not open ten connections.
  assert.ok(ports.size <= 2, `ten requests in a row used ${ports.size} connections`);
});

test('a body over 1 MiB is cut there and says so', async () => {
  const big = 'a'.repeat(MAX_RESPONSE_BODY_BYTES + 10_000);
  server.answer(() => ({ status: 200, body: big }));
  const response = await client.request({ method: 'GET', url: `${server.url}/big` });
  assert.equal(response.body, 'a'.repeat(MAX_RESPONSE_BODY_BYTES) + TRUNCATED_BODY_NOTE);
  // The client still works after dropping the rest of a body.
  server.answer(() => ({ status: 200, body: 'small' }));
  assert.equal((await client.request({ method: 'GET', url: `${server.url}/after` })).body, 'small');
});

test('no answer within the timeout is target_timeout; the message names method, origin and path only', async () => {
  server.answer(() => 'hang');
  const started = Date.now();
  const error = await rejection(client.request({ method: 'POST', url: `${server.url}/slow?token=s3cret`, headers: { authorization: 'Bearer s3cret' }, body: '{}', timeoutMs: 200 }));
  assert.ok(error instanceof TargetError);
  assert.equal(error.code, 'target_timeout');
  assert.ok(Date.now() - started < 1500);
  assert.match(error.message, new RegExp(`^POST ${server.url}/slow: `));
  assert.doesNotMatch(error.message, /s3cret|token/);
});

test('a connection reset after the request was sent is target_unreachable', async () => {
  server.answer(() => 'reset');
  const error = await rejection(client.request({ method: 'POST', url: `${server.url}/reset?key=s3cret`, body: '{"a":1}' }));
  assert.ok(error instanceof TargetError);
  assert.equal(error.code, 'target_unreachable');
  assert.equal(error.retryable, true);
  assert.doesNotMatch(error.message, /s3cret/);
});

test('a refused connection is target_unreachable', async () => {
  const port = await freePort();
  const error = await rejection(client.request({ method: 'GET', url: `http://127.0.0.1:${port}/x?secret=s3cret` }));
  assert.ok(error instanceof TargetError);
  assert.equal(error.code, 'target_unreachable');
  assert.match(error.message, new RegExp(`^GET http://127.0.0.1:${port}/x: connection refused`));
  assert.doesNotMatch(error.message, /s3cret/);
});

test('an unknown host is target_unreachable', async () => {
  // A long timeout: a slow resolver must fail as unreachable, not look like a timeout here.
  const error = await rejection(client.request({ method: 'GET', url: 'http://weft-test-host.invalid/x', timeoutMs: 30_000 }));
  assert.ok(error instanceof TargetError);
  assert.equal(error.code, 'target_unreachable');
});

test('an aborted signal rejects with its reason, before or during the request', async () => {
  const reason = new Error('hub stopping');
  const early = await rejection(client.request({ method: 'GET', url: `${server.url}/x` }, AbortSignal.abort(reason)));
  assert.equal(early, reason);
  server.answer(() => 'hang');
  const controller = new AbortController();
  const pending = client.request({ method: 'GET', url: `${server.url}/x` }, controller.signal);
  setTimeout(() => controller.abort(reason), 50);
  assert.equal(await rejection(pending), reason);
});

test('URLs that cannot be requested are command_invalid and never echo credentials', async () => {
  for (const url of ['not a url', 'ftp://example.com/x', 'http://user:pa55@127.0.0.1:1/x']) {
    const error = await rejection(client.request({ method: 'GET', url }));
    assert.ok(error instanceof WeftError);
    assert.equal(error.code, 'command_invalid');
    assert.doesNotMatch(error.message, /pa55|user:/);
  }
});

test('a closed client rejects new requests as target_unreachable', async () => {
  const own = createHttpClient();
  await own.close();
  const error = await rejection(own.request({ method: 'GET', url: `${server.url}/x` }));
  assert.ok(error instanceof TargetError);
  assert.equal(error.code, 'target_unreachable');
});
