import { TargetError } from '../../errors/index.ts';
import { bodyExcerpt, errorForResponse, parseRetryAfter, type HttpResponse } from '../sdk/index.ts';

// NetSuite's REST error body (application/vnd.oracle.resource+json; type=error) as TargetErrors:
// `{type, title, status, "o:errorDetails": [{detail, "o:errorCode", "o:errorPath"?}]}`. The detail is
// what an integration engineer needs ("Invalid Field Value 9999 for the following field: item"),
// so it leads the message instead of the raw body.

/** One entry of `o:errorDetails`. */
export interface NetSuiteErrorDetail {
  detail: string;
  code: string | undefined;
  path: string | undefined;
}

/** Error codes meaning "too many requests at once" (REST 429, and the RESTlet/SOAP codes if a proxy passes them on). */
const THROTTLE_CODES = new Set(['CONCURRENCY_LIMIT_EXCEEDED', 'SSS_REQUEST_LIMIT_EXCEEDED', 'WS_REQUEST_BLOCKED', 'WS_CONCUR_SESSION_DISALLWD']);
/** Error codes meaning the credentials were refused. */
const AUTH_CODES = new Set(['INVALID_LOGIN', 'INVALID_LOGIN_ATTEMPT', 'INVALID_LOGIN_CREDENTIALS']);

/** The details of a NetSuite error body, or [] when the body is not one. */
export function errorDetailsOf(body: string): NetSuiteErrorDetail[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const details = (parsed as { 'o:errorDetails'?: unknown } | null)?.['o:errorDetails'];
  if (!Array.isArray(details)) return [];
  return details.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const record = entry as Record<string, unknown>;
    const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
    return [{ detail: text('detail') ?? '', code: text('o:errorCode'), path: text('o:errorPath') }];
  });
}

/**
 * The TargetError a NetSuite answer means, or undefined for 2xx. 429 and the concurrency codes are
 * `target_throttled` (retryable), 401 / INVALID_LOGIN `target_auth_failed`, other 4xx
 * `target_rejected` with NetSuite's detail, 5xx retryable. `what` names the request (`PUT salesOrder to erp`).
 */
export function netsuiteError(response: HttpResponse, what: string, now: number): TargetError | undefined {
  if (response.status >= 200 && response.status <= 299) return undefined;
  const details = errorDetailsOf(response.body);
  const codes = details.map((d) => d.code).filter((code): code is string => code !== undefined);
  const said = details.map((d) => `${d.code ?? 'ERROR'}: ${d.detail}${d.path ? ` (at ${d.path})` : ''}`).join('; ');
  const message = `${what}: NetSuite answered ${response.status}: ${said === '' ? bodyExcerpt(response.body) : said}`;
  const targetStatus = response.status;
  if (response.status === 429 || codes.some((code) => THROTTLE_CODES.has(code))) {
    const retryAfterSeconds = parseRetryAfter(response.headers['retry-after'], now);
    return new TargetError('target_throttled', message, retryAfterSeconds === undefined ? { targetStatus } : { targetStatus, retryAfterSeconds });
  }
  if (response.status === 401 || codes.some((code) => AUTH_CODES.has(code))) return new TargetError('target_auth_failed', message, { targetStatus });
  const generic = errorForResponse(response, what, now);
  if (generic === undefined) return undefined;
  return new TargetError(generic.code, message, generic.retryAfterSeconds === undefined ? { targetStatus } : { targetStatus, retryAfterSeconds: generic.retryAfterSeconds });
}
