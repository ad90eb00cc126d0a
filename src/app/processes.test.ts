import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load.ts';
import { ConfigError } from '../errors/index.ts';
import { createIdGenerator } from '../ports/clock.ts';
import type { DeliveryTarget } from '../ports/connector.ts';
import { buildProcesses } from './processes.ts';

// Order-to-cash as the hub builds it from config: every system it names is checked against the
// configured targets and their actions before anything starts, and ship-from-store only with stores.

const store = createIdGenerator().next('location');
const target = (connector: string, actions: string[]) => ({ name: connector, connector, actions: Object.fromEntries(actions.map((action) => [action, {}])) }) as unknown as DeliveryTarget;
const targets = new Map([
  ['erp', target('netsuite', ['upsertSalesOrder', 'closeSalesOrder', 'invoiceSalesOrder'])],
  ['wms', target('shipstation', ['releaseOrder', 'cancelOrder'])],
  ['pos', target('square', ['releaseOrder', 'cancelOrder'])],
  ['shop', target('shopify', ['noteOrder'])],
]);
const build = (orderToCash: Record<string, unknown>) => buildProcesses(loadConfig({ env: {}, overrides: { processes: { orderToCash: { enabled: true, erp: 'erp', warehouse: 'wms', ...orderToCash } } } }), targets);

describe('buildProcesses', () => {
  it('registers both versions of order-to-cash, the latest reserving stock', () => {
    assert.deepEqual(build({}).map((definition) => `${definition.name} v${definition.version}`), ['order-to-cash v1', 'order-to-cash v2']);
  });

  it('refuses stores whose target cannot release, or that name no location, naming the field', () => {
    assert.throws(() => build({ stores: { target: 'shop', locations: [store] } }), (error: unknown) => error instanceof ConfigError && /stores\.target "shop" has no action releaseOrder/.test(error.message));
    assert.throws(() => build({ stores: { target: 'till', locations: [store] } }), (error: unknown) => error instanceof ConfigError && /stores\.target "till" is not a configured target/.test(error.message));
    assert.throws(() => build({ stores: { target: 'pos' } }), (error: unknown) => error instanceof ConfigError && /stores\.locations names no location/.test(error.message));
    assert.throws(() => build({ stores: { target: 'pos', locations: ['store-1'] } }), /stores\/locations\/0|loc_/);
  });

  it('takes stores with a releasing target and their locations', () => {
    assert.equal(build({ stores: { target: 'pos', locations: [store] } }).length, 2);
  });
});
