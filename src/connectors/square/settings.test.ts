import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../errors/index.ts';
import { squareConnector } from './index.ts';
import { DEFAULT_SQUARE_VERSION, parseSquareSourceSettings } from './settings.ts';

// Settings are checked when the source or target is built, with one line per bad field.

test('a source with only the required fields gets the documented defaults', () => {
  const settings = parseSquareSourceSettings('pos-us', { connector: 'square', accessToken: 't', signatureKey: 'k' });
  assert.equal(settings.baseUrl, 'https://connect.squareup.com');
  assert.equal(settings.squareVersion, DEFAULT_SQUARE_VERSION);
  assert.equal(settings.skuSource, 'catalog');
  assert.equal(settings.webhookMaxAgeHours, 48);
});

test('bad settings name every field at fault, and the secret is not echoed', () => {
  assert.throws(
    () => squareConnector.createSource?.('pos-us', { connector: 'square', accessToken: 'EAAAvery-secret', skuSource: 'gtin' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /sources\.pos-us\.signatureKey is required/);
      assert.match(error.message, /sources\.pos-us\.skuSource must be one of catalog, catalogObjectId/);
      assert.doesNotMatch(error.message, /EAAAvery-secret/);
      return true;
    },
  );
  assert.throws(() => squareConnector.createTarget?.('pos-us', { connector: 'square', accessToken: 't', locations: { 'not-a-loc': 'L1' } }, { http: { request: async () => ({ status: 200, headers: {}, body: '' }), close: async () => {} } }), /targets\.pos-us\.locations/);
});
