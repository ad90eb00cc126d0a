import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../errors/index.ts';
import { salesforceManifest } from './manifest.ts';
import { parseSalesforceTargetSettings } from './settings.ts';

const valid = { connector: 'salesforce', loginUrl: 'https://acme.my.salesforce.com', clientId: 'key', clientSecret: 'sekrit-value' };

test('defaults: API 62.0, the Weft_Order__c object and its fields', () => {
  const settings = parseSalesforceTargetSettings('crm', valid);
  assert.equal(settings.apiVersion, '62.0');
  assert.equal(settings.orderObject, 'Weft_Order__c');
  assert.equal(settings.externalIdField, 'Weft_Order_Id__c');
  assert.deepEqual(settings.fields, { status: 'Status__c', reason: 'Status_Reason__c', note: 'Status_Note__c', changedAt: 'Status_Changed_At__c' });
  assert.deepEqual(parseSalesforceTargetSettings('crm', { ...valid, fields: { note: 'Agent_Note__c' } }).fields.note, 'Agent_Note__c');
});

test('bad settings: one line per field by its path, secrets never echoed', () => {
  assert.throws(
    () => parseSalesforceTargetSettings('crm', { connector: 'salesforce', loginUrl: 'https://acme.my.salesforce.com/path', clientSecret: 'sekrit-value', apiVersion: 'v62', extra: 1 }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /targets\.crm\.clientId is required/);
      assert.match(error.message, /targets\.crm\.loginUrl/);
      assert.match(error.message, /targets\.crm\.apiVersion/);
      assert.match(error.message, /targets\.crm\.extra is not a known field/);
      assert.doesNotMatch(error.message, /sekrit-value/);
      return true;
    },
  );
});

test('the generic login hosts are refused: the client credentials flow needs the My Domain', () => {
  for (const host of ['https://login.salesforce.com', 'https://test.salesforce.com']) {
    assert.throws(() => parseSalesforceTargetSettings('crm', { ...valid, loginUrl: host }), /targets\.crm\.loginUrl .* does not issue client credentials tokens: use the org's My Domain URL/);
  }
});

test('the four status fields must differ from each other and from the external id field', () => {
  assert.throws(() => parseSalesforceTargetSettings('crm', { ...valid, fields: { note: 'Status__c' } }), /targets\.crm\.fields must name four different fields/);
  assert.throws(() => parseSalesforceTargetSettings('crm', { ...valid, fields: { reason: 'Weft_Order_Id__c' } }), /none of them the external id field/);
});

test('manifest: a CRM target with one natural noteOrder action, secrets marked in the schema', () => {
  assert.deepEqual([salesforceManifest.name, salesforceManifest.systemType, Object.keys(salesforceManifest.actions)], ['salesforce', 'crm', ['noteOrder']]);
  assert.equal(salesforceManifest.actions.noteOrder?.idempotency, 'natural');
  const properties = (salesforceManifest.settings as { properties: Record<string, Record<string, unknown>> }).properties;
  assert.equal(properties.clientSecret?.['x-weft-secret'], true);
  assert.equal(properties.clientId?.['x-weft-secret'], true);
});
