import { TargetError } from '../../errors/index.ts';
import { bodyExcerpt, errorForResponse, parseRetryAfter, type HttpResponse } from '../sdk/index.ts';

// Salesforce's answers as TargetErrors. The REST API answers errors as a JSON array
// `[{"message", "errorCode", "fields"}]`; the OAuth token endpoint as `{"error", "error_description"}`.
// Two codes do not mean what their status suggests: REQUEST_LIMIT_EXCEEDED comes as a 403 (the
// org's API allowance is spent, not a permission problem) and must be retried later, and
// UNABLE_TO_LOCK_ROW comes as a 400 (another transaction holds the record) and succeeds on a retry.

/** One entry of a REST error body. */
export interface SalesforceErrorEntry {
  message: string;
  errorCode: string;
  fields: string[];
}

/** REST error codes worth retrying whatever the status: the org's API limits, and row locks held by other transactions. */
const THROTTLE_CODES = new Set(['REQUEST_LIMIT_EXCEEDED']);
const TRANSIENT_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE']);

/** Token endpoint error codes that mean the app, its credentials or its run-as user are refused. */
const TOKEN_AUTH_CODES = new Set(['invalid_client_id', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'inactive_user', 'inactive_org', 'unsupported_grant_type', 'invalid_request']);

/** The entries of a REST error body, or [] when the body is not one. */
export function errorEntriesOf(body: string): SalesforceErrorEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  // Errors come as an array; a few resources answer one object.
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const record = entry as Record<string, unknown>;
    if (typeof record.errorCode !== 'string') return [];
    const fields = Array.isArray(record.fields) ? record.fields.filter((field): field is string => typeof field === 'string') : [];
    return [{ message: typeof record.message === 'string' ? record.message : '', errorCode: record.errorCode, fields }];
  });
}

/**
 * The fields an error is about: its `fields`, else the name INVALID_FIELD quotes in its message
 * ("No such column 'Status_Note__c' on sobject of type Weft_Order__c" comes with `fields: []`).
 */
export function fieldsOf(entry: SalesforceErrorEntry): string[] {
  if (entry.fields.length > 0) return entry.fields;
  const quoted = /No such column '([^']+)'/.exec(entry.message)?.[1];
  return quoted === undefined ? [] : [quoted];
}

function describe(entries: readonly SalesforceErrorEntry[], body: string): string {
  if (entries.length === 0) return bodyExcerpt(body);
  return entries
    .map((entry) => {
      const fields = fieldsOf(entry);
      return `${entry.errorCode}: ${entry.message}${fields.length === 0 ? '' : ` (field ${fields.join(', ')})`}`;
    })
    .join('; ');
}

/**
 * The TargetError a REST answer means, or undefined for 2xx. REQUEST_LIMIT_EXCEEDED (403) and 429
 * are `target_throttled`, UNABLE_TO_LOCK_ROW and 5xx `target_unavailable` (Retry-After honoured
 * when Salesforce sends one), 401/403 `target_auth_failed`, 300 and other 4xx `target_rejected`
 * quoting errorCode, message and field. `what` names the request (`PATCH Weft_Order__c to crm`).
 */
export function salesforceError(response: HttpResponse, what: string, now: number): TargetError | undefined {
  const { status } = response;
  if (status >= 200 && status <= 299) return undefined;
  const entries = errorEntriesOf(response.body);
  const codes = new Set(entries.map((entry) => entry.errorCode));
  const targetStatus = status;
  const retryAfterSeconds = parseRetryAfter(response.headers['retry-after'], now);
  const withRetry = retryAfterSeconds === undefined ? { targetStatus } : { targetStatus, retryAfterSeconds };
  const message = `${what}: Salesforce answered ${status}: ${describe(entries, response.body)}`;
  if (status === 429 || [...codes].some((code) => THROTTLE_CODES.has(code))) return new TargetError('target_throttled', message, withRetry);
  if ([...codes].some((code) => TRANSIENT_CODES.has(code))) return new TargetError('target_unavailable', message, withRetry);
  if (status === 300) return new TargetError('target_rejected', `${what}: Salesforce answered 300: more than one record has this external id; make the external id field Unique and merge the duplicates`, { targetStatus });
  const generic = errorForResponse(response, what, now);
  if (generic === undefined) return undefined;
  return new TargetError(generic.code, message, generic.retryAfterSeconds === undefined ? { targetStatus } : { targetStatus, retryAfterSeconds: generic.retryAfterSeconds });
}

/**
 * The TargetError of a token endpoint answer, or undefined for 200. The credentials, the app's
 * policies or its run-as user refused → `target_auth_failed` (a replay needs a fix in Salesforce
 * or in the settings); rate_limit_exceeded → `target_throttled`; 5xx → `target_unavailable`.
 */
export function tokenError(response: HttpResponse, what: string, now: number): TargetError | undefined {
  if (response.status === 200) return undefined;
  let error: string | undefined;
  let description: string | undefined;
  try {
    const parsed = JSON.parse(response.body) as { error?: unknown; error_description?: unknown } | null;
    if (typeof parsed?.error === 'string') error = parsed.error;
    if (typeof parsed?.error_description === 'string') description = parsed.error_description;
  } catch {
    // Not JSON (a proxy's page): quoted as it is below.
  }
  const said = error === undefined ? bodyExcerpt(response.body) : `${error}${description === undefined ? '' : ` (${description})`}`;
  const targetStatus = response.status;
  // The one refusal with a known fix: the generic login hosts do not run this flow.
  const hint = description?.includes('not supported on this domain') === true ? '; loginUrl must be the org\'s My Domain URL' : '';
  const message = `${what}: Salesforce refused the token request (${response.status}): ${said}${hint}`;
  if (error === 'rate_limit_exceeded' || response.status === 429) {
    const retryAfterSeconds = parseRetryAfter(response.headers['retry-after'], now);
    return new TargetError('target_throttled', message, retryAfterSeconds === undefined ? { targetStatus } : { targetStatus, retryAfterSeconds });
  }
  if (error !== undefined && TOKEN_AUTH_CODES.has(error)) return new TargetError('target_auth_failed', message, { targetStatus });
  const generic = errorForResponse(response, what, now) ?? new TargetError('target_unavailable', `${what}: Salesforce answered ${response.status} to the token request`, { targetStatus });
  return new TargetError(generic.code, message, generic.retryAfterSeconds === undefined ? { targetStatus } : { targetStatus, retryAfterSeconds: generic.retryAfterSeconds });
}
