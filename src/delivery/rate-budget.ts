import { CapacityError, ConfigError } from '../errors/index.ts';
import type { Clock } from '../ports/clock.ts';
import { PRIORITY_CLASSES, type PriorityClass, type RateLimit } from '../ports/connector.ts';

/** Options of a rate budget; the defaults suit production, tests inject time. */
export interface RateBudgetOptions {
  /** Time source; defaults to the wall clock. */
  clock?: Clock;
  /** Schedules `run` after `ms`; defaults to an unref'd setTimeout. */
  setTimer?: (run: () => void, ms: number) => unknown;
  /** Cancels a handle from `setTimer`; defaults to clearTimeout. */
  clearTimer?: (handle: unknown) => void;
  /** Lowest rate throttling may push the budget to; defaults to max(0.1, 2% of the configured rate). */
  minRatePerSecond?: number;
  /** Quiet time after which the rate rises one step, in ms; defaults to 1000. */
  recoveryIntervalMs?: number;
  /** Share of the configured rate regained per quiet interval; defaults to 0.1. */
  recoveryFraction?: number;
}

/** Leave to send one request: holds a concurrency slot until released. */
export interface Permit {
  /** Frees the slot; calling it again does nothing. */
  release(): void;
}

/** The budget of requests to one target, shared by every flow that calls it. */
export interface RateBudget {
  /** Waits for a token and a concurrency slot; urgent waiters go first, FIFO within a class. */
  acquire(priority: PriorityClass, signal?: AbortSignal): Promise<Permit>;
  /** A permit now, or undefined; never jumps ahead of a waiter of the same or higher priority. */
  tryAcquire(priority: PriorityClass): Permit | undefined;
  /** The target answered 429: halve the rate, empty the bucket, pause for `retryAfterMs` if given. */
  throttled(retryAfterMs?: number): void;
  /** Rate in force now, after throttling and recovery. */
  readonly currentRatePerSecond: number;
  /** Permits granted and not yet released. */
  inFlight(): number;
  /** Callers waiting in `acquire`, all classes together. */
  waiting(): number;
  /** Callers waiting in `acquire`, per class. */
  waitingByPriority(): Record<PriorityClass, number>;
  /** When a Retry-After pause ends (ms since the epoch), or 0 when not paused. */
  pausedUntil(): number;
  /** Rejects every waiter and every later `acquire` with `reason`. */
  close(reason?: Error): void;
}

/** How much late timer firing the bucket absorbs without losing tokens. */
const TICK_SLACK_MS = 5;

interface Waiter {
  resolve: (permit: Permit) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  queue: Queue;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

/** A doubly linked FIFO: O(1) push, shift and removal of an aborted waiter from the middle. */
interface Queue {
  head: Waiter | undefined;
  tail: Waiter | undefined;
  size: number;
}

function append(waiter: Waiter): void {
  const queue = waiter.queue;
  if (queue.tail) queue.tail.next = waiter;
  else queue.head = waiter;
  queue.tail = waiter;
  queue.size += 1;
}

function unlink(waiter: Waiter): void {
  const queue = waiter.queue;
  if (waiter.prev) waiter.prev.next = waiter.next;
  else queue.head = waiter.next;
  if (waiter.next) waiter.next.prev = waiter.prev;
  else queue.tail = waiter.prev;
  waiter.prev = waiter.next = undefined;
  queue.size -= 1;
}

// Float sums of fractional tokens can land a hair under 1 when a whole token is due; without the
// tolerance the timer would fire, find 0.9999999999 tokens and re-arm for a 0 ms wait.
const EPSILON = 1e-9;
// setTimeout's longest delay; a longer wait re-arms when it fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

function defaultSetTimer(run: () => void, ms: number): unknown {
  const handle = setTimeout(run, ms);
  // Waiting for a token must not keep a process alive that has nothing else to do.
  handle.unref?.();
  return handle;
}

function unknownPriority(priority: unknown): TypeError {
  return new TypeError(`Unknown priority class ${JSON.stringify(priority)}.`);
}

function positive(name: string, value: unknown, integer: boolean): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!ok) throw new ConfigError('invalid_config', `Rate limit field ${name} must be a ${integer ? 'whole' : 'finite'} number greater than 0 (got ${String(value)}).`);
  return value;
}

/**
 * A token bucket (refilled at the rate, holding at most `burst`, starting full) plus a cap on
 * concurrent requests. Throttling adapts the rate: a 429 halves it, quiet intervals raise it back
 * step by step. Time is read lazily from the clock; the only timer is the one that wakes blocked
 * waiters when their next token is due.
 */
export function createRateBudget(limit: RateLimit, options: RateBudgetOptions = {}): RateBudget {
  const configured = positive('requestsPerSecond', limit.requestsPerSecond, false);
  const burst = positive('burst', limit.burst, false);
  if (burst < 1) throw new ConfigError('invalid_config', `Rate limit field burst must be at least 1 (got ${burst}).`);
  const maxConcurrency = positive('maxConcurrency', limit.maxConcurrency, true);
  const minRate = Math.min(configured, positive('minRatePerSecond', options.minRatePerSecond ?? Math.max(0.1, configured * 0.02), false));
  const interval = positive('recoveryIntervalMs', options.recoveryIntervalMs ?? 1000, false);
  const step = Math.min(1, positive('recoveryFraction', options.recoveryFraction ?? 0.1, false)) * configured;
  const clock = options.clock ?? { now: () => Date.now() };
  const setTimer = options.setTimer ?? defaultSetTimer;
  const clearTimer = options.clearTimer ?? ((handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>));

  const queues = PRIORITY_CLASSES.map((): Queue => ({ head: undefined, tail: undefined, size: 0 }));
  let tokens = burst;
  let refilledAt = clock.now();
  let active = 0;
  let queued = 0;
  let pauseEnd = 0;
  // The rate is a step function of time: `floorRate` until `anchor`, one `step` higher per
  // interval after it, and the configured rate from `fullAt` on (computed once, so float sums
  // can never leave it a hair short of configured).
  let anchor = Number.NEGATIVE_INFINITY;
  let floorRate = configured;
  let lastCutAt = Number.NEGATIVE_INFINITY;
  let fullAt = Number.NEGATIVE_INFINITY;
  let timer: unknown;
  let timerDue = Number.POSITIVE_INFINITY;
  let closedWith: Error | undefined;

  const rateAt = (t: number): number => {
    if (t >= fullAt) return configured;
    if (t < anchor) return floorRate;
    return Math.min(configured, floorRate + Math.floor((t - anchor) / interval) * step);
  };
  const nextStepAt = (t: number): number => {
    if (t >= fullAt) return Number.POSITIVE_INFINITY;
    const at = t < anchor ? anchor + interval : anchor + (Math.floor((t - anchor) / interval) + 1) * interval;
    return Math.min(fullAt, at > t ? at : at + interval);
  };

  // Brings the bucket up to `now`, integrating the step-wise rate exactly. While waiters are blocked
  // only on tokens, they would have taken each token as it arrived, so the bucket may hold up to
  // `burst` more than the demand: capping at `burst` alone would lose tokens between timer ticks and
  // under-deliver whenever the rate exceeds `burst` per tick.
  const refill = (now: number): void => {
    if (now <= refilledAt) return;
    // Tokens that arrive between two timer ticks while callers wait are theirs, not overflow: at
    // rates above `burst` per millisecond a strict cap would under-deliver. But only a few ms
    // worth (TICK_SLACK_MS), so a stalled event loop cannot release a crowd at once afterwards.
    const demand = active < maxConcurrency ? Math.min(queued, maxConcurrency - active) : 0;
    const cap = burst + Math.min(demand, Math.ceil((configured * TICK_SLACK_MS) / 1000));
    let t = Math.max(refilledAt, Math.min(now, pauseEnd));
    while (t < now) {
      const end = Math.min(now, nextStepAt(t));
      tokens = Math.min(cap, tokens + ((end - t) * rateAt(t)) / 1000);
      t = end;
    }
    refilledAt = now;
  };

  // When the bucket will next hold a whole token, walking the same rate steps as `refill`.
  const tokenDueAt = (now: number): number => {
    let t = Math.max(now, pauseEnd);
    let have = tokens;
    for (;;) {
      const missing = 1 - EPSILON - have;
      if (missing <= 0) return t;
      const rate = rateAt(t);
      const reach = t + (missing * 1000) / rate;
      const boundary = nextStepAt(t);
      if (reach <= boundary) return reach;
      have += ((boundary - t) * rate) / 1000;
      t = boundary;
    }
  };

  const canGrant = (now: number): boolean => active < maxConcurrency && now >= pauseEnd && tokens >= 1 - EPSILON;

  const grant = (): Permit => {
    tokens -= 1;
    active += 1;
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        refill(clock.now());
        active -= 1;
        drain();
      },
    };
  };

  const settle = (waiter: Waiter): void => {
    unlink(waiter);
    queued -= 1;
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  };

  const schedule = (now: number): void => {
    const due = queued > 0 && active < maxConcurrency && closedWith === undefined ? tokenDueAt(now) : Number.POSITIVE_INFINITY;
    // Float noise moves the due time by a few ulps between calls; re-arming for that is wasted work.
    if (timer === undefined ? due === Number.POSITIVE_INFINITY : Math.abs(due - timerDue) < 1e-6) return;
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    timerDue = due;
    if (due === Number.POSITIVE_INFINITY) return;
    // Whole milliseconds, at least 1: the token is certainly there when the timer fires.
    const delay = Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(due - now)));
    timer = setTimer(() => {
      timer = undefined;
      timerDue = Number.POSITIVE_INFINITY;
      drain();
    }, delay);
  };

  // Serves waiters of the first `classes` priority classes, most urgent first, while tokens and
  // slots last. Each grant is O(1), so a timer tick at a high rate can grant hundreds at once.
  function drain(classes = queues.length): void {
    if (closedWith !== undefined) return;
    const now = clock.now();
    refill(now);
    for (let index = 0; index < classes && canGrant(now); index += 1) {
      const queue = queues[index] as Queue;
      while (queue.head && canGrant(now)) {
        const waiter = queue.head;
        settle(waiter);
        waiter.resolve(grant());
      }
    }
    // Tokens above `burst` were accrued for waiters that then aborted; nobody else may have them.
    if (classes === queues.length && tokens > burst) tokens = burst;
    schedule(now);
  }

  return {
    acquire(priority, signal) {
      if (closedWith !== undefined) return Promise.reject(closedWith);
      if (signal?.aborted) return Promise.reject(signal.reason);
      const index = PRIORITY_CLASSES.indexOf(priority);
      if (index < 0) return Promise.reject(unknownPriority(priority));
      return new Promise<Permit>((resolve, reject) => {
        refill(clock.now());
        const queue = queues[index] as Queue;
        const waiter: Waiter = { resolve, reject, signal, onAbort: undefined, queue, prev: queue.tail, next: undefined };
        append(waiter);
        queued += 1;
        if (signal) {
          waiter.onAbort = () => {
            refill(clock.now());
            settle(waiter);
            reject(signal.reason);
            drain();
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        drain();
      });
    },
    tryAcquire(priority) {
      if (closedWith !== undefined) return undefined;
      const index = PRIORITY_CLASSES.indexOf(priority);
      if (index < 0) throw unknownPriority(priority);
      drain(index + 1);
      const now = clock.now();
      const blocked = queues.slice(0, index + 1).some((queue) => queue.size > 0);
      if (blocked || !canGrant(now)) return undefined;
      const permit = grant();
      drain();
      return permit;
    },
    throttled(retryAfterMs) {
      const now = clock.now();
      refill(now);
      // 429s answering requests that were already in flight when the first arrived describe the same
      // overload: cut once per recovery interval, or a burst of them would drive the rate to its floor.
      if (now - lastCutAt >= interval) {
        floorRate = Math.max(minRate, rateAt(now) * 0.5);
        lastCutAt = now;
      }
      tokens = 0;
      if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0) pauseEnd = Math.max(pauseEnd, now + retryAfterMs);
      // Recovery counts quiet time from the end of the pause: while paused nothing is sent, so
      // nothing shows the target has recovered.
      anchor = Math.max(now, pauseEnd);
      fullAt = anchor + Math.ceil((configured - floorRate) / step - EPSILON) * interval;
      drain();
    },
    get currentRatePerSecond() {
      return rateAt(clock.now());
    },
    inFlight: () => active,
    waiting: () => queued,
    waitingByPriority() {
      return Object.fromEntries(PRIORITY_CLASSES.map((priority, index) => [priority, (queues[index] as Queue).size])) as Record<PriorityClass, number>;
    },
    pausedUntil: () => (pauseEnd > clock.now() ? pauseEnd : 0),
    close(reason) {
      if (closedWith !== undefined) return;
      closedWith = reason ?? new CapacityError('shutting_down', 'The rate budget was closed.');
      schedule(clock.now());
      for (const queue of queues) {
        while (queue.head) {
          const waiter = queue.head;
          settle(waiter);
          waiter.reject(closedWith);
        }
      }
    },
  };
}
