import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import type { InventoryMovement, MovementKind } from './inventory-movement.schema.ts';
import type { InventoryPosition } from './inventory-position.schema.ts';

// Channels promise `available`; if it does not follow from the other quantities, some system computed
// it differently and will oversell. Movements carry a signed delta whose sign each kind fixes.

/** The quantity channels may promise: on hand less reservations and safety stock, never below zero. */
export function availableQuantity(onHand: number, reserved: number, safetyStock: number): number {
  const free = onHand - reserved - safetyStock;
  return free > 0 ? free : 0;
}

/** Checks a stock position: `available` must equal max(0, onHand − reserved − safetyStock). */
export function inventoryPositionProblems(position: InventoryPosition): Problems {
  const expected = availableQuantity(position.onHand, position.reserved, position.safetyStock);
  if (position.available === expected) return noProblems;
  return [{
    pointer: '/available',
    message: `available must be max(0, onHand − reserved − safetyStock) = ${expected}, not ${position.available}`,
  }];
}

/** The sign each movement kind's delta must have: +1 positive, -1 negative, 0 any non-zero, undefined any. */
const deltaSign: Readonly<Record<MovementKind, 1 | -1 | 0 | undefined>> = {
  receipt: 1,
  return: 1,
  transfer_in: 1,
  reservation: 1,
  sale: -1,
  transfer_out: -1,
  damage: -1,
  release: -1,
  adjustment: 0,
  // A count that confirms book stock is worth recording: delta 0 is fine.
  count: undefined,
};

/** The document kind some movement kinds must reference. */
const requiredReference: Partial<Record<MovementKind, 'order' | 'transfer'>> = {
  transfer_in: 'transfer',
  transfer_out: 'transfer',
  reservation: 'order',
  release: 'order',
};

/** Checks a movement: the delta's sign for its kind, count and transfer fields, the document it must reference. */
export function inventoryMovementProblems(movement: InventoryMovement): Problems {
  let out: Problem[] | undefined;
  const kind = movement.kind;
  const delta = movement.quantityDelta;
  const sign = deltaSign[kind];
  if (sign === 1 && delta <= 0) out = addProblem(out, '/quantityDelta', `a ${kind} adds stock: quantityDelta must be positive`);
  else if (sign === -1 && delta >= 0) out = addProblem(out, '/quantityDelta', `a ${kind} removes stock: quantityDelta must be negative`);
  else if (sign === 0 && delta === 0) out = addProblem(out, '/quantityDelta', `an ${kind} must change stock: quantityDelta cannot be 0`);

  if (kind === 'count') {
    if (movement.countedQuantity === undefined) out = addProblem(out, '/countedQuantity', 'a count must say how many units were found');
  } else if (movement.countedQuantity !== undefined) {
    out = addProblem(out, '/countedQuantity', 'only counts carry countedQuantity');
  }

  const isTransfer = kind === 'transfer_in' || kind === 'transfer_out';
  if (isTransfer) {
    if (movement.counterpartLocationId === undefined) out = addProblem(out, '/counterpartLocationId', 'a transfer must name the other location');
    else if (movement.counterpartLocationId === movement.locationId) out = addProblem(out, '/counterpartLocationId', 'a transfer cannot go to the location it comes from');
  } else if (movement.counterpartLocationId !== undefined) {
    out = addProblem(out, '/counterpartLocationId', 'only transfers carry counterpartLocationId');
  }

  const needed = requiredReference[kind];
  if (needed !== undefined && movement.reference?.kind !== needed) {
    out = addProblem(out, '/reference', `a ${kind} must reference its ${needed}`);
  }
  return out ?? noProblems;
}
