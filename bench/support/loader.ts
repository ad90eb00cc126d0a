import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

/** What one load run measured. */
export interface LoadResult {
  /** Which load generator produced the figures (they are not comparable across generators). */
  loader: string;
  /** Requests answered with 2xx. */
  ok: number;
  /** Requests answered with another status, or failed. */
  failed: number;
  /** Measured seconds. */
  seconds: number;
  /** 2xx requests per second. */
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** A load to apply: POST bodies cycled across connections. */
export interface Load {
  url: string;
  headers: Record<string, string>;
  /** Request bodies, cycled in order (each must be a single line of JSON). */
  bodies: string[];
  connections: number;
  seconds: number;
}

/** wrk's version where it is installed, undefined where it is not. */
export function wrkVersion(): string | undefined {
  try {
    return /wrk (\S+)/.exec(execFileSync('wrk', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).toString())?.[1] ?? 'unknown';
  } catch (error) {
    // wrk prints its version and exits 1.
    const output = String((error as { stdout?: string }).stdout ?? '');
    return /wrk (\S+)/.exec(output)?.[1];
  }
}

// wrk (C, from Debian's package) costs the shared two cores far less than a Node load generator,
// so where it is installed it is used; autocannon (npm) is the fallback. Results name the loader.
const WRK_SCRIPT = `
local bodies = {}
local n = 0
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  n = math.random(#bodies)
end
function request()
  n = n % #bodies + 1
  return wrk.format("POST", nil, nil, bodies[n])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;

async function runWrk(load: Load, version: string): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-wrk-'));
  writeFileSync(join(dir, 'bodies.txt'), `${load.bodies.join('\n')}\n`);
  writeFileSync(join(dir, 'post.lua'), WRK_SCRIPT);
  const args = ['-t1', `-c${load.connections}`, `-d${load.seconds}s`, '--timeout', '10s', '-s', join(dir, 'post.lua')];
  for (const [name, value] of Object.entries(load.headers)) args.push('-H', `${name}: ${value}`);
  args.push(load.url, '--', join(dir, 'bodies.txt'));
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve(text));
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
  const line = /WRK_JSON (\{.*\})/.exec(output)?.[1];
  if (!line) throw new Error(`wrk printed no result:\n${output}`);
  const r = JSON.parse(line) as Record<string, number>;
  const failed = (r.status ?? 0) + (r.connect ?? 0) + (r.read ?? 0) + (r.write ?? 0) + (r.timeout ?? 0);
  const seconds = (r.duration_us ?? 1) / 1e6;
  const ok = (r.requests ?? 0) - (r.status ?? 0);
  return {
    loader: `wrk ${version}`,
    ok,
    failed,
    seconds,
    requestsPerSecond: ok / seconds,
    p50Ms: (r.p50 ?? 0) / 1000,
    p90Ms: (r.p90 ?? 0) / 1000,
    p99Ms: (r.p99 ?? 0) / 1000,
    maxMs: (r.max ?? 0) / 1000,
  };
}

async function runAutocannon(load: Load): Promise<LoadResult> {
  const result = await autocannon({
    url: load.url,
    method: 'POST',
    connections: load.connections,
    duration: load.seconds,
    headers: load.headers,
    requests: load.bodies.map((body) => ({ method: 'POST', body })),
  });
  const ok = result['2xx'];
  return {
    loader: 'autocannon',
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    seconds: result.duration,
    requestsPerSecond: ok / result.duration,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
}

/** Applies a load with the best available generator. */
export async function applyLoad(load: Load): Promise<LoadResult> {
  const version = process.env.BENCH_LOADER === 'autocannon' ? undefined : wrkVersion();
  return version ? runWrk(load, version) : runAutocannon(load);
}
