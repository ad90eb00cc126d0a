import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createHttpTarget } from '../../src/connectors/http/connector.ts';
import { parseHttpTargetSettings } from '../../src/connectors/http/settings.ts';
import { createHttpClient } from '../../src/connectors/sdk/http-client.ts';
import { createDeliveryEngine, type DeliveryEngine } from '../../src/delivery/engine.ts';
import type { DeliveryLog } from '../../src/delivery/telemetry.ts';
import { createIdGenerator, systemClock } from '../../src/ports/clock.ts';
import type { HttpClient } from '../../src/ports/connector.ts';
import type { OutboxCommand, Store } from '../../src/ports/store.ts';
import { createSqliteStore } from '../../src/store/sqlite/store.ts';
import { observedRate, startFakeTarget, type Faults, type FakeTarget } from '../support/fake-target.ts';

// The fault-injection suite: the real engine, the real embedded store and the real HTTP connector
// against a local fake target that injects timeouts, 500s, 429s with Retry-After, connection resets,
// slow answers and lost acknowledgements. The target counts effects by idempotency key and records
// the order in which each business key's effects were applied.

const dir = mkdtempSync(join(tmpdir(), 'weft-faults-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quiet: DeliveryLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ids = createIdGenerator();
let n = 0;

interface Rig {
  store: Store;
  engine: DeliveryEngine;
  fake: FakeTarget;
  /** performance.now() of every request the hub sent. */
  sent: number[];
  close(): Promise<void>;
}

async function rig(options: { faults?: Faults; settings?: Record<string, unknown>; action?: Record<string, unknown> } = {}): Promise<Rig> {
  const fake = await startFakeTarget({ faults: options.faults ?? {} });
  const client = createHttpClient({ timeoutMs: 5000 });
  // When the hub sends each request: the budget's own measure, free of the target's scheduling.
  const sent: number[] = [];
  const http: HttpClient = {
    request: (request, signal) => {
      sent.push(performance.now());
      return client.request(request, signal);
    },
    close: () => client.close(),
  };
  const settings = parseHttpTargetSettings('erp', {
    connector: 'http',
    baseUrl: fake.url,
    timeoutMs: 400,
    rateLimit: { requestsPerSecond: 500, burst: 20, maxConcurrency: 16 },
    retry: { maxAttempts: 50, maxAgeMs: 120_000, baseDelayMs: 10, maxDelayMs: 200 },
    breaker: { failureThreshold: 50, openMs: 200, halfOpenProbes: 1 },
    actions: { createOrder: { method: 'POST', path: '/effects/orders', targetIdPointer: '/id', ...options.action } },
    ...options.settings,
  });
  const target = createHttpTarget('erp', settings, { http });
  const store = createSqliteStore({ path: join(dir, `f${++n}.db`) });
  const engine = createDeliveryEngine({ store, targets: new Map([['erp', target]]), clock: systemClock, ids, log: quiet, http }, { owner: `faults-${n}`, pollMs: 10 });
  return {
    store,
    engine,
    fake,
    sent,
    async close() {
      await engine.stop();
      await store.close();
      await http.close();
      await fake.close();
    },
  };
}

/** `count` commands over `keys` business keys; payload `n` numbers each key's commands in order. */
function orders(count: number, keys: number, prefix = 'o'): OutboxCommand[] {
  return Array.from({ length: count }, (_, i) => {
    const key = `ord_${prefix}${i % keys}`;
    return { id: `cmd_${prefix}${i}`, target: 'erp', action: 'createOrder', key, payload: { orderKey: key, n: i, ref: `${prefix}${i}` } };
  });
}

async function untilAllDone(store: Store, total: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await store.outboxStats();
    const done = stats.filter((s) => s.status === 'done').reduce((sum, s) => sum + s.count, 0);
    const dead = stats.filter((s) => s.status === 'dead').reduce((sum, s) => sum + s.count, 0);
    if (dead > 0) throw new Error(`${dead} command(s) dead-lettered: ${JSON.stringify(await store.listCommands({ status: 'dead', limit: 3 }))}`);
    if (done === total) return;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${total} delivered in time`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('delivery under injected faults', () => {
  it('takes every command into effect exactly once and in order per key, whatever the target does', async () => {
    const r = await rig({
      // Each 429 pauses the whole target for its Retry-After (1 s), so they are kept rare to bound the run.
      faults: { error500: 0.08, throttle429: { p: 0.02, times: 4 }, timeout: 0.03, reset: 0.06, duplicateAck: 0.08, slowMs: { ms: 30, p: 0.1 }, retryAfterSeconds: 1, seed: 7 },
    });
    try {
      const outbox = orders(300, 25);
      await r.store.commit({ outbox });
      r.engine.start();
      await untilAllDone(r.store, outbox.length);
      const stats = r.fake.stats();
      assert.equal(stats.applied, 300, 'every command took effect');
      assert.equal(stats.maxEffectsPerKey, 1, 'no command took effect twice');
      assert.deepEqual(stats.orderViolations, [], 'per-key order held');
      for (const [key, seqs] of Object.entries(stats.perOrderKey ?? {})) {
        assert.deepEqual(seqs, outbox.filter((c) => c.key === key).map((c) => (c.payload as { n: number }).n), `every effect of ${key}, in order`);
      }
      const injected = stats.injected as unknown as Record<string, number>;
      for (const kind of ['error500', 'throttle429', 'timeout', 'reset', 'duplicateAck']) assert.ok((injected[kind] ?? 0) > 0, `${kind} was injected (${JSON.stringify(injected)})`);
      assert.ok(stats.duplicatesSuppressed > 0, 'lost acknowledgements were retried and deduplicated by the target');
      const attempts = await r.store.commandAttempts('cmd_o0');
      assert.equal(attempts.at(-1)?.outcome, 'done');
    } finally {
      await r.close();
    }
  });

  it('keeps the request rate within the budget, and shrinks it when the target answers 429', async () => {
    const r = await rig({ settings: { rateLimit: { requestsPerSecond: 200, burst: 5, maxConcurrency: 32 } } });
    try {
      const outbox = orders(500, 100, 'r');
      await r.store.commit({ outbox });
      r.engine.start();
      await untilAllDone(r.store, outbox.length);
      // The budget grants at most rate × 1 s + burst in any second, measured where it is kept: when the
      // hub sends. The target sees the same requests later, and a busy machine can stall its process
      // long enough to bunch a few more into one of its seconds; it is held to a looser bound.
      const sent = observedRate(Float64Array.from(r.sent), 1000);
      assert.equal(sent.count, 500);
      // 3% over rate + burst at most: the budget's timer may grant up to TICK_SLACK (5 ms) early, and a
      // loaded machine records some grants a tick late, which moves requests across a window's edge.
      assert.ok(sent.peakCount <= (200 + 5) * 1.03, `no second in which the hub sent more than budget + burst (peak ${sent.peakCount})`);
      assert.ok(sent.meanPerSecond <= 200 * 1.05, `mean ${sent.meanPerSecond.toFixed(1)}/s sent within 5% of the budget`);
      const rate = observedRate(r.fake.arrivalTimes(), 1000);
      assert.ok(rate.peakCount <= (200 + 5) * 1.1, `no second in which the target saw more than budget + burst, give or take its own scheduling (peak ${rate.peakCount})`);
      assert.ok(rate.meanPerSecond <= 200 * 1.05, `mean ${rate.meanPerSecond.toFixed(1)}/s arrived within 5% of the budget`);
      // That the budget is used is shown by its busiest second; how close the mean comes to it is the
      // benchmark's to measure (npm run bench -- delivery), since a loaded CI machine stalls senders.
      assert.ok(rate.peakCount >= 200 * 0.85, `the busiest second (${rate.peakCount}) uses the budget`);
    } finally {
      await r.close();
    }

    const throttled = await rig({ faults: { rateLimitPerSecond: 60, retryAfterSeconds: 1 }, settings: { rateLimit: { requestsPerSecond: 300, burst: 10, maxConcurrency: 16 } } });
    try {
      const outbox = orders(240, 40, 't');
      await throttled.store.commit({ outbox });
      throttled.engine.start();
      let lowest = Infinity;
      const watch = setInterval(() => {
        lowest = Math.min(lowest, throttled.engine.status()[0]?.ratePerSecond ?? Infinity);
      }, 10);
      await untilAllDone(throttled.store, outbox.length);
      clearInterval(watch);
      const stats = throttled.fake.stats();
      assert.ok(stats.injected.rateLimited > 0 || stats.requests > stats.applied, 'the target throttled');
      assert.ok(lowest <= 150, `the budget shrank on 429 (lowest ${lowest}/s)`);
      assert.equal(stats.applied, 240);
      assert.equal(stats.maxEffectsPerKey, 1);
      assert.deepEqual(stats.orderViolations, []);
    } finally {
      await throttled.close();
    }
  });

  it('opens the breaker while the target is down, sends nothing but probes, and recovers without losing anything', async () => {
    const r = await rig({ faults: { down: true }, settings: { breaker: { failureThreshold: 5, openMs: 300, halfOpenProbes: 1 } } });
    try {
      const outbox = orders(100, 20, 'b');
      await r.store.commit({ outbox });
      r.engine.start();
      const deadline = Date.now() + 10_000;
      while (r.engine.status()[0]?.breaker !== 'open') {
        if (Date.now() > deadline) throw new Error('the breaker did not open');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Requests sent before it opened may still arrive: let them land before counting.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const before = r.fake.stats().requests;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const during = r.fake.stats().requests - before;
      // Open for 300 ms, then one probe that fails and re-opens it: about three probes a second.
      assert.ok(during <= 6, `only probes while open (${during} requests in 1 s)`);
      assert.equal((await r.store.listCommands({ status: 'dead', limit: 1 })).length, 0, 'nothing was dead-lettered');
      r.fake.setFaults({});
      await untilAllDone(r.store, outbox.length);
      assert.equal(r.engine.status()[0]?.breaker, 'closed');
      const stats = r.fake.stats();
      assert.equal(stats.applied, 100);
      assert.equal(stats.maxEffectsPerKey, 1);
      assert.deepEqual(stats.orderViolations, []);
    } finally {
      await r.close();
    }
  });

  it('looks the record up before re-creating it on a target without idempotency keys', async () => {
    const r = await rig({
      faults: { duplicateAck: 0.3, seed: 3 },
      settings: { idempotencyHeader: '' },
      action: { path: '/plain/orders', idempotency: 'lookup', lookup: { path: '/effects/orders?ref={payload.ref}', targetIdPointer: '/id' } },
    });
    try {
      const outbox = orders(120, 12, 'l');
      await r.store.commit({ outbox });
      r.engine.start();
      await untilAllDone(r.store, outbox.length);
      const stats = r.fake.stats();
      assert.ok(stats.injected.duplicateAck > 0);
      assert.deepEqual(stats.refsWithMultipleEffects, [], 'no record was created twice');
      assert.equal(stats.plain, 120);
      const receipts = await Promise.all(outbox.map((c) => r.store.receipt(c.id)));
      assert.ok(receipts.some((receipt) => receipt?.status === 'already_exists'), 'some retries found the record already there');
      assert.ok(receipts.every((receipt) => receipt?.targetId?.startsWith('orders_')), 'every receipt names the target record');
    } finally {
      await r.close();
    }
  });
});
