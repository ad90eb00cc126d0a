import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { TargetError } from '../../errors/index.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../sdk/index.ts';
import { createSalesforceClient } from './client.ts';

// The token handling of the client against a scripted transport: what Salesforce answered decides
// how many tokens are asked for and what the caller sees.

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const SECRET = 'consumer-secret-b7Qx';

function scripted(answer: (request: HttpRequest, index: number) => HttpResponse): HttpClient & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    request: async (request) => {
      sent.push(request);
      return answer(request, sent.length - 1);
    },
    close: async () => undefined,
  };
}

const isToken = (request: HttpRequest) => request.url.endsWith('/services/oauth2/token');
const token = (): HttpResponse => ({ status: 200, headers: {}, body: fixture('token.client-credentials.json') });
const options = (http: HttpClient) => ({ http, loginUrl: 'https://acme.my.salesforce.com', clientId: 'consumer-key-1', clientSecret: SECRET, apiVersion: '62.0', timeoutMs: 1000, target: 'crm' });
const get = { method: 'GET' as const, path: '/sobjects/Weft_Order__c/Weft_Order_Id__c/ord_1', what: 'GET Weft_Order__c' };
const signal = new AbortController().signal;

test('the token request is the client credentials grant on the My Domain, and data goes to the instance_url', async () => {
  const http = scripted((request) => (isToken(request) ? token() : { status: 200, headers: {}, body: fixture('record.get.json') }));
  await createSalesforceClient(options(http)).send(get, signal, 0);
  const [tokenRequest, data] = http.sent;
  assert.equal(tokenRequest?.url, 'https://acme.my.salesforce.com/services/oauth2/token');
  assert.equal(tokenRequest?.headers?.['content-type'], 'application/x-www-form-urlencoded');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(String(tokenRequest?.body))), { grant_type: 'client_credentials', client_id: 'consumer-key-1', client_secret: SECRET });
  assert.equal(data?.url, 'https://acme.my.salesforce.com/services/data/v62.0/sobjects/Weft_Order__c/Weft_Order_Id__c/ord_1');
  assert.match(data?.headers?.authorization ?? '', /^Bearer 00DB0000000ExAmPLE!/);
});

test('a 401 after a fresh token is target_auth_failed: one refresh only, and no token or secret in the message', async () => {
  const http = scripted((request) => (isToken(request) ? token() : { status: 401, headers: {}, body: fixture('error.invalid-session.json') }));
  await assert.rejects(createSalesforceClient(options(http)).send(get, signal, 0), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.deepEqual([error.code, error.retryable, error.targetStatus], ['target_auth_failed', false, 401]);
    assert.match(error.message, /refused a freshly issued token \(401 INVALID_SESSION_ID\)/);
    assert.doesNotMatch(error.message, /ExAmPLE!|consumer-secret/);
    return true;
  });
  assert.deepEqual(http.sent.map((request) => (isToken(request) ? 'token' : 'get')), ['token', 'get', 'token', 'get']);
});

test('concurrent requests share one token request', async () => {
  const http = scripted((request) => (isToken(request) ? token() : { status: 200, headers: {}, body: '{}' }));
  const client = createSalesforceClient(options(http));
  await Promise.all([client.send(get, signal, 0), client.send(get, signal, 0), client.send(get, signal, 0)]);
  assert.equal(http.sent.filter(isToken).length, 1);
});

test('a failed token request is not cached: the next send asks again', async () => {
  const http = scripted((request, index) => (isToken(request) && index === 0 ? { status: 503, headers: {}, body: 'down' } : isToken(request) ? token() : { status: 200, headers: {}, body: '{}' }));
  const client = createSalesforceClient(options(http));
  await assert.rejects(client.send(get, signal, 0), (error: unknown) => error instanceof TargetError && error.code === 'target_unavailable');
  await client.send(get, signal, 0);
  assert.equal(http.sent.filter(isToken).length, 2);
});

test('a message that would quote the secret (a proxy echoing the request) is masked', async () => {
  const http = scripted((request) => (isToken(request) ? { status: 502, headers: {}, body: `bad gateway for client_secret=${SECRET}` } : token()));
  await assert.rejects(createSalesforceClient(options(http)).send(get, signal, 0), (error: unknown) => error instanceof TargetError && !error.message.includes(SECRET) && error.message.includes('client_secret=***'));
});
