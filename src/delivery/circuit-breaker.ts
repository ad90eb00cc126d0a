import { ConfigError } from '../errors/index.ts';
import type { Clock } from '../ports/clock.ts';
import type { BreakerPolicy } from '../ports/connector.ts';

/** `closed`: requests flow; `open`: none go; `half_open`: a few probes test whether the target is back. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * How a request that passed the breaker ended. `neutral` means the target answered but the answer
 * says nothing about its health (a 429, a terminal 4xx): it neither closes nor opens the breaker.
 */
export type BreakerOutcome = 'success' | 'failure' | 'neutral';

/** Options of a circuit breaker. */
export interface CircuitBreakerOptions {
  /** Time source; defaults to the wall clock. */
  clock?: Clock;
  /** Called after every state change (metrics, logs). */
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

/** A target's circuit breaker: stops sending to a target that keeps failing, then probes it. */
export interface CircuitBreaker {
  /** The current state; an open breaker turns half-open by itself once `openMs` has passed. */
  state(): BreakerState;
  /** Whether a request may go now; in half-open, a true answer takes one of the probe slots. */
  tryPass(): boolean;
  /** Reports how a request that passed ended. */
  record(outcome: BreakerOutcome): void;
  /** Time until an open breaker lets a probe through, in ms; 0 when it is not open. */
  retryInMs(): number;
  /** How many times the breaker has opened (including re-openings after a failed probe). */
  readonly openings: number;
}

function validate(policy: BreakerPolicy): void {
  const { failureThreshold, openMs, halfOpenProbes } = policy;
  const fail = (field: keyof BreakerPolicy, rule: string, value: unknown) =>
    new ConfigError('invalid_config', `Breaker policy field ${field} must be ${rule} (got ${String(value)}).`);
  if (!Number.isSafeInteger(failureThreshold) || failureThreshold < 1) throw fail('failureThreshold', 'an integer of at least 1', failureThreshold);
  if (typeof openMs !== 'number' || !Number.isFinite(openMs) || openMs < 0) throw fail('openMs', 'a finite number of ms, at least 0', openMs);
  if (!Number.isSafeInteger(halfOpenProbes) || halfOpenProbes < 1) throw fail('halfOpenProbes', 'an integer of at least 1', halfOpenProbes);
}

/**
 * A circuit breaker for one target. Time is read only from the clock and only when asked, so
 * there is no timer to clean up and tests drive it with a fake clock.
 */
export function createCircuitBreaker(policy: BreakerPolicy, options: CircuitBreakerOptions = {}): CircuitBreaker {
  validate(policy);
  const { failureThreshold, openMs, halfOpenProbes } = policy;
  const clock = options.clock ?? { now: () => Date.now() };
  let current: BreakerState = 'closed';
  let consecutiveFailures = 0;
  let openedAt = 0;
  let probesOutstanding = 0;
  let probesSucceeded = 0;
  let openings = 0;

  const moveTo = (next: BreakerState): void => {
    const from = current;
    current = next;
    if (next === 'open') {
      openedAt = clock.now();
      openings += 1;
    }
    consecutiveFailures = 0;
    probesOutstanding = 0;
    probesSucceeded = 0;
    if (from !== next) options.onStateChange?.(from, next);
  };

  const state = (): BreakerState => {
    if (current === 'open' && clock.now() - openedAt >= openMs) moveTo('half_open');
    return current;
  };

  return {
    state,
    tryPass() {
      switch (state()) {
        case 'closed':
          return true;
        case 'open':
          return false;
        case 'half_open':
          if (probesOutstanding >= halfOpenProbes) return false;
          probesOutstanding += 1;
          return true;
      }
    },
    record(outcome) {
      switch (state()) {
        case 'closed':
          if (outcome === 'success') consecutiveFailures = 0;
          else if (outcome === 'failure' && ++consecutiveFailures >= failureThreshold) moveTo('open');
          return;
        case 'open':
          // A request let through before the breaker opened: its verdict is already reflected.
          return;
        case 'half_open':
          // Clamped at zero: a request that passed while closed may report after the breaker opened
          // and went half-open, without having taken a probe slot.
          probesOutstanding = Math.max(0, probesOutstanding - 1);
          if (outcome === 'failure') moveTo('open');
          else if (outcome === 'success' && ++probesSucceeded >= halfOpenProbes) moveTo('closed');
          return;
      }
    },
    retryInMs() {
      if (state() !== 'open') return 0;
      return Math.max(0, openedAt + openMs - clock.now());
    },
    get openings() {
      return openings;
    },
  };
}
