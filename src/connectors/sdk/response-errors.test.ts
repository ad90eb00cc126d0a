import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpResponse } from '../../ports/connector.ts';
import { errorForResponse, parseRetryAfter } from './response-errors.ts';

const now = Date.parse('2025-01-01T00:00:00Z');
const response = (status: number, body = '', headers: Record<string, string> = {}): HttpResponse => ({ status, body, headers });

test('parseRetryAfter reads delta-seconds and HTTP-dates', () => {
  assert.equal(parseRetryAfter('120', now), 120);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('1.5', now), 2);
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30);
  assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0, 'a date in the past means now');
  assert.equal(parseRetryAfter('2025', now), 2025, 'digits alone are seconds, not a year');
  for (const bad of [undefined, '', 'soon', '-5', '1e3']) assert.equal(parseRetryAfter(bad, now), undefined, String(bad));
});

test('2xx is no error', () => {
  for (const status of [200, 201, 202, 204, 299]) assert.equal(errorForResponse(response(status), 'POST /x to erp'), undefined);
});

test('statuses map to codes, always with targetStatus', () => {
  const cases: [number, string, boolean][] = [
    [408, 'target_unavailable', true],
    [429, 'target_throttled', true],
    [401, 'target_auth_failed', false],
    [403, 'target_auth_failed', false],
    [400, 'target_rejected', false],
    [404, 'target_rejected', false],
    [409, 'target_rejected', false],
    [422, 'target_rejected', false],
    [500, 'target_unavailable', true],
    [502, 'target_unavailable', true],
    [503, 'target_unavailable', true],
    [504, 'target_unavailable', true],
    [100, 'target_rejected', false],
    [301, 'target_rejected', false],
    [304, 'target_rejected', false],
  ];
  for (const [status, code, retryable] of cases) {
    const error = errorForResponse(response(status), 'POST /x to erp', now);
    assert.equal(error?.code, code, String(status));
    assert.equal(error?.retryable, retryable, String(status));
    assert.equal(error?.targetStatus, status);
  }
});

test('429 and 503 carry Retry-After; other statuses do not', () => {
  assert.equal(errorForResponse(response(429, '', { 'retry-after': '7' }), 'x', now)?.retryAfterSeconds, 7);
  assert.equal(errorForResponse(response(503, '', { 'retry-after': 'Wed, 01 Jan 2025 00:01:00 GMT' }), 'x', now)?.retryAfterSeconds, 60);
  assert.equal(errorForResponse(response(429), 'x', now)?.retryAfterSeconds, undefined);
  assert.equal(errorForResponse(response(500, '', { 'retry-after': '7' }), 'x', now)?.retryAfterSeconds, undefined);
});

test('the message names the request and status and quotes a short single-line excerpt of the body', () => {
  const body = `{"error":\n  "duplicate order",\r\n "detail": "${'x'.repeat(1000)}"}`;
  const error = errorForResponse(response(409, body), 'POST /orders to erp', now);
  assert.ok(error);
  assert.match(error.message, /^POST \/orders to erp: target answered 409: \{"error": "duplicate order", "detail": "x+…$/);
  const excerpt = error.message.split('409: ')[1] ?? '';
  assert.ok(excerpt.length <= 200, `excerpt of ${excerpt.length} chars`);
  assert.doesNotMatch(error.message, /\n/);
  assert.equal(errorForResponse(response(500), 'GET /x', now)?.message, 'GET /x: target answered 500');
});
