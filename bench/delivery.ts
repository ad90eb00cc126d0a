import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createHttpTarget } from '../src/connectors/http/connector.ts';
import { parseHttpTargetSettings } from '../src/connectors/http/settings.ts';
import { createHttpClient } from '../src/connectors/sdk/http-client.ts';
import { createDeliveryEngine } from '../src/delivery/engine.ts';
import type { DeliveryLog } from '../src/delivery/telemetry.ts';
import { createIdGenerator, systemClock, type IdGenerator } from '../src/ports/clock.ts';
import type { DeliveryTarget, RateLimit } from '../src/ports/connector.ts';
import type { OutboxCommand, Store } from '../src/ports/store.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { observedRate } from '../test/support/fake-target.ts';
import type { FastSinkStats } from './support/fast-sink.ts';
import { cpuSeconds, threadCpuSeconds } from './support/process-cpu.ts';

// npm run bench -- delivery
// Outbox to target throughput and rate-budget accuracy. The hub side (SQLite store with its writer
// thread, delivery engine, HTTP connector and client) runs in this process, so this process's CPU
// during a phase is the hub's cost of delivering; the sinks (bench/support/fast-sink.ts) run in one child process
// so they neither share this process's event loop nor show up in its CPU figures. On a 2-core
// machine both still compete for the same cores: the figures are for hub and sink together.
//
// BENCH_DELIVERY_COMMANDS (default 60000) sets the throughput phases' size; BENCH_DELIVERY_PHASES
// (comma-separated: warmup, ceiling, throughput1, throughput10, budget) runs a subset, e.g. for profiling.

const COMMANDS = Number(process.env.BENCH_DELIVERY_COMMANDS ?? 60_000);
const PHASES = new Set((process.env.BENCH_DELIVERY_PHASES ?? 'warmup,ceiling,throughput1,throughput10,budget').split(','));
const KEYS = 1_000;
const ENQUEUE_BATCH = 1_000;
const SINK_TARGETS = 10;
const TARGET_DELIVERIES_PER_SECOND = 10_000;
const BUDGET_TOLERANCE = 0.05;
// The rate budget grants its burst at once; the mean is taken after it so it measures the refill rate.
const SKIP_MS = 1_000;
const UNLIMITED: RateLimit = { requestsPerSecond: 1_000_000, burst: 10_000, maxConcurrency: 64 };
// The hub's defaults for maxHeldPerTarget and the lowest pollMs its config accepts.
const ENGINE = { pollMs: 10, maxHeld: 512 };
const REQUEST_TIMEOUT_MS = 5_000;
const SAMPLE_MS = 50;

/** The sinks: fast sinks in one child process, driven over their admin routes. */
interface Sinks {
  pid: number;
  urls: string[];
  stats(index: number): Promise<FastSinkStats>;
  arrivals(index: number): Promise<Float64Array>;
  resetAll(): Promise<void>;
  stop(): Promise<void>;
}

async function startSinks(count: number): Promise<Sinks> {
  const script = fileURLToPath(new URL('./support/multi-sink.ts', import.meta.url));
  const child: ChildProcessByStdio<null, Readable, null> = spawn(process.execPath, [script, '--count', String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const urls = await new Promise<string[]>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line !== undefined) resolve((JSON.parse(line) as { urls: string[] }).urls);
    });
    child.once('exit', (code) => reject(new Error(`the sink process exited (code ${code}) before listening`)));
  });
  const url = (index: number): string => urls[index] as string;
  return {
    pid: child.pid as number,
    urls,
    stats: async (index) => (await (await fetch(`${url(index)}/_admin/stats`)).json()) as FastSinkStats,
    arrivals: async (index) => {
      const bytes = new Uint8Array(await (await fetch(`${url(index)}/_admin/arrivals`)).arrayBuffer());
      // Copied into an aligned buffer; the wire format is little-endian like every machine Node runs on.
      const times = new Float64Array(bytes.byteLength / 8);
      new Uint8Array(times.buffer).set(bytes);
      return times;
    },
    resetAll: async () => {
      await Promise.all(urls.map(async (u) => (await fetch(`${u}/_admin/reset`, { method: 'POST' })).arrayBuffer()));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Counts what the engine logs, so a run that hid retries or errors behind a quiet log says so. */
function countingLog(): DeliveryLog & { counts: Record<'warn' | 'error' | 'info', number>; firstError: string | undefined } {
  const log = {
    counts: { info: 0, warn: 0, error: 0 },
    firstError: undefined as string | undefined,
    debug: () => undefined,
    info: () => void log.counts.info++,
    warn: () => void log.counts.warn++,
    error: (fields: object, message: string) => {
      log.counts.error++;
      log.firstError ??= `${message} ${JSON.stringify(fields, (_key, value: unknown) => (value instanceof Error ? value.message : value))}`;
    },
  };
  return log;
}

/** An order line as a storefront or POS would send it: about 300 bytes of JSON. */
function orderLine(i: number, key: string, n: number): Record<string, unknown> {
  return {
    orderKey: key,
    n,
    ref: `ln${i}`,
    orderId: `ord_01JBENCH${String(i).padStart(10, '0')}`,
    lineNo: (n % 20) + 1,
    sku: `SKU-${String(i % 4096).padStart(5, '0')}-BLK-M`,
    description: 'Merino crew-neck sweater, black, M',
    quantity: (i % 3) + 1,
    unitPrice: { amount: '59.90', currency: 'EUR' },
    locationId: `loc_store_${String(i % 64).padStart(3, '0')}`,
    channel: 'web',
    capturedAt: '2025-01-15T10:32:11.482Z',
  };
}

/**
 * `perTarget` commands for each of `targets`, interleaved across targets; each target's commands
 * cycle over KEYS keys, so a key's commands are spread out like the lines of many open orders.
 */
function commands(targets: readonly string[], perTarget: number, ids: IdGenerator): OutboxCommand[] {
  const out: OutboxCommand[] = [];
  for (let n = 0; n < perTarget; n++) {
    for (const target of targets) {
      const key = `ord_${n % KEYS}`;
      out.push({ id: ids.next('command'), target, action: 'createOrderLine', key, payload: orderLine(out.length, key, Math.floor(n / KEYS)) });
    }
  }
  return out;
}

/** The hub side of one phase: a fresh store with the commands already enqueued, targets, client and engine. */
interface Hub {
  /** Starts delivering; resolves once every command is done, with what the wait saw. */
  deliver(total: number, timeoutMs: number): Promise<{ elapsedMs: number; outboxDone: number; meanInFlight: number; meanHeld: number }>;
  log: ReturnType<typeof countingLog>;
  enqueueMs: number;
  close(): Promise<void>;
}

async function openHub(dir: string, phase: string, targets: { name: string; url: string; rateLimit: RateLimit }[], outbox: OutboxCommand[]): Promise<Hub> {
  const http = createHttpClient({ timeoutMs: REQUEST_TIMEOUT_MS });
  const built = new Map<string, DeliveryTarget>();
  for (const target of targets) {
    const settings = parseHttpTargetSettings(target.name, {
      connector: 'http',
      baseUrl: target.url,
      timeoutMs: REQUEST_TIMEOUT_MS,
      rateLimit: target.rateLimit,
      actions: { createOrderLine: { method: 'POST', path: '/effects/order-lines', targetIdPointer: '/id' } },
    });
    built.set(target.name, createHttpTarget(target.name, settings, { http }));
  }
  const store = createSqliteStore({ path: join(dir, `${phase}.db`) });
  const started = performance.now();
  try {
    for (let i = 0; i < outbox.length; i += ENQUEUE_BATCH) {
      const result = await store.commit({ outbox: outbox.slice(i, i + ENQUEUE_BATCH) });
      if (result.status !== 'committed') throw new Error(`enqueueing failed: ${result.status}`);
    }
  } catch (error) {
    await store.close();
    await http.close();
    throw error;
  }
  const enqueueMs = performance.now() - started;
  const log = countingLog();
  // Completion is counted from the engine's own settlement commits: polling outboxStats (a scan of
  // the whole outbox) every 50 ms cost ~17% of the main thread in a first version of this benchmark.
  let settledDone = 0;
  let settledDead = 0;
  let onSettled: (() => void) | undefined;
  const counted: Store = {
    ...store,
    commit: async (unit) => {
      const result = await store.commit(unit);
      if (result.status === 'committed') {
        for (const settlement of unit.settle ?? []) {
          if (settlement.outcome === 'done') settledDone++;
          else if (settlement.outcome === 'dead') settledDead++;
        }
        onSettled?.();
      }
      return result;
    },
  };
  const engine = createDeliveryEngine({ store: counted, targets: built, clock: systemClock, ids: createIdGenerator(), log, http }, { owner: `bench-${phase}`, ...ENGINE });
  return {
    log,
    enqueueMs,
    async deliver(total, timeoutMs) {
      let samples = 0;
      let inFlight = 0;
      let held = 0;
      const started = performance.now();
      const finished = new Promise<number>((resolve, reject) => {
        onSettled = () => {
          if (settledDead > 0) reject(new Error(`${phase}: ${settledDead} command(s) dead-lettered; first error logged: ${log.firstError ?? 'none'}`));
          else if (settledDone >= total) resolve(performance.now());
        };
      });
      const sampler = setInterval(() => {
        for (const lane of engine.status()) {
          inFlight += lane.inFlight;
          held += lane.held;
        }
        samples++;
      }, SAMPLE_MS);
      let deadline: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error(`${phase}: only ${settledDone} of ${total} delivered within ${timeoutMs} ms`)), timeoutMs);
      });
      engine.start();
      try {
        const ended = await Promise.race([finished, timedOut]);
        // One scan after the clock stopped: the store agrees with what the commits reported.
        const outboxDone = (await store.outboxStats()).filter((s) => s.status === 'done').reduce((sum, s) => sum + s.count, 0);
        return { elapsedMs: ended - started, outboxDone, meanInFlight: inFlight / Math.max(1, samples), meanHeld: held / Math.max(1, samples) };
      } finally {
        clearInterval(sampler);
        clearTimeout(deadline);
        onSettled = undefined;
      }
    },
    async close() {
      await engine.stop();
      await store.close();
      await http.close();
    },
  };
}

/** This process's CPU in seconds: all threads, per kind of thread, and per worker thread. */
function hubCpu(): { total: number; threads: Record<string, number>; workers: Map<number, number> } {
  const { user, system } = process.cpuUsage();
  const threads: Record<string, number> = {};
  const workers = new Map<number, number>();
  for (const [tid, thread] of threadCpuSeconds()) {
    // The only worker threads are the store's: its writer and its checkpointer.
    const kind = tid === process.pid ? 'main' : thread.name === 'WorkerThread' ? 'storeWorkers' : thread.name === 'V8Worker' ? 'v8Helpers' : 'other';
    threads[kind] = (threads[kind] ?? 0) + thread.seconds;
    if (kind === 'storeWorkers') workers.set(tid, thread.seconds);
  }
  return { total: (user + system) / 1e6, threads, workers };
}

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** The commit measured and the source files changed on top of it: results are only comparable between equal sources. */
function sourceState(): { commit: string; changedFiles: string[] } | undefined {
  try {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd, encoding: 'utf8' });
    return { commit, changedFiles: changed.split('\n').filter((line) => line !== '').map((line) => line.slice(3)) };
  } catch {
    return undefined;
  }
}

/** Sink-side verification of one target: every command took effect once, in order per key. */
interface SinkCheck {
  applied: number;
  requests: number;
  duplicatesSuppressed: number;
  maxEffectsPerKey: number;
  orderViolations: number;
}

async function sinkChecks(sinks: Sinks, count: number): Promise<SinkCheck[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const stats = await sinks.stats(index);
      return {
        applied: stats.applied,
        requests: stats.requests,
        duplicatesSuppressed: stats.duplicatesSuppressed,
        maxEffectsPerKey: stats.maxEffectsPerKey,
        orderViolations: stats.orderViolations.length,
      };
    }),
  );
}

/** Problems found by the sink checks, as readable lines; empty when all is well. */
function problemsOf(phase: string, checks: readonly SinkCheck[], perTarget: number): string[] {
  const problems: string[] = [];
  checks.forEach((check, index) => {
    if (check.applied !== perTarget) problems.push(`${phase}: target ${index} applied ${check.applied} of ${perTarget}`);
    if (check.maxEffectsPerKey !== 1) problems.push(`${phase}: target ${index} applied a command ${check.maxEffectsPerKey} times`);
    if (check.orderViolations !== 0) problems.push(`${phase}: target ${index} saw ${check.orderViolations} keys out of order`);
  });
  return problems;
}

/** Moves N commands to `targetCount` targets with an unlimited budget, as fast as the hub can. */
async function throughput(dir: string, sinks: Sinks, phase: string, targetCount: number, total: number, problems: string[]): Promise<Record<string, unknown>> {
  await sinks.resetAll();
  const names = Array.from({ length: targetCount }, (_, i) => `sink${i}`);
  const perTarget = Math.ceil(total / targetCount);
  const outbox = commands(names, perTarget, createIdGenerator());
  const hub = await openHub(
    dir,
    phase,
    names.map((name, i) => ({ name, url: sinks.urls[i] as string, rateLimit: UNLIMITED })),
    outbox,
  );
  let measured;
  try {
    const cpuBefore = hubCpu();
    const sinkBefore = cpuSeconds(sinks.pid);
    measured = await hub.deliver(outbox.length, 300_000);
    const sinkCpu = cpuSeconds(sinks.pid) - sinkBefore;
    const cpuAfter = hubCpu();
    // The busiest store worker is the writer: the checkpointer only wakes every 200 ms.
    const writer = Math.max(0, ...[...cpuAfter.workers].map(([tid, seconds]) => seconds - (cpuBefore.workers.get(tid) ?? 0)));
    measured = { ...measured, sinkCpu, cpu: cpuAfter.total - cpuBefore.total, threads: cpuAfter.threads, threadsBefore: cpuBefore.threads, writer };
  } finally {
    await hub.close();
  }
  const checks = await sinkChecks(sinks, targetCount);
  problems.push(...problemsOf(phase, checks, perTarget));
  if (measured.outboxDone !== outbox.length) problems.push(`${phase}: the outbox holds ${measured.outboxDone} done commands of ${outbox.length}`);
  const arrivals = await Promise.all(names.map((_, i) => sinks.arrivals(i)));
  const first = Math.min(...arrivals.map((times) => times[0] ?? Infinity));
  const last = Math.max(...arrivals.map((times) => times[times.length - 1] ?? -Infinity));
  const requests = checks.reduce((sum, check) => sum + check.requests, 0);
  const deliveries = outbox.length;
  const threadCpuMs: Record<string, number> = {};
  for (const [kind, seconds] of Object.entries(measured.threads)) threadCpuMs[kind] = round((seconds - (measured.threadsBefore[kind] ?? 0)) * 1000, 0);
  threadCpuMs.sqliteWriter = round(measured.writer * 1000, 0);
  return {
    targets: targetCount,
    commands: deliveries,
    keysPerTarget: KEYS,
    payloadBytes: JSON.stringify(outbox[0]?.payload).length,
    enqueueMs: round(hub.enqueueMs, 0),
    elapsedMs: round(measured.elapsedMs, 0),
    deliveriesPerSecond: round(deliveries / (measured.elapsedMs / 1000), 0),
    // First to last arrival at the sinks: the rate once started, without the completion poll's granularity.
    sinkObservedPerSecond: round(((requests - 1) * 1000) / (last - first), 0),
    hubCpuCores: round(measured.cpu / (measured.elapsedMs / 1000), 2),
    hubCpuMsPerDelivery: round((measured.cpu * 1000) / deliveries, 4),
    hubCpuMicrosecondsPerDelivery: round((measured.cpu * 1e6) / deliveries, 1),
    // storeWorkers = SQLite writer + checkpointer (sqliteWriter is the busier of them); v8Helpers = GC and compiler threads.
    hubCpuMsByThread: threadCpuMs,
    sinkCpuCores: round(measured.sinkCpu / (measured.elapsedMs / 1000), 2),
    sinkCpuMicrosecondsPerRequest: round((measured.sinkCpu * 1e6) / requests, 1),
    meanInFlight: round(measured.meanInFlight, 1),
    meanHeld: round(measured.meanHeld, 1),
    engineLog: hub.log.counts,
    sinkCheck: {
      applied: checks.reduce((sum, check) => sum + check.applied, 0),
      requests,
      duplicatesSuppressed: checks.reduce((sum, check) => sum + check.duplicatesSuppressed, 0),
      maxEffectsPerKey: Math.max(...checks.map((check) => check.maxEffectsPerKey)),
      orderViolations: checks.reduce((sum, check) => sum + check.orderViolations, 0),
      ok: problemsOf(phase, checks, perTarget).length === 0,
    },
  };
}

/**
 * The ceiling of this machine for the throughput phases: the same HTTP client and sinks, the same
 * bodies and Idempotency-Keys, `concurrency` requests kept in flight, but no store, no engine and no
 * connector. No durable delivery can outrun it; the throughput phases are quoted as ratios of it.
 */
async function ceiling(sinks: Sinks, targetCount: number, total: number, concurrency: number, problems: string[]): Promise<Record<string, unknown>> {
  await sinks.resetAll();
  const names = Array.from({ length: targetCount }, (_, i) => `sink${i}`);
  const perTarget = Math.ceil(total / targetCount);
  const outbox = commands(names, perTarget, createIdGenerator());
  const bodies = outbox.map((command) => ({
    url: `${sinks.urls[names.indexOf(command.target)] as string}/effects/order-lines`,
    headers: { 'content-type': 'application/json', 'idempotency-key': `weft-${command.id}` },
    body: JSON.stringify(command.payload),
  }));
  const http = createHttpClient({ timeoutMs: REQUEST_TIMEOUT_MS });
  let next = 0;
  let failed = 0;
  const cpuBefore = hubCpu().total;
  const sinkBefore = cpuSeconds(sinks.pid);
  const started = performance.now();
  // One key's commands must stay in order at the sink, so each worker takes a whole key at a time:
  // requests of one key go one after another, like the engine's per-key order.
  const byKey = new Map<string, typeof bodies>();
  outbox.forEach((command, i) => {
    const slot = `${command.target}/${command.key}`;
    const list = byKey.get(slot) ?? [];
    list.push(bodies[i] as (typeof bodies)[number]);
    byKey.set(slot, list);
  });
  const queues = [...byKey.values()];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let q = next++; q < queues.length; q = next++) {
        for (const request of queues[q] as typeof bodies) {
          const response = await http.request({ method: 'POST', ...request });
          if (response.status >= 300) failed++;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const cpu = hubCpu().total - cpuBefore;
  const sinkCpu = cpuSeconds(sinks.pid) - sinkBefore;
  await http.close();
  const checks = await sinkChecks(sinks, targetCount);
  problems.push(...problemsOf(`ceiling${targetCount}`, checks, perTarget));
  if (failed > 0) problems.push(`ceiling${targetCount}: ${failed} requests failed`);
  return {
    targets: targetCount,
    requests: outbox.length,
    concurrency,
    elapsedMs: round(elapsedMs, 0),
    requestsPerSecond: round(outbox.length / (elapsedMs / 1000), 0),
    clientCpuMicrosecondsPerRequest: round((cpu * 1e6) / outbox.length, 1),
    sinkCpuMicrosecondsPerRequest: round((sinkCpu * 1e6) / outbox.length, 1),
  };
}

/** Delivers enough commands for `seconds` at each target's budget and compares the arrival rate to it. */
async function budget(
  dir: string,
  sinks: Sinks,
  phase: string,
  spec: { targets: number; requestsPerSecond: number; burst: number; seconds: number },
  problems: string[],
): Promise<Record<string, unknown>> {
  await sinks.resetAll();
  const names = Array.from({ length: spec.targets }, (_, i) => `sink${i}`);
  const perTarget = Math.ceil(spec.requestsPerSecond * spec.seconds) + spec.burst;
  const outbox = commands(names, perTarget, createIdGenerator());
  const rateLimit: RateLimit = { requestsPerSecond: spec.requestsPerSecond, burst: spec.burst, maxConcurrency: 64 };
  const hub = await openHub(
    dir,
    phase,
    names.map((name, i) => ({ name, url: sinks.urls[i] as string, rateLimit })),
    outbox,
  );
  let measured;
  try {
    const cpuBefore = hubCpu().total;
    measured = await hub.deliver(outbox.length, spec.seconds * 1000 * 3 + 30_000);
    measured = { ...measured, cpu: hubCpu().total - cpuBefore };
  } finally {
    await hub.close();
  }
  const checks = await sinkChecks(sinks, spec.targets);
  problems.push(...problemsOf(phase, checks, perTarget));
  if (measured.outboxDone !== outbox.length) problems.push(`${phase}: the outbox holds ${measured.outboxDone} done commands of ${outbox.length}`);
  const perTargetRates = await Promise.all(
    names.map(async (_, i) => {
      const times = await sinks.arrivals(i);
      const start = (times[0] ?? 0) + SKIP_MS;
      const steady = observedRate(times.subarray(times.findIndex((t) => t >= start)), 1000);
      const whole = observedRate(times, 1000);
      const ratio = steady.meanPerSecond / spec.requestsPerSecond;
      return {
        arrivals: whole.count,
        spanMs: round(whole.spanMs, 0),
        steadyMeanPerSecond: round(steady.meanPerSecond, 1),
        ratio: round(ratio, 4),
        withinTolerance: Math.abs(ratio - 1) <= BUDGET_TOLERANCE,
        // The busiest 1-s window after the burst: the budget allows the rate, plus up to `burst` saved up.
        steadyPeakPerSecond: steady.peakPerSecond,
        peakRatio: round(steady.peakPerSecond / spec.requestsPerSecond, 4),
        // Including the opening burst: the most the target ever saw in a second (budget allows rate + burst).
        peakPerSecondIncludingBurst: whole.peakPerSecond,
      };
    }),
  );
  const ratios = perTargetRates.map((rate) => rate.ratio);
  return {
    targets: spec.targets,
    configured: { requestsPerSecond: spec.requestsPerSecond, burst: spec.burst, maxConcurrency: 64 },
    commands: outbox.length,
    elapsedMs: round(measured.elapsedMs, 0),
    hubCpuCores: round(measured.cpu / (measured.elapsedMs / 1000), 3),
    hubCpuMicrosecondsPerDelivery: round((measured.cpu * 1e6) / outbox.length, 1),
    engineLog: hub.log.counts,
    sinkCheck: { ok: problemsOf(phase, checks, perTarget).length === 0, applied: checks.reduce((sum, check) => sum + check.applied, 0) },
    ...(spec.targets === 1 ? (perTargetRates[0] as object) : { perTarget: perTargetRates, minRatio: Math.min(...ratios), maxRatio: Math.max(...ratios) }),
    withinTolerance: perTargetRates.every((rate) => rate.withinTolerance),
  };
}

/** Runs the delivery benchmark and returns its JSON result. */
export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-delivery-'));
  const sinks = await startSinks(SINK_TARGETS);
  const problems: string[] = [];
  const loadBefore = loadavg();
  const results: Record<string, unknown> = {};
  try {
    if (PHASES.has('warmup')) {
      process.stderr.write('warming up (5,000 deliveries, not reported)...\n');
      await throughput(dir, sinks, 'warmup', 1, 5_000, problems);
    }
    if (PHASES.has('ceiling')) {
      process.stderr.write(`ceiling: the HTTP client alone, no store or engine, 1 and 10 targets, ${COMMANDS} requests each...\n`);
      results.ceiling1Target = await ceiling(sinks, 1, COMMANDS, UNLIMITED.maxConcurrency, problems);
      results.ceiling10Targets = await ceiling(sinks, 10, COMMANDS, UNLIMITED.maxConcurrency, problems);
    }
    if (PHASES.has('throughput1')) {
      process.stderr.write(`throughput, 1 target, ${COMMANDS} commands...\n`);
      results.throughput1Target = await throughput(dir, sinks, 'throughput1', 1, COMMANDS, problems);
    }
    if (PHASES.has('throughput10')) {
      process.stderr.write(`throughput, 10 targets, ${COMMANDS} commands...\n`);
      results.throughput10Targets = await throughput(dir, sinks, 'throughput10', 10, COMMANDS, problems);
    }
    if (PHASES.has('budget')) {
      process.stderr.write('budget accuracy, 1 target at 2,000/s...\n');
      results.budget2000 = await budget(dir, sinks, 'budget2000', { targets: 1, requestsPerSecond: 2_000, burst: 20, seconds: 8 }, problems);
      process.stderr.write('budget accuracy, 1 target at 200/s...\n');
      results.budget200 = await budget(dir, sinks, 'budget200', { targets: 1, requestsPerSecond: 200, burst: 5, seconds: 6 }, problems);
      process.stderr.write('budget accuracy, 10 targets at 500/s each...\n');
      results.budget10x500 = await budget(dir, sinks, 'budget10x500', { targets: 10, requestsPerSecond: 500, burst: 20, seconds: 8 }, problems);
    }
  } finally {
    await sinks.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    // The figures are still written, but a run that lost, duplicated or reordered a delivery fails.
    process.stderr.write(`DELIVERY BENCHMARK INTEGRITY FAILURE:\n  ${problems.join('\n  ')}\n`);
    process.exitCode = 1;
  }
  const rate = (phase: unknown): number | undefined => (phase as { deliveriesPerSecond?: number } | undefined)?.deliveriesPerSecond;
  const measuredRates = [rate(results.throughput1Target), rate(results.throughput10Targets)].filter((value) => value !== undefined);
  const budgets = ['budget2000', 'budget200', 'budget10x500'].map((name) => results[name] as { withinTolerance: boolean } | undefined).filter((value) => value !== undefined);
  return {
    benchmark: 'delivery',
    date: new Date().toISOString(),
    source: sourceState(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverageBefore: loadBefore.map((v) => round(v, 2)), loadAverageAfter: loadavg().map((v) => round(v, 2)) },
    settings: {
      store: 'sqlite (WAL, synchronous=FULL), fresh file per phase, commands enqueued before the engine starts',
      sink: `${SINK_TARGETS} fast sinks (bench/support/fast-sink.ts: dedup by Idempotency-Key, per-key order check, arrival times) in one child process`,
      action: 'POST /effects/order-lines with Idempotency-Key, targetIdPointer /id',
      throughputBudget: UNLIMITED,
      engine: ENGINE,
      httpClient: 'createHttpClient defaults (32 keep-alive connections per origin), timeoutMs 5000',
      completion: 'counted from the engine\'s settlement commits; engine.status() sampled every 50 ms for meanInFlight/meanHeld',
      warmup: PHASES.has('warmup') ? '5,000 deliveries to 1 target before the measured phases' : 'none',
      budgetMeanSkipsFirstMs: SKIP_MS,
    },
    ...results,
    integrity: problems.length === 0 ? 'ok' : problems,
    targets: {
      deliveriesPerSecondTarget: TARGET_DELIVERIES_PER_SECOND,
      measured: measuredRates,
      // Each throughput phase as a share of the bare client's rate to as many targets, in this run.
      ofCeiling: [
        [results.throughput1Target, results.ceiling1Target],
        [results.throughput10Targets, results.ceiling10Targets],
      ].flatMap(([phase, bare]) => {
        const delivered = rate(phase);
        const ceilingRate = (bare as { requestsPerSecond?: number } | undefined)?.requestsPerSecond;
        return delivered === undefined || ceilingRate === undefined ? [] : [round(delivered / ceilingRate, 3)];
      }),
      ceilingRequestsPerSecond: [results.ceiling1Target, results.ceiling10Targets].flatMap((bare) => {
        const value = (bare as { requestsPerSecond?: number } | undefined)?.requestsPerSecond;
        return value === undefined ? [] : [value];
      }),
      met: measuredRates.length > 0 && measuredRates.every((value) => value >= TARGET_DELIVERIES_PER_SECOND),
      budgetTolerance: BUDGET_TOLERANCE,
      budgetWithin5Percent: budgets.length > 0 && budgets.every((phase) => phase.withinTolerance),
    },
  };
}
