import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Default } from 'typebox/value';
import { ConfigError } from '../../errors/index.ts';
import { breakerOverrides, retryOverrides } from '../sdk/settings-schemas.ts';
import { settingsProblems, type BreakerPolicy, type RetryPolicy } from '../sdk/index.ts';

// Settings of a NetSuite system (`targets.<name>` or `sources.<name>` with `connector: "netsuite"`):
// the account, the token-based authentication credentials, the account's concurrency limit and the
// defaults NetSuite needs on every transaction (subsidiary, location, default customer, ...).

const secret = { 'x-weft-secret': true } as const;

/** NetSuite's concurrency limit of a standard account without SuiteCloud Plus (each licence adds 10). */
export const DEFAULT_MAX_CONCURRENCY = 5;

/** Retry policy of a NetSuite target when its settings give none. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, maxAgeMs: 24 * 60 * 60 * 1000, baseDelayMs: 2000, maxDelayMs: 5 * 60 * 1000 };

/** Circuit breaker of a NetSuite target when its settings give none. */
export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 5, openMs: 60_000, halfOpenProbes: 1 };

const InternalId = (description: string) => Type.String({ pattern: '^[0-9]+$', description });
const FieldId = (description: string, fallback: string) => Type.String({ pattern: '^cust(col|body)[a-z0-9_]+$', default: fallback, description });

/** Settings of one NetSuite system. */
export const NetSuiteSettings = Type.Object(
  {
    connector: Type.Literal('netsuite', { description: 'Oracle NetSuite (REST web services, token-based authentication).' }),
    description: Type.String({ default: '', description: 'What the system is, for the console.' }),
    accountId: Type.String({
      pattern: '^[A-Za-z0-9]+([_-][A-Za-z0-9]+)?$',
      description: 'NetSuite account id as shown at Setup > Company > Company Information (1234567, or 1234567_SB1 for a sandbox).',
    }),
    baseUrl: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s/?#@]+$',
        description: 'Overrides https://<account>.suitetalk.api.netsuite.com (the simulator, a proxy); no path.',
      }),
    ),
    auth: Type.Object(
      {
        consumerKey: Type.String({ minLength: 1, description: 'Consumer key of the integration record.', ...secret }),
        consumerSecret: Type.String({ minLength: 1, description: 'Consumer secret of the integration record.', ...secret }),
        tokenId: Type.String({ minLength: 1, description: 'Token id of the access token.', ...secret }),
        tokenSecret: Type.String({ minLength: 1, description: 'Token secret of the access token.', ...secret }),
      },
      { additionalProperties: false, description: 'Token-based authentication (OAuth 1.0a, HMAC-SHA256).' },
    ),
    maxConcurrency: Type.Integer({
      minimum: 1,
      default: DEFAULT_MAX_CONCURRENCY,
      description: 'Requests in flight at once: the account concurrency limit (5 standard, +10 per SuiteCloud Plus licence) minus what other integrations use.',
    }),
    requestsPerSecond: Type.Number({ exclusiveMinimum: 0, default: 10, description: 'Sustained requests per second Weft sends (NetSuite limits concurrency, not rate).' }),
    retry: Type.Optional(retryOverrides(DEFAULT_RETRY)),
    breaker: Type.Optional(breakerOverrides(DEFAULT_BREAKER)),
    timeoutMs: Type.Integer({ minimum: 1000, maximum: 900_000, default: 60_000, description: 'Longest one request may take, in ms (NetSuite times out at 15 minutes).' }),
    subsidiaryId: Type.Optional(InternalId('Internal id of the subsidiary of new customers and transactions (OneWorld accounts).')),
    locationId: Type.Optional(InternalId('Internal id of the location of sales orders, fulfilments and adjustments.')),
    locations: Type.Record(Type.String({ pattern: '^loc_[0-9A-HJKMNP-TV-Z]{26}$' }), Type.String({ pattern: '^[0-9]+$' }), {
      default: {},
      description: 'NetSuite location internal id per Weft location id, for adjustments, fulfilments and the sales order lines of parcels shipped from or collected at a store (`locationId` otherwise).',
    }),
    defaultCustomerId: Type.Optional(InternalId('Internal id of the customer of orders without a Weft customer (guest checkouts).')),
    discountItemId: Type.Optional(InternalId('Internal id of the discount item carrying order-level discounts; required for orders with one.')),
    adjustmentAccountId: Type.Optional(InternalId('Internal id of the GL account of inventory adjustments; required to send them.')),
    currency: Type.String({ pattern: '^[A-Z]{3}$', default: 'USD', description: 'ISO 4217 code of transactions whose currency is not in `currencies`.' }),
    currencies: Type.Record(Type.String({ pattern: '^[0-9]+$' }), Type.String({ pattern: '^[A-Z]{3}$' }), {
      default: {},
      description: 'ISO 4217 code per NetSuite currency internal id (`{"1": "USD", "4": "EUR"}`).',
    }),
    taxJurisdiction: Type.String({ minLength: 1, default: 'US', description: 'Jurisdiction written on taxes of polled invoices (`US-CA`, `DE`).' }),
    lineIdField: FieldId('Transaction line custom field (sales order, fulfilment, invoice) holding the Weft order line id.', 'custcol_weft_line_id'),
    fulfilmentGroupField: FieldId('Transaction line custom field holding the Weft fulfilment group id.', 'custcol_weft_fulfilment_group'),
    pollStart: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$',
      default: '1970-01-01 00:00:00',
      description: 'First poll reads transactions modified after this (YYYY-MM-DD HH:MM:SS, in the NetSuite user\'s time zone).',
    }),
    pollIntervalMs: Type.Integer({ minimum: 1000, default: 60_000, description: 'Wait between polls that found nothing more, in ms.' }),
    pollPageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Changed transactions read per poll (SuiteQL page size, at most 1000).' }),
  },
  { additionalProperties: false },
);

/** Validated NetSuite settings, defaults filled in. */
export type NetSuiteSettings = Static<typeof NetSuiteSettings>;

const validator = Compile(NetSuiteSettings);

/**
 * Settings of the system at `where` (`targets.erp`) with defaults filled in, or a ConfigError naming
 * each bad field. Accepts settings that were already defaulted.
 */
export function parseNetSuiteSettings(where: string, input: unknown): NetSuiteSettings {
  const value = Default(NetSuiteSettings as TSchema, structuredClone(input)) as unknown;
  if (validator.Check(value)) return value;
  const problems = settingsProblems(NetSuiteSettings, value, where);
  if (problems.length === 0) problems.push(`${where} does not match the netsuite connector's settings`);
  throw new ConfigError('invalid_config', `Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** The account id as NetSuite's hosts write it: lower case, `_` → `-` (1234567_SB1 → 1234567-sb1). */
export function accountHost(accountId: string): string {
  return accountId.toLowerCase().replaceAll('_', '-');
}

/** The account id as the OAuth realm: upper case with `_` (1234567-sb1 → 1234567_SB1). */
export function accountRealm(accountId: string): string {
  return accountId.toUpperCase().replaceAll('-', '_');
}

/** The REST web services root of the account: `https://<host>.suitetalk.api.netsuite.com/services/rest`, or baseUrl's. */
export function restRoot(settings: NetSuiteSettings): string {
  return `${settings.baseUrl ?? `https://${accountHost(settings.accountId)}.suitetalk.api.netsuite.com`}/services/rest`;
}
