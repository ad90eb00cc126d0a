import assert from 'node:assert/strict';
import { test } from 'node:test';
import { netsuiteError } from './errors.ts';

const body = (status: number, code: string, detail: string) => JSON.stringify({ type: 'x', title: 't', status, 'o:errorDetails': [{ detail, 'o:errorCode': code }] });
const response = (status: number, text: string, headers: Record<string, string> = {}) => ({ status, headers, body: text });

test('NetSuite errors: 429 throttled with Retry-After, 401 auth, USER_ERROR rejected with the detail, 5xx retryable, 2xx none', () => {
  const throttled = netsuiteError(response(429, body(429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded.'), { 'retry-after': '3' }), 'PUT x', 0);
  assert.equal(throttled?.code, 'target_throttled');
  assert.equal(throttled?.retryable, true);
  assert.equal(throttled?.retryAfterSeconds, 3);
  assert.equal(netsuiteError(response(401, body(401, 'INVALID_LOGIN', 'Invalid login attempt.')), 'PUT x', 0)?.code, 'target_auth_failed');
  const rejected = netsuiteError(response(400, body(400, 'USER_ERROR', 'Please enter value(s) for: Subsidiary')), 'PUT salesOrder', 0);
  assert.equal(rejected?.code, 'target_rejected');
  assert.equal(rejected?.retryable, false);
  assert.match(rejected?.message ?? '', /USER_ERROR: Please enter value\(s\) for: Subsidiary/);
  assert.equal(netsuiteError(response(500, body(500, 'UNEXPECTED_ERROR', 'An unexpected error occurred.')), 'PUT x', 0)?.retryable, true);
  assert.equal(netsuiteError(response(204, ''), 'PUT x', 0), undefined);
});

test('a concurrency code in a 400 (RESTlet-style SSS_REQUEST_LIMIT_EXCEEDED) is throttling too', () => {
  assert.equal(netsuiteError(response(400, body(400, 'SSS_REQUEST_LIMIT_EXCEEDED', 'limit')), 'POST x', 0)?.code, 'target_throttled');
});
