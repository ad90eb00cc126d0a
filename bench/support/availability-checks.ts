import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPaths } from './availability-catalogue.ts';
import type { LoadFigures } from './availability-load.ts';
import { cpuSeconds } from './process-cpu.ts';
import { wrkVersion } from './loader.ts';

// The check load of the availability benchmark, in a process of its own: wrk (C, Debian's package)
// where it is installed, because on two shared cores a Node load generator takes CPU the hub would
// otherwise have (as in the ingest benchmark); else bench/support/availability-load.ts (undici).
// BENCH_LOADER=undici (or autocannon, the ingest benchmark's word for its Node fallback) forces the
// Node one. Both keep `connections` keep-alive connections, each sending its next check once the last
// is answered, over the same paths; results name the loader, since their figures are not comparable.

/** Where to send checks and how. */
export interface ChecksOptions {
  url: string;
  token: string;
  locations: readonly string[];
  skus: number;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Force the Node load generator even where wrk is installed. */
  forceNode: boolean;
}

/** A running check load: when its measured window starts, its figures, and the CPU it used. */
export interface Checks {
  loader: string;
  measuring: Promise<void>;
  done: Promise<LoadFigures>;
  /** CPU seconds the load used so far, as a counter: compare a reading after `measuring` with one after `done`. */
  cpuSeconds(): number;
  /** Ends the load's process (after `done`). */
  stop(): void;
}

/** CPU seconds of the children this process has waited for (wrk, once it exited); Linux only. */
function reapedChildrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const WRK_SCRIPT = `
local paths = {}
local n = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  n = math.random(#paths)
end
function request()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
`;

function startWrk(options: ChecksOptions, version: string): Checks {
  const dir = mkdtempSync(join(tmpdir(), 'weft-wrk-availability-'));
  const paths = checkPaths(8192, options.skus, options.locations);
  const skusPerCheck = paths.reduce((sum, path) => sum + (path.match(/sku=/g)?.length ?? 0), 0) / paths.length;
  writeFileSync(join(dir, 'paths.txt'), `${paths.join('\n')}\n`);
  writeFileSync(join(dir, 'get.lua'), WRK_SCRIPT);
  let pid = 0;
  let alive = false;
  const wrk = (seconds: number) => {
    const args = ['-t1', `-c${options.connections}`, `-d${Math.max(1, Math.round(seconds))}s`, '--timeout', '10s', '-H', `authorization: Bearer ${options.token}`, '-s', join(dir, 'get.lua'), options.url, '--', join(dir, 'paths.txt')];
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    pid = child.pid as number;
    alive = true;
    return new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('exit', () => {
        alive = false;
        resolve(text);
      });
    });
  };
  let onMeasuring: (() => void) | undefined;
  const measuring = new Promise<void>((resolve) => (onMeasuring = resolve));
  const done = (async (): Promise<LoadFigures> => {
    try {
      if (options.warmupSeconds > 0) await wrk(options.warmupSeconds);
      const measured = wrk(options.seconds);
      onMeasuring?.();
      const output = await measured;
      const line = /WRK_JSON (\{.*\})/.exec(output)?.[1];
      if (!line) throw new Error(`wrk printed no result:\n${output}`);
      const r = JSON.parse(line) as Record<string, number>;
      const failed = (r.status ?? 0) + (r.connect ?? 0) + (r.read ?? 0) + (r.write ?? 0) + (r.timeout ?? 0);
      const seconds = (r.duration_us ?? 1) / 1e6;
      const ok = (r.requests ?? 0) - (r.status ?? 0);
      const ms = (us: number | undefined): number => Number(((us ?? 0) / 1000).toFixed(3));
      return {
        ok,
        failed,
        ...(failed > 0 ? { firstFailure: `wrk counted ${r.status} non-2xx answers, ${r.timeout} timeouts, ${(r.connect ?? 0) + (r.read ?? 0) + (r.write ?? 0)} socket errors` } : {}),
        seconds: Number(seconds.toFixed(3)),
        checksPerSecond: Math.round(ok / seconds),
        skusPerCheck: Number(skusPerCheck.toFixed(2)),
        latencyMs: { p50: ms(r.p50), p90: ms(r.p90), p99: ms(r.p99), p999: ms(r.p999), max: ms(r.max), mean: ms(r.mean) },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  // wrk's time moves from its own /proc entry to this process's reaped children's when it exits.
  const cpu = (): number => {
    const reaped = reapedChildrenCpuSeconds();
    try {
      return reaped + (alive ? cpuSeconds(pid) : 0);
    } catch {
      return reapedChildrenCpuSeconds();
    }
  };
  return { loader: `wrk ${version} (1 thread)`, measuring, done, cpuSeconds: cpu, stop: () => undefined };
}

function startNode(options: ChecksOptions): Checks {
  const script = fileURLToPath(new URL('./availability-load.ts', import.meta.url));
  const args = [script, '--url', options.url, '--token', options.token, '--locations', options.locations.join(','), '--skus', String(options.skus)];
  args.push('--connections', String(options.connections), '--warmup', String(options.warmupSeconds), '--seconds', String(options.seconds));
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let onMeasuring: (() => void) | undefined;
  const measuring = new Promise<void>((resolve) => (onMeasuring = resolve));
  const done = new Promise<LoadFigures>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
        const message = JSON.parse(text.slice(0, end)) as { event: string } & LoadFigures;
        text = text.slice(end + 1);
        if (message.event === 'measuring') onMeasuring?.();
        else if (message.event === 'done') {
          const { event: _event, ...figures } = message;
          resolve(figures);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the check load exited (code ${code}) before it reported`)));
  });
  // The load generator waits for SIGTERM after reporting, so its CPU can be read before it goes.
  return { loader: 'undici (Node, bench/support/availability-load.ts)', measuring, done, cpuSeconds: () => cpuSeconds(child.pid as number), stop: () => void child.stdin.end() };
}

/** Starts the check load with the best loader available. */
export function startChecks(options: ChecksOptions): Checks {
  const version = options.forceNode ? undefined : wrkVersion();
  return version === undefined ? startNode(options) : startWrk(options, version);
}
