import { mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleEvent } from '../src/domain/events/examples.ts';
import { migrate } from '../src/store/sqlite/schema.ts';
import { EVENT_COLUMNS, openDatabase } from '../src/store/sqlite/write-batch.ts';
import { spawnHub } from '../test/support/hub-process.ts';
import { applyLoad, type LoadResult } from './support/loader.ts';
import { cpuSeconds } from './support/process-cpu.ts';

// npm run bench -- ingest
// Durable ingest over HTTP on loopback, 64 concurrent connections, single-event and batched
// requests, with the machine's ceilings measured in the same run: raw SQLite inserts at the same
// durability, and bare Fastify answering the same POST without doing anything.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 64;
const BATCH = 100;

/** Distinct bodies, so events spread over many subjects (SKU × location) like real stock traffic. */
function bodies(batchSize: number): string[] {
  const base = exampleEvent('weft.inventory.adjusted.v1');
  const data = base.data as { sku: string; locationId: string };
  const variant = (i: number) => {
    const sku = `BENCH-${String(i % 512).padStart(4, '0')}`;
    return { type: base.type, subject: `${sku}@${data.locationId}`, data: { ...data, sku } };
  };
  return Array.from({ length: 256 }, (_, i) => JSON.stringify(batchSize === 1 ? variant(i) : Array.from({ length: batchSize }, (_, k) => variant(i * batchSize + k))));
}

/** Inserts per second into a fresh database with Weft's schema and durability settings. */
function sqliteCeiling(dir: string): { batchedRowsPerSecond: number; singleRowCommitsPerSecond: number } {
  const db = openDatabase(join(dir, 'ceiling.db'), 5000);
  migrate(db);
  const insert = db.prepare(`INSERT INTO events (${EVENT_COLUMNS}, sid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?)`);
  const data = JSON.stringify(exampleEvent('weft.inventory.adjusted.v1').data);
  const now = new Date().toISOString();
  let position = 0;
  const row = () => {
    position++;
    // Same shape as Weft's rows: ULID-like ids, 512 subjects (SKU × location), per-subject sequences.
    insert.run(position, `evt_${String(position).padStart(26, '0')}`, 'urn:bench', 'weft.inventory.adjusted.v1', `SKU-${position % 512}@loc`, Math.floor(position / 512) + 1, now, now, data, position % 512);
  };
  let started = performance.now();
  let rows = 0;
  while (performance.now() - started < 3000) {
    db.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < 1000; i++) row();
    db.exec('COMMIT');
    rows += 1000;
  }
  const batchedRowsPerSecond = rows / ((performance.now() - started) / 1000);
  started = performance.now();
  let commits = 0;
  while (performance.now() - started < 2000) {
    db.exec('BEGIN IMMEDIATE');
    row();
    db.exec('COMMIT');
    commits++;
  }
  const singleRowCommitsPerSecond = commits / ((performance.now() - started) / 1000);
  db.close();
  return { batchedRowsPerSecond, singleRowCommitsPerSecond };
}

async function bareServerCeiling(batchBodies: string[], singleBodies: string[]): Promise<{ single: LoadResult; batched: LoadResult }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./support/bare-server.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /listening (\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', () => reject(new Error('bare server exited')));
    });
    const url = `http://127.0.0.1:${port}/v1/events`;
    const headers = { 'content-type': 'application/json' };
    await applyLoad({ url, headers, bodies: singleBodies, connections: CONNECTIONS, seconds: 2 });
    const single = await applyLoad({ url, headers, bodies: singleBodies, connections: CONNECTIONS, seconds: SECONDS });
    const batched = await applyLoad({ url, headers, bodies: batchBodies, connections: CONNECTIONS, seconds: SECONDS });
    return { single, batched };
  } finally {
    child.kill('SIGKILL');
  }
}

async function appendedTotal(url: string, token: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  return Number(/^weft_events_appended_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

/** Runs the ingest benchmark and returns its JSON result. */
export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-ingest-'));
  try {
    const single = bodies(1);
    const batched = bodies(BATCH);
    process.stderr.write('measuring the raw SQLite insert ceiling...\n');
    const sqlite = sqliteCeiling(dir);
    process.stderr.write('measuring the bare HTTP ceiling (Fastify, no work)...\n');
    const bare = await bareServerCeiling(batched, single);

    process.stderr.write('measuring Weft...\n');
    const hub = await spawnHub({ WEFT_DATA_DIR: join(dir, 'hub') });
    try {
      const token = hub.token as string;
      const url = `${hub.url}/v1/events`;
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      const pid = hub.child.pid as number;
      await applyLoad({ url, headers, bodies: single, connections: CONNECTIONS, seconds: 2 }); // warm-up
      const phase = async (phaseBodies: string[], size: number) => {
        const appendedBefore = await appendedTotal(hub.url, token);
        const cpuBefore = cpuSeconds(pid);
        const load = await applyLoad({ url, headers, bodies: phaseBodies, connections: CONNECTIONS, seconds: SECONDS });
        const cpu = cpuSeconds(pid) - cpuBefore;
        await new Promise((resolve) => setTimeout(resolve, 200));
        const appended = (await appendedTotal(hub.url, token)) - appendedBefore;
        const acknowledged = load.ok * size;
        return {
          ...load,
          eventsPerRequest: size,
          eventsPerSecond: load.requestsPerSecond * size,
          hubCpuCores: cpu / load.seconds,
          hubCpuMicrosecondsPerEvent: (cpu * 1e6) / Math.max(1, appended),
          appendedEvents: appended,
          // Every acknowledged event is in the log; the excess is requests in flight when the loader stopped.
          integrity: appended >= acknowledged && appended <= acknowledged + (CONNECTIONS + load.failed) * size ? 'ok' : 'MISMATCH',
        };
      };
      const singleResult = await phase(single, 1);
      const batchedResult = await phase(batched, BATCH);
      return {
        benchmark: 'ingest',
        date: new Date().toISOString(),
        machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
        settings: { connections: CONNECTIONS, seconds: SECONDS, batchSize: BATCH, store: 'sqlite (WAL, synchronous=FULL)', eventType: 'weft.inventory.adjusted.v1' },
        ceilings: {
          sqliteRowsPerSecondBatched: Math.round(sqlite.batchedRowsPerSecond),
          sqliteDurableSingleRowCommitsPerSecond: Math.round(sqlite.singleRowCommitsPerSecond),
          bareHttpSingle: bare.single,
          bareHttpBatchedRequestsPerSecond: bare.batched.requestsPerSecond,
        },
        single: singleResult,
        batched: batchedResult,
        ratios: {
          singleVsBareHttp: singleResult.requestsPerSecond / bare.single.requestsPerSecond,
          batchedRequestsVsBareHttp: batchedResult.requestsPerSecond / bare.batched.requestsPerSecond,
          batchedEventsVsSqliteCeiling: batchedResult.eventsPerSecond / sqlite.batchedRowsPerSecond,
          singleEventsVsSqliteSingleCommits: singleResult.eventsPerSecond / sqlite.singleRowCommitsPerSecond,
        },
        targets: {
          singleEventsPerSecond: { target: 20_000, measured: Math.round(singleResult.eventsPerSecond), met: singleResult.eventsPerSecond >= 20_000 },
          batchedEventsPerSecond: { target: 100_000, measured: Math.round(batchedResult.eventsPerSecond), met: batchedResult.eventsPerSecond >= 100_000 },
          singleP99Ms: { target: 25, measured: singleResult.p99Ms, met: singleResult.p99Ms < 25 },
          batchedP99Ms: { target: 25, measured: batchedResult.p99Ms, met: batchedResult.p99Ms < 25 },
        },
      };
    } finally {
      await hub.stop('SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
