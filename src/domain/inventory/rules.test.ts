import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exampleInventoryPosition } from '../events/example-objects.ts';
import { exampleEventData } from '../events/examples.ts';
import { availableQuantity, inventoryMovementProblems, inventoryPositionProblems } from './rules.ts';
import type { InventoryMovement } from './inventory-movement.schema.ts';

describe('inventoryPositionProblems', () => {
  it('accepts available = onHand − reserved − safetyStock', () => {
    assert.deepEqual(inventoryPositionProblems(exampleInventoryPosition), []);
  });

  it('rejects any other available quantity', () => {
    const problems = inventoryPositionProblems({ ...exampleInventoryPosition, available: 12 });
    assert.deepEqual(problems.map((p) => p.pointer), ['/available']);
    assert.match(problems[0]!.message, /= 10/);
  });

  it('never lets available go below zero', () => {
    assert.equal(availableQuantity(-3, 2, 2), 0);
    assert.equal(availableQuantity(3, 2, 2), 0);
    assert.deepEqual(inventoryPositionProblems({ ...exampleInventoryPosition, onHand: 3, available: 0 }), []);
    assert.deepEqual(inventoryPositionProblems({ ...exampleInventoryPosition, onHand: 3, available: -1 }).map((p) => p.pointer), ['/available']);
  });
});

const movement = (type: string): InventoryMovement => structuredClone(exampleEventData[type]) as InventoryMovement;
const pointers = (m: InventoryMovement): string[] => inventoryMovementProblems(m).map((p) => p.pointer);

describe('inventoryMovementProblems', () => {
  it('accepts every example movement', () => {
    for (const type of Object.keys(exampleEventData).filter((t) => t.startsWith('weft.inventory.') && !t.includes('position'))) {
      assert.deepEqual(inventoryMovementProblems(movement(type)), [], type);
    }
  });

  it('fixes the sign of the delta by kind', () => {
    assert.deepEqual(pointers({ ...movement('weft.inventory.received.v1'), quantityDelta: -120 }), ['/quantityDelta']);
    assert.deepEqual(pointers({ ...movement('weft.inventory.sold.v1'), quantityDelta: 1 }), ['/quantityDelta']);
    assert.deepEqual(pointers({ ...movement('weft.inventory.reserved.v1'), quantityDelta: 0 }), ['/quantityDelta']);
    assert.deepEqual(pointers({ ...movement('weft.inventory.adjusted.v1'), kind: 'adjustment', quantityDelta: 0 }), ['/quantityDelta']);
    assert.deepEqual(pointers({ ...movement('weft.inventory.adjusted.v1'), kind: 'adjustment', quantityDelta: 3 }), []);
    // A count that confirms book stock changes nothing and is still worth recording.
    assert.deepEqual(pointers({ ...movement('weft.inventory.counted.v1'), quantityDelta: 0 }), []);
  });

  it('requires a counted quantity on counts only', () => {
    const count = movement('weft.inventory.counted.v1');
    delete count.countedQuantity;
    assert.deepEqual(pointers(count), ['/countedQuantity']);
    assert.deepEqual(pointers({ ...movement('weft.inventory.sold.v1'), countedQuantity: 3 }), ['/countedQuantity']);
  });

  it('requires the other location and the transfer on transfers', () => {
    const out = movement('weft.inventory.transfer_shipped.v1');
    delete out.counterpartLocationId;
    delete out.reference;
    assert.deepEqual(pointers(out), ['/counterpartLocationId', '/reference']);
    const loop = movement('weft.inventory.transfer_received.v1');
    loop.counterpartLocationId = loop.locationId;
    assert.deepEqual(pointers(loop), ['/counterpartLocationId']);
  });

  it('requires reservations to reference their order', () => {
    const reservation = movement('weft.inventory.reserved.v1');
    reservation.reference = { kind: 'transfer', id: 'trf_01JD9NGK80Y3ZH6DZJJXXX7CK5' };
    assert.deepEqual(pointers(reservation), ['/reference']);
  });
});
