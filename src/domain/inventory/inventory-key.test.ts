import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryKey, parseInventoryKey } from './inventory-key.ts';

describe('inventoryKey', () => {
  it('joins SKU and location with @', () => {
    assert.equal(inventoryKey('TSH-0815-L-WHT', 'loc_01JD5GQAPENECFSECZP11HYGCP'), 'TSH-0815-L-WHT@loc_01JD5GQAPENECFSECZP11HYGCP');
  });

  it('splits at the last @, so SKUs may contain one', () => {
    assert.deepEqual(parseInventoryKey(inventoryKey('GIFT@CARD', 'loc_01JD5GQAPENECFSECZP11HYGCP')), {
      sku: 'GIFT@CARD',
      locationId: 'loc_01JD5GQAPENECFSECZP11HYGCP',
    });
  });

  it('rejects keys without both parts', () => {
    assert.equal(parseInventoryKey('TSH-0815-L-WHT'), undefined);
    assert.equal(parseInventoryKey('@loc_1'), undefined);
    assert.equal(parseInventoryKey('SKU@'), undefined);
  });
});
