import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../errors/index.ts';
import { parseShipStationSourceSettings, parseShipStationTargetSettings } from './settings.ts';

const TOKEN = 'a'.repeat(32);
const source = { connector: 'shipstation', apiKey: 'k', apiSecret: 's', webhookToken: TOKEN, locationId: 'loc_01JDWPQ5E6EYCNDY0YP57RCYBV' };

describe('ShipStation settings', () => {
  it('fills the defaults: the V1 origin, ship groups only, Pacific time', () => {
    const target = parseShipStationTargetSettings('wh', { connector: 'shipstation', apiKey: 'k', apiSecret: 's' });
    assert.equal(target.baseUrl, 'https://ssapi.shipstation.com');
    assert.deepEqual(target.fulfilmentKinds, ['ship']);
    assert.equal(target.timeZone, 'America/Los_Angeles');
  });

  it('names each bad field by its path', () => {
    assert.throws(
      () => parseShipStationTargetSettings('wh', { connector: 'shipstation', apiKey: '', storeId: 0, extra: 1 }),
      (error: unknown) =>
        error instanceof ConfigError && /targets\.wh\.apiSecret is required/.test(error.message) && /targets\.wh\.extra is not a known field/.test(error.message) && /targets\.wh\.storeId/.test(error.message),
    );
  });

  it('refuses an unknown time zone', () => {
    assert.throws(() => parseShipStationSourceSettings('wh', { ...source, timeZone: 'Mars/Olympus' }), /sources\.wh\.timeZone "Mars\/Olympus" is not an IANA time zone/);
  });

  it('refuses a short webhook token', () => {
    assert.throws(() => parseShipStationSourceSettings('wh', { ...source, webhookToken: 'short' }), /sources\.wh\.webhookToken/);
  });
});
