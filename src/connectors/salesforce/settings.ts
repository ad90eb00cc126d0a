import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Default } from 'typebox/value';
import { ConfigError } from '../../errors/index.ts';
import { breakerOverrides, rateLimitOverrides, retryOverrides } from '../sdk/settings-schemas.ts';
import { settingsProblems, type BreakerPolicy, type RateLimit, type RetryPolicy } from '../sdk/index.ts';

// Settings of a Salesforce org as a target (`targets.<name>` with `connector: "salesforce"`): where
// to get a token (the org's My Domain), the external client app's credentials, and the custom
// object and fields the retailer created for Weft's order status (README.md lists them).

const secret = { 'x-weft-secret': true } as const;

/** REST API version Weft speaks unless a target says otherwise (Winter '25). */
export const DEFAULT_API_VERSION = '62.0';

/**
 * Request budget of a Salesforce target. Salesforce counts API requests per org per rolling 24 h
 * (the allowance depends on edition and licences) rather than per second; each noteOrder is two
 * requests (a read and an upsert), so 5 a second is a ceiling well above order traffic that still
 * leaves most of a small org's daily allowance to its other integrations. Tune it per org.
 */
export const DEFAULT_RATE_LIMIT: RateLimit = { requestsPerSecond: 5, burst: 10, maxConcurrency: 4 };

/** Retry policy of a Salesforce target: a day, since the daily request limit frees up over a rolling 24 h. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, maxAgeMs: 24 * 60 * 60 * 1000, baseDelayMs: 2000, maxDelayMs: 5 * 60 * 1000 };

/** Circuit breaker of a Salesforce target when its settings give none. */
export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 5, openMs: 60_000, halfOpenProbes: 1 };

/** Custom object Weft upserts an order's status into, unless a target names another. */
export const DEFAULT_ORDER_OBJECT = 'Weft_Order__c';

/** External ID field (unique) of that object holding the Weft order id. */
export const DEFAULT_EXTERNAL_ID_FIELD = 'Weft_Order_Id__c';

/** The fields Weft writes, by role, with the API names README.md asks the retailer to create. */
export const DEFAULT_FIELDS = { status: 'Status__c', reason: 'Status_Reason__c', note: 'Status_Note__c', changedAt: 'Status_Changed_At__c' } as const;

// Salesforce's generic login hosts refuse the client credentials flow ("request not supported on
// this domain"); only the org's own My Domain host issues those tokens.
const GENERIC_LOGIN_HOSTS = new Set(['login.salesforce.com', 'test.salesforce.com']);

const ApiName = (description: string, fallback: string) => Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,79}$', default: fallback, description });

/** Settings of a Salesforce target. */
export const SalesforceTargetSettings = Type.Object(
  {
    connector: Type.Literal('salesforce', { description: 'Salesforce (REST API, OAuth 2.0 client credentials).' }),
    description: Type.String({ default: '', description: 'What the org is, for the console.' }),
    loginUrl: Type.String({
      pattern: '^https?://[^\\s/?#@]+$',
      description: 'The org\'s My Domain URL (https://acme.my.salesforce.com, a sandbox: https://acme--uat.sandbox.my.salesforce.com); no path. login/test.salesforce.com refuse the client credentials flow.',
    }),
    clientId: Type.String({ minLength: 1, description: 'Consumer key of the external client app (or connected app) with the client credentials flow enabled.', ...secret }),
    clientSecret: Type.String({ minLength: 1, description: 'Consumer secret of that app.', ...secret }),
    apiVersion: Type.String({ pattern: '^[0-9]{2,3}\\.0$', default: DEFAULT_API_VERSION, description: `REST API version, without the v (default ${DEFAULT_API_VERSION}).` }),
    orderObject: ApiName('API name of the custom object holding one record per Weft order.', DEFAULT_ORDER_OBJECT),
    externalIdField: ApiName('API name of its External ID + Unique text field holding the Weft order id (ord_…).', DEFAULT_EXTERNAL_ID_FIELD),
    fields: Type.Object(
      {
        status: ApiName('Field for where the order stands: held, released from hold, cancelled, completed.', DEFAULT_FIELDS.status),
        reason: ApiName('Field for why it was held or cancelled (empty otherwise).', DEFAULT_FIELDS.reason),
        note: ApiName('Field for the note that came with the change (empty when none).', DEFAULT_FIELDS.note),
        changedAt: ApiName('Date/Time field for when the change happened; an older change never overwrites a newer one.', DEFAULT_FIELDS.changedAt),
      },
      { additionalProperties: false, default: {}, description: 'API names of the status fields on the order object.' },
    ),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 15_000, description: 'Longest one request may take, in ms.' }),
    rateLimit: Type.Optional(rateLimitOverrides(DEFAULT_RATE_LIMIT)),
    retry: Type.Optional(retryOverrides(DEFAULT_RETRY)),
    breaker: Type.Optional(breakerOverrides(DEFAULT_BREAKER)),
  },
  { additionalProperties: false },
);

/** Validated settings of a Salesforce target, defaults filled in. */
export type SalesforceTargetSettings = Static<typeof SalesforceTargetSettings>;

const validator = Compile(SalesforceTargetSettings);

function invalid(problems: readonly string[]): ConfigError {
  return new ConfigError('invalid_config', `Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** Settings of the target `name` with defaults filled in, or a ConfigError naming each bad field (never a secret's value). */
export function parseSalesforceTargetSettings(name: string, input: unknown): SalesforceTargetSettings {
  const at = `targets.${name}`;
  const value = Default(SalesforceTargetSettings as TSchema, structuredClone(input)) as unknown;
  if (!validator.Check(value)) {
    const problems = settingsProblems(SalesforceTargetSettings, value, at);
    throw invalid(problems.length > 0 ? problems : [`${at} does not match the salesforce connector's settings`]);
  }
  const host = new URL(value.loginUrl).hostname.toLowerCase();
  if (GENERIC_LOGIN_HOSTS.has(host)) {
    throw invalid([`${at}.loginUrl ${host} does not issue client credentials tokens: use the org's My Domain URL (Setup > My Domain, e.g. https://acme.my.salesforce.com)`]);
  }
  const fieldNames = Object.values(value.fields);
  if (fieldNames.includes(value.externalIdField) || new Set(fieldNames).size !== fieldNames.length) {
    throw invalid([`${at}.fields must name four different fields, none of them the external id field ${value.externalIdField}`]);
  }
  return value;
}
