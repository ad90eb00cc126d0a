import { TargetError, type TargetErrorOptions } from '../../errors/index.ts';
import { errorForResponse, maskHeaders, type HttpClient, type HttpResponse, type RequestPreview } from '../sdk/index.ts';
import type { ErrorCode } from '../../errors/index.ts';

// The Square API over the HttpClient of the context: Bearer token, Square-Version, JSON bodies, and
// Square's error body ({"errors":[{category, code, detail, field}]}) turned into TargetErrors whose
// message quotes Square's code and detail, never the token.

/** What every Square request needs. */
export interface SquareApiSettings {
  baseUrl: string;
  accessToken: string;
  squareVersion: string;
  timeoutMs: number;
}

/** A request to Square, built but not sent (so previews show exactly what `send` would send). */
export interface SquareRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** One entry of Square's `errors` array. */
export interface SquareErrorEntry {
  category?: string;
  code?: string;
  detail?: string;
  field?: string;
}

/**
 * Square codes whose retry can succeed although the status alone says "terminal": a concurrent
 * write changed the record (409), or Square's own dependency timed out behind a 4xx.
 */
const RETRYABLE_CODES = new Set(['VERSION_MISMATCH', 'CONFLICT', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT', 'INTERNAL_SERVER_ERROR']);

/** A TargetError from Square, carrying Square's first error code so `classify` can read it. */
export class SquareApiError extends TargetError {
  /** Square's `errors[0].code` (`RATE_LIMITED`, `IDEMPOTENCY_KEY_REUSED`), when the body had one. */
  readonly squareCode: string | undefined;
  constructor(code: ErrorCode, message: string, squareCode: string | undefined, options: TargetErrorOptions = {}) {
    super(code, message, options);
    this.squareCode = squareCode;
  }
}

/** Whether a Square error code says a retry may succeed; undefined when the code says nothing more than the status. */
export function squareCodeRetryable(code: string | undefined): boolean | undefined {
  if (code === undefined) return undefined;
  if (RETRYABLE_CODES.has(code)) return true;
  if (code === 'IDEMPOTENCY_KEY_REUSED') return false;
  return undefined;
}

/** Square's error entries of a response body, or an empty list when the body is not Square's shape. */
export function squareErrors(body: string): SquareErrorEntry[] {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    return Array.isArray(parsed.errors) ? (parsed.errors.filter((e) => typeof e === 'object' && e !== null) as SquareErrorEntry[]) : [];
  } catch {
    return [];
  }
}

/** The SquareApiError a non-2xx response means, or undefined for 2xx. `what` names the request (`GET /v2/orders/{id}`). */
export function squareErrorFor(response: HttpResponse, what: string, now: number): SquareApiError | undefined {
  const base = errorForResponse(response, what, now);
  if (base === undefined) return undefined;
  const [first] = squareErrors(response.body);
  const said = first === undefined ? '' : `: ${[first.category, first.code].filter(Boolean).join(' ')}${first.detail ? ` — ${first.detail}` : ''}${first.field ? ` (field ${first.field})` : ''}`;
  const message = first === undefined ? base.message : `${what}: Square answered ${response.status}${said}`;
  const retryable = squareCodeRetryable(first?.code);
  const options: TargetErrorOptions = { targetStatus: response.status };
  if (base.retryAfterSeconds !== undefined) options.retryAfterSeconds = base.retryAfterSeconds;
  if (retryable !== undefined) options.retryable = retryable;
  return new SquareApiError(base.code, message, first?.code, options);
}

/** Builds a request to Square with its auth and version headers. */
export function buildRequest(api: SquareApiSettings, method: SquareRequest['method'], path: string, body?: unknown): SquareRequest {
  const headers: Record<string, string> = {
    authorization: `Bearer ${api.accessToken}`,
    'square-version': api.squareVersion,
    accept: 'application/json',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return { method, url: `${api.baseUrl}${path}`, headers, body: body === undefined ? undefined : JSON.stringify(body) };
}

/** A request as a dry run shows it: the token masked (`Bearer ***`). */
export function previewOf(request: SquareRequest): RequestPreview {
  return { method: request.method, url: request.url, headers: maskHeaders(request.headers), body: request.body };
}

/**
 * Sends a request and returns the parsed JSON of a 2xx answer; throws a SquareApiError for any other
 * status (TargetError `target_timeout`/`target_unreachable` come from the HttpClient itself).
 */
export async function send(http: HttpClient, api: SquareApiSettings, request: SquareRequest, what: string, now: () => number, signal?: AbortSignal): Promise<unknown> {
  const init = { method: request.method, url: request.url, headers: request.headers, timeoutMs: api.timeoutMs, ...(request.body === undefined ? {} : { body: request.body }) };
  const response = await http.request(init, signal);
  const error = squareErrorFor(response, what, now());
  if (error) throw error;
  try {
    return JSON.parse(response.body) as unknown;
  } catch (cause) {
    throw new SquareApiError('target_unavailable', `${what}: Square answered ${response.status} with a body that is not JSON`, undefined, { targetStatus: response.status, cause });
  }
}
