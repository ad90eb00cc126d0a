// The Admin GraphQL client of a Shopify target: one POST per operation to
// /admin/api/<version>/graphql.json with X-Shopify-Access-Token, and Shopify's ways of failing
// turned into TargetErrors. Shopify answers most failures with 200: `errors` (THROTTLED, ACCESS_DENIED,
// syntax) and per-mutation `userErrors`. Throttling is cost based: every answer carries
// `extensions.cost.throttleStatus`, and the client keeps that bucket so a request waits for its
// points instead of being throttled.

import { TargetError } from '../../errors/index.ts';
import { errorForResponse, maskHeaders, type HttpClient, type HttpRequest, type HttpResponse, type RequestPreview } from '../sdk/index.ts';

/** Shopify's throttle state as `extensions.cost.throttleStatus` reports it. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

/** `extensions.cost` of an answer. */
export interface QueryCost {
  requestedQueryCost: number;
  /** Null when the request was throttled (it did not run). */
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** One GraphQL operation as an action sends it. */
export interface GraphqlOperation {
  /** Operation name, also sent as `operationName` (the simulator and Shopify's logs show it). */
  name: string;
  query: string;
  variables: Record<string, unknown>;
  /** Points the operation is expected to cost, for the bucket (Shopify's requestedQueryCost). */
  estimatedCost: number;
}

/** A userError of a mutation payload. */
export interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

/** What a Shopify client needs. */
export interface ShopifyClientOptions {
  http: HttpClient;
  /** GraphQL endpoint (settings.ts graphqlUrl). */
  url: string;
  accessToken: string;
  timeoutMs: number;
  /** Target name, for error messages. */
  target: string;
  /** Clock of the bucket; defaults to Date.now. */
  now?: () => number;
  /** How the client waits for points; defaults to a timer (tests pass one that records). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The client of one Shopify target. */
export interface ShopifyClient {
  /** Sends an operation; resolves to `data`, or throws the TargetError the answer means. */
  run<T>(operation: GraphqlOperation, signal?: AbortSignal): Promise<T>;
  /** The request `run` would send, with the token masked. */
  preview(operation: GraphqlOperation): RequestPreview;
  /** The bucket as last reported by Shopify, if any answer has come yet. */
  bucket(): { status: ThrottleStatus; at: number } | undefined;
}

/** Longest the client waits for points before sending anyway, in ms (Shopify then throttles, and the delivery engine backs off). */
export const MAX_BUCKET_WAIT_MS = 10_000;

/**
 * Milliseconds to wait until a bucket last seen as `status` at `at` holds `cost` points at `now`:
 * points restore at `restoreRate` per second up to `maximumAvailable`. 0 when there are enough.
 */
export function bucketWaitMs(status: ThrottleStatus, at: number, cost: number, now: number): number {
  if (status.restoreRate <= 0) return 0;
  const available = Math.min(status.maximumAvailable, status.currentlyAvailable + (status.restoreRate * Math.max(0, now - at)) / 1000);
  const needed = Math.min(cost, status.maximumAvailable);
  return available >= needed ? 0 : Math.ceil(((needed - available) / status.restoreRate) * 1000);
}

/** Seconds until a throttled request's points are back: (requested − available) / restoreRate, at least 1. */
export function throttleRetryAfterSeconds(cost: QueryCost): number {
  const { currentlyAvailable, restoreRate } = cost.throttleStatus;
  if (restoreRate <= 0) return 1;
  return Math.max(1, Math.ceil((cost.requestedQueryCost - currentlyAvailable) / restoreRate));
}

function costOf(body: unknown): QueryCost | undefined {
  const cost = (body as { extensions?: { cost?: QueryCost } } | undefined)?.extensions?.cost;
  const status = cost?.throttleStatus;
  if (cost === undefined || status === undefined || typeof status.currentlyAvailable !== 'number' || typeof status.restoreRate !== 'number') return undefined;
  return cost;
}

interface GraphqlError {
  message?: string;
  extensions?: { code?: string };
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/** The TargetError for GraphQL `errors` in an answer: THROTTLED retryable with its wait, ACCESS_DENIED auth, others rejected. */
export function errorForGraphqlErrors(errors: GraphqlError[], cost: QueryCost | undefined, what: string, status: number): TargetError {
  const text = errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message ?? ''}`.trim()).join('; ').slice(0, 400);
  const codes = new Set(errors.map((e) => e.extensions?.code));
  if (codes.has('THROTTLED')) {
    const retryAfterSeconds = cost === undefined ? 1 : throttleRetryAfterSeconds(cost);
    const points = cost === undefined ? '' : ` (${cost.throttleStatus.currentlyAvailable} of ${cost.requestedQueryCost} points available, ${cost.throttleStatus.restoreRate}/s restore)`;
    return new TargetError('target_throttled', `${what}: Shopify throttled the request${points}`, { targetStatus: status, retryAfterSeconds });
  }
  if (codes.has('ACCESS_DENIED')) return new TargetError('target_auth_failed', `${what}: ${text}; check the app's Admin API scopes`, { targetStatus: status });
  if (codes.has('INTERNAL_SERVER_ERROR') || codes.has('SERVICE_UNAVAILABLE')) return new TargetError('target_unavailable', `${what}: ${text}`, { targetStatus: status });
  return new TargetError('target_rejected', `${what}: ${text}`, { targetStatus: status });
}

/** userError codes that say Shopify could not do it now, not that the input is wrong: tried again. */
const RETRYABLE_USER_ERRORS = new Set(['IDEMPOTENCY_CONCURRENT_REQUEST', 'INTERNAL_ERROR']);

/**
 * The TargetError for a mutation's userErrors, or undefined when there are none. userErrors are
 * terminal (the input is wrong for the shop), except Shopify's idempotency race
 * IDEMPOTENCY_CONCURRENT_REQUEST and the INTERNAL_ERROR code some payloads have (orderCancel's
 * "unexpected internal error"), which ask to try again.
 */
export function errorForUserErrors(userErrors: readonly UserError[] | null | undefined, what: string): TargetError | undefined {
  if (!userErrors || userErrors.length === 0) return undefined;
  const text = userErrors.map((e) => `${e.code ? `${e.code} ` : ''}${e.field ? `(${e.field.join('.')}) ` : ''}${e.message}`).join('; ').slice(0, 400);
  if (userErrors.some((e) => typeof e.code === 'string' && RETRYABLE_USER_ERRORS.has(e.code))) return new TargetError('target_unavailable', `${what}: ${text}`, { targetStatus: 200 });
  return new TargetError('target_rejected', `${what}: Shopify refused it: ${text}`, { targetStatus: 200 });
}

/** Creates the client of one target. */
export function createShopifyClient(options: ShopifyClientOptions): ShopifyClient {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  let last: { status: ThrottleStatus; at: number } | undefined;

  function requestOf(operation: GraphqlOperation): HttpRequest {
    return {
      method: 'POST',
      url: options.url,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': options.accessToken },
      body: JSON.stringify({ query: operation.query, variables: operation.variables, operationName: operation.name }),
      timeoutMs: options.timeoutMs,
    };
  }

  function decode(response: HttpResponse, what: string): { data?: unknown; errors?: GraphqlError[]; cost?: QueryCost } {
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    const cost = costOf(body);
    if (cost !== undefined) last = { status: cost.throttleStatus, at: now() };
    const errors = (body as { errors?: unknown } | undefined)?.errors;
    // 401/403 and 5xx carry `errors` as a string; errorForResponse words them.
    if (response.status !== 200 || body === undefined) {
      if (Array.isArray(errors)) throw errorForGraphqlErrors(errors as GraphqlError[], cost, what, response.status);
      throw errorForResponse(response, what) ?? new TargetError('target_unavailable', `${what}: Shopify answered 200 without JSON`, { targetStatus: response.status });
    }
    return { data: (body as { data?: unknown }).data, ...(Array.isArray(errors) ? { errors: errors as GraphqlError[] } : {}), ...(cost ? { cost } : {}) };
  }

  return {
    async run<T>(operation: GraphqlOperation, signal?: AbortSignal): Promise<T> {
      const what = `${operation.name} to ${options.target}`;
      if (last !== undefined) {
        const wait = Math.min(MAX_BUCKET_WAIT_MS, bucketWaitMs(last.status, last.at, operation.estimatedCost, now()));
        if (wait > 0) await sleep(wait, signal);
      }
      const response = await options.http.request(requestOf(operation), signal);
      const { data, errors, cost } = decode(response, what);
      if (errors !== undefined && errors.length > 0) throw errorForGraphqlErrors(errors, cost, what, response.status);
      if (data === undefined || data === null) throw new TargetError('target_unavailable', `${what}: Shopify answered without data`, { targetStatus: response.status });
      return data as T;
    },
    preview(operation) {
      const request = requestOf(operation);
      return { method: request.method, url: request.url, headers: maskHeaders(request.headers ?? {}), body: typeof request.body === 'string' ? request.body : undefined };
    },
    bucket: () => last,
  };
}
