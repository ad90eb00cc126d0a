import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulidx';
import { formatId, type IdKind } from '../domain/shared/ids.ts';

/** The time source. Domain code never reads the clock; it is given times by the code that calls it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The machine's wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Makes canonical ids (`ord_01J…`). Ids from one generator sort in creation order, even within a millisecond. */
export interface IdGenerator {
  /** A new canonical id of the given kind. */
  next(kind: IdKind): string;
}

/**
 * A cryptographically random number in [0, 1), drawn from a pool refilled 1,024 values at a time:
 * a ULID needs 16 of them, and one system call per value would cost more than the rest of an
 * ingest request.
 */
function pooledRandom(): () => number {
  const pool = new Uint32Array(1024);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return (pool[next++] as number) / 0x1_0000_0000;
  };
}

/** An id generator whose ULIDs take their time from the given clock and stay monotonic. */
export function createIdGenerator(clock: Clock = systemClock): IdGenerator {
  const ulid = monotonicFactory(pooledRandom());
  return { next: (kind) => formatId(kind, ulid(clock.now())) };
}

/** An ISO 8601 UTC timestamp of a clock reading. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
