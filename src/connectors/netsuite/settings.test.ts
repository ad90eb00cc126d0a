import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../errors/index.ts';
import { netsuiteManifest } from './manifest.ts';
import { accountHost, accountRealm, parseNetSuiteSettings, restRoot } from './settings.ts';

const valid = { connector: 'netsuite', accountId: '1234567_SB1', auth: { consumerKey: 'a', consumerSecret: 'b', tokenId: 'c', tokenSecret: 'd' } };

test('defaults: concurrency 5, USD, the custom line fields', () => {
  const settings = parseNetSuiteSettings('targets.erp', valid);
  assert.equal(settings.maxConcurrency, 5);
  assert.equal(settings.currency, 'USD');
  assert.equal(settings.lineIdField, 'custcol_weft_line_id');
});

test('account id: host in lower case with "-", realm in upper case with "_"', () => {
  assert.equal(accountHost('1234567_SB1'), '1234567-sb1');
  assert.equal(accountRealm('1234567-sb1'), '1234567_SB1');
  assert.equal(restRoot(parseNetSuiteSettings('targets.erp', valid)), 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest');
});

test('bad settings: one line per field, named by its path, secrets not echoed', () => {
  assert.throws(
    () => parseNetSuiteSettings('targets.erp', { ...valid, accountId: 'bad id', maxConcurrency: 0, auth: { consumerKey: 'a', consumerSecret: 'sekrit-value', tokenId: 'c' } }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /targets\.erp\.accountId/);
      assert.match(error.message, /targets\.erp\.maxConcurrency/);
      assert.match(error.message, /targets\.erp\.auth\.tokenSecret is required/);
      assert.doesNotMatch(error.message, /sekrit-value/);
      return true;
    },
  );
});

test('manifest: every action declared with its idempotency; the budget is the standard account concurrency', () => {
  assert.equal(netsuiteManifest.rateLimit.maxConcurrency, 5);
  assert.equal(netsuiteManifest.actions.upsertSalesOrder?.idempotency, 'natural');
  assert.equal(netsuiteManifest.actions.fulfilSalesOrder?.idempotency, 'lookup');
  assert.deepEqual(Object.keys(netsuiteManifest.topics), ['itemFulfillment', 'invoice']);
});
