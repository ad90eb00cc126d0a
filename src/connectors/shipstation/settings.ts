import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Default } from 'typebox/value';
import { ConfigError } from '../../errors/index.ts';
import { breakerOverrides, rateLimitOverrides, retryOverrides } from '../sdk/settings-schemas.ts';
import { settingsProblems, type BreakerPolicy, type RateLimit, type RetryPolicy } from '../sdk/index.ts';
import { isTimeZone } from './time.ts';

// Settings of a ShipStation account as a target (`targets.<name>`: orders go to ShipStation) and as
// a source (`sources.<name>`: shipments come back). Both need the API key and secret: ShipStation's
// webhooks carry only a URL that must be fetched with them.

const secret = { 'x-weft-secret': true } as const;

/** ShipStation API V1 (https://docs.shipstation.com/apis/shipstation-v1/docs/start-here/requirements). */
export const DEFAULT_BASE_URL = 'https://ssapi.shipstation.com';

/**
 * ShipStation V1 allows 40 requests per minute per API key (X-Rate-Limit-* headers, 429 beyond).
 * A burst of 1 keeps any 60 s window at 41 requests at most; webhook enrichment shares the key.
 */
export const DEFAULT_RATE_LIMIT: RateLimit = { requestsPerSecond: 40 / 60, burst: 1, maxConcurrency: 2 };

/** Retry policy of a ShipStation target when its settings give none. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, maxAgeMs: 24 * 60 * 60 * 1000, baseDelayMs: 2000, maxDelayMs: 5 * 60 * 1000 };

/** Circuit breaker of a ShipStation target; open for a whole rate-limit window. */
export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 5, openMs: 60_000, halfOpenProbes: 1 };

const RateLimitOverrides = rateLimitOverrides(DEFAULT_RATE_LIMIT);
const RetryOverrides = retryOverrides(DEFAULT_RETRY);
const BreakerOverrides = breakerOverrides(DEFAULT_BREAKER);

/** Time zone ShipStation V1 writes its timestamps in (they carry no offset). */
export const DEFAULT_TIME_ZONE = 'America/Los_Angeles';

const BaseUrl = Type.String({
  pattern: '^https?://[^\\s/?#@]+$',
  default: DEFAULT_BASE_URL,
  description: 'Origin of the ShipStation V1 API; no path, query or credentials. Change it only for the simulator.',
});
const ApiKey = Type.String({ minLength: 1, description: 'API Key (Settings → Account → API Settings); the user name of Basic auth.', ...secret });
const ApiSecret = Type.String({ minLength: 1, description: 'API Secret (Settings → Account → API Settings); the password of Basic auth.', ...secret });
const TimeZone = Type.String({ minLength: 1, default: DEFAULT_TIME_ZONE, description: 'IANA time zone of the timestamps ShipStation sends and expects (Pacific).' });
const LocationId = Type.String({ pattern: '^loc_[0-9A-HJKMNP-TV-Z]{26}$', description: 'Weft location id (`loc_…`).' });

const FulfilmentKind = Type.Union([Type.Literal('ship'), Type.Literal('ship_from_store'), Type.Literal('pickup_in_store'), Type.Literal('in_store'), Type.Literal('digital')]);

/** Settings of a ShipStation target (`targets.<name>` with `connector: "shipstation"`). */
export const ShipStationTargetSettings = Type.Object(
  {
    connector: Type.Literal('shipstation', { description: 'The ShipStation (API V1) connector.' }),
    description: Type.String({ default: '', description: 'What the account is, for the console.' }),
    baseUrl: BaseUrl,
    apiKey: ApiKey,
    apiSecret: ApiSecret,
    storeId: Type.Optional(Type.Integer({ minimum: 1, description: 'ShipStation store the orders are created in (advancedOptions.storeId); default: the account\'s manual store.' })),
    fulfilmentKinds: Type.Array(FulfilmentKind, {
      minItems: 1,
      uniqueItems: true,
      default: ['ship'],
      description: 'Kinds of fulfilment group sent to ShipStation; lines of other groups (pickup, digital) stay out.',
    }),
    timeZone: TimeZone,
    cancelScanPages: Type.Integer({
      minimum: 1,
      maximum: 20,
      default: 4,
      description: 'Pages of 500 open orders per status searched for an order to cancel (ShipStation cannot list orders by orderKey).',
    }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 15_000, description: 'Longest one request may take, in ms.' }),
    rateLimit: Type.Optional(RateLimitOverrides),
    retry: Type.Optional(RetryOverrides),
    breaker: Type.Optional(BreakerOverrides),
  },
  { additionalProperties: false },
);
/** Validated settings of a ShipStation target, defaults filled in. */
export type ShipStationTargetSettings = Static<typeof ShipStationTargetSettings>;

/** Settings of a ShipStation source (`sources.<name>` with `connector: "shipstation"`). */
export const ShipStationSourceSettings = Type.Object(
  {
    connector: Type.Literal('shipstation', { description: 'The ShipStation (API V1) connector.' }),
    description: Type.String({ default: '', description: 'What the account is, for the console.' }),
    baseUrl: BaseUrl,
    apiKey: ApiKey,
    apiSecret: ApiSecret,
    webhookToken: Type.String({
      minLength: 32,
      maxLength: 200,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'Shared secret ShipStation sends as `?token=` in the webhook URL (its V1 webhooks are not signed); 32+ URL-safe characters.',
      ...secret,
    }),
    locationId: LocationId,
    warehouseLocations: Type.Record(Type.String({ pattern: '^[0-9]+$' }), LocationId, {
      default: {},
      description: 'Weft location per ShipStation warehouseId (Ship From location); others ship from locationId.',
    }),
    timeZone: TimeZone,
    maxPages: Type.Integer({ minimum: 1, maximum: 50, default: 10, description: 'Most pages of 500 shipments fetched for one webhook.' }),
  },
  { additionalProperties: false },
);
/** Validated settings of a ShipStation source, defaults filled in. */
export type ShipStationSourceSettings = Static<typeof ShipStationSourceSettings>;

const targetValidator = Compile(ShipStationTargetSettings);
const sourceValidator = Compile(ShipStationSourceSettings);

function invalid(problems: string[]): ConfigError {
  return new ConfigError('invalid_config', `Invalid configuration:\n  ${problems.join('\n  ')}`);
}

function timeZoneProblems(timeZone: string, at: string): string[] {
  return isTimeZone(timeZone) ? [] : [`${at}.timeZone "${timeZone}" is not an IANA time zone (e.g. America/Los_Angeles)`];
}

/** Settings of the target `name` with defaults filled in, or a ConfigError naming each bad field. */
export function parseShipStationTargetSettings(name: string, input: unknown): ShipStationTargetSettings {
  const at = `targets.${name}`;
  const value = Default(ShipStationTargetSettings as TSchema, structuredClone(input)) as unknown;
  if (!targetValidator.Check(value)) {
    const problems = settingsProblems(ShipStationTargetSettings, value, at);
    throw invalid(problems.length > 0 ? problems : [`${at} does not match the shipstation connector's settings`]);
  }
  const problems = timeZoneProblems(value.timeZone, at);
  if (problems.length > 0) throw invalid(problems);
  return value;
}

/** Settings of the source `name` with defaults filled in, or a ConfigError naming each bad field. */
export function parseShipStationSourceSettings(name: string, input: unknown): ShipStationSourceSettings {
  const at = `sources.${name}`;
  const value = Default(ShipStationSourceSettings as TSchema, structuredClone(input)) as unknown;
  if (!sourceValidator.Check(value)) {
    const problems = settingsProblems(ShipStationSourceSettings, value, at);
    throw invalid(problems.length > 0 ? problems : [`${at} does not match the shipstation connector's settings`]);
  }
  const problems = timeZoneProblems(value.timeZone, at);
  // A token written into the configured URL would be compared with itself: verification would pass
  // for anyone. The token must come from the request ShipStation made.
  if (problems.length > 0) throw invalid(problems);
  return value;
}
