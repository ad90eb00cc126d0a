// The availability benchmark's check load: `connections` clients, each with its own keep-alive
// connection, each sending its next GET /v1/availability as soon as the last one is answered (closed
// loop). It runs in its own process so its event loop is not the one that times the visibility
// probes, and so its CPU is counted apart from the hub's.
//   node bench/support/availability-load.ts --url <hub> --token <key> --locations <loc,…> --skus N
//     --connections 64 --warmup <s> --seconds <s>
// prints one JSON line {"event":"measuring"} when the measured window starts and one
// {"event":"done", …LoadFigures} when it ends, then waits for SIGTERM or the end of stdin (so its
// CPU can be read before it goes).
import { createHistogram } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { checkPaths } from './availability-catalogue.ts';

/** What the load generator measured in its window. */
export interface LoadFigures {
  /** Checks answered 200 in the window. */
  ok: number;
  /** Checks answered otherwise, or failed. */
  failed: number;
  /** The first failure, as the hub answered it. */
  firstFailure?: string;
  /** From the window's start until the last check started in it was answered. */
  seconds: number;
  checksPerSecond: number;
  /** SKUs asked per check, on average. */
  skusPerCheck: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    locations: { type: 'string' },
    skus: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '10' },
  },
});
if (!values.url || !values.token || !values.locations) {
  process.stderr.write('--url, --token and --locations are required\n');
  process.exit(2);
}
const connections = Number(values.connections);
const paths = checkPaths(8192, Number(values.skus), values.locations.split(','));
const skusPerCheck = paths.reduce((sum, path) => sum + (path.match(/sku=/g)?.length ?? 0), 0) / paths.length;
const headers = { authorization: `Bearer ${values.token}` };
const pool = new Pool(values.url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
const histogram = createHistogram();
const say = (message: object): void => void process.stdout.write(`${JSON.stringify(message)}\n`);

let measuring = false;
let stopping = false;
let ok = 0;
let failed = 0;
let firstFailure: string | undefined;
let lastAnswer = 0;

async function client(index: number): Promise<void> {
  // Each client walks the paths from its own offset, so the clients do not ask in step.
  let n = Math.floor((index * paths.length) / connections);
  while (!stopping) {
    const path = paths[n++ % paths.length] as string;
    const counted = measuring;
    const started = process.hrtime.bigint();
    let status = 0;
    let failure: string | undefined;
    try {
      const response = await pool.request({ method: 'GET', path, headers });
      status = response.statusCode;
      if (status === 200) await response.body.dump();
      else failure = `${status} ${(await response.body.text()).slice(0, 300)}`;
    } catch (error) {
      failure = (error as Error).message;
    }
    const ended = process.hrtime.bigint();
    if (!counted) continue;
    if (failure === undefined) {
      ok++;
      histogram.record(ended - started > 0n ? ended - started : 1n);
    } else {
      failed++;
      firstFailure ??= failure;
    }
    lastAnswer = performance.now();
  }
}

const warmupMs = Number(values.warmup) * 1000;
const measureMs = Number(values.seconds) * 1000;
const clients = Array.from({ length: connections }, (_, index) => client(index));
await new Promise((resolve) => setTimeout(resolve, warmupMs));
measuring = true;
const windowStart = performance.now();
say({ event: 'measuring' });
await new Promise((resolve) => setTimeout(resolve, measureMs));
// Checks started before now still count when answered; none start after.
stopping = true;
await Promise.all(clients);
const seconds = (Math.max(lastAnswer, windowStart + 1) - windowStart) / 1000;
const ms = (ns: number): number => Number((ns / 1e6).toFixed(3));
const figures: LoadFigures = {
  ok,
  failed,
  ...(firstFailure === undefined ? {} : { firstFailure }),
  seconds: Number(seconds.toFixed(3)),
  checksPerSecond: Math.round(ok / seconds),
  skusPerCheck: Number(skusPerCheck.toFixed(2)),
  latencyMs: {
    p50: ms(histogram.percentile(50)),
    p90: ms(histogram.percentile(90)),
    p99: ms(histogram.percentile(99)),
    p999: ms(histogram.percentile(99.9)),
    max: ms(histogram.max),
    mean: ms(histogram.mean),
  },
};
await pool.close();
say({ event: 'done', ...figures });
// Gone when told, or when the benchmark is (its end of stdin closes).
process.once('SIGTERM', () => process.exit(0));
process.stdin.once('end', () => process.exit(0));
process.stdin.resume();
