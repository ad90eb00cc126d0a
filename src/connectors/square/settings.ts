import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Default } from 'typebox/value';
import { ConfigError } from '../../errors/index.ts';
import { settingsProblems, type BreakerPolicy, type RateLimit, type RetryPolicy } from '../sdk/index.ts';

// Settings of a Square seller account, as a source (`sources.<name>`: webhooks in, orders fetched)
// and as a target (`targets.<name>`: inventory and customers written). Both share the API fields,
// so one account can be configured once under each name with the same token.

const secret = { 'x-weft-secret': true } as const;

/** Square API version sent as `Square-Version` when the settings name none (the release the samples come from). */
export const DEFAULT_SQUARE_VERSION = '2025-08-20';

/** Production API host. The sandbox is https://connect.squareupsandbox.com. */
export const SQUARE_PRODUCTION_URL = 'https://connect.squareup.com';

/**
 * Square publishes no numeric rate limit ("handle 429 RATE_LIMITED with backoff"), so the default
 * budget is a conservative 10 requests/s per seller account; raise it if Square allows you more.
 */
export const DEFAULT_RATE_LIMIT: RateLimit = { requestsPerSecond: 10, burst: 20, maxConcurrency: 4 };

/** Retry policy of a Square target when its settings give none. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, maxAgeMs: 24 * 60 * 60 * 1000, baseDelayMs: 1000, maxDelayMs: 5 * 60 * 1000 };

/** Circuit breaker of a Square target when its settings give none. */
export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 5, openMs: 30_000, halfOpenProbes: 1 };

const Api = {
  baseUrl: Type.String({
    pattern: '^https?://[^\\s/?#@]+$',
    default: SQUARE_PRODUCTION_URL,
    description: 'Square API origin: https://connect.squareup.com, or https://connect.squareupsandbox.com for the sandbox.',
  }),
  accessToken: Type.String({ minLength: 1, description: 'OAuth access token (or personal access token) of the seller account; sent as `Authorization: Bearer`.', ...secret }),
  squareVersion: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', default: DEFAULT_SQUARE_VERSION, description: 'Square API version (YYYY-MM-DD), sent as the `Square-Version` header.' }),
  timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Longest one request to Square may take, in ms.' }),
};

const Jurisdiction = Type.String({ pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?(-[A-Z0-9_]{1,40})*$', description: 'Tax jurisdiction: a country, optionally a subdivision (US, US-NY, CA-ON).' });

/** Settings of a Square source: webhooks Square sends to Weft, and the API calls that complete them. */
export const SquareSourceSettings = Type.Object(
  {
    connector: Type.Literal('square', { description: 'The Square connector.' }),
    description: Type.String({ default: '', description: 'What the account is, for the console.' }),
    ...Api,
    signatureKey: Type.String({ minLength: 1, description: 'Signature key of the webhook subscription (Developer Console → Webhooks → Subscriptions).', ...secret }),
    webhookMaxAgeHours: Type.Number({
      minimum: 0,
      default: 48,
      description: 'Webhooks whose signed `created_at` is older than this are rejected as stale (Square retries for 24 h); 0 turns the check off.',
    }),
    skuSource: Type.Union([Type.Literal('catalog'), Type.Literal('catalogObjectId')], {
      default: 'catalog',
      description: '`catalog`: read each variation\'s SKU from the Catalog API; `catalogObjectId`: use Square\'s variation id as the SKU (no catalog calls).',
    }),
    adHocSku: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^\\S(.*\\S)?$',
      default: 'SQUARE-AD-HOC',
      description: 'SKU given to order lines without a catalog item (custom amounts rung up at the till).',
    }),
    taxJurisdiction: Type.Optional(Jurisdiction),
    taxJurisdictionByLocation: Type.Record(Type.String({ pattern: '^\\S+$' }), Jurisdiction, {
      default: {},
      description: 'Tax jurisdiction per Square location id, where it differs from taxJurisdiction.',
    }),
    defaultCountry: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: 'Country (ISO 3166-1 alpha-2) of customer addresses that name none.' })),
  },
  { additionalProperties: false },
);

/** Validated settings of a Square source, defaults filled in. */
export type SquareSourceSettings = Static<typeof SquareSourceSettings>;

const Overrides = (fields: Record<string, TSchema>) => Type.Optional(Type.Object(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])), { additionalProperties: false }));

const FulfilmentKind = Type.Union([Type.Literal('ship'), Type.Literal('ship_from_store'), Type.Literal('pickup_in_store'), Type.Literal('in_store'), Type.Literal('digital')]);

/** Settings of a Square target: the account Weft writes inventory, customers and store orders to. */
export const SquareTargetSettings = Type.Object(
  {
    connector: Type.Literal('square', { description: 'The Square connector.' }),
    description: Type.String({ default: '', description: 'What the account is, for the console.' }),
    ...Api,
    locations: Type.Record(Type.String({ pattern: '^loc_[0-9A-HJKMNP-TV-Z]{26}$' }), Type.String({ minLength: 1 }), {
      default: {},
      description: 'Square location id of each Weft location (`loc_…` → `L8XH…`) the target writes stock for or releases orders to.',
    }),
    fulfilmentKinds: Type.Array(FulfilmentKind, {
      minItems: 1,
      uniqueItems: true,
      default: ['ship_from_store'],
      description: 'Kinds of fulfilment group releaseOrder sends to the store as Square orders; other groups (warehouse parcels, pickups) stay out.',
    }),
    payReleasedOrders: Type.Boolean({
      default: true,
      description:
        'Pay each Square order releaseOrder creates with an EXTERNAL payment (source: the channel that took the money), so the store sees it in Square POS and the Dashboard (Square shows orders with a fulfilment only once paid); the store\'s Square sales reports then count the parcel as a sale. false: the orders stay unpaid and invisible to the store.',
    }),
    cancelSearchPages: Type.Integer({
      minimum: 1,
      maximum: 20,
      default: 4,
      description: 'Pages of 500 Weft-made Square orders SearchOrders reads to find the ones cancelOrder undoes when the cross-reference map has no link (an order split over several groups).',
    }),
    rateLimit: Overrides({ requestsPerSecond: Type.Number({ exclusiveMinimum: 0 }), burst: Type.Integer({ minimum: 1 }), maxConcurrency: Type.Integer({ minimum: 1 }) }),
    retry: Overrides({ maxAttempts: Type.Integer({ minimum: 1 }), maxAgeMs: Type.Integer({ minimum: 0 }), baseDelayMs: Type.Integer({ minimum: 0 }), maxDelayMs: Type.Integer({ minimum: 0 }) }),
    breaker: Overrides({ failureThreshold: Type.Integer({ minimum: 1 }), openMs: Type.Integer({ minimum: 0 }), halfOpenProbes: Type.Integer({ minimum: 1 }) }),
  },
  { additionalProperties: false },
);

/** Validated settings of a Square target, defaults filled in. */
export type SquareTargetSettings = Static<typeof SquareTargetSettings>;

const sourceValidator = Compile(SquareSourceSettings);
const targetValidator = Compile(SquareTargetSettings);

function parse<T>(schema: TSchema, check: (value: unknown) => boolean, at: string, input: unknown): T {
  const value = Default(schema, structuredClone(input)) as unknown;
  if (check(value)) return value as T;
  const problems = settingsProblems(schema, value, at);
  if (problems.length === 0) problems.push(`${at} does not match the square connector's settings`);
  throw new ConfigError('invalid_config', `Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** Settings of the source `name` with defaults filled in, or a ConfigError naming each bad field. */
export function parseSquareSourceSettings(name: string, input: unknown): SquareSourceSettings {
  return parse(SquareSourceSettings, (value) => sourceValidator.Check(value), `sources.${name}`, input);
}

/** Settings of the target `name` with defaults filled in, or a ConfigError naming each bad field. */
export function parseSquareTargetSettings(name: string, input: unknown): SquareTargetSettings {
  const settings = parse<SquareTargetSettings>(SquareTargetSettings, (value) => targetValidator.Check(value), `targets.${name}`, input);
  // A record's pattern only constrains the keys that match it; a key that is no Weft location id would be ignored silently.
  const bad = Object.keys(settings.locations).filter((key) => !LOCATION_ID.test(key));
  if (bad.length > 0) throw new ConfigError('invalid_config', `Invalid configuration:\n  ${bad.map((key) => `targets.${name}.locations: "${key}" is not a Weft location id (loc_ followed by a ULID)`).join('\n  ')}`);
  return settings;
}

const LOCATION_ID = /^loc_[0-9A-HJKMNP-TV-Z]{26}$/;
