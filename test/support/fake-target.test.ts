import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ArrivalRing, observedRate, parseFaults, startFakeTarget, type FakeTarget, type FakeTargetOptions } from './fake-target.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

interface CallOptions {
  key?: string;
  body?: unknown;
  timeoutMs?: number;
  agent?: Agent;
}

// A fresh connection per call unless an agent is given, so a socket destroyed by one fault never
// leaks into the next request, and no client library retries behind the test's back.
function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.key !== undefined) headers['idempotency-key'] = options.key;
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (options.timeoutMs !== undefined) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.end(payload);
  });
}

const post = (target: FakeTarget, path: string, options: CallOptions = {}): Promise<Reply> => call(target.url, 'POST', path, { body: {}, ...options });

async function withTarget(options: FakeTargetOptions, fn: (target: FakeTarget) => Promise<void>): Promise<void> {
  const target = await startFakeTarget(options);
  try {
    await fn(target);
  } finally {
    await target.close();
  }
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

test('a keyed effect applies once; a retry gets 200 with the same id; ids count per resource', () =>
  withTarget({}, async (target) => {
    assert.match(target.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await post(target, '/effects/orders', { key: 'k1', body: { sku: 'A' } });
    assert.equal(first.status, 201);
    assert.deepEqual(first.json, { id: 'orders_1' });
    const retry = await post(target, '/effects/orders', { key: 'k1', body: { sku: 'A' } });
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.json, { id: 'orders_1' });
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.deepEqual((await call(target.url, 'PUT', '/effects/orders', { key: 'k2', body: { sku: 'B' } })).json, { id: 'orders_2' });
    assert.deepEqual((await post(target, '/effects/stock', { key: 'k3' })).json, { id: 'stock_1' });

    const effects = target.effects();
    assert.deepEqual(
      effects.map(({ seq, id, key, resource, via, body }) => ({ seq, id, key, resource, via, body })),
      [
        { seq: 1, id: 'orders_1', key: 'k1', resource: 'orders', via: 'effects', body: { sku: 'A' } },
        { seq: 2, id: 'orders_2', key: 'k2', resource: 'orders', via: 'effects', body: { sku: 'B' } },
        { seq: 3, id: 'stock_1', key: 'k3', resource: 'stock', via: 'effects', body: {} },
      ],
    );
    assert.ok(effects.every((effect) => Math.abs(effect.at - Date.now()) < 5000));
    const stats = target.stats();
    assert.equal(stats.requests, 4);
    assert.equal(stats.effectRequests, 4);
    assert.equal(stats.applied, 3);
    assert.equal(stats.duplicatesSuppressed, 1);
    assert.equal(stats.maxEffectsPerKey, 1);
    assert.deepEqual(stats.keysWithMultipleEffects, []);
  }));

test('a replay with another body still gets the first answer and is counted as a key mismatch', () =>
  withTarget({}, async (target) => {
    await post(target, '/effects/orders', { key: 'k', body: { v: 1 } });
    const replay = await post(target, '/effects/orders', { key: 'k', body: { v: 2 } });
    assert.equal(replay.status, 200);
    assert.deepEqual(replay.json, { id: 'orders_1' });
    assert.equal(target.stats().keyMismatches, 1);
    assert.equal(target.stats().applied, 1);
  }));

test('requests without Idempotency-Key always apply and are counted as unkeyed', () =>
  withTarget({}, async (target) => {
    assert.deepEqual((await post(target, '/effects/orders')).json, { id: 'orders_1' });
    assert.deepEqual((await post(target, '/effects/orders')).json, { id: 'orders_2' });
    const stats = target.stats();
    assert.equal(stats.applied, 2);
    assert.equal(stats.unkeyed, 2);
    assert.equal(stats.duplicatesSuppressed, 0);
    assert.equal(target.effects()[0]?.key, null);
  }));

test('200 parallel requests over 20 keys apply exactly 20 effects and suppress 180 duplicates', () =>
  withTarget({}, async (target) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    try {
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, i) => post(target, '/effects/orders', { key: `key-${i % 20}`, body: { i: i % 20 }, agent }).then((reply) => ({ key: `key-${i % 20}`, reply }))),
      );
      const byKey = new Map<string, Reply[]>();
      for (const { key, reply } of replies) byKey.set(key, [...(byKey.get(key) ?? []), reply]);
      assert.equal(byKey.size, 20);
      for (const [key, list] of byKey) {
        assert.equal(list.filter((reply) => reply.status === 201).length, 1, key);
        assert.equal(list.filter((reply) => reply.status === 200).length, 9, key);
        assert.equal(new Set(list.map((reply) => JSON.stringify(reply.json))).size, 1, `one id for ${key}`);
      }
      const stats = target.stats();
      assert.equal(stats.applied, 20);
      assert.equal(stats.duplicatesSuppressed, 180);
      assert.equal(stats.requests, 200);
      assert.equal(stats.maxEffectsPerKey, 1);
      assert.equal(new Set(target.effects().map((effect) => effect.id)).size, 20);
    } finally {
      agent.destroy();
    }
  }));

test('order per orderKey follows application order; a non-increasing list is a violation; replays add nothing', () =>
  withTarget({}, async (target) => {
    for (const [key, orderKey, n] of [
      ['a1', 'A', 1],
      ['b2', 'B', 2],
      ['a2', 'A', 2],
      ['a2', 'A', 2],
      ['b1', 'B', 1],
      ['a3', 'A', 3],
      ['b3', 'B', 3],
    ] as const) {
      await post(target, '/effects/orders', { key, body: { orderKey, n } });
    }
    const stats = target.stats();
    assert.deepEqual(stats.perOrderKey, { A: [1, 2, 3], B: [2, 1, 3] });
    assert.deepEqual(stats.orderViolations, ['B']);
    assert.equal(stats.orderKeys, 2);
  }));

test('lookup by ref finds an applied effect; /plain ignores Idempotency-Key so every request applies', () =>
  withTarget({}, async (target) => {
    assert.equal((await call(target.url, 'GET', '/effects/orders?ref=r1')).status, 404);
    const first = await post(target, '/plain/orders', { key: 'cmd-1', body: { ref: 'r1' } });
    assert.equal(first.status, 201);
    assert.deepEqual(first.json, { id: 'orders_1' });
    const found = await call(target.url, 'GET', '/effects/orders?ref=r1');
    assert.equal(found.status, 200);
    assert.deepEqual(found.json, { id: 'orders_1' });
    assert.equal((await call(target.url, 'GET', '/effects/stock?ref=r1')).status, 404, 'refs are per resource');
    assert.equal((await call(target.url, 'GET', '/effects/orders')).status, 400, 'ref is required');

    const again = await post(target, '/plain/orders', { key: 'cmd-1', body: { ref: 'r1' } });
    assert.equal(again.status, 201, 'a plain target cannot deduplicate');
    assert.deepEqual(again.json, { id: 'orders_2' });
    await post(target, '/plain/orders', { key: 'cmd-2', body: { ref: 'r2' } });
    assert.deepEqual((await call(target.url, 'GET', '/effects/orders?ref=r1')).json, { id: 'orders_1' }, 'the first application is found');

    await post(target, '/effects/stock', { key: 'k', body: { ref: 'keyed' } });
    assert.deepEqual((await call(target.url, 'GET', '/effects/stock?ref=keyed')).json, { id: 'stock_1' }, 'keyed effects are found too');

    const stats = target.stats();
    assert.equal(stats.plain, 3);
    assert.equal(stats.applied, 4);
    assert.deepEqual(stats.plainByRef, { r1: 2, r2: 1 });
    assert.equal(stats.plainRefs, 2);
    assert.deepEqual(stats.refsWithMultipleEffects, ['r1']);
    assert.equal(stats.maxEffectsPerKey, 2);
    assert.deepEqual(stats.keysWithMultipleEffects, ['cmd-1']);
    assert.equal(stats.lookups, 6);
    assert.equal(stats.effectRequests, 4);
    assert.equal(stats.requests, 10);
  }));

test('a body that is not JSON is refused without being applied or remembering its key', () =>
  withTarget({}, async (target) => {
    assert.equal((await post(target, '/effects/orders', { key: 'k', body: '{nope' })).status, 400);
    assert.equal((await post(target, '/effects/orders', { key: 'k', body: { ok: true } })).status, 201);
    assert.equal(target.stats().badRequests, 1);
    assert.equal(target.stats().applied, 1);
  }));

test('unknown routes and methods are refused', () =>
  withTarget({}, async (target) => {
    assert.equal((await call(target.url, 'GET', '/nothing')).status, 404);
    assert.equal((await call(target.url, 'POST', '/effects/')).status, 404);
    assert.equal((await call(target.url, 'DELETE', '/effects/orders')).status, 405);
    assert.equal((await call(target.url, 'GET', '/plain/orders')).status, 405);
    assert.equal((await call(target.url, 'GET', '/_admin/nothing')).status, 404);
    assert.equal(target.stats().applied, 0);
  }));

test('a script decides outcomes in order, then the target behaves normally', () =>
  withTarget({ retryAfterSeconds: 7, faults: { script: ['500', '429', 'reset', 'timeout', 'duplicateAck', 'ok'] } }, async (target) => {
    const send = (options: CallOptions = {}) => post(target, '/effects/orders', { key: 'k', body: { v: 1 }, ...options });
    assert.equal((await send()).status, 500);
    const throttled = await send();
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '7');
    await assert.rejects(send(), /socket hang up|ECONNRESET/);
    assert.equal(target.stats().applied, 0, 'no fault so far applied anything');

    const heldOpen = send({ timeoutMs: 150 });
    await until(() => target.stats().held === 1);
    await assert.rejects(heldOpen, /client timeout/);
    await until(() => target.stats().held === 0);

    await assert.rejects(send(), /socket hang up|ECONNRESET/, 'duplicateAck loses the answer');
    assert.equal(target.stats().applied, 1, '...after applying the effect');
    const retry = await send();
    assert.equal(retry.status, 200, "the 'ok' step answers the retry with the deduplicated answer");
    assert.deepEqual(retry.json, { id: 'orders_1' });
    assert.deepEqual(target.faults().script, []);
    assert.equal((await send()).status, 200);

    const stats = target.stats();
    assert.equal(stats.applied, 1);
    assert.equal(stats.duplicatesSuppressed, 2);
    assert.deepEqual(stats.injected, { error500: 1, throttle429: 1, timeout: 1, reset: 1, duplicateAck: 1, slow: 0, down: 0, rateLimited: 0 });
  }));

test('duplicateAck applies the effect and alternates between a lost socket and a 500; retries are deduplicated', () =>
  withTarget({ faults: { duplicateAck: 1 } }, async (target) => {
    await assert.rejects(post(target, '/effects/orders', { key: 'a' }), /socket hang up|ECONNRESET/);
    assert.equal((await post(target, '/effects/orders', { key: 'b' })).status, 500);
    await assert.rejects(post(target, '/effects/orders', { key: 'a' }), /socket hang up|ECONNRESET/, 'a replay loses its answer too');
    assert.equal(target.stats().applied, 2);
    target.setFaults({});
    for (const [key, id] of [
      ['a', 'orders_1'],
      ['b', 'orders_2'],
    ] as const) {
      const retry = await post(target, '/effects/orders', { key });
      assert.equal(retry.status, 200);
      assert.deepEqual(retry.json, { id });
    }
    const stats = target.stats();
    assert.equal(stats.applied, 2);
    assert.equal(stats.maxEffectsPerKey, 1);
    assert.equal(stats.injected.duplicateAck, 3);
  }));

test('probabilities fire at most `times` times, never at 0, and repeat under the same seed', async () => {
  await withTarget({ faults: { error500: { p: 1, times: 2 }, throttle429: 0 } }, async (target) => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(target, '/effects/orders', { key: `k${i}` })).status);
    assert.deepEqual(statuses, [500, 500, 201, 201]);
    assert.deepEqual(target.faults().error500, { p: 1, times: 0 });
  });
  const pattern = async (): Promise<number[]> => {
    const statuses: number[] = [];
    await withTarget({ faults: { error500: 0.5, seed: 42 } }, async (target) => {
      for (let i = 0; i < 24; i++) statuses.push((await post(target, '/effects/orders', { key: `k${i}` })).status);
    });
    return statuses;
  };
  const first = await pattern();
  assert.deepEqual(await pattern(), first);
  assert.ok(first.includes(500) && first.includes(201), `a mix of outcomes: ${first.join(',')}`);
});

test('slowMs delays the answer and then applies, even for a client that gave up', () =>
  withTarget({ faults: { slowMs: 120 } }, async (target) => {
    const started = performance.now();
    assert.equal((await post(target, '/effects/orders', { key: 'k' })).status, 201);
    assert.ok(performance.now() - started >= 110, 'answered after the delay');

    target.setFaults({ slowMs: { ms: 200, times: 1 } });
    await assert.rejects(post(target, '/effects/orders', { key: 'late', timeoutMs: 50 }), /client timeout/);
    assert.equal(target.stats().applied, 1);
    await until(() => target.stats().applied === 2);
    assert.deepEqual(target.faults().slowMs, { ms: 200, times: 0 });
    assert.equal(target.stats().injected.slow, 2);
  }));

test('while down every request gets 503 without Retry-After; admin still answers', () =>
  withTarget({}, async (target) => {
    target.setFaults({ down: true });
    const refused = await post(target, '/effects/orders', { key: 'k' });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], undefined);
    assert.equal((await call(target.url, 'GET', '/effects/orders?ref=x')).status, 503);
    assert.equal((await post(target, '/plain/orders')).status, 503);
    assert.equal((await call(target.url, 'GET', '/_admin/stats')).status, 200);
    assert.equal(target.stats().injected.down, 3);
    assert.equal(target.stats().applied, 0);
    assert.equal((await call(target.url, 'POST', '/_admin/faults', { body: { down: false } })).status, 200);
    assert.equal((await post(target, '/effects/orders', { key: 'k' })).status, 201);
  }));

test('the built-in rate limit allows a burst of one second, then answers 429 with Retry-After until tokens refill', () =>
  withTarget({ faults: { rateLimitPerSecond: 2 } }, async (target) => {
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => post(target, '/effects/orders', { key: `k${i}` })));
    const accepted = replies.filter((reply) => reply.status === 201).length;
    // Exactly the burst of 2, unless the 8 requests took over half a second to arrive (a third token).
    assert.ok(accepted >= 2 && accepted <= 3, `accepted ${accepted}`);
    const throttled = replies.filter((reply) => reply.status === 429);
    assert.equal(throttled.length, 8 - accepted);
    assert.ok(throttled.every((reply) => Number(reply.headers['retry-after']) >= 1));
    assert.equal(target.stats().injected.rateLimited, 8 - accepted);
    assert.equal(target.stats().effectRequests, 8, 'refused requests still count as arrivals');
    await sleep(600);
    assert.equal((await post(target, '/effects/orders', { key: 'later' })).status, 201);
  }));

test('admin endpoints: stats, faults (validated), effects, rate, arrivals and reset', () =>
  withTarget({}, async (target) => {
    const set = await call(target.url, 'POST', '/_admin/faults', { body: { script: ['500'], error500: { p: 0.5, times: 3 }, seed: 1 } });
    assert.equal(set.status, 200);
    assert.deepEqual(set.json, { script: ['500'], error500: { p: 0.5, times: 3 }, seed: 1 });
    assert.deepEqual((await call(target.url, 'GET', '/_admin/faults')).json, target.faults());
    const invalid = await call(target.url, 'POST', '/_admin/faults', { body: { error500: 2 } });
    assert.equal(invalid.status, 400);
    assert.match(String((invalid.json as { error: string }).error), /error500/);
    assert.equal((await call(target.url, 'POST', '/_admin/faults', { body: { nope: 1 } })).status, 400);
    assert.equal((await call(target.url, 'POST', '/_admin/faults', { body: '[' })).status, 400);
    assert.deepEqual(target.faults().script, ['500'], 'a refused change leaves the faults alone');
    assert.equal((await call(target.url, 'POST', '/_admin/faults', { body: {} })).status, 200);

    await post(target, '/effects/orders', { key: 'k', body: { orderKey: 'o', n: 1 } });
    await post(target, '/effects/orders', { key: 'k', body: { orderKey: 'o', n: 1 } });
    const stats = (await call(target.url, 'GET', '/_admin/stats')).json as Record<string, unknown>;
    assert.equal(stats.applied, 1);
    assert.equal(stats.duplicatesSuppressed, 1);
    assert.deepEqual(stats.perOrderKey, { o: [1] });
    const effects = (await call(target.url, 'GET', '/_admin/effects')).json as Array<{ id: string; key: string }>;
    assert.deepEqual(
      effects.map(({ id, key }) => ({ id, key })),
      [{ id: 'orders_1', key: 'k' }],
    );
    const rate = (await call(target.url, 'GET', '/_admin/rate?windowMs=500')).json as { count: number; windowMs: number };
    assert.equal(rate.count, 2);
    assert.equal(rate.windowMs, 500);
    assert.equal((await call(target.url, 'GET', '/_admin/rate?windowMs=0')).status, 400);

    const binary = await new Promise<Buffer>((resolve, reject) => {
      request(`${target.url}/_admin/arrivals`, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      })
        .on('error', reject)
        .end();
    });
    const times = new Float64Array(binary.buffer.slice(binary.byteOffset, binary.byteOffset + binary.byteLength));
    assert.deepEqual([...times], [...target.arrivalTimes()]);

    const cleared = await call(target.url, 'POST', '/_admin/reset');
    assert.equal(cleared.status, 204);
    const after = target.stats();
    assert.equal(after.requests, 0);
    assert.equal(after.applied, 0);
    assert.deepEqual(after.arrivals, []);
    assert.equal(target.arrivalTimes().length, 0);
    assert.deepEqual(target.effects(), []);
    assert.equal((await post(target, '/effects/orders', { key: 'k' })).status, 201, 'keys are forgotten too');
    assert.deepEqual((await call(target.url, 'GET', '/_admin/effects')).json, target.effects());
  }));

test('arrival times are ascending epoch ms; buckets and rate agree with them', () =>
  withTarget({}, async (target) => {
    const before = Date.now();
    for (let i = 0; i < 30; i++) await post(target, '/effects/orders', { key: `k${i}` });
    await call(target.url, 'GET', '/effects/orders?ref=x');
    const times = target.arrivalTimes();
    assert.equal(times.length, 30, 'lookups are not effect arrivals');
    for (let i = 1; i < times.length; i++) assert.ok((times[i] as number) >= (times[i - 1] as number));
    assert.ok((times[0] as number) >= before - 5 && (times[29] as number) <= Date.now() + 5);
    const stats = target.stats();
    assert.equal(
      stats.arrivals.reduce((sum, bucket) => sum + bucket.count, 0),
      30,
    );
    assert.ok(stats.arrivals.every((bucket) => bucket.t % 100 === 0 && bucket.t >= 0));
    const rate = target.rate(1000);
    assert.equal(rate.count, 30);
    assert.ok(rate.peakCount >= 1 && rate.peakCount <= 30);
    assert.ok(rate.meanPerSecond > 0);
  }));

test('observedRate: mean from the spacing over the span, peak from the busiest window', () => {
  const steady = Float64Array.from({ length: 101 }, (_, i) => 1000 + i * 10);
  const rate = observedRate(steady, 1000);
  assert.equal(rate.count, 101);
  assert.equal(rate.spanMs, 1000);
  assert.equal(rate.meanPerSecond, 100);
  assert.equal(rate.peakCount, 100);
  assert.equal(rate.peakPerSecond, 100);

  const burst = Float64Array.from([0, 1, 2, 3, 4, 500, 1000, 1500, 2000]);
  const bursty = observedRate(burst, 100);
  assert.equal(bursty.peakCount, 5);
  assert.equal(bursty.peakPerSecond, 50);
  assert.equal(bursty.meanPerSecond, 4);
  assert.deepEqual(observedRate(new Float64Array(0)), { count: 0, spanMs: 0, meanPerSecond: 0, windowMs: 1000, peakCount: 0, peakPerSecond: 0 });
  assert.throws(() => observedRate(steady, 0), RangeError);
});

test('ArrivalRing grows by doubling up to its cap, then overwrites the oldest', () => {
  const ring = new ArrivalRing(10, 2);
  for (let i = 1; i <= 7; i++) ring.push(i);
  assert.deepEqual([...ring.toArray()], [1, 2, 3, 4, 5, 6, 7]);
  for (let i = 8; i <= 23; i++) ring.push(i);
  assert.equal(ring.length, 10);
  assert.deepEqual([...ring.toArray()], [14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
  ring.clear();
  ring.push(99);
  assert.deepEqual([...ring.toArray()], [99]);
});

test('a target keeps only maxArrivals arrival times', () =>
  withTarget({ maxArrivals: 4 }, async (target) => {
    for (let i = 0; i < 6; i++) await post(target, '/effects/orders');
    assert.equal(target.arrivalTimes().length, 4);
    assert.equal(target.stats().effectRequests, 6);
  }));

test('parseFaults accepts every documented field and names the bad one', () => {
  const all = {
    error500: 0.1,
    throttle429: { p: 0.2, times: 5 },
    timeout: 0,
    reset: { p: 1 },
    duplicateAck: 0.3,
    slowMs: { ms: 5, p: 0.5, times: 2 },
    down: false,
    rateLimitPerSecond: 100,
    script: ['ok', '500', '429', 'timeout', 'reset', 'duplicateAck'],
    retryAfterSeconds: 3,
    seed: 7,
  };
  assert.deepEqual(parseFaults(all), all);
  assert.throws(() => parseFaults({ reset: -0.1 }), /reset/);
  assert.throws(() => parseFaults({ throttle429: { p: 0.5, times: 1.5 } }), /throttle429\.times/);
  assert.throws(() => parseFaults({ script: ['boom'] }), /script/);
  assert.throws(() => parseFaults({ down: 'yes' }), /down/);
  assert.throws(() => parseFaults({ rateLimitPerSecond: 0 }), /rateLimitPerSecond/);
  assert.throws(() => parseFaults({ slowMs: 'slow' }), /slowMs/);
  assert.throws(() => parseFaults(null), /object/);
});

test('close() destroys held sockets so neither side hangs', async () => {
  const target = await startFakeTarget({ faults: { timeout: 1 } });
  const pending = post(target, '/effects/orders', { key: 'k' });
  await until(() => target.stats().held === 1);
  const started = performance.now();
  await target.close();
  await assert.rejects(pending, /socket hang up|ECONNRESET/);
  assert.ok(performance.now() - started < 1000);
  assert.equal(target.stats().applied, 0);
  await target.close();
});

const entry = fileURLToPath(new URL('./fake-target.ts', import.meta.url));

async function spawnTarget(args: string[]): Promise<{ url: string; stop: () => Promise<{ code: number | null; stdout: string; stderr: string }> }> {
  const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const deadline = Date.now() + 10_000;
  while (!stdout.includes('\n')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`fake target did not start: ${stderr}`);
    }
    await sleep(10);
  }
  const { url } = JSON.parse(stdout.split('\n')[0] as string) as { url: string };
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      const [code] = await exited;
      return { code, stdout, stderr };
    },
  };
}

test('as a child process it prints its URL as JSON, serves, and exits 0 on SIGTERM', { timeout: 20_000 }, async () => {
  const quiet = await spawnTarget(['--port', '0', '--quiet']);
  assert.match(quiet.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await call(quiet.url, 'POST', '/effects/orders', { key: 'k', body: {} })).status, 201);
  assert.equal((await call(quiet.url, 'POST', '/effects/orders', { key: 'k', body: {} })).status, 200);
  const stopped = await quiet.stop();
  assert.equal(stopped.code, 0);
  assert.equal(stopped.stdout, `${JSON.stringify({ url: quiet.url })}\n`);
  assert.equal(stopped.stderr, '');

  const loud = await spawnTarget(['--port', '0', '--faults', '{"down":true}']);
  assert.equal((await call(loud.url, 'POST', '/effects/orders', { key: 'k', body: {} })).status, 503);
  const summary = await loud.stop();
  assert.equal(summary.code, 0);
  assert.match(summary.stderr, /fake target stopped: .*"requests":1/);
});
