import { TargetError } from '../../errors/index.ts';
import { bodyExcerpt, errorForResponse, maskHeaders, parseJsonExact, type HttpClient, type HttpResponse, type RequestPreview } from '../sdk/index.ts';

// ShipStation API V1 over the HttpClient of the context: Basic auth with the API key and secret,
// JSON both ways, and its errors as TargetErrors. ShipStation answers errors as ASP.NET Web API does
// ({"Message": "...", "ExceptionMessage": "..."}) and announces its 40-per-minute window in
// X-Rate-Limit-Limit / -Remaining / -Reset (seconds until the next window).

/** Where and as whom the client talks to ShipStation. */
export interface ShipStationAccount {
  /** Origin of the API (`https://ssapi.shipstation.com`). */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
}

/** A request as prepared for sending or previewing. */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** `Basic base64(key:secret)`, as the V1 Requirements page describes. */
export function basicAuthorization(account: Pick<ShipStationAccount, 'apiKey' | 'apiSecret'>): string {
  return `Basic ${Buffer.from(`${account.apiKey}:${account.apiSecret}`, 'utf8').toString('base64')}`;
}

// The parts of an error body worth quoting: never the StackTrace ASP.NET may add.
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      const parts = [record.Message ?? record.message, record.ExceptionMessage].filter((part): part is string => typeof part === 'string' && part !== '');
      if (parts.length > 0) return bodyExcerpt(parts.join(' — '));
    }
  } catch {
    // Not JSON: quote the start of the body as it is.
  }
  return bodyExcerpt(body);
}

/**
 * The TargetError a ShipStation answer means, or undefined for 2xx: 401/403 `target_auth_failed`,
 * 429 `target_throttled` retrying after X-Rate-Limit-Reset seconds, 5xx `target_unavailable`,
 * other 4xx `target_rejected`. `what` names the request (`POST /orders/createorder`).
 */
export function shipStationError(response: HttpResponse, what: string, now: number): TargetError | undefined {
  const base = errorForResponse(response, what, now);
  if (base === undefined) return undefined;
  const text = errorText(response.body);
  const message = `${what}: ShipStation answered ${response.status}${text === '' ? '' : `: ${text}`}`;
  const reset = response.headers['x-rate-limit-reset'];
  const resetSeconds = reset !== undefined && /^\d+$/.test(reset.trim()) ? Number(reset.trim()) : undefined;
  const retryAfterSeconds = response.status === 429 ? (resetSeconds ?? base.retryAfterSeconds) : base.retryAfterSeconds;
  return new TargetError(base.code, message, retryAfterSeconds === undefined ? { targetStatus: response.status } : { targetStatus: response.status, retryAfterSeconds });
}

/** The ShipStation calls of the connector. Every method throws a TargetError for a non-2xx answer. */
export interface ShipStationClient {
  /** The request for a path (`/orders/createorder`) or an absolute URL on the API's origin. */
  prepare(method: 'GET' | 'POST', pathOrUrl: string, body?: unknown): PreparedRequest;
  /** Sends a prepared request and parses the JSON answer (big ids exact). */
  send(request: PreparedRequest, signal: AbortSignal, now: number): Promise<unknown>;
  /** A prepared request as a dry run shows it: Authorization as `Basic ***`. */
  preview(request: PreparedRequest): RequestPreview;
}

/** A client for one ShipStation account. */
export function createShipStationClient(http: HttpClient, account: ShipStationAccount): ShipStationClient {
  const authorization = basicAuthorization(account);
  const origin = new URL(account.baseUrl).origin;
  return {
    prepare(method, pathOrUrl, body) {
      const url = pathOrUrl.startsWith('/') ? `${origin}${pathOrUrl}` : pathOrUrl;
      // Credentials go to the configured origin only: a resource_url from a webhook body could name any host.
      if (new URL(url).origin !== origin) throw new TargetError('target_rejected', `${method} ${new URL(url).origin}: not the configured ShipStation origin ${origin}; the credentials are not sent there`);
      const headers: Record<string, string> = { accept: 'application/json', authorization };
      if (body !== undefined) headers['content-type'] = 'application/json';
      return { method, url, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    },
    async send(request, signal, now) {
      const url = new URL(request.url);
      const what = `${request.method} ${url.pathname}`;
      const response = await http.request(request.body === undefined ? { method: request.method, url: request.url, headers: request.headers } : { ...request, body: request.body }, signal);
      const error = shipStationError(response, what, now);
      if (error !== undefined) throw error;
      if (response.body.trim() === '') return undefined;
      try {
        return parseJsonExact(response.body);
      } catch (cause) {
        throw new TargetError('target_unavailable', `${what}: ShipStation answered ${response.status} with a body that is not JSON: ${bodyExcerpt(response.body)}`, {
          targetStatus: response.status,
          cause,
        });
      }
    },
    preview(request) {
      return { method: request.method, url: request.url, headers: maskHeaders(request.headers), body: request.body };
    },
  };
}
