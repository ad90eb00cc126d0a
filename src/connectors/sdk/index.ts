// What a connector may use. A connector imports from here (and from src/domain and src/errors),
// never from the store, the bus, the delivery engine or another connector.

export type {
  ActionCommand,
  ActionContext,
  ActionResult,
  BreakerPolicy,
  ConnectorAction,
  ConnectorLog,
  DeliveryTarget,
  HttpClient,
  HttpRequest,
  HttpResponse,
  IdempotencyMode,
  PriorityClass,
  RateLimit,
  RequestPreview,
  RetryPolicy,
  XrefLookup,
} from '../../ports/connector.ts';
export { idempotencyKeyOf, PRIORITY_CLASSES } from '../../ports/connector.ts';
export { createHttpClient, MAX_RESPONSE_BODY_BYTES, TRUNCATED_BODY_NOTE, type HttpClientOptions } from './http-client.ts';
export { errorForResponse, parseRetryAfter, bodyExcerpt, BODY_EXCERPT_CHARS } from './response-errors.ts';
export { maskSecret, maskHeaders, isSensitiveHeader, MASK } from './mask.ts';
export { idAtPointer, isJsonPointer, pointerTokens, readPointer } from './json.ts';
export { settingsProblems } from './settings-problems.ts';
export type { ActionManifest, ConnectorManifest, SystemType } from '../../ports/connector.ts';
export type { ConnectorModule, TargetDeps } from '../../ports/connector-module.ts';
export type {
  EnrichContext,
  IdResolver,
  InboundMapping,
  InboundSource,
  MappedEvent,
  MappingContext,
  MappingOutcome,
  Poller,
  PollResult,
  WebhookDelivery,
  WebhookRequest,
} from '../../ports/inbound.ts';
export { currencyExponent, isCurrencyCode, minorUnitsOf, toMinorUnits } from './money.ts';
export { headerOf, hmacSha256, parseJsonExact, signatureMatches, toUtc, vendorId } from './webhook.ts';
export { jsonBody, startSimulator, type SimFaults, type SimRequest, type SimResponse, type SimRoute, type Simulator, type SimulatorOptions } from './simulator.ts';
export { breakerOverrides, rateLimitOverrides, retryOverrides } from './settings-schemas.ts';
