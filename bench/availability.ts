import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIdGenerator } from '../src/ports/clock.ts';
import { spawnHub } from '../test/support/hub-process.ts';
import { CHANNEL, CHANNEL_SAFETY_STOCK, CHECK_MIX, PROBE_SKUS } from './support/availability-catalogue.ts';
import { startChecks, type ChecksOptions } from './support/availability-checks.ts';
import type { LoadFigures } from './support/availability-load.ts';
import { seedCatalogue, startStream, type HubAccess, type StreamFigures } from './support/availability-stream.ts';
import { cpuSeconds } from './support/process-cpu.ts';

// npm run bench -- availability
// Availability checks over HTTP while inventory events stream in. The hub runs as a child process
// (`weft start`, embedded SQLite store, fresh data directory) with one channel over LOCATIONS
// locations and READERS availability reader threads (inventory.readers.threads), and a catalogue
// of SKUS SKUs is seeded at every location before anything is measured.
// Then, for a warm-up and a measured window:
//   - checks: 64 keep-alive clients in a process of their own (bench/support/availability-checks.ts:
//     wrk where installed, else undici), each sending GET /v1/availability to the readers' port (the
//     API's port without readers) as soon as its last one was answered; mostly one SKU across the
//     channel (CHECK_MIX);
//   - stream: 5,000 inventory events/s through POST /v1/events to the API's port (this process), 50
//     per batch every 10 ms, the last of each batch one unit received of a probe SKU; once a batch
//     is answered 201, a probe polls GET /v1/availability for that SKU where channels read (the
//     readers) on connections of its own until it shows the unit. That is the visibility latency:
//     from acceptance to the first check that shows the change.
// Then the same checks without the stream (what the stream costs them), and first of all the same
// checks against bare Fastify answering a fixed body (this machine's HTTP ceiling, as in the ingest
// benchmark); last, bare Fastify again while the same stream runs into the hub (the ceiling for
// checks once the stream has taken its share of the two cores). The two cores are shared by the hub (main thread, reader threads, store writer, V8
// helpers), the check load and this process; each one's CPU is reported, and so is what else ran on
// the machine: the figures are only clean on an otherwise idle machine, and a phase during which
// other processes used more than OTHER_CORES_TOLERATED cores is named in `warnings`.
//
// BENCH_AVAILABILITY_SECONDS (default 10), _WARMUP_SECONDS (2), _SKUS (10000), _EVENTS_PER_SECOND
// (5000), _READERS (reader threads, default 1; 0: the API answers checks as before) change the run;
// BENCH_AVAILABILITY_CPU_PROF=<dir> writes the hub's CPU profiles there (one per thread);
// BENCH_LOADER=undici uses the Node load generator even where wrk is installed.
//
// One reader by default. With the stream the two cores are the limit whatever the count: bare
// Fastify itself, measured while the same stream runs into the hub (the bareWithStream phase),
// answers 12-24k checks/s with a p99 of 17-40 ms, and a second reader only folds every event once
// more (about 0.1 core at 5,000 events/s) and adds a thread to schedule: one reader answered
// 12.4-13.4k checks/s during the stream, two 10.5-12.0k (the API alone 11.7k). Without the stream two
// readers use both cores (21-26k checks/s against 18-19k with one, 16k for the API alone):
// BENCH_AVAILABILITY_READERS=2.

const SECONDS = Number(process.env.BENCH_AVAILABILITY_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_AVAILABILITY_WARMUP_SECONDS ?? 2);
const SKUS = Number(process.env.BENCH_AVAILABILITY_SKUS ?? 10_000);
const EVENTS_PER_SECOND = Number(process.env.BENCH_AVAILABILITY_EVENTS_PER_SECOND ?? 5_000);
const READERS = Number(process.env.BENCH_AVAILABILITY_READERS ?? 1);
const CPU_PROFILE_DIR = process.env.BENCH_AVAILABILITY_CPU_PROF;
const FORCE_NODE_LOADER = process.env.BENCH_LOADER !== undefined && process.env.BENCH_LOADER !== 'wrk';
const LOCATIONS = 4;
const CONNECTIONS = 64;
const BATCH = 50;
const STREAM_MAX_IN_FLIGHT = 16;
const PROBE_CONNECTIONS = 4;
const TARGET_CHECKS_PER_SECOND = 20_000;
const TARGET_CHECK_P99_MS = 5;
const TARGET_VISIBILITY_P99_MS = 100;
// Other processes using more than this many cores during a phase make its figures unclean (reported as a warning).
const OTHER_CORES_TOLERATED = 0.1;
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** CPU seconds of a process's threads by kind (main, availability readers, store workers, V8 helpers, other); Linux only. */
function threadCpu(pid: number): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A worker thread's name is its Worker `name` option: the readers are `weft-reader-<n>`; the
      // store's writer and checkpointer are unnamed ('WorkerThread').
      const kind = Number(tid) === pid ? 'main' : name.startsWith('weft-reader-') ? 'readers' : name === 'WorkerThread' ? 'storeWorkers' : name === 'V8Worker' ? 'v8Helpers' : 'other';
      kinds[kind] = (kinds[kind] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // The thread ended between listing and reading: its time is in the process total only.
    }
  }
  return kinds;
}

/** Busy and total CPU ticks of the whole machine so far, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total }; // less idle and iowait
}

/**
 * Starts measuring CPU: the server (by thread), the check load, this process, the machine, and the
 * hub when it runs beside the server measured (the stream into the hub while checks go to bare
 * Fastify); the returned function reads it.
 */
function cpuMeter(serverPid: number, loadCpuSeconds: () => number, besidePid?: number) {
  const take = () => ({ server: cpuSeconds(serverPid), threads: threadCpu(serverPid), load: loadCpuSeconds(), self: process.cpuUsage(), machine: machineTicks(), beside: besidePid === undefined ? 0 : cpuSeconds(besidePid) });
  const before = take();
  return () => {
    const after = take();
    const elapsed = (after.machine.total - before.machine.total) / 100 / cpus().length;
    const cores = (seconds: number): number => round(seconds / elapsed, 2);
    const server = after.server - before.server;
    const load = after.load - before.load;
    const ownUse = process.cpuUsage(before.self);
    const self = (ownUse.user + ownUse.system) / 1e6;
    const busy = (after.machine.busy - before.machine.busy) / 100;
    const beside = after.beside - before.beside;
    return {
      serverCores: cores(server),
      ...(besidePid === undefined ? {} : { hubBesideCores: cores(beside) }),
      serverThreadsCores: Object.fromEntries(Object.entries(after.threads).map(([kind, value]) => [kind, cores(value - (before.threads[kind] ?? 0))])),
      checkLoadCores: cores(load),
      streamAndProbesCores: cores(self),
      machineBusyCores: cores(busy),
      // Anything else on the machine (other processes, the kernel's own threads): figures are only clean when this is near 0.
      otherCores: cores(Math.max(0, busy - server - load - self - beside)),
    };
  };
}

/** One measured window of checks against `serverPid`, with the stream running through it or not (into the hub, `besidePid` when that is not the server). */
async function phase(serverPid: number, checksOptions: ChecksOptions, stream?: ReturnType<typeof startStream>, besidePid?: number) {
  const checks = startChecks(checksOptions);
  try {
    await checks.measuring;
    const from = performance.now();
    const cpu = cpuMeter(serverPid, () => checks.cpuSeconds(), besidePid);
    const load: LoadFigures = await checks.done;
    const to = performance.now();
    const cpuUse = cpu();
    const streamFigures: StreamFigures | undefined = await stream?.stop(from, to);
    return { loader: checks.loader, checks: load, cpu: cpuUse, ...(streamFigures === undefined ? {} : { stream: streamFigures }) };
  } catch (error) {
    await stream?.stop(0, 0);
    throw error;
  } finally {
    checks.stop();
  }
}

/** The same checks against bare Fastify (bench/support/availability-bare.ts) in a child process; with `beside`, while the stream runs into the hub. */
async function bareCeiling(base: Omit<ChecksOptions, 'url'>, beside?: { stream: ReturnType<typeof startStream>; hubPid: number }) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./support/availability-bare.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolvePort, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /listening (\d+)/.exec(chunk.toString());
        if (match) resolvePort(Number(match[1]));
      });
      child.once('exit', () => reject(new Error('the bare server exited before listening')));
    });
    return await phase(child.pid as number, { ...base, url: `http://127.0.0.1:${port}` }, beside?.stream, beside?.hubPid);
  } finally {
    child.kill('SIGKILL');
  }
}

/** Runs the availability benchmark and returns its JSON result. */
export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-availability-'));
  const ids = createIdGenerator();
  const locations = Array.from({ length: LOCATIONS }, () => ids.next('location'));
  const loadBefore = loadavg();
  const base = { locations, skus: SKUS, connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, forceNode: FORCE_NODE_LOADER };
  process.stderr.write(`the machine's ceiling: the same checks against bare Fastify, ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured...\n`);
  const bare = await bareCeiling({ ...base, token: 'none' });

  const channels = { [CHANNEL]: { locations, safetyStock: CHANNEL_SAFETY_STOCK, includeInTransit: false } };
  const profileDir = CPU_PROFILE_DIR === undefined ? undefined : resolve(CPU_PROFILE_DIR);
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const hub = await spawnHub({
    WEFT_DATA_DIR: join(dir, 'hub'),
    WEFT_INVENTORY_CHANNELS: JSON.stringify(channels),
    WEFT_INVENTORY_READERS_THREADS: String(READERS),
    WEFT_INVENTORY_READERS_PORT: '0',
    ...(profileDir === undefined ? {} : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` }),
  });
  try {
    if (READERS > 0 && hub.readersUrl === undefined) throw new Error(`the hub did not report its availability readers:\n${hub.output()}`);
    const access: HubAccess = { url: hub.url, token: hub.token as string, ...(hub.readersUrl === undefined ? {} : { readUrl: hub.readersUrl }) };
    const hubPid = hub.child.pid as number;
    const checksOptions: ChecksOptions = { ...base, url: access.readUrl ?? access.url, token: access.token };
    process.stderr.write(`seeding ${SKUS} SKUs at ${LOCATIONS} locations...\n`);
    const seed = await seedCatalogue(access, SKUS, locations);
    process.stderr.write(`checks with ${CONNECTIONS} clients while ${EVENTS_PER_SECOND} events/s stream in: ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured...\n`);
    const stream = startStream(access, { skus: SKUS, locations, eventsPerSecond: EVENTS_PER_SECOND, batchSize: BATCH, maxInFlight: STREAM_MAX_IN_FLIGHT, probeConnections: PROBE_CONNECTIONS });
    const withStream = await phase(hubPid, checksOptions, stream);
    process.stderr.write(`the same checks without the stream: ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured...\n`);
    const withoutStream = await phase(hubPid, checksOptions);
    process.stderr.write(`the same checks against bare Fastify while the same stream runs into the hub: ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured...\n`);
    const besideStream = startStream(access, { skus: SKUS, locations, eventsPerSecond: EVENTS_PER_SECOND, batchSize: BATCH, maxInFlight: STREAM_MAX_IN_FLIGHT, probeConnections: PROBE_CONNECTIONS });
    const bareWithStream = await bareCeiling({ ...base, token: 'none' }, { stream: besideStream, hubPid });
    const streamed = withStream.stream as StreamFigures;
    const visibility = streamed.visibility;
    const phases = { bareCeiling: bare, withStream, withoutStream, bareWithStream };
    const warnings = Object.entries(phases).flatMap(([name, measured]) =>
      measured.cpu.otherCores > OTHER_CORES_TOLERATED ? [`${name}: other work on the machine used ${measured.cpu.otherCores} cores; its figures are not clean`] : [],
    );
    for (const warning of warnings) process.stderr.write(`WARNING ${warning}\n`);
    return {
      benchmark: 'availability',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverageBefore: loadBefore.map((v) => round(v, 2)), loadAverageAfter: loadavg().map((v) => round(v, 2)) },
      settings: {
        hub: '`weft start` in a child process, sqlite store (WAL, synchronous=FULL), fresh data directory, admin key',
        readers: READERS > 0 ? `${READERS} availability reader thread(s) (inventory.readers.threads) on a port of their own: the checks and the probes go there, the stream to the API` : 'none: checks, probes and the stream all go to the API',
        catalogue: `${SKUS} SKUs × ${LOCATIONS} locations seeded by position reports, plus ${PROBE_SKUS} probe SKUs at one location`,
        channel: { name: CHANNEL, locations: LOCATIONS, safetyStock: CHANNEL_SAFETY_STOCK, includeInTransit: false },
        checks: `GET /v1/availability ${READERS > 0 ? 'on the readers\' port ' : ''}from ${CONNECTIONS} keep-alive connections, closed loop (each sends its next check once the last is answered), in a process of their own; ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured`,
        loader: withStream.loader,
        checkMix: CHECK_MIX,
        stream: `${EVENTS_PER_SECOND} events/s as POST /v1/events batches of ${BATCH} (${round((1000 * BATCH) / EVENTS_PER_SECOND, 1)} ms apart, at most ${STREAM_MAX_IN_FLIGHT} in flight): 70% sold, 15% received, 15% adjusted, over the catalogue; the last event of each batch one unit received of a probe SKU`,
        visibility: `per batch, from its 201 to the answer of the first GET /v1/availability ${READERS > 0 ? 'on the readers\' port ' : ''}of its probe SKU that shows the unit; probes poll back to back on ${PROBE_CONNECTIONS} connections of their own`,
        bareCeiling: 'bare Fastify answering every check with a fixed one-SKU, four-location answer (no credentials, no lookup), same loader and paths',
        bareWithStream: 'bare Fastify as in bareCeiling while the same stream (and its probes) runs into the hub: what the machine leaves for checks once the stream has taken its share (hubBesideCores is the hub\'s CPU meanwhile)',
        seed,
      },
      ...phases,
      warnings,
      ratios: {
        withStreamVsBare: round(withStream.checks.checksPerSecond / bare.checks.checksPerSecond, 3),
        withoutStreamVsBare: round(withoutStream.checks.checksPerSecond / bare.checks.checksPerSecond, 3),
        withStreamVsBareWithStream: round(withStream.checks.checksPerSecond / bareWithStream.checks.checksPerSecond, 3),
        hubCpuMicrosecondsPerCheckWithoutStream: round((withoutStream.cpu.serverCores * 1e6) / withoutStream.checks.checksPerSecond, 1),
        bareCpuMicrosecondsPerCheck: round((bare.cpu.serverCores * 1e6) / bare.checks.checksPerSecond, 1),
      },
      targets: {
        checksPerSecond: { target: TARGET_CHECKS_PER_SECOND, measured: withStream.checks.checksPerSecond, met: withStream.checks.checksPerSecond >= TARGET_CHECKS_PER_SECOND },
        checkP99Ms: { target: TARGET_CHECK_P99_MS, measured: withStream.checks.latencyMs.p99, met: withStream.checks.latencyMs.p99 < TARGET_CHECK_P99_MS },
        eventsPerSecond: { target: EVENTS_PER_SECOND, measured: streamed.eventsPerSecond, met: streamed.eventsPerSecond >= EVENTS_PER_SECOND * 0.98 && streamed.batchesFailed === 0 },
        visibilityP99Ms: { target: TARGET_VISIBILITY_P99_MS, measured: visibility.latencyMs.p99, met: visibility.samples > 0 && visibility.notVisible === 0 && visibility.latencyMs.p99 < TARGET_VISIBILITY_P99_MS },
        note: 'checks/s and check latency are those measured while the stream runs; the event rate counts as met at 98% of the target (a stream that falls behind catches up)',
      },
    };
  } finally {
    await hub.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
