import { errorCatalogue, type ErrorCode } from './catalogue.ts';

/** One problem in an input, located by a JSON Pointer into what the caller sent. */
export interface FieldProblem {
  /** JSON Pointer to the offending value (`/events/2/data/lines/0/quantity`). */
  pointer: string;
  /** What is wrong, in words an integrator can act on. */
  message: string;
}

/** Options every Weft error accepts. */
export interface WeftErrorOptions {
  /** The underlying error, kept for logs; never shown to API clients. */
  cause?: unknown;
  /** Field-level problems for validation errors. */
  problems?: readonly FieldProblem[];
  /** Seconds after which a retry makes sense (429/503). */
  retryAfterSeconds?: number;
  /** Overrides the catalogue's retryability for this instance (a connector knows its vendor). */
  retryable?: boolean;
}

/**
 * The base of Weft's one error hierarchy: a stable `code`, whether a retry can help, the HTTP
 * status it maps to. Subclasses group codes by what the caller should do about them.
 */
export class WeftError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly problems: readonly FieldProblem[];
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: WeftErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const entry = errorCatalogue[code];
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = entry.status;
    this.retryable = options.retryable ?? entry.retryable;
    this.problems = options.problems ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The catalogue title for this error's code. */
  get title(): string {
    return errorCatalogue[this.code].title;
  }
}

/** The caller sent something Weft cannot accept as it is; fix the input, do not retry it. */
export class InputError extends WeftError {}

/** The caller is not who it claims, or may not do this. */
export class AccessError extends WeftError {}

/** The request conflicts with what the store already holds. */
export class ConflictError extends WeftError {}

/** Weft cannot take the work right now; retry after a while. */
export class CapacityError extends WeftError {}

/** A dependency (store, target system) failed; usually worth a retry. */
export class DependencyError extends WeftError {}

/** Options of a target system's failure. */
export interface TargetErrorOptions extends WeftErrorOptions {
  /** HTTP status the target answered with, when it answered. */
  targetStatus?: number;
}

/**
 * A target system failed a delivery. Whether it is retried comes from the code (timeouts,
 * connection errors, throttling and 5xx are retryable; other 4xx terminal) unless the connector
 * overrides `retryable` for its vendor. `retryAfterSeconds` carries the target's `Retry-After`.
 */
export class TargetError extends DependencyError {
  readonly targetStatus: number | undefined;

  constructor(code: ErrorCode, message: string, options: TargetErrorOptions = {}) {
    super(code, message, options);
    this.targetStatus = options.targetStatus;
  }
}

/** A webhook did not prove it came from the vendor (signature, timestamp) or cannot be decoded. */
export class WebhookError extends AccessError {}

/**
 * A vendor payload cannot be turned into canonical data: `problems` point into the vendor's
 * payload (`/line_items/2/price`), so whoever fixes the mapping or the data sees where.
 */
export class MappingError extends InputError {
  constructor(message: string, problems: readonly FieldProblem[] = [], options: Omit<WeftErrorOptions, 'problems'> = {}) {
    super('mapping_failed', message, { ...options, problems });
  }
}

/** Weft was started with configuration it cannot run with. */
export class ConfigError extends WeftError {}

/** Wraps anything that is not a WeftError so callers see one shape. */
export function toWeftError(error: unknown): WeftError {
  if (error instanceof WeftError) return error;
  return new WeftError('internal', 'An unexpected error occurred.', { cause: error });
}
