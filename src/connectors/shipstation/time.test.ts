import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MappingError } from '../../errors/index.ts';
import { shipStationTimeToUtc, toShipStationTime } from './time.ts';

const LA = 'America/Los_Angeles';

describe('ShipStation time', () => {
  it('reads offset-less timestamps as Pacific wall-clock time, PST and PDT', () => {
    assert.equal(shipStationTimeToUtc('2015-07-16T14:00:34.8230000', LA, '/createDate'), '2015-07-16T21:00:34.823Z');
    assert.equal(shipStationTimeToUtc('2014-12-03T06:45:52.3430000', LA, '/createDate'), '2014-12-03T14:45:52.343Z');
    assert.equal(shipStationTimeToUtc('2026-03-08 01:59:59', LA, '/x'), '2026-03-08T09:59:59.000Z');
    assert.equal(shipStationTimeToUtc('2026-03-08T03:00:00', LA, '/x'), '2026-03-08T10:00:00.000Z');
  });

  it('converts timestamps that carry an offset as they say', () => {
    assert.equal(shipStationTimeToUtc('2016-01-12T16:03:06Z', LA, '/x'), '2016-01-12T16:03:06.000Z');
  });

  it('writes instants the way ShipStation reads them, and back', () => {
    assert.equal(toShipStationTime('2026-11-20T09:14:03.512Z', LA), '2026-11-20T01:14:03.5120000');
    assert.equal(shipStationTimeToUtc(toShipStationTime('2026-07-01T12:00:00.001Z', LA), LA, '/x'), '2026-07-01T12:00:00.001Z');
  });

  it('names the field of a value that is no timestamp', () => {
    assert.throws(() => shipStationTimeToUtc('2026-11-20', LA, '/shipments/0/createDate'), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/shipments/0/createDate');
  });
});
