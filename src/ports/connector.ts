// What the delivery engine needs from a connector, and what a connector action receives. Connectors
// (src/connectors/<vendor>/) implement these; the delivery engine (src/delivery/) runs them. Neither
// imports the other: the composition root hands configured targets to the engine.

import type { Clock } from './clock.ts';

/**
 * Priority classes of deliveries to one target. When a target's rate budget is the bottleneck,
 * `urgent` (orders, inventory) goes before `normal`, and `bulk` (catalogue backfills) goes last.
 */
export type PriorityClass = 'urgent' | 'normal' | 'bulk';

/**
 * The idempotency key sent to targets for a command: the same for every attempt and replay of it,
 * so a target that deduplicates on it applies the command once however often it is delivered.
 */
export function idempotencyKeyOf(commandId: string): string {
  return `weft-${commandId}`;
}

/** Every priority class, most urgent first. */
export const PRIORITY_CLASSES: readonly PriorityClass[] = ['urgent', 'normal', 'bulk'];

/** When to retry a failed delivery. */
export interface RetryPolicy {
  /** Most attempts in all, the first included; past it the command is dead-lettered. */
  maxAttempts: number;
  /** Oldest a command may be (since it was enqueued) and still be retried, in ms. */
  maxAgeMs: number;
  /** Backoff cap of the first retry, in ms; doubles per attempt (full jitter picks a time below it). */
  baseDelayMs: number;
  /** Largest backoff between two attempts, in ms. */
  maxDelayMs: number;
}

/** The budget of requests to one target system, shared by every flow that calls it. */
export interface RateLimit {
  /** Sustained requests per second. */
  requestsPerSecond: number;
  /** Requests that may go at once after a quiet period (token bucket size). */
  burst: number;
  /** Requests in flight at once. */
  maxConcurrency: number;
}

/** When a target's circuit breaker opens and how it probes. */
export interface BreakerPolicy {
  /** Consecutive failures (retryable ones: timeouts, 5xx, connection errors) that open the breaker. */
  failureThreshold: number;
  /** How long the breaker stays open before it lets a probe through, in ms. */
  openMs: number;
  /** Probes let through while half-open; all must succeed to close the breaker. */
  halfOpenProbes: number;
}

/** A command as the connector action sees it. */
export interface ActionCommand {
  /** Command id (`cmd_…`). */
  id: string;
  /** Target system name. */
  target: string;
  /** Action name. */
  action: string;
  /** Ordering key (an order id, `sku@location`, a customer id). */
  key: string;
  /** Action input (JSON). */
  payload: unknown;
  /** Attempt number, 1 for the first. */
  attempt: number;
  /** When the command was enqueued (ISO 8601 UTC). */
  createdAt: string;
  /** Id of the event that caused the command, if any. */
  causationId: string | undefined;
  /** W3C traceparent to continue the trace, if any. */
  traceparent: string | undefined;
}

/** An outgoing HTTP request. */
export interface HttpRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  /** Body bytes or text, sent as is. */
  body?: string | Uint8Array;
  /** Give up after this many ms (connect + response); defaults to the client's timeout. */
  timeoutMs?: number;
}

/** A target's HTTP answer, whatever its status. */
export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Body as text. */
  body: string;
}

/**
 * HTTP for connectors. `request` rejects only when there is no answer: with a TargetError
 * `target_timeout` or `target_unreachable`. Any status resolves; `errorForResponse` maps it.
 */
export interface HttpClient {
  request(request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse>;
  /** Releases pooled connections. */
  close(): Promise<void>;
}

/** Minimal structured logger handed to connectors (secrets never go in). */
export interface ConnectorLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * The cross-reference map, read-only, as an action sees it: which id a system gave a canonical
 * object (the ShipStation order of a Weft order), recorded from earlier receipts and webhooks.
 */
export interface XrefLookup {
  /** The ids `system` has for a canonical id (usually one), oldest link first. */
  externalIds(canonicalId: string, system: string): Promise<string[]>;
  /** The canonical id a system's id is linked to. */
  canonicalId(entity: string, system: string, externalId: string): Promise<string | undefined>;
}

/** Everything an action may use. A connector never sees the store, the bus or another connector. */
export interface ActionContext {
  command: ActionCommand;
  /** Key the target should deduplicate on: the same for every attempt of the command. */
  idempotencyKey: string;
  http: HttpClient;
  xrefs: XrefLookup;
  log: ConnectorLog;
  clock: Clock;
  /** Aborted when the hub stops or the attempt times out. */
  signal: AbortSignal;
}

/** What one delivery left at the target: its receipt. */
export interface ActionResult {
  /** The target's id of the record created or changed, if it has one. */
  targetId?: string;
  /** What happened (`created`, `updated`, `already_exists`, `accepted`). */
  status: string;
  /** Links the target's id to a canonical id in the cross-reference map. */
  xref?: { entity: string; canonicalId: string };
}

/** A request as the dry run shows it: what would be sent, with secrets masked. */
export interface RequestPreview {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * How an action avoids a duplicate effect when it is retried: `key` sends the idempotency key to a
 * target that honours it; `lookup` finds the record by our reference before creating it; `natural`
 * means repeating it is harmless (a set, not an increment); `none` means a retry may duplicate.
 */
export type IdempotencyMode = 'key' | 'lookup' | 'natural' | 'none';

/** One thing a connector can do to its system. */
export interface ConnectorAction {
  /** What the action does, for the docs and the console. */
  description: string;
  idempotency: IdempotencyMode;
  /** Priority class of this action's traffic. */
  priority: PriorityClass;
  /** Overrides of the target's retry policy for this action. */
  retry?: Partial<RetryPolicy>;
  /** Performs the delivery; throws a TargetError (or any error) when it did not take effect. */
  run(context: ActionContext): Promise<ActionResult>;
  /** The request(s) `run` would send today for this command, for dry runs. Must not send anything. */
  preview(command: ActionCommand): Promise<RequestPreview[]>;
}

/** A configured instance of a connector: one system Weft delivers to. */
export interface DeliveryTarget {
  /** Configured name (`erp`, `shopify-eu`). */
  name: string;
  /** Connector it is an instance of (`http`, `shopify`). */
  connector: string;
  rateLimit: RateLimit;
  retry: RetryPolicy;
  breaker: BreakerPolicy;
  /** Longest one attempt may take, in ms. */
  timeoutMs: number;
  actions: Readonly<Record<string, ConnectorAction>>;
  /**
   * Overrides whether an error is retryable for this vendor (e.g. a 409 that means "try later").
   * Returns undefined to keep the default.
   */
  classify?(error: unknown): { retryable: boolean } | undefined;
  /** Releases the target's connections. */
  close(): Promise<void>;
}

/** What kind of system a connector speaks to. */
export type SystemType = 'storefront' | 'marketplace' | 'pos' | 'erp' | 'wms' | 'crm' | 'service' | 'cdp' | 'tax' | 'generic';

/** A connector's action as its manifest declares it (the docs and the console read these). */
export interface ActionManifest {
  description: string;
  /** Canonical object the action writes to the system (`order`, `inventory`, `fulfilment`). */
  writes: string;
  idempotency: IdempotencyMode;
  priority: PriorityClass;
}

/**
 * What a connector is, declared once: the system it speaks to, what it reads and writes, how it
 * authenticates, its settings, limits and defaults. `weft connectors` and docs are built from it.
 */
export interface ConnectorManifest {
  /** Connector name as configured (`shopify`). */
  name: string;
  /** Vendor and product, for people (`Shopify (Admin GraphQL API 2025-07)`). */
  displayName: string;
  systemType: SystemType;
  /** Canonical objects the connector brings in (from webhooks or polling). */
  reads: readonly string[];
  /** Canonical objects the connector writes to the system. */
  writes: readonly string[];
  /** How it authenticates to the vendor, and how the vendor's webhooks are verified. */
  auth: { method: string; webhooks?: string };
  /** JSON Schema (TypeBox) of the connector's settings under `targets.<name>` / `sources.<name>`. */
  settings: unknown;
  /** Defaults a configured target can override. */
  rateLimit: RateLimit;
  retry: RetryPolicy;
  breaker: BreakerPolicy;
  /** Webhook topics the connector maps (topic → canonical events). */
  topics: Readonly<Record<string, string>>;
  actions: Readonly<Record<string, ActionManifest>>;
}
