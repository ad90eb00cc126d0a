// A stand-in for a target system (ERP, POS, WMS, ...) that Weft delivers commands to. It records
// every effect it applies, so tests can prove exactly-once and per-key ordered delivery, and it
// injects faults on demand, so they can drive the retry, timeout, rate-limit and circuit-breaker
// paths. node:http only: the delivery benchmark hits it at more than 10,000 requests/s, so each
// request does O(1) work, nothing is logged per request and nothing blocks on I/O.
//
// Run alone (e.g. beside a hub that a crash test SIGKILLs):
//   node test/support/fake-target.ts --port 0 [--host 127.0.0.1] [--faults JSON] [--retry-after S] [--quiet]
// prints {"url":"http://127.0.0.1:PORT"} on stdout once listening, and exits 0 on SIGTERM or SIGINT.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { seededRandom } from '../../src/domain/shared/random.ts';

/** A fault that fires with probability `p` (0..1) per effect request, at most `times` times when given. */
export interface FaultChance {
  p: number;
  times?: number;
}

/** A probability alone, or a probability limited to a number of firings. */
export type Chance = number | FaultChance;

/** One scripted outcome for the next effect request; `ok` answers normally with no fault at all. */
export type ScriptStep = 'ok' | '500' | '429' | 'timeout' | 'reset' | 'duplicateAck';

/** The faults a fake target injects; see the README-style notes on each field. */
export interface Faults {
  /** Answer 500 without applying. */
  error500?: Chance;
  /** Answer 429 with Retry-After without applying. */
  throttle429?: Chance;
  /** Never answer and do not apply; the socket stays open until the client gives up or close(). */
  timeout?: Chance;
  /** Destroy the socket without answering and without applying. */
  reset?: Chance;
  /** Apply, then lose the answer: alternately a destroyed socket and a 500, starting with the socket. */
  duplicateAck?: Chance;
  /** Delay the answer by `ms` (always when a number), then behave as decided; applies even if the client left. */
  slowMs?: number | { ms: number; p?: number; times?: number };
  /** While true every non-admin request gets 503 without Retry-After. */
  down?: boolean;
  /** A token bucket (burst = one second's worth) on effect requests; beyond it 429 with Retry-After. */
  rateLimitPerSecond?: number;
  /** Outcomes consumed one per effect request, in arrival order, before any probability is drawn. */
  script?: ScriptStep[];
  /** Retry-After for throttle429; overrides the target's option. */
  retryAfterSeconds?: number;
  /** Seeds the draws so a run with probabilities is repeatable; Math.random otherwise. */
  seed?: number;
}

/** Options of startFakeTarget. */
export interface FakeTargetOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** 127.0.0.1 by default. */
  host?: string;
  faults?: Faults;
  /** Retry-After of throttle429 when the faults do not say; 1 by default. */
  retryAfterSeconds?: number;
  /** Arrival timestamps kept before the oldest are overwritten; 8,388,608 (64 MiB) by default. */
  maxArrivals?: number;
}

/** One effect the target applied. */
export interface AppliedEffect {
  /** Global application order, from 1. */
  seq: number;
  /** `<resource>_<n>`, n counting per resource from 1. */
  id: string;
  /** The Idempotency-Key header, or null when there was none. */
  key: string | null;
  resource: string;
  /** `effects` honours Idempotency-Key; `plain` ignores it (a target that cannot deduplicate). */
  via: 'effects' | 'plain';
  body: unknown;
  /** Epoch milliseconds with sub-millisecond precision, the clock of arrivalTimes(). */
  at: number;
}

/** Counts of injected faults by kind. */
export interface InjectedFaults {
  error500: number;
  throttle429: number;
  timeout: number;
  reset: number;
  duplicateAck: number;
  slow: number;
  down: number;
  rateLimited: number;
}

/** A snapshot of what the target saw since start or the last reset. */
export interface FakeTargetStats {
  /** Every non-admin request. */
  requests: number;
  /** POST|PUT /effects/* and POST /plain/*, whatever their outcome. */
  effectRequests: number;
  /** GET /effects/*?ref=. */
  lookups: number;
  /** Effects applied, by every route. */
  applied: number;
  /** Keyed requests answered 200 because their key had already been applied. */
  duplicatesSuppressed: number;
  /** Effects applied through /effects without an Idempotency-Key. */
  unkeyed: number;
  /** Effects applied through /plain. */
  plain: number;
  /** Replays whose resource or body differ from the first request with that key (the first wins). */
  keyMismatches: number;
  /** Requests refused as malformed (bad JSON, no ref on a lookup, body over 1 MiB). */
  badRequests: number;
  injected: InjectedFaults;
  /** Most effects applied under one Idempotency-Key (counting /plain, which ignores the key). */
  maxEffectsPerKey: number;
  keysWithMultipleEffects: string[];
  /** Number of distinct body.orderKey values seen. */
  orderKeys: number;
  /** orderKeys whose list of body.n, in application order, is not strictly increasing. */
  orderViolations: string[];
  /** body.n per body.orderKey in application order; omitted beyond 10,000 order keys. */
  perOrderKey?: Record<string, number[]>;
  /** Number of distinct body.ref values applied through /plain. */
  plainRefs: number;
  /** /plain applications per body.ref; omitted beyond 10,000 refs. */
  plainByRef?: Record<string, number>;
  /** refs applied through /plain more than once: duplicates a client could have avoided by looking up. */
  refsWithMultipleEffects: string[];
  /** Effect requests per 100 ms bucket; t is the bucket's start in ms since start or reset; empty buckets omitted. */
  arrivals: Array<{ t: number; count: number }>;
  /** Requests currently held open by the timeout fault. */
  held: number;
}

/** The request rate seen in a series of arrival timestamps. */
export interface RateReport {
  count: number;
  /** Last arrival minus first, in ms. */
  spanMs: number;
  /** (count - 1) / span: the rate whose spacing the arrivals show; 0 under two arrivals. */
  meanPerSecond: number;
  windowMs: number;
  /** Most arrivals in any window of windowMs starting at an arrival. */
  peakCount: number;
  /** peakCount scaled to one second. */
  peakPerSecond: number;
}

/** A running fake target. */
export interface FakeTarget {
  /** http://host:port, no trailing slash. */
  readonly url: string;
  readonly port: number;
  stats(): FakeTargetStats;
  /** The rate of effect requests: busiest window of windowMs (1,000 by default) and mean over the active span. */
  rate(windowMs?: number): RateReport;
  /** Arrival times of effect requests, oldest first, in epoch ms with sub-millisecond precision (a copy). */
  arrivalTimes(): Float64Array;
  /** Applied effects in application order (a copy). */
  effects(): AppliedEffect[];
  /** Replaces the faults (validated); restarts the script, the `times` counts and the rate-limit bucket. */
  setFaults(faults: Faults): void;
  /** The faults in force, with what is left of the script and of each `times`. */
  faults(): Faults;
  /** Forgets effects, keys and statistics; the faults stay. */
  reset(): void;
  /** Stops listening and destroys every open socket, held ones included. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const ORDER_DETAIL_LIMIT = 10_000;
const BODY_LIMIT = 1024 * 1024;
const BUCKET_MS = 100;
const DEFAULT_MAX_ARRIVALS = 1 << 23;
const clockOrigin = performance.timeOrigin;
const now = (): number => clockOrigin + performance.now();

/** Arrival timestamps in a Float64Array that doubles as it fills, up to a cap past which the oldest are overwritten. */
export class ArrivalRing {
  #buffer: Float64Array;
  #start = 0;
  #length = 0;
  readonly #max: number;

  constructor(max = DEFAULT_MAX_ARRIVALS, initial = 4096) {
    this.#max = Math.max(1, Math.floor(max));
    this.#buffer = new Float64Array(Math.min(Math.max(1, initial), this.#max));
  }

  /** How many timestamps are kept. */
  get length(): number {
    return this.#length;
  }

  /** Appends one timestamp. */
  push(t: number): void {
    const capacity = this.#buffer.length;
    if (this.#length < capacity) {
      const at = this.#start + this.#length;
      this.#buffer[at < capacity ? at : at - capacity] = t;
      this.#length++;
    } else if (capacity < this.#max) {
      const grown = new Float64Array(Math.min(this.#max, capacity * 2));
      grown.set(this.toArray());
      grown[this.#length++] = t;
      this.#buffer = grown;
      this.#start = 0;
    } else {
      this.#buffer[this.#start] = t;
      this.#start = this.#start + 1 === capacity ? 0 : this.#start + 1;
    }
  }

  /** The kept timestamps, oldest first, as a new array. */
  toArray(): Float64Array {
    const out = new Float64Array(this.#length);
    const head = Math.min(this.#length, this.#buffer.length - this.#start);
    out.set(this.#buffer.subarray(this.#start, this.#start + head));
    if (head < this.#length) out.set(this.#buffer.subarray(0, this.#length - head), head);
    return out;
  }

  /** Forgets every timestamp and keeps the memory. */
  clear(): void {
    this.#start = 0;
    this.#length = 0;
  }
}

/** The busiest-window and mean rates of ascending timestamps in ms. */
export function observedRate(times: Float64Array, windowMs = 1000): RateReport {
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
  const count = times.length;
  const spanMs = count > 1 ? (times[count - 1] as number) - (times[0] as number) : 0;
  let peakCount = 0;
  for (let i = 0, j = 0; i < count; i++) {
    const end = (times[i] as number) + windowMs;
    if (j < i) j = i;
    while (j < count && (times[j] as number) < end) j++;
    if (j - i > peakCount) peakCount = j - i;
  }
  return {
    count,
    spanMs,
    meanPerSecond: spanMs > 0 ? ((count - 1) * 1000) / spanMs : 0,
    windowMs,
    peakCount,
    peakPerSecond: (peakCount * 1000) / windowMs,
  };
}

/** Checks a value (e.g. parsed from JSON) against Faults and returns it typed; throws a TypeError naming the field. */
export function parseFaults(value: unknown): Faults {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('faults must be an object');
  const input = value as Record<string, unknown>;
  const known = new Set(['error500', 'throttle429', 'timeout', 'reset', 'duplicateAck', 'slowMs', 'down', 'rateLimitPerSecond', 'script', 'retryAfterSeconds', 'seed']);
  for (const name of Object.keys(input)) if (!known.has(name)) throw new TypeError(`unknown fault ${JSON.stringify(name)}`);
  const faults: Faults = {};
  const probability = (name: string, p: unknown): number => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new TypeError(`${name}: probability must be a number in 0..1`);
    return p;
  };
  const times = (name: string, n: unknown): number => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new TypeError(`${name}.times must be a non-negative integer`);
    return n;
  };
  const chance = (name: string): Chance | undefined => {
    const raw = input[name];
    if (raw === undefined) return undefined;
    if (typeof raw === 'number') return probability(name, raw);
    if (typeof raw !== 'object' || raw === null) throw new TypeError(`${name} must be a probability or { p, times? }`);
    const spec = raw as Record<string, unknown>;
    const out: FaultChance = { p: probability(name, spec.p) };
    if (spec.times !== undefined) out.times = times(name, spec.times);
    return out;
  };
  for (const name of ['error500', 'throttle429', 'timeout', 'reset', 'duplicateAck'] as const) {
    const parsed = chance(name);
    if (parsed !== undefined) faults[name] = parsed;
  }
  const slow = input.slowMs;
  const milliseconds = (ms: unknown): number => {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new TypeError('slowMs must be a non-negative number of ms');
    return ms;
  };
  if (typeof slow === 'number') faults.slowMs = milliseconds(slow);
  else if (typeof slow === 'object' && slow !== null) {
    const spec = slow as Record<string, unknown>;
    const out: { ms: number; p?: number; times?: number } = { ms: milliseconds(spec.ms) };
    if (spec.p !== undefined) out.p = probability('slowMs', spec.p);
    if (spec.times !== undefined) out.times = times('slowMs', spec.times);
    faults.slowMs = out;
  } else if (slow !== undefined) throw new TypeError('slowMs must be a number or { ms, p?, times? }');
  if (input.down !== undefined) {
    if (typeof input.down !== 'boolean') throw new TypeError('down must be a boolean');
    faults.down = input.down;
  }
  if (input.rateLimitPerSecond !== undefined) {
    const rate = input.rateLimitPerSecond;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) throw new TypeError('rateLimitPerSecond must be a positive number');
    faults.rateLimitPerSecond = rate;
  }
  if (input.script !== undefined) {
    const steps = new Set<unknown>(['ok', '500', '429', 'timeout', 'reset', 'duplicateAck']);
    if (!Array.isArray(input.script) || !input.script.every((step) => steps.has(step))) {
      throw new TypeError(`script must be an array of ${[...steps].join('|')}`);
    }
    faults.script = [...(input.script as ScriptStep[])];
  }
  if (input.retryAfterSeconds !== undefined) {
    const seconds = input.retryAfterSeconds;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) throw new TypeError('retryAfterSeconds must be a non-negative integer');
    faults.retryAfterSeconds = seconds;
  }
  if (input.seed !== undefined) {
    if (typeof input.seed !== 'number' || !Number.isFinite(input.seed)) throw new TypeError('seed must be a number');
    faults.seed = input.seed;
  }
  return faults;
}


type Outcome = ScriptStep;
type ChanceName = 'reset' | 'timeout' | 'error500' | 'throttle429' | 'duplicateAck';

interface ArmedChance {
  name: ChanceName;
  outcome: Outcome;
  p: number;
  left: number;
}

interface ArmedFaults {
  given: Faults;
  // Fixed draw order; the first that fires wins, so later ones fire a little less often than their p.
  chances: ArmedChance[];
  slow: { ms: number; p: number; left: number } | undefined;
  down: boolean;
  ratePerSecond: number;
  tokens: number;
  refilledAt: number;
  script: ScriptStep[];
  scriptAt: number;
  retryAfter: string;
  random: () => number;
  // duplicateAck alternates how the answer is lost; the socket first.
  loseBySocket: boolean;
}

const chanceOutcomes: ReadonlyArray<[ChanceName, Outcome]> = [
  ['reset', 'reset'],
  ['timeout', 'timeout'],
  ['error500', '500'],
  ['throttle429', '429'],
  ['duplicateAck', 'duplicateAck'],
];

function arm(given: Faults, defaultRetryAfter: number): ArmedFaults {
  const chances: ArmedChance[] = [];
  for (const [name, outcome] of chanceOutcomes) {
    const spec = given[name];
    if (spec === undefined) continue;
    const p = typeof spec === 'number' ? spec : spec.p;
    const left = typeof spec === 'number' || spec.times === undefined ? Infinity : spec.times;
    if (p > 0 && left > 0) chances.push({ name, outcome, p, left });
  }
  const slowSpec = given.slowMs;
  const slow =
    slowSpec === undefined
      ? undefined
      : typeof slowSpec === 'number'
        ? { ms: slowSpec, p: 1, left: Infinity }
        : { ms: slowSpec.ms, p: slowSpec.p ?? 1, left: slowSpec.times ?? Infinity };
  const ratePerSecond = given.rateLimitPerSecond ?? 0;
  return {
    given,
    chances,
    slow: slow && slow.ms > 0 && slow.p > 0 && slow.left > 0 ? slow : undefined,
    down: given.down ?? false,
    ratePerSecond,
    tokens: Math.max(1, ratePerSecond),
    refilledAt: now(),
    script: given.script ?? [],
    scriptAt: 0,
    retryAfter: String(given.retryAfterSeconds ?? defaultRetryAfter),
    random: given.seed === undefined ? Math.random : seededRandom(given.seed),
    loseBySocket: true,
  };
}

function fires(armed: ArmedFaults, p: number): boolean {
  return p >= 1 || armed.random() < p;
}

function newInjected(): InjectedFaults {
  return { error500: 0, throttle429: 0, timeout: 0, reset: 0, duplicateAck: 0, slow: 0, down: 0, rateLimited: 0 };
}

interface KeyedEntry {
  resource: string;
  raw: Buffer;
  answer: string;
}

const EMPTY = Buffer.alloc(0);
const JSON_TYPE = 'application/json';
const DOWN_ANSWER = '{"error":"down"}';
const ERROR_ANSWER = '{"error":"injected failure"}';
const THROTTLE_ANSWER = '{"error":"too many requests"}';
const NOT_FOUND_ANSWER = '{"error":"not found"}';
const METHOD_ANSWER = '{"error":"method not allowed"}';

function send(res: ServerResponse, status: number, body: string, extra?: string[]): void {
  const headers = ['content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(body))];
  if (extra) headers.push(...extra);
  res.writeHead(status, headers);
  res.end(body);
}

// Calls back with the whole body, or undefined when it exceeds BODY_LIMIT; never when the client left mid-body.
function readBody(req: IncomingMessage, done: (body: Buffer | undefined) => void): void {
  let first: Buffer | undefined;
  let rest: Buffer[] | undefined;
  let size = 0;
  req.on('error', () => undefined);
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > BODY_LIMIT) return;
    if (first === undefined) first = chunk;
    else (rest ??= [first]).push(chunk);
  });
  req.on('end', () => done(size > BODY_LIMIT ? undefined : rest ? Buffer.concat(rest, size) : (first ?? EMPTY)));
}

/** Starts a fake target listening on 127.0.0.1 and a free port unless told otherwise. */
export async function startFakeTarget(options: FakeTargetOptions = {}): Promise<FakeTarget> {
  const defaultRetryAfter = options.retryAfterSeconds ?? 1;
  let armed = arm(parseFaults(options.faults ?? {}), defaultRetryAfter);
  const ring = new ArrivalRing(options.maxArrivals ?? DEFAULT_MAX_ARRIVALS);
  const timers = new Set<NodeJS.Timeout>();
  const held = new Set<ServerResponse>();

  let startedAt = now();
  let requests = 0;
  let effectRequests = 0;
  let lookups = 0;
  let applied = 0;
  let duplicatesSuppressed = 0;
  let unkeyed = 0;
  let plain = 0;
  let keyMismatches = 0;
  let badRequests = 0;
  let injected = newInjected();
  let seq = 0;
  let effects: AppliedEffect[] = [];
  let keyed = new Map<string, KeyedEntry>();
  let effectsPerKey = new Map<string, number>();
  let maxEffectsPerKey = 0;
  let keysWithMultipleEffects = new Set<string>();
  let perResource = new Map<string, number>();
  let byRef = new Map<string, string>();
  let perOrderKey = new Map<string, number[]>();
  let orderViolations = new Set<string>();
  let plainByRef = new Map<string, number>();
  let refsWithMultipleEffects = new Set<string>();

  const reset = (): void => {
    ring.clear();
    startedAt = now();
    requests = effectRequests = lookups = applied = duplicatesSuppressed = unkeyed = plain = keyMismatches = badRequests = seq = 0;
    injected = newInjected();
    effects = [];
    keyed = new Map();
    effectsPerKey = new Map();
    maxEffectsPerKey = 0;
    keysWithMultipleEffects = new Set();
    perResource = new Map();
    byRef = new Map();
    perOrderKey = new Map();
    orderViolations = new Set();
    plainByRef = new Map();
    refsWithMultipleEffects = new Set();
  };

  // Records one application and returns its id; the caller has already decided it applies.
  const record = (resource: string, key: string | null, body: unknown, via: 'effects' | 'plain'): string => {
    const n = (perResource.get(resource) ?? 0) + 1;
    perResource.set(resource, n);
    const id = `${resource}_${n}`;
    applied++;
    effects.push({ seq: ++seq, id, key, resource, via, body, at: now() });
    if (key !== null) {
      const count = (effectsPerKey.get(key) ?? 0) + 1;
      effectsPerKey.set(key, count);
      if (count > maxEffectsPerKey) maxEffectsPerKey = count;
      if (count === 2) keysWithMultipleEffects.add(key);
    }
    if (typeof body === 'object' && body !== null) {
      const { ref, orderKey, n: position } = body as { ref?: unknown; orderKey?: unknown; n?: unknown };
      if (typeof ref === 'string') {
        const lookupKey = `${resource}\n${ref}`;
        if (!byRef.has(lookupKey)) byRef.set(lookupKey, id);
        if (via === 'plain') {
          const count = (plainByRef.get(ref) ?? 0) + 1;
          plainByRef.set(ref, count);
          if (count === 2) refsWithMultipleEffects.add(ref);
        }
      }
      if (typeof orderKey === 'string' && typeof position === 'number') {
        const list = perOrderKey.get(orderKey);
        if (list === undefined) perOrderKey.set(orderKey, [position]);
        else {
          if (!(position > (list[list.length - 1] as number))) orderViolations.add(orderKey);
          list.push(position);
        }
      }
    }
    return id;
  };

  const parseJson = (raw: Buffer): { ok: true; value: unknown } | { ok: false } => {
    if (raw.length === 0) return { ok: true, value: null };
    try {
      return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
    } catch {
      return { ok: false };
    }
  };

  // Applies (or, for a known key, replays) one effect and answers it unless `loseAnswer`.
  const apply = (res: ServerResponse, resource: string, via: 'effects' | 'plain', key: string | null, raw: Buffer, loseAnswer: boolean): void => {
    if (via === 'effects' && key !== null) {
      const entry = keyed.get(key);
      if (entry !== undefined) {
        duplicatesSuppressed++;
        if (entry.resource !== resource || !entry.raw.equals(raw)) keyMismatches++;
        if (!loseAnswer) send(res, 200, entry.answer, ['idempotent-replayed', 'true']);
        return loseDone(res, loseAnswer);
      }
    }
    const parsed = parseJson(raw);
    if (!parsed.ok) {
      badRequests++;
      send(res, 400, '{"error":"body is not JSON"}');
      return;
    }
    const id = record(resource, key, parsed.value, via);
    const answer = JSON.stringify({ id });
    if (via === 'effects') {
      if (key === null) unkeyed++;
      else keyed.set(key, { resource, raw, answer });
    } else plain++;
    if (!loseAnswer) send(res, 201, answer);
    loseDone(res, loseAnswer);
  };

  const loseDone = (res: ServerResponse, loseAnswer: boolean): void => {
    if (!loseAnswer) return;
    injected.duplicateAck++;
    if (armed.loseBySocket) res.socket?.destroy();
    else send(res, 500, ERROR_ANSWER);
    armed.loseBySocket = !armed.loseBySocket;
  };

  const act = (req: IncomingMessage, res: ServerResponse, outcome: Outcome, resource: string, via: 'effects' | 'plain', raw: Buffer): void => {
    if (res.destroyed && outcome !== 'ok' && outcome !== 'duplicateAck') return;
    const header = req.headers['idempotency-key'];
    const key = typeof header === 'string' && header !== '' ? header : null;
    switch (outcome) {
      case 'ok':
        return apply(res, resource, via, key, raw, false);
      case 'duplicateAck':
        return apply(res, resource, via, key, raw, true);
      case '500':
        injected.error500++;
        return send(res, 500, ERROR_ANSWER);
      case '429':
        injected.throttle429++;
        return send(res, 429, THROTTLE_ANSWER, ['retry-after', armed.retryAfter]);
      case 'reset':
        injected.reset++;
        req.socket.destroy();
        return;
      case 'timeout':
        injected.timeout++;
        held.add(res);
        res.once('close', () => held.delete(res));
        return;
    }
  };

  const decide = (): Outcome => {
    const faults = armed;
    if (faults.scriptAt < faults.script.length) return faults.script[faults.scriptAt++] as Outcome;
    for (const chance of faults.chances) {
      if (chance.left > 0 && fires(faults, chance.p)) {
        chance.left--;
        return chance.outcome;
      }
    }
    return 'ok';
  };

  const slowFor = (): number => {
    const slow = armed.slow;
    if (slow === undefined || slow.left <= 0 || !fires(armed, slow.p)) return 0;
    slow.left--;
    injected.slow++;
    return slow.ms;
  };

  // Seconds until a token is back, or 0 when one was taken.
  const throttled = (t: number): number => {
    const faults = armed;
    const rate = faults.ratePerSecond;
    if (rate === 0) return 0;
    faults.tokens = Math.min(Math.max(1, rate), faults.tokens + ((t - faults.refilledAt) * rate) / 1000);
    faults.refilledAt = t;
    if (faults.tokens >= 1) {
      faults.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - faults.tokens) / rate));
  };

  const effect = (req: IncomingMessage, res: ServerResponse, resource: string, via: 'effects' | 'plain'): void => {
    effectRequests++;
    const t = now();
    ring.push(t);
    const wait = throttled(t);
    if (wait > 0) {
      injected.rateLimited++;
      send(res, 429, THROTTLE_ANSWER, ['retry-after', String(wait)]);
      return;
    }
    // Decided on arrival so a script is consumed in arrival order, whatever the body sizes.
    const outcome = decide();
    const delay = slowFor();
    readBody(req, (raw) => {
      if (raw === undefined) {
        badRequests++;
        send(res, 413, '{"error":"body over 1 MiB"}');
        return;
      }
      if (delay === 0) return act(req, res, outcome, resource, via, raw);
      const timer = setTimeout(() => {
        timers.delete(timer);
        act(req, res, outcome, resource, via, raw);
      }, delay);
      timers.add(timer);
    });
  };

  const lookup = (res: ServerResponse, resource: string, query: string): void => {
    lookups++;
    const ref = new URLSearchParams(query).get('ref');
    if (ref === null) {
      badRequests++;
      send(res, 400, '{"error":"ref is required"}');
      return;
    }
    const id = byRef.get(`${resource}\n${ref}`);
    if (id === undefined) send(res, 404, NOT_FOUND_ANSWER);
    else send(res, 200, JSON.stringify({ id }));
  };

  const stats = (): FakeTargetStats => {
    const arrivals: Array<{ t: number; count: number }> = [];
    const times = ring.toArray();
    for (let i = 0; i < times.length; i++) {
      const t = Math.floor(((times[i] as number) - startedAt) / BUCKET_MS) * BUCKET_MS;
      const last = arrivals[arrivals.length - 1];
      if (last !== undefined && last.t === t) last.count++;
      else arrivals.push({ t, count: 1 });
    }
    const result: FakeTargetStats = {
      requests,
      effectRequests,
      lookups,
      applied,
      duplicatesSuppressed,
      unkeyed,
      plain,
      keyMismatches,
      badRequests,
      injected: { ...injected },
      maxEffectsPerKey,
      keysWithMultipleEffects: [...keysWithMultipleEffects],
      orderKeys: perOrderKey.size,
      orderViolations: [...orderViolations],
      plainRefs: plainByRef.size,
      refsWithMultipleEffects: [...refsWithMultipleEffects],
      arrivals,
      held: held.size,
    };
    if (perOrderKey.size <= ORDER_DETAIL_LIMIT) result.perOrderKey = Object.fromEntries([...perOrderKey].map(([k, list]) => [k, [...list]]));
    if (plainByRef.size <= ORDER_DETAIL_LIMIT) result.plainByRef = Object.fromEntries(plainByRef);
    return result;
  };

  const currentFaults = (): Faults => {
    const given = armed.given;
    const out: Faults = { ...given };
    for (const chance of armed.chances) {
      const spec = given[chance.name];
      if (typeof spec === 'object') out[chance.name] = { p: chance.p, times: chance.left };
    }
    if (armed.slow !== undefined && typeof given.slowMs === 'object' && given.slowMs.times !== undefined) {
      out.slowMs = { ...given.slowMs, times: armed.slow.left };
    }
    if (given.script !== undefined) out.script = armed.script.slice(armed.scriptAt);
    return out;
  };

  const setFaults = (faults: Faults): void => {
    armed = arm(parseFaults(faults), defaultRetryAfter);
  };

  const admin = (req: IncomingMessage, res: ServerResponse, path: string, query: string): void => {
    const route = `${req.method ?? ''} ${path}`;
    switch (route) {
      case 'GET /_admin/stats':
        return send(res, 200, JSON.stringify(stats()));
      case 'GET /_admin/rate': {
        const windowMs = Number(new URLSearchParams(query).get('windowMs') ?? 1000);
        if (!(windowMs > 0)) return send(res, 400, '{"error":"windowMs must be positive"}');
        return send(res, 200, JSON.stringify(observedRate(ring.toArray(), windowMs)));
      }
      case 'GET /_admin/arrivals': {
        const times = ring.toArray();
        res.writeHead(200, ['content-type', 'application/octet-stream', 'content-length', String(times.byteLength)]);
        res.end(Buffer.from(times.buffer, times.byteOffset, times.byteLength));
        return;
      }
      case 'GET /_admin/effects':
        return send(res, 200, JSON.stringify(effects));
      case 'GET /_admin/faults':
        return send(res, 200, JSON.stringify(currentFaults()));
      case 'POST /_admin/faults':
        return readBody(req, (raw) => {
          try {
            if (raw === undefined) throw new TypeError('body over 1 MiB');
            setFaults(parseFaults(raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'))));
          } catch (error) {
            return send(res, 400, JSON.stringify({ error: (error as Error).message }));
          }
          send(res, 200, JSON.stringify(currentFaults()));
        });
      case 'POST /_admin/reset':
        reset();
        res.writeHead(204);
        res.end();
        return;
      default:
        return send(res, 404, NOT_FOUND_ANSWER);
    }
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    if (path.startsWith('/_admin/')) return admin(req, res, path, query);
    requests++;
    if (armed.down) {
      if (path.startsWith('/effects/') || path.startsWith('/plain/')) {
        effectRequests++;
        ring.push(now());
      }
      injected.down++;
      return send(res, 503, DOWN_ANSWER);
    }
    const method = req.method;
    if (path.startsWith('/effects/') && path.length > 9) {
      const resource = path.slice(9);
      if (method === 'POST' || method === 'PUT') return effect(req, res, resource, 'effects');
      if (method === 'GET') return lookup(res, resource, query);
      return send(res, 405, METHOD_ANSWER);
    }
    if (path.startsWith('/plain/') && path.length > 7) {
      if (method === 'POST') return effect(req, res, path.slice(7), 'plain');
      return send(res, 405, METHOD_ANSWER);
    }
    send(res, 404, NOT_FOUND_ANSWER);
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolvePromise) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolvePromise());
      server.closeAllConnections();
    }));

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    stats,
    rate: (windowMs = 1000) => observedRate(ring.toArray(), windowMs),
    arrivalTimes: () => ring.toArray(),
    effects: () => effects.slice(),
    setFaults,
    faults: currentFaults,
    reset,
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      faults: { type: 'string' },
      'retry-after': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const options: FakeTargetOptions = { port: Number(values.port), host: values.host };
  if (values.faults !== undefined) options.faults = parseFaults(JSON.parse(values.faults));
  if (values['retry-after'] !== undefined) options.retryAfterSeconds = Number(values['retry-after']);
  const target = await startFakeTarget(options);
  process.stdout.write(`${JSON.stringify({ url: target.url })}\n`);
  if (!values.quiet) process.stderr.write(`fake target listening at ${target.url}\n`);
  const stop = (): void => {
    void target.close().then(() => {
      if (!values.quiet) {
        const { requests, applied, duplicatesSuppressed, unkeyed, plain, maxEffectsPerKey, orderViolations } = target.stats();
        const summary = { requests, applied, duplicatesSuppressed, unkeyed, plain, maxEffectsPerKey, orderViolations: orderViolations.length };
        process.stderr.write(`fake target stopped: ${JSON.stringify(summary)}\n`);
      }
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  await main(process.argv.slice(2));
}
