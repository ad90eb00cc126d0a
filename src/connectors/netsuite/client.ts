import { TargetError } from '../../errors/index.ts';
import { maskHeaders, type HttpClient, type HttpResponse, type RequestPreview } from '../sdk/index.ts';
import { netsuiteError } from './errors.ts';
import { randomNonce, signRequest, type SigningSources } from './oauth1.ts';
import { accountRealm, restRoot, type NetSuiteSettings } from './settings.ts';

// The NetSuite REST client every action and the poller use: signs each request with token-based
// authentication (a fresh nonce and timestamp per request, query parameters included in the
// signature), maps NetSuite's error body to TargetErrors, reads the new record's id from the
// Location header of a 204, and runs SuiteQL. Previews show the same requests with the
// Authorization header masked; nothing secret is computed for them.

/** One request to REST web services, relative to `/services/rest`. */
export interface NetSuiteRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under /services/rest (`/record/v1/customer/eid:cus_1`). */
  path: string;
  /** Query parameters; they are part of the signature. */
  query?: Readonly<Record<string, string>>;
  /** JSON body. */
  body?: unknown;
  /** Extra headers (`Prefer: transient` for SuiteQL). */
  headers?: Readonly<Record<string, string>>;
  /** Names the request in errors, without values (`PUT salesOrder`). */
  what: string;
}

/** A page of SuiteQL results. */
export interface SuiteQlPage {
  items: Record<string, unknown>[];
  hasMore: boolean;
}

/** The NetSuite REST client of one configured system. */
export interface NetSuiteClient {
  /** Name of the configured system, for messages. */
  readonly system: string;
  /** Sends a request; resolves with any 2xx answer, throws a TargetError for anything else. */
  send(request: NetSuiteRequest, signal?: AbortSignal): Promise<HttpResponse>;
  /** Runs a SuiteQL query (POST /query/v1/suiteql, `Prefer: transient`). */
  suiteql(query: string, page: { limit: number; offset: number }, signal?: AbortSignal): Promise<SuiteQlPage>;
  /** The request as a dry run shows it: Authorization masked, nothing sent. */
  preview(request: NetSuiteRequest): RequestPreview;
}

/** What the client needs besides settings. */
export interface NetSuiteClientDeps {
  http: HttpClient;
  /** Nonce and clock of signatures; defaults to random nonces and Date.now. */
  signing?: Partial<SigningSources>;
}

/** A SuiteQL string literal: single quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The internal id at the end of a Location header (`…/record/v1/salesOrder/1234` → `1234`), or
 * undefined when there is none. NetSuite answers a create, an upsert and a transform this way.
 */
export function idFromLocation(location: string | undefined): string | undefined {
  if (location === undefined) return undefined;
  const path = location.split(/[?#]/)[0] ?? '';
  const last = path.split('/').pop() ?? '';
  return /^[0-9]+$/.test(last) ? last : undefined;
}

function buildUrl(root: string, request: NetSuiteRequest): string {
  const url = new URL(`${root}${request.path}`);
  // URLSearchParams writes a space as `+`; the signature decodes `+` as a space, so they agree.
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  return url.toString();
}

/** Builds the client of one configured NetSuite system. */
export function createNetSuiteClient(system: string, settings: NetSuiteSettings, deps: NetSuiteClientDeps): NetSuiteClient {
  const root = restRoot(settings);
  const realm = accountRealm(settings.accountId);
  const sources: SigningSources = { nonce: deps.signing?.nonce ?? randomNonce, now: deps.signing?.now ?? Date.now };
  const credentials = settings.auth;

  function headersOf(request: NetSuiteRequest): Record<string, string> {
    return { accept: 'application/json', ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers };
  }

  async function send(request: NetSuiteRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const url = buildUrl(root, request);
    const signed = signRequest({ method: request.method, url, realm, credentials, hash: 'sha256', sources });
    const headers = { ...headersOf(request), authorization: signed.authorization };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const what = `${request.what} to ${system}`;
    const response = await deps.http.request({ method: request.method, url, headers, ...(body === undefined ? {} : { body }), timeoutMs: settings.timeoutMs }, signal);
    const error = netsuiteError(response, what, sources.now());
    if (error !== undefined) throw error;
    return response;
  }

  return {
    system,
    send,
    async suiteql(query, page, signal) {
      const response = await send(
        { method: 'POST', path: '/query/v1/suiteql', query: { limit: String(page.limit), offset: String(page.offset) }, body: { q: query }, headers: { prefer: 'transient' }, what: 'POST suiteql' },
        signal,
      );
      let parsed: unknown;
      try {
        parsed = JSON.parse(response.body);
      } catch (cause) {
        throw new TargetError('target_unavailable', `POST suiteql to ${system}: the answer is not JSON`, { cause, targetStatus: response.status });
      }
      const items = (parsed as { items?: unknown } | null)?.items;
      if (!Array.isArray(items)) throw new TargetError('target_unavailable', `POST suiteql to ${system}: the answer has no items array`, { targetStatus: response.status });
      return { items: items as Record<string, unknown>[], hasMore: (parsed as { hasMore?: unknown }).hasMore === true };
    },
    preview(request) {
      const headers = maskHeaders({ ...headersOf(request), authorization: 'OAuth ***' });
      return { method: request.method, url: buildUrl(root, request), headers, body: request.body === undefined ? undefined : JSON.stringify(request.body) };
    },
  };
}
