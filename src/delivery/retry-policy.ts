import { ConfigError } from '../errors/index.ts';
import type { RetryPolicy } from '../ports/connector.ts';
import type { Failure } from './classify.ts';

/** What to do after a failed attempt: schedule the next one, or give up with a dead-letter code. */
export type RetryDecision = { retry: true; delayMs: number; availableAt: string } | { retry: false; code: string; reason: string };

/** What `decideRetry` needs to know about the attempt that just failed. */
export interface RetryInput {
  /** The command's effective policy (see `resolveRetryPolicy`). */
  policy: RetryPolicy;
  /** Number of the attempt that just failed, 1 for the first. */
  attempt: number;
  /** When the command was enqueued (ISO 8601 UTC). */
  createdAt: string;
  /** Current time, ms since the epoch. */
  now: number;
  failure: Failure;
  /** Source of jitter in [0, 1); defaults to Math.random. */
  random?: () => number;
}

const FIELDS = ['maxAttempts', 'maxAgeMs', 'baseDelayMs', 'maxDelayMs'] as const satisfies readonly (keyof RetryPolicy)[];

function invalid(field: keyof RetryPolicy, rule: string, value: unknown): ConfigError {
  return new ConfigError('invalid_config', `Retry policy field ${field} must be ${rule} (got ${String(value)}).`);
}

function finiteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * The policy a command runs under: the target's policy with the action's (and any other) overrides
 * laid over it, later ones winning field by field. Throws ConfigError `invalid_config` naming the
 * first field that makes no sense, so a bad connector manifest fails at start-up, not mid-delivery.
 */
export function resolveRetryPolicy(base: RetryPolicy, ...overrides: (Partial<RetryPolicy> | undefined)[]): RetryPolicy {
  const policy: RetryPolicy = { maxAttempts: base.maxAttempts, maxAgeMs: base.maxAgeMs, baseDelayMs: base.baseDelayMs, maxDelayMs: base.maxDelayMs };
  for (const override of overrides) {
    if (!override) continue;
    for (const field of FIELDS) {
      const value = override[field];
      if (value !== undefined) policy[field] = value;
    }
  }
  const { maxAttempts, maxAgeMs, baseDelayMs, maxDelayMs } = policy;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw invalid('maxAttempts', 'an integer of at least 1', maxAttempts);
  if (!finiteNumber(baseDelayMs) || baseDelayMs < 0) throw invalid('baseDelayMs', 'a finite number of ms, at least 0', baseDelayMs);
  if (!finiteNumber(maxDelayMs) || maxDelayMs < 0) throw invalid('maxDelayMs', 'a finite number of ms, at least 0', maxDelayMs);
  if (maxDelayMs < baseDelayMs) throw invalid('maxDelayMs', `at least baseDelayMs (${baseDelayMs})`, maxDelayMs);
  if (!finiteNumber(maxAgeMs) || maxAgeMs <= 0) throw invalid('maxAgeMs', 'a finite number of ms greater than 0', maxAgeMs);
  return policy;
}

// 2^1023 is the largest finite power of two: the cap stays a number (never Infinity or, times a
// zero base, NaN) however many attempts a misconfigured policy allows.
const MAX_EXPONENT = 1023;

/**
 * Backoff before the attempt after `attempt` (the 1-based number of the attempt that just failed):
 * exponential with full jitter, uniform in [0, min(maxDelayMs, baseDelayMs * 2^(attempt-1))).
 * Full jitter spreads a herd of commands that failed together across the whole window.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const exponent = Math.min(Math.max(Math.floor(attempt) - 1, 0), MAX_EXPONENT);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const draw = random();
  const unit = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 0;
  return Math.floor(unit * cap);
}

// The largest time a Date can hold; absurd configured delays clamp to it instead of throwing.
const MAX_DATE_MS = 8.64e15;

function iso(ms: number): string {
  return new Date(Math.min(ms, MAX_DATE_MS)).toISOString();
}

function describeFailure(failure: Failure): string {
  return `${failure.code}: ${failure.message}`;
}

/**
 * Whether and when to retry a failed attempt. Terminal failures dead-letter with their own code;
 * otherwise the attempt count and the command's age bound the retries. The target's Retry-After
 * is a floor on the delay: retrying sooner would only be throttled again.
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const { policy, attempt, createdAt, now, failure } = input;
  if (!failure.retryable) return { retry: false, code: failure.code, reason: failure.message };
  if (attempt >= policy.maxAttempts) {
    const count = attempt === 1 ? '1 attempt' : `${attempt} attempts`;
    return { retry: false, code: 'attempts_exhausted', reason: `Gave up after ${count} (at most ${policy.maxAttempts}); last failure ${describeFailure(failure)}` };
  }
  const created = Date.parse(createdAt);
  if (Number.isNaN(created)) {
    // Without an enqueue time the age bound cannot be applied; parking it is safer than retrying blind.
    return { retry: false, code: 'internal', reason: `Command createdAt ${JSON.stringify(createdAt)} is not a valid timestamp; last failure ${describeFailure(failure)}` };
  }
  const delayMs = Math.max(backoffDelayMs(policy, attempt, input.random ?? Math.random), failure.retryAfterMs ?? 0);
  const expiresAt = created + policy.maxAgeMs;
  if (now + delayMs > expiresAt) {
    return {
      retry: false,
      code: 'delivery_expired',
      reason: `Delivery expired: a retry at ${iso(now + delayMs)} would be past the command's maximum age of ${policy.maxAgeMs} ms (${iso(expiresAt)}); last failure ${describeFailure(failure)}`,
    };
  }
  return { retry: true, delayMs, availableAt: iso(now + delayMs) };
}
