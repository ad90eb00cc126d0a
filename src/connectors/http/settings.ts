import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Default } from 'typebox/value';
import { ConfigError } from '../../errors/index.ts';
import { breakerOverrides, rateLimitOverrides, retryOverrides } from '../sdk/settings-schemas.ts';
import { settingsProblems, type BreakerPolicy, type RateLimit, type RetryPolicy } from '../sdk/index.ts';

// Settings of one target served by the generic HTTP connector: `targets.<name>` in weft.config.json
// with `connector: "http"`. Every field has a default or is required; descriptions feed the docs.

const secret = { 'x-weft-secret': true } as const;

/** Rate budget of an http target when its settings give none. */
export const DEFAULT_RATE_LIMIT: RateLimit = { requestsPerSecond: 10, burst: 10, maxConcurrency: 4 };

/** Retry policy of an http target when its settings give none. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, maxAgeMs: 24 * 60 * 60 * 1000, baseDelayMs: 1000, maxDelayMs: 5 * 60 * 1000 };

/** Circuit breaker of an http target when its settings give none. */
export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 5, openMs: 30_000, halfOpenProbes: 1 };

const RateLimitOverrides = rateLimitOverrides(DEFAULT_RATE_LIMIT);
const RetryOverrides = retryOverrides(DEFAULT_RETRY);
const BreakerOverrides = breakerOverrides(DEFAULT_BREAKER);

const Status = Type.Integer({ minimum: 100, maximum: 599 });

const Pointer = (description: string) => Type.String({ pattern: '^(/.*)?$', description });

const Auth = Type.Union(
  [
    Type.Object({ type: Type.Literal('none') }, { additionalProperties: false, description: 'No credentials.' }),
    Type.Object(
      { type: Type.Literal('bearer'), token: Type.String({ minLength: 1, description: 'Sent as `Authorization: Bearer <token>`.', ...secret }) },
      { additionalProperties: false, description: 'A bearer token (OAuth access token, API token).' },
    ),
    Type.Object(
      {
        type: Type.Literal('basic'),
        username: Type.String({ description: 'User name of HTTP Basic authentication.' }),
        password: Type.String({ description: 'Password of HTTP Basic authentication.', ...secret }),
      },
      { additionalProperties: false, description: 'HTTP Basic authentication.' },
    ),
    Type.Object(
      {
        type: Type.Literal('hmac'),
        secret: Type.String({ minLength: 1, description: 'Shared key of the HMAC.', ...secret }),
        header: Type.String({ minLength: 1, default: 'X-Signature', description: 'Header carrying the signature.' }),
        algorithm: Type.Union([Type.Literal('sha256'), Type.Literal('sha512')], { default: 'sha256', description: 'Hash of the HMAC.' }),
        encoding: Type.Union([Type.Literal('hex'), Type.Literal('base64')], { default: 'hex', description: 'How the signature is written.' }),
        prefix: Type.String({ default: '', description: 'Written before the signature (`sha256=`).' }),
        timestampHeader: Type.Optional(
          Type.String({ minLength: 1, description: 'When set, the unix-seconds timestamp goes in this header and the signed string is `<timestamp>.<body>`.' }),
        ),
      },
      { additionalProperties: false, description: 'An HMAC signature of the exact body bytes sent.' },
    ),
  ],
  { default: { type: 'none' }, description: 'How requests are authenticated: none, bearer, basic or hmac.' },
);

const Lookup = Type.Object(
  {
    method: Type.Union([Type.Literal('GET'), Type.Literal('HEAD')], { default: 'GET', description: 'Method of the lookup request (it sends no body).' }),
    path: Type.String({ description: 'Path template of the lookup (`/orders?reference={command.key}`).' }),
    foundStatuses: Type.Array(Status, { minItems: 1, default: [200], description: 'Statuses meaning the record exists; 404 means it does not.' }),
    targetIdPointer: Type.Optional(Pointer('JSON Pointer to the existing record\'s id in the lookup\'s answer.')),
  },
  { additionalProperties: false, description: 'How to find the record before creating it (idempotency "lookup").' },
);

const Action = Type.Object(
  {
    description: Type.String({ default: '', description: 'What the action does, for the docs and the console.' }),
    method: Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH'), Type.Literal('DELETE')], {
      default: 'POST',
      description: 'HTTP method.',
    }),
    path: Type.String({ description: 'Path template appended to baseUrl (`/orders/{payload.orderId}`); values are percent-encoded.' }),
    headers: Type.Record(Type.String({ pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$' }), Type.String(), {
      default: {},
      description: 'Headers of this action; values are templates (`{command.id}`).',
    }),
    body: Type.Union([Type.Literal('payload'), Type.Literal('none')], { default: 'payload', description: '`payload` sends the command payload as JSON; `none` sends no body.' }),
    idempotency: Type.Union([Type.Literal('key'), Type.Literal('lookup'), Type.Literal('natural'), Type.Literal('none')], {
      default: 'key',
      description: 'How a retry avoids a duplicate effect: key, lookup, natural or none (see README).',
    }),
    priority: Type.Union([Type.Literal('urgent'), Type.Literal('normal'), Type.Literal('bulk')], { default: 'normal', description: 'Priority class of the traffic.' }),
    retry: Type.Optional(RetryOverrides),
    successStatuses: Type.Optional(Type.Array(Status, { minItems: 1, description: 'Statuses meaning success; default any 2xx.' })),
    targetIdPointer: Type.Optional(Pointer('JSON Pointer to the target\'s record id in the JSON answer (`/id`); kept as a string, exact.')),
    xrefEntity: Type.Optional(Type.String({ minLength: 1, description: 'Canonical entity the record is linked to in the cross-reference map (`order`).' })),
    xrefCanonicalPointer: Type.Optional(Pointer('JSON Pointer to the canonical id in the command payload (`/orderId`).')),
    lookup: Type.Optional(Lookup),
  },
  // The empty default is never used (path is required); TypeBox only fills defaults inside a
  // Record's values when the value schema itself has one.
  { additionalProperties: false, default: {} },
);

/** Settings of one target served by the generic HTTP connector (`targets.<name>` with `connector: "http"`). */
export const HttpTargetSettings = Type.Object(
  {
    connector: Type.Literal('http', { description: 'The generic HTTP connector.' }),
    description: Type.String({ default: '', description: 'What the system is, for the console.' }),
    baseUrl: Type.String({ pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$', description: 'http(s) URL the action paths are appended to; no query, fragment or credentials.' }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 10_000, description: 'Longest one request may take (connect + answer), in ms.' }),
    headers: Type.Record(Type.String({ pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$' }), Type.String(), {
      default: {},
      description: 'Static headers sent with every request.',
    }),
    auth: Auth,
    idempotencyHeader: Type.String({ default: 'Idempotency-Key', description: 'Header carrying the idempotency key of "key" actions; empty sends none.' }),
    rateLimit: Type.Optional(RateLimitOverrides),
    retry: Type.Optional(RetryOverrides),
    breaker: Type.Optional(BreakerOverrides),
    actions: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]*$' }), Action, { description: 'What Weft can do to the system, by action name.' }),
  },
  { additionalProperties: false },
);

/** Validated settings of one http target, defaults filled in. */
export type HttpTargetSettings = Static<typeof HttpTargetSettings>;

/** Settings of one action of an http target. */
export type HttpActionSettings = HttpTargetSettings['actions'][string];

/** Authentication settings of an http target. */
export type HttpAuthSettings = HttpTargetSettings['auth'];

const validator = Compile(HttpTargetSettings);

/**
 * Settings of the target `name` with defaults filled in, or a ConfigError naming each bad field.
 * Accepts settings that were already defaulted (the config loader's), so calling it twice is harmless.
 */
export function parseHttpTargetSettings(name: string, input: unknown): HttpTargetSettings {
  const value = Default(HttpTargetSettings as TSchema, structuredClone(input)) as unknown;
  if (validator.Check(value)) return value;
  const problems = settingsProblems(HttpTargetSettings, value, `targets.${name}`);
  // The validator and the walk agree on what is valid; this line only guards against a schema
  // feature the walk does not know, so a bad config never passes silently.
  if (problems.length === 0) problems.push(`targets.${name} does not match the http connector's settings`);
  throw new ConfigError('invalid_config', `Invalid configuration:\n  ${problems.join('\n  ')}`);
}
