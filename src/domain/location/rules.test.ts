import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exampleLocation } from '../events/example-objects.ts';
import { locationProblems } from './rules.ts';
import type { Location } from './location.schema.ts';

const edit = (change: (location: Location) => void): Location => {
  const copy = structuredClone(exampleLocation);
  change(copy);
  return copy;
};
const pointers = (location: Location): string[] => locationProblems(location).map((p) => p.pointer);

describe('locationProblems', () => {
  it('accepts a valid store', () => {
    assert.deepEqual(locationProblems(exampleLocation), []);
  });

  it('requires an address for stores and distribution centres, not for virtual locations', () => {
    assert.deepEqual(pointers(edit((l) => { delete l.address; })), ['/address']);
    assert.deepEqual(pointers(edit((l) => {
      delete l.address;
      l.kind = 'virtual';
      l.capabilities = [];
      l.pickupHours = [];
    })), []);
  });

  it('offers ship-from-store and pickup only in stores', () => {
    assert.deepEqual(pointers(edit((l) => { l.kind = 'distribution_centre'; })), ['/capabilities/0', '/capabilities/1']);
  });

  it('needs pickup hours that close after they open when offering pickup', () => {
    assert.deepEqual(pointers(edit((l) => { l.pickupHours = []; })), ['/pickupHours']);
    assert.deepEqual(pointers(edit((l) => { l.pickupHours[2]!.closes = '09:00'; })), ['/pickupHours/2/closes']);
  });
});
