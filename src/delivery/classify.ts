import { errorCatalogue, TargetError, WeftError } from '../errors/index.ts';

/** Why one delivery attempt failed, in the shape the retry decision and the dead-letter record need. */
export interface Failure {
  /** Stable error code from the catalogue (`internal` for anything that is not a WeftError). */
  code: string;
  /** What went wrong, with secrets removed and at most 500 characters long. */
  message: string;
  /** Whether another attempt can help. */
  retryable: boolean;
  /** The target's `Retry-After`, in ms: no retry is scheduled sooner. */
  retryAfterMs?: number;
  /** HTTP status the target answered with, when it answered. */
  targetStatus?: number;
}

/** Longest message kept: failures are stored on every command attempt and in dead letters. */
export const MAX_FAILURE_MESSAGE_LENGTH = 500;

// Userinfo is everything between `scheme://` and the last `@` before the path; passwords with an
// unencoded `@` are common enough in hand-written config that the greedy match matters.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]+@/gi;
const BEARER_TOKEN = /\b(Bearer)\s+[^\s,;"'<>]+/gi;

/** Removes credentials a message may carry: URL userinfo and `Bearer` tokens. */
export function redactSecrets(text: string): string {
  return text.replace(URL_USERINFO, '$1***@').replace(BEARER_TOKEN, '$1 ***');
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Cutting between the halves of a surrogate pair would leave invalid UTF-16 in the stored text.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** A message fit to store: redacted first, so truncation can never leave part of a secret behind. */
function clean(text: string): string {
  return truncate(redactSecrets(text), MAX_FAILURE_MESSAGE_LENGTH);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return `Non-error value thrown: ${String(error)}`;
  } catch {
    return 'Non-error value thrown.';
  }
}

function consult(override: ((error: unknown) => { retryable: boolean } | undefined) | undefined, error: unknown): boolean | undefined {
  if (!override) return undefined;
  try {
    const verdict = override(error);
    return typeof verdict?.retryable === 'boolean' ? verdict.retryable : undefined;
  } catch {
    // A broken vendor hook must not take down the delivery loop; the default verdict still holds.
    return undefined;
  }
}

/**
 * Turns whatever a connector action threw into a Failure. A WeftError keeps its code and
 * retryability (which the target's `override` may change); anything else is a bug in connector
 * code, recorded as `internal` and not retried, since repeating a bug only repeats it.
 */
export function classifyFailure(error: unknown, override?: (error: unknown) => { retryable: boolean } | undefined): Failure {
  if (!(error instanceof WeftError)) {
    return { code: 'internal', message: clean(describe(error)), retryable: errorCatalogue.internal.retryable };
  }
  const failure: Failure = {
    code: error.code,
    message: clean(error.message),
    retryable: consult(override, error) ?? error.retryable,
  };
  const seconds = error.retryAfterSeconds;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) failure.retryAfterMs = Math.ceil(seconds * 1000);
  if (error instanceof TargetError && error.targetStatus !== undefined) failure.targetStatus = error.targetStatus;
  return failure;
}
