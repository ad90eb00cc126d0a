import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load.ts';
import { ConfigError } from '../errors/index.ts';
import { createIdGenerator } from '../ports/clock.ts';
import type { DeliveryTarget } from '../ports/connector.ts';
import { buildPublishRules, inventoryChannels } from './inventory.ts';

// The inventory config as the hub reads it: channel defaults, and publish rules refused before the
// store opens when their channel or their target's action is not configured.

const loc = createIdGenerator().next('location');
const shop = { name: 'webshop', actions: { setInventory: {} } } as unknown as DeliveryTarget;
const config = (publish: unknown[]) => loadConfig({ env: {}, overrides: { inventory: { channels: { webshop: { locations: [loc] } }, publish } } });

describe('inventory config', () => {
  it('fills in the channel defaults and the publish action', () => {
    const c = config([{ channel: 'webshop', target: 'webshop' }]);
    assert.deepEqual(inventoryChannels(c), { webshop: { locations: [loc], safetyStock: 0, includeInTransit: false } });
    assert.deepEqual(buildPublishRules(c, new Map([['webshop', shop]])), [{ channel: 'webshop', target: 'webshop', action: 'setInventory' }]);
  });

  it('names a publish rule whose channel or target action is not configured', () => {
    const c = config([{ channel: 'marketplace', target: 'webshop' }, { channel: 'webshop', target: 'amazon' }]);
    assert.throws(() => buildPublishRules(c, new Map([['webshop', shop]])), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /inventory\.publish\.0\.channel "marketplace" is not in inventory\.channels \(channels: webshop\)/);
      assert.match(error.message, /inventory\.publish\.1: target "amazon" with an action setInventory is not configured/);
      return true;
    });
  });
});
