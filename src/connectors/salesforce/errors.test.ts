import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { salesforceError, tokenError } from './errors.ts';

// Salesforce's documented error shapes (fixtures/) as the TargetErrors the delivery engine acts on.

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const response = (status: number, body: string, headers: Record<string, string> = {}) => ({ status, headers, body });
const NOW = Date.parse('2026-11-20T10:00:00Z');

test('REQUEST_LIMIT_EXCEEDED arrives as 403 but is throttling: retryable, with Retry-After as seconds or a date', () => {
  const plain = salesforceError(response(403, fixture('error.request-limit-exceeded.json')), 'PATCH Weft_Order__c to crm', NOW);
  assert.deepEqual([plain?.code, plain?.retryable, plain?.retryAfterSeconds], ['target_throttled', true, undefined]);
  assert.equal(salesforceError(response(403, fixture('error.request-limit-exceeded.json'), { 'retry-after': '30' }), 'x', NOW)?.retryAfterSeconds, 30);
  assert.equal(salesforceError(response(503, '<html>maintenance</html>', { 'retry-after': 'Fri, 20 Nov 2026 10:05:00 GMT' }), 'x', NOW)?.retryAfterSeconds, 300);
});

test('INVALID_FIELD is terminal and names the field from the message when `fields` is empty', () => {
  const error = salesforceError(response(400, fixture('error.invalid-field.json')), 'PATCH Weft_Order__c to crm', NOW);
  assert.deepEqual([error?.code, error?.retryable, error?.targetStatus], ['target_rejected', false, 400]);
  assert.equal(error?.message, "PATCH Weft_Order__c to crm: Salesforce answered 400: INVALID_FIELD: No such column 'Status_Note__c' on sobject of type Weft_Order__c (field Status_Note__c)");
  const picklist = salesforceError(response(400, '[{"message":"Status: bad value for restricted picklist field: on hold","errorCode":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","fields":["Status__c"]}]'), 'x', NOW);
  assert.match(picklist?.message ?? '', /\(field Status__c\)$/);
});

test('row locks and 5xx are retryable; 401, other 403 are auth; 404 and 300 are rejected; 2xx is no error', () => {
  assert.equal(salesforceError(response(400, '[{"message":"unable to obtain exclusive access to this record","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]'), 'x', NOW)?.code, 'target_unavailable');
  assert.equal(salesforceError(response(500, '[{"message":"An unexpected error occurred","errorCode":"UNKNOWN_EXCEPTION"}]'), 'x', NOW)?.retryable, true);
  assert.equal(salesforceError(response(401, fixture('error.invalid-session.json')), 'x', NOW)?.code, 'target_auth_failed');
  assert.equal(salesforceError(response(403, '[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY"}]'), 'x', NOW)?.code, 'target_auth_failed');
  assert.equal(salesforceError(response(404, fixture('error.not-found.json')), 'x', NOW)?.code, 'target_rejected');
  assert.match(salesforceError(response(300, '["/services/data/v62.0/sobjects/Weft_Order__c/a0B1","/services/data/v62.0/sobjects/Weft_Order__c/a0B2"]'), 'x', NOW)?.message ?? '', /more than one record .*Unique/);
  assert.equal(salesforceError(response(201, fixture('upsert.created.json')), 'x', NOW), undefined);
  assert.equal(salesforceError(response(204, ''), 'x', NOW), undefined);
});

test('token endpoint: refused credentials are auth failures, the generic login host gets a hint, a limit is throttling', () => {
  const refused = tokenError(response(400, fixture('token.invalid-client.json')), 'POST /services/oauth2/token to crm', NOW);
  assert.deepEqual([refused?.code, refused?.retryable], ['target_auth_failed', false]);
  assert.match(refused?.message ?? '', /invalid_client \(invalid client credentials\)$/);
  assert.match(tokenError(response(400, fixture('token.wrong-domain.json')), 'x', NOW)?.message ?? '', /loginUrl must be the org's My Domain URL/);
  assert.equal(tokenError(response(400, '{"error":"rate_limit_exceeded","error_description":"rate limit exceeded"}'), 'x', NOW)?.code, 'target_throttled');
  assert.equal(tokenError(response(502, 'Bad Gateway'), 'x', NOW)?.code, 'target_unavailable');
  assert.equal(tokenError(response(200, fixture('token.client-credentials.json')), 'x', NOW), undefined);
});
