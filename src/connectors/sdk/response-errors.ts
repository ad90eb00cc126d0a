import { TargetError } from '../../errors/index.ts';
import type { HttpResponse } from '../../ports/connector.ts';

/** Longest excerpt of a response body quoted in an error message, in characters. */
export const BODY_EXCERPT_CHARS = 200;

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Seconds to wait according to a `Retry-After` header: delta-seconds or an HTTP-date relative to
 * `now` (ms since the epoch). A date in the past gives 0; a value that is neither gives undefined.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  // Fractions are not in RFC 9110, but some APIs send them; waiting a little longer is harmless.
  if (DELTA_SECONDS.test(text)) return Math.ceil(Number(text));
  // Date.parse also takes bare numbers and other loose forms; an HTTP-date always names a month.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The start of a body as one line of at most BODY_EXCERPT_CHARS characters, for error messages. */
export function bodyExcerpt(body: string): string {
  // Only the start is looked at, so a 1 MiB HTML error page costs nothing to quote.
  const line = body.slice(0, BODY_EXCERPT_CHARS * 4).replace(/\s+/g, ' ').trim();
  return line.length <= BODY_EXCERPT_CHARS ? line : `${line.slice(0, BODY_EXCERPT_CHARS - 1)}…`;
}

/**
 * The TargetError a response means, or undefined for 2xx. 408 and 5xx are retryable
 * (`target_unavailable`), 429 is `target_throttled`, 401/403 `target_auth_failed`, other statuses
 * `target_rejected`. 429 and 503 carry Retry-After as `retryAfterSeconds`. `what` names the request
 * (`POST /orders to erp`) and starts the message.
 */
export function errorForResponse(response: HttpResponse, what: string, now: number = Date.now()): TargetError | undefined {
  const { status } = response;
  if (status >= 200 && status <= 299) return undefined;
  const excerpt = bodyExcerpt(response.body);
  const message = `${what}: target answered ${status}${excerpt === '' ? '' : `: ${excerpt}`}`;
  const targetStatus = status;
  if (status === 429 || status === 503) {
    const retryAfterSeconds = parseRetryAfter(response.headers['retry-after'], now);
    const code = status === 429 ? 'target_throttled' : 'target_unavailable';
    return new TargetError(code, message, retryAfterSeconds === undefined ? { targetStatus } : { targetStatus, retryAfterSeconds });
  }
  if (status === 408 || (status >= 500 && status <= 599)) return new TargetError('target_unavailable', message, { targetStatus });
  if (status === 401 || status === 403) return new TargetError('target_auth_failed', message, { targetStatus });
  return new TargetError('target_rejected', message, { targetStatus });
}
