import { randomBytes } from 'node:crypto';
import { jsonBody, startSimulator, type SimFaults, type SimRequest, type SimResponse, type Simulator } from '../sdk/index.ts';
import { DEFAULT_EXTERNAL_ID_FIELD, DEFAULT_FIELDS, DEFAULT_ORDER_OBJECT } from './settings.ts';

// A local Salesforce org for tests and the demo: the OAuth 2.0 client credentials token endpoint
// (one app; tokens whose instance_url is the simulator; expireTokens() ends every session as the
// org's session timeout would), and sObject Rows by External ID (GET, PATCH upsert) over the
// custom objects it is given, refusing unknown objects and external id fields (404 NOT_FOUND),
// unknown fields (400 INVALID_FIELD) and values outside a restricted picklist. Errors use the
// REST API's `[{"message", "errorCode", "fields"}]`. Besides the frame's knobs, `faults` has
// `requestLimitExceeded` (every data request answered 403 REQUEST_LIMIT_EXCEEDED, as when the
// org's daily allowance is spent) and `retryAfterSeconds` (a Retry-After on those answers).
// Messages are the ones Salesforce's docs and users quote; ids and tokens are made up.

/** A field of a simulated object. */
export type SimFieldType = { type: 'text' } | { type: 'datetime' } | { type: 'picklist'; values: readonly string[] };

/** A custom object of the simulated org. */
export interface SimObjectSchema {
  /** Its External ID + Unique fields. */
  externalIdFields: readonly string[];
  /** Its custom fields by API name (system fields come on top). */
  fields: Readonly<Record<string, SimFieldType>>;
}

/** A record as the simulator keeps it: Id, system fields and custom fields (Date/Time values in Salesforce's format). */
export interface SimSObject {
  Id: string;
  [field: string]: unknown;
}

/** The fault knobs of the frame, and Salesforce's API request limit. */
export interface SalesforceFaults extends SimFaults {
  /** While true, every data request is answered 403 REQUEST_LIMIT_EXCEEDED, without effect. */
  requestLimitExceeded: boolean;
  /** Retry-After (seconds) sent with REQUEST_LIMIT_EXCEEDED answers, if set. */
  retryAfterSeconds: number | undefined;
}

/** Options of the Salesforce simulator. */
export interface SalesforceSimulatorOptions {
  /** Consumer key of the one app (default `sim-client-id`). */
  clientId?: string;
  /** Its consumer secret (default `sim-client-secret`). */
  clientSecret?: string;
  /** Custom objects of the org (default: Weft_Order__c as the connector's README describes it). */
  objects?: Readonly<Record<string, SimObjectSchema>>;
  /** When set, the org has README.md's validation rule on this Date/Time field: an update to an older time is refused. */
  staleRuleField?: string;
  /** API requests the org allows in its rolling day (default 100000); past it, REQUEST_LIMIT_EXCEEDED. */
  dailyApiRequests?: number;
  /** Clock of CreatedDate / LastModifiedDate and issued_at (default Date.now). */
  now?: () => number;
  port?: number;
}

/** A running Salesforce simulator. */
export interface SalesforceSimulator extends Simulator {
  faults: SalesforceFaults;
  /** Records of an object (default Weft_Order__c), oldest first; copies. */
  records(object?: string): SimSObject[];
  /** Changes a record as a user or a flow in the org would (not counted as an API request). */
  edit(object: string, externalIdField: string, value: string, fields: Record<string, unknown>): SimSObject;
  /** Ends every session, as the org's session timeout or a revoked token would. */
  expireTokens(): void;
  /** Access tokens issued since the start (or the last reset). */
  tokensIssued(): number;
  /** Runs `change` once, just before the next upsert is applied: another writer racing Weft. */
  beforeNextUpsert(change: () => void): void;
}

/** The Weft order object as the connector's README asks the retailer to create it. */
export const WEFT_ORDER_OBJECT: SimObjectSchema = {
  externalIdFields: [DEFAULT_EXTERNAL_ID_FIELD],
  fields: {
    [DEFAULT_EXTERNAL_ID_FIELD]: { type: 'text' },
    [DEFAULT_FIELDS.status]: { type: 'picklist', values: ['held', 'released from hold', 'cancelled', 'completed'] },
    [DEFAULT_FIELDS.reason]: { type: 'text' },
    [DEFAULT_FIELDS.note]: { type: 'text' },
    [DEFAULT_FIELDS.changedAt]: { type: 'datetime' },
  },
};

const SYSTEM_FIELDS = ['Id', 'Name', 'OwnerId', 'IsDeleted', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'];

/** A REST API error answer. */
export function restError(status: number, errorCode: string, message: string, fields: string[] = [], headers: Record<string, string> = {}): SimResponse {
  return { status, headers, body: [{ message, errorCode, fields }] };
}

const notFound = () => restError(404, 'NOT_FOUND', 'The requested resource does not exist');

// Date/Time as the REST API writes it: milliseconds and a colon-less UTC offset.
const sfTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

/** Starts a simulated org on 127.0.0.1. */
export async function startSalesforceSimulator(options: SalesforceSimulatorOptions = {}): Promise<SalesforceSimulator> {
  const clientId = options.clientId ?? 'sim-client-id';
  const clientSecret = options.clientSecret ?? 'sim-client-secret';
  const objects = options.objects ?? { [DEFAULT_ORDER_OBJECT]: WEFT_ORDER_OBJECT };
  const allowance = options.dailyApiRequests ?? 100_000;
  const now = options.now ?? Date.now;
  let records = new Map<string, SimSObject[]>();
  let tokens = new Set<string>();
  let issued = 0;
  let apiUsage = 0;
  let nextId = 1;
  let raceOnce: (() => void) | undefined;
  const frame: { url: string; faults?: SalesforceFaults } = { url: '' };

  const table = (object: string): SimSObject[] => {
    let list = records.get(object);
    if (list === undefined) records.set(object, (list = []));
    return list;
  };
  const find = (object: string, field: string, value: string) => table(object).filter((record) => record[field] === value);

  function token(request: SimRequest): SimResponse {
    const form = new URLSearchParams(request.body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } };
    if (form.get('client_id') !== clientId) return { status: 400, body: { error: 'invalid_client_id', error_description: 'client identifier invalid' } };
    if (form.get('client_secret') !== clientSecret) return { status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } };
    const accessToken = `00DSIM0000000001!${randomBytes(24).toString('base64url')}`;
    tokens.add(accessToken);
    issued++;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        signature: randomBytes(32).toString('base64'),
        scope: 'api',
        instance_url: frame.url,
        id: `${frame.url}/id/00DSIM0000000001AAA/005SIM0000000001AAA`,
        token_type: 'Bearer',
        issued_at: String(now()),
      },
    };
  }

  // Every data request: the session, then the org's API allowance (Salesforce counts each call).
  function guarded(handle: (request: SimRequest, object: string, schema: SimObjectSchema, field: string, value: string, version: number) => SimResponse) {
    return (request: SimRequest): SimResponse => {
      const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (bearer === undefined || !tokens.has(bearer)) return restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      apiUsage++;
      const usage = { 'sforce-limit-info': `api-usage=${apiUsage}/${allowance}` };
      const faults = frame.faults;
      if (faults?.requestLimitExceeded === true || apiUsage > allowance) {
        const retry = faults?.retryAfterSeconds === undefined ? {} : { 'retry-after': String(faults.retryAfterSeconds) };
        return restError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', [], { ...usage, ...retry });
      }
      const version = /^v(\d{2,3})\.0$/.exec(request.params.version ?? '')?.[1];
      const object = request.params.object as string;
      const schema = objects[object];
      const field = request.params.field as string;
      // An unknown object, or a field that is not one of its external ids, is "not found" alike.
      if (version === undefined || schema === undefined || !schema.externalIdFields.includes(field)) return { ...notFound(), headers: usage };
      const answer = handle(request, object, schema, field, request.params.value as string, Number(version));
      return { ...answer, headers: { ...usage, ...answer.headers } };
    };
  }

  function view(object: string, schema: SimObjectSchema, record: SimSObject, version: number): Record<string, unknown> {
    const out: Record<string, unknown> = { attributes: { type: object, url: `/services/data/v${version}.0/sobjects/${object}/${record.Id}` } };
    for (const name of [...SYSTEM_FIELDS, ...Object.keys(schema.fields)]) out[name] = record[name] ?? null;
    return out;
  }

  function read(_request: SimRequest, object: string, schema: SimObjectSchema, field: string, value: string, version: number): SimResponse {
    const matches = find(object, field, value);
    if (matches.length === 0) return notFound();
    if (matches.length > 1) return { status: 300, body: matches.map((record) => `/services/data/v${version}.0/sobjects/${object}/${record.Id}`) };
    return { status: 200, body: view(object, schema, matches[0] as SimSObject, version) };
  }

  // The values of a body as the org would store them, or the error it answers.
  function fieldsOf(object: string, schema: SimObjectSchema, input: Record<string, unknown>): { ok: true; fields: Record<string, unknown> } | { ok: false; answer: SimResponse } {
    const out: Record<string, unknown> = {};
    const refuse = (answer: SimResponse) => ({ ok: false as const, answer });
    for (const [name, value] of Object.entries(input)) {
      const type = schema.fields[name];
      if (type === undefined) return refuse(restError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${object}`));
      if (value === null) {
        out[name] = null;
      } else if (type.type === 'datetime') {
        const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
        if (Number.isNaN(ms)) return refuse(restError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of datetime from VALUE_STRING value ${JSON.stringify(value)} at [line:1, column:1]`));
        out[name] = sfTime(ms);
      } else if (typeof value !== 'string') {
        return refuse(restError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of string from ${typeof value} value ${JSON.stringify(value)} at [line:1, column:1]`));
      } else if (type.type === 'picklist' && !type.values.includes(value)) {
        return refuse(restError(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${name.replace(/__c$/, '').replaceAll('_', ' ')}: bad value for restricted picklist field: ${value}`, [name]));
      } else {
        out[name] = value;
      }
    }
    return { ok: true, fields: out };
  }

  function upsert(request: SimRequest, object: string, schema: SimObjectSchema, field: string, value: string, version: number): SimResponse {
    const parsed = jsonBody(request);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      return restError(400, 'JSON_PARSER_ERROR', parsed.ok ? 'The body must be a JSON object' : parsed.message);
    }
    const checked = fieldsOf(object, schema, parsed.value as Record<string, unknown>);
    if (!checked.ok) return checked.answer;
    const fields = checked.fields;
    const race = raceOnce;
    raceOnce = undefined;
    race?.();
    const matches = find(object, field, value);
    if (matches.length > 1) return { status: 300, body: matches.map((record) => `/services/data/v${version}.0/sobjects/${object}/${record.Id}`) };
    const stamp = sfTime(now());
    const existing = matches[0];
    if (existing === undefined) {
      const id = `a0BSIM${String(nextId).padStart(9, '0')}AAA`;
      const record: SimSObject = { Id: id, Name: `WO-${String(nextId++).padStart(6, '0')}`, OwnerId: '005SIM0000000001AAA', IsDeleted: false, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp, ...fields, [field]: value };
      table(object).push(record);
      return { status: 201, headers: { location: `/services/data/v${version}.0/sobjects/${object}/${id}` }, body: { id, success: true, errors: [], created: true } };
    }
    const rule = options.staleRuleField;
    if (rule !== undefined && typeof fields[rule] === 'string' && typeof existing[rule] === 'string' && Date.parse(fields[rule] as string) < Date.parse(existing[rule] as string)) {
      return restError(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', `WEFT_STALE_STATUS: the record already shows a newer status change than ${String(fields[rule])}`);
    }
    Object.assign(existing, fields, { LastModifiedDate: stamp, SystemModstamp: stamp });
    // API 46.0 and later answer an update with the UpsertResult; earlier versions with 204.
    return version >= 46 ? { status: 200, body: { id: existing.Id, success: true, errors: [], created: false } } : { status: 204 };
  }

  const started = await startSimulator({
    name: 'salesforce',
    ...(options.port === undefined ? {} : { port: options.port }),
    routes: [
      { method: 'POST', path: '/services/oauth2/token', handle: token },
      { method: 'GET', path: '/services/data/:version/sobjects/:object/:field/:value', handle: guarded(read) },
      { method: 'PATCH', path: '/services/data/:version/sobjects/:object/:field/:value', handle: guarded(upsert) },
    ],
    errorBody: (status, message) => restError(status, status === 503 ? 'SERVER_UNAVAILABLE' : status >= 500 ? 'UNKNOWN_EXCEPTION' : 'NOT_FOUND', message),
    state: () => ({ records: Object.fromEntries(records), sessions: tokens.size, tokensIssued: issued, apiUsage, dailyApiRequests: allowance }),
    reset() {
      records = new Map();
      tokens = new Set();
      issued = 0;
      apiUsage = 0;
      nextId = 1;
      raceOnce = undefined;
    },
  });
  const faults = Object.assign(started.faults, { requestLimitExceeded: false, retryAfterSeconds: undefined }) as SalesforceFaults;
  frame.url = started.url;
  frame.faults = faults;

  return {
    ...started,
    faults,
    records: (object = DEFAULT_ORDER_OBJECT) => table(object).map((record) => ({ ...record })),
    edit(object, externalIdField, value, fields) {
      const schema = objects[object];
      const [record] = find(object, externalIdField, value);
      if (schema === undefined || record === undefined) throw new Error(`no ${object} record with ${externalIdField} = ${value}`);
      const checked = fieldsOf(object, schema, fields);
      if (!checked.ok) throw new Error(`the org refuses the edit: ${JSON.stringify(checked.answer.body)}`);
      const stamp = sfTime(now());
      Object.assign(record, checked.fields, { LastModifiedDate: stamp, SystemModstamp: stamp });
      return { ...record };
    },
    expireTokens: () => tokens.clear(),
    tokensIssued: () => issued,
    beforeNextUpsert(change) {
      raceOnce = change;
    },
  };
}
