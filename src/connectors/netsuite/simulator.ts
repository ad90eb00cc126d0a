import { startSimulator, type SimRequest, type SimResponse, type Simulator } from '../sdk/index.ts';
import { hmacSignature, parseAuthorizationHeader, signatureBaseString, signaturesEqual, type OAuthParam, type TbaCredentials } from './oauth1.ts';
import { accountRealm } from './settings.ts';
import { createRecordStore, SimFailure, type SimRecord } from './simulator-records.ts';

// A local NetSuite account for tests and the demo: REST record v1 (create, eid upsert, get,
// transforms) and SuiteQL over in-memory records, behind NetSuite's token-based authentication
// (the signature recomputed from the request; unknown tokens, reused nonces and timestamps too
// far off refused with the 401 INVALID_LOGIN body) and its account concurrency limit (requests in
// flight above it get 429). Hold a request open with the latency knob to exceed the limit.

/** How far a timestamp may be from the simulator's clock, in seconds (NetSuite rejects stale ones). */
export const TIMESTAMP_WINDOW_SECONDS = 300;

/** Options of the NetSuite simulator. */
export interface NetSuiteSimulatorOptions {
  /** Account id the realm must name (default `1234567_SB1`). */
  accountId?: string;
  /** The one integration + token pair the account knows. */
  credentials: TbaCredentials;
  /** Concurrency limit of the account (default 5). */
  concurrencyLimit?: number;
  /** Clock of timestamps and lastModifiedDate (default Date.now). */
  now?: () => number;
  port?: number;
}

/** A running NetSuite simulator. */
export interface NetSuiteSimulator extends Simulator {
  /** Records of one REST record type (`salesOrder`), oldest first. */
  records(type: string): SimRecord[];
  /** Stores a record as if a NetSuite user created it (items, customers, hand-made fulfilments). */
  seed(type: string, fields: Record<string, unknown>): SimRecord;
  /** Highest number of requests that were in flight at once. */
  peakInFlight(): number;
}

const ERROR_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=error';
const TITLES: Readonly<Record<number, string>> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** NetSuite's REST error answer. */
export function netsuiteErrorBody(status: number, code: string, detail: string, path?: string): SimResponse {
  return {
    status,
    headers: { 'content-type': ERROR_CONTENT_TYPE },
    body: JSON.stringify({
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15',
      title: TITLES[status] ?? 'Error',
      status,
      'o:errorDetails': [{ detail, 'o:errorCode': code, ...(path === undefined ? {} : { 'o:errorPath': path }) }],
    }),
  };
}

const invalidLogin = () =>
  netsuiteErrorBody(401, 'INVALID_LOGIN', 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts a simulated NetSuite account on 127.0.0.1. */
export async function startNetSuiteSimulator(options: NetSuiteSimulatorOptions): Promise<NetSuiteSimulator> {
  const now = options.now ?? Date.now;
  const realm = accountRealm(options.accountId ?? '1234567_SB1');
  const limit = options.concurrencyLimit ?? 5;
  const store = createRecordStore(now);
  const nonces = new Map<string, number>();
  let inFlight = 0;
  let peak = 0;
  // Handlers read the fault knobs of the frame that is started below.
  const frame: { simulator?: Simulator } = {};

  function authenticate(request: SimRequest): boolean {
    const params = parseAuthorizationHeader(request.headers.authorization);
    if (params === undefined || params.get('realm') !== realm) return false;
    const { credentials } = options;
    if (params.get('oauth_consumer_key') !== credentials.consumerKey || params.get('oauth_token') !== credentials.tokenId) return false;
    if (params.get('oauth_signature_method') !== 'HMAC-SHA256') return false;
    const timestamp = Number(params.get('oauth_timestamp'));
    const nowSeconds = Math.floor(now() / 1000);
    if (!Number.isSafeInteger(timestamp) || Math.abs(nowSeconds - timestamp) > TIMESTAMP_WINDOW_SECONDS) return false;
    const nonce = params.get('oauth_nonce') ?? '';
    for (const [seen, at] of nonces) if (nowSeconds - at > TIMESTAMP_WINDOW_SECONDS) nonces.delete(seen);
    if (nonce === '' || nonces.has(nonce)) return false;
    const oauth: OAuthParam[] = [...params].filter(([name]) => name.startsWith('oauth_'));
    // The URL as the client addressed it: scheme and host from the request, the query as received.
    const query = request.query.toString();
    const url = `http://${request.headers.host ?? '127.0.0.1'}${request.path}${query === '' ? '' : `?${query}`}`;
    const expected = hmacSignature(signatureBaseString(request.method, url, oauth), credentials.consumerSecret, credentials.tokenSecret, 'sha256');
    if (!signaturesEqual(expected, params.get('oauth_signature') ?? '')) return false;
    nonces.set(nonce, timestamp);
    return true;
  }

  function location(request: SimRequest, type: string, id: string): Record<string, string> {
    return { location: `http://${request.headers.host ?? '127.0.0.1'}/services/rest/record/v1/${type}/${id}` };
  }

  function body(request: SimRequest): Record<string, unknown> {
    try {
      const parsed = JSON.parse(request.body.toString('utf8')) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // answered below
    }
    throw new SimFailure(400, 'INVALID_CONTENT', 'The request body is not a valid JSON object.');
  }

  function view(request: SimRequest, type: string, record: SimRecord): Record<string, unknown> {
    const { lastModifiedMs, ...fields } = record;
    const expand = request.query.get('expandSubResources') === 'true';
    const self = `http://${request.headers.host ?? '127.0.0.1'}/services/rest/record/v1/${type}/${record.id}`;
    const out: Record<string, unknown> = { links: [{ rel: 'self', href: self }], ...fields, lastModifiedDate: new Date(Math.floor(lastModifiedMs / 1000) * 1000).toISOString().replace('.000Z', 'Z') };
    for (const [name, value] of Object.entries(out)) {
      if (typeof value === 'object' && value !== null && Array.isArray((value as { items?: unknown }).items) && !expand) out[name] = { links: [{ rel: 'self', href: `${self}/${name}` }] };
    }
    return out;
  }

  // Every vendor route: concurrency first (NetSuite counts every request), then the credentials.
  const guarded =
    (handle: (request: SimRequest) => SimResponse) =>
    async (request: SimRequest): Promise<SimResponse> => {
      if (inFlight >= limit) return netsuiteErrorBody(429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.');
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        const hold = frame.simulator?.faults.latencyMs ?? 0;
        if (hold > 0) await sleep(hold);
        if (!authenticate(request)) return invalidLogin();
        return handle(request);
      } catch (error) {
        if (error instanceof SimFailure) return netsuiteErrorBody(error.status, error.code, error.message, error.path);
        throw error;
      } finally {
        inFlight--;
      }
    };

  const base = '/services/rest/record/v1';
  const started = await startSimulator({
    name: 'netsuite',
    // The latency is waited inside `guarded`, while the request counts against the concurrency limit.
    routesApplyLatency: true,
    ...(options.port === undefined ? {} : { port: options.port }),
    errorBody: (status, message) => netsuiteErrorBody(status, status >= 500 ? 'UNEXPECTED_ERROR' : 'INVALID_REQUEST', message),
    state: () => store.all(),
    reset: () => {
      store.clear();
      nonces.clear();
    },
    routes: [
      {
        method: 'POST',
        path: `${base}/:type`,
        handle: guarded((request) => {
          const type = request.params.type as string;
          return { status: 204, headers: location(request, type, store.create(type, body(request)).id) };
        }),
      },
      {
        method: 'PUT',
        path: `${base}/:type/:key`,
        handle: guarded((request) => {
          const type = request.params.type as string;
          return { status: 204, headers: location(request, type, store.upsert(type, request.params.key as string, body(request)).id) };
        }),
      },
      {
        method: 'PATCH',
        path: `${base}/:type/:key`,
        handle: guarded((request) => {
          const type = request.params.type as string;
          return { status: 204, headers: location(request, type, store.patch(type, request.params.key as string, body(request)).id) };
        }),
      },
      {
        method: 'GET',
        path: `${base}/:type/:key`,
        handle: guarded((request) => {
          const type = request.params.type as string;
          const record = store.find(type, request.params.key as string);
          if (record === undefined) throw new SimFailure(404, 'NONEXISTENT_ID', 'The record instance does not exist. Provide a valid record instance ID.');
          return { status: 200, body: view(request, type, record) };
        }),
      },
      {
        method: 'POST',
        path: `${base}/:type/:key/!transform/:to`,
        handle: guarded((request) => {
          const to = request.params.to as string;
          const record = store.transform(request.params.type as string, request.params.key as string, to, request.body.length === 0 ? {} : body(request));
          return { status: 204, headers: location(request, to, record.id) };
        }),
      },
      {
        method: 'POST',
        path: '/services/rest/query/v1/suiteql',
        handle: guarded((request) => {
          if (request.headers.prefer !== 'transient') throw new SimFailure(400, 'INVALID_HEADER', 'The request must contain the header Prefer: transient.');
          const q = body(request).q;
          if (typeof q !== 'string') throw new SimFailure(400, 'INVALID_CONTENT', 'The body must contain the query in q.', 'q');
          const rows = store.suiteql(q);
          const pageSize = Math.min(Number(request.query.get('limit') ?? '1000') || 1000, 1000);
          const offset = Number(request.query.get('offset') ?? '0') || 0;
          const items = rows.slice(offset, offset + pageSize).map((row) => ({ links: [], ...row }));
          return { status: 200, body: { links: [], count: items.length, hasMore: offset + pageSize < rows.length, items, offset, totalResults: rows.length } };
        }),
      },
    ],
  });
  frame.simulator = started;
  return {
    ...started,
    get url() {
      return started.url;
    },
    faults: started.faults,
    requests: () => started.requests(),
    close: () => started.close(),
    records: (type) => store.list(type),
    seed: (type, fields) => store.seed(type, fields),
    peakInFlight: () => peak,
  };
}
