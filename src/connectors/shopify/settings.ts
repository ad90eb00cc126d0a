import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Default } from 'typebox/value';
import { ConfigError } from '../../errors/index.ts';
import { breakerOverrides, rateLimitOverrides, retryOverrides } from '../sdk/settings-schemas.ts';
import { settingsProblems, type BreakerPolicy, type RateLimit, type RetryPolicy } from '../sdk/index.ts';

// Settings of a Shopify shop: `targets.<name>` (Weft writes to the shop through the Admin GraphQL
// API) and `sources.<name>` (the shop's webhooks come to Weft). Both have `connector: "shopify"`.
// Every field has a default or is required; descriptions feed the docs.

const secret = { 'x-weft-secret': true } as const;

/** The Admin API version Weft speaks unless a target says otherwise: the stable release of July 2026. */
export const DEFAULT_API_VERSION = '2026-07';

/**
 * Request budget of a Shopify target. Shopify limits by query cost, not requests (a leaky bucket of
 * points per app and shop); the client's cost bucket does the real pacing, this only keeps Weft
 * from queueing hundreds of requests at once. Our mutations cost about 10 points each, so 5/s stays
 * well under the 50-100 points/s a Standard plan restores.
 */
export const DEFAULT_RATE_LIMIT: RateLimit = { requestsPerSecond: 5, burst: 20, maxConcurrency: 4 };
/** Retry policy of a Shopify target when its settings give none. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 12, maxAgeMs: 24 * 60 * 60 * 1000, baseDelayMs: 1000, maxDelayMs: 5 * 60 * 1000 };
/** Circuit breaker of a Shopify target when its settings give none. */
export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 5, openMs: 30_000, halfOpenProbes: 1 };

const RateLimitOverrides = rateLimitOverrides(DEFAULT_RATE_LIMIT);
const RetryOverrides = retryOverrides(DEFAULT_RETRY);
const BreakerOverrides = breakerOverrides(DEFAULT_BREAKER);

const ApiVersion = Type.String({ pattern: '^\\d{4}-(01|04|07|10)$', default: DEFAULT_API_VERSION, description: `Admin API version, YYYY-MM of a quarterly release (default ${DEFAULT_API_VERSION}).` });
const Shop = Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', description: 'The shop\'s myshopify subdomain: `acme-eu` for acme-eu.myshopify.com.' });
const BaseUrl = Type.String({ pattern: '^https?://[^\\s/?#@]+$', description: 'Replaces https://<shop>.myshopify.com, for the simulator only.' });

/** Settings of a Shopify target (`targets.<name>` with `connector: "shopify"`). */
export const ShopifyTargetSettings = Type.Object(
  {
    connector: Type.Literal('shopify', { description: 'The Shopify connector.' }),
    description: Type.String({ default: '', description: 'What the shop is, for the console.' }),
    shop: Shop,
    accessToken: Type.String({ minLength: 1, description: 'Admin API access token of the custom app (shpat_…), sent as X-Shopify-Access-Token.', ...secret }),
    apiVersion: ApiVersion,
    baseUrl: Type.Optional(BaseUrl),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 15_000, description: 'Longest one request may take, in ms.' }),
    locations: Type.Record(Type.String({ pattern: '^loc_[0-9A-HJKMNP-TV-Z]{26}$' }), Type.String({ pattern: '^[0-9]+$' }), {
      default: {},
      description: 'Weft location id → Shopify location id (the number in gid://shopify/Location/<id>), for stock and fulfilments.',
    }),
    system: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'Name of the source that receives this shop\'s webhooks, as orders\' externalRefs name it (default: the target\'s own name).' })),
    notifyCustomer: Type.Boolean({ default: true, description: 'Whether Shopify emails the customer when Weft creates a fulfilment.' }),
    rateLimit: Type.Optional(RateLimitOverrides),
    retry: Type.Optional(RetryOverrides),
    breaker: Type.Optional(BreakerOverrides),
  },
  { additionalProperties: false },
);
/** Validated settings of a Shopify target, defaults filled in. */
export type ShopifyTargetSettings = Static<typeof ShopifyTargetSettings>;

/** Settings of a Shopify source (`sources.<name>` with `connector: "shopify"`). */
export const ShopifySourceSettings = Type.Object(
  {
    connector: Type.Literal('shopify', { description: 'The Shopify connector.' }),
    description: Type.String({ default: '', description: 'What the shop is, for the console.' }),
    clientSecret: Type.String({ minLength: 1, description: 'The app\'s client secret (API secret key): Shopify signs webhooks with it.', ...secret }),
    skipTestOrders: Type.Boolean({ default: false, description: 'Ignore orders Shopify marks `test: true` (Bogus gateway, test mode).' }),
    pickupShippingCodes: Type.Record(Type.String({ minLength: 1 }), Type.String({ pattern: '^[0-9]+$' }), {
      default: {},
      description: 'Shipping-line code (or title) of each pick-up rate → the Shopify location id customers collect from. Shopify\'s order webhook does not mark pick-up itself.',
    }),
    taxesIncludedDefault: Type.Boolean({ default: false, description: 'Whether the shop\'s prices include tax, for refunds (their webhook does not say).' }),
    admin: Type.Optional(
      Type.Object(
        {
          shop: Shop,
          accessToken: Type.String({ minLength: 1, description: 'Admin API access token (read_inventory), to look up the SKU of an inventory item.', ...secret }),
          apiVersion: ApiVersion,
          baseUrl: Type.Optional(BaseUrl),
        },
        { additionalProperties: false, description: 'Admin API access for completing webhooks that carry ids only (inventory_levels/update).' },
      ),
    ),
  },
  { additionalProperties: false },
);
/** Validated settings of a Shopify source, defaults filled in. */
export type ShopifySourceSettings = Static<typeof ShopifySourceSettings>;

function parse<T>(schema: TSchema, validator: { Check(value: unknown): boolean }, at: string, input: unknown): T {
  const value = Default(schema, structuredClone(input)) as unknown;
  if (validator.Check(value)) return value as T;
  const problems = settingsProblems(schema, value, at);
  if (problems.length === 0) problems.push(`${at} does not match the shopify connector's settings`);
  throw new ConfigError('invalid_config', `Invalid configuration:\n  ${problems.join('\n  ')}`);
}

const targetValidator = Compile(ShopifyTargetSettings);
const sourceValidator = Compile(ShopifySourceSettings);

/** Settings of the target `name`, defaults filled in, or a ConfigError naming each bad field. */
export function parseShopifyTargetSettings(name: string, input: unknown): ShopifyTargetSettings {
  return parse<ShopifyTargetSettings>(ShopifyTargetSettings, targetValidator, `targets.${name}`, input);
}

/** Settings of the source `name`, defaults filled in, or a ConfigError naming each bad field. */
export function parseShopifySourceSettings(name: string, input: unknown): ShopifySourceSettings {
  return parse<ShopifySourceSettings>(ShopifySourceSettings, sourceValidator, `sources.${name}`, input);
}

/** The GraphQL endpoint of a shop: https://<shop>.myshopify.com/admin/api/<version>/graphql.json. */
export function graphqlUrl(settings: { shop: string; apiVersion: string; baseUrl?: string | undefined }): string {
  return `${settings.baseUrl ?? `https://${settings.shop}.myshopify.com`}/admin/api/${settings.apiVersion}/graphql.json`;
}
