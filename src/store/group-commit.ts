import { DependencyError, WeftError } from '../errors/index.ts';
import type { CommitBatchStats, CommitResult, UnitOfWork } from '../ports/store.ts';

/** What an adapter's batch writer returns for each unit: its result, or the error that undid it. */
export type UnitOutcome = CommitResult | Error;

/**
 * Writes a batch of units in one transaction, each unit atomic on its own (a savepoint per unit):
 * a unit whose precondition fails is rolled back alone. Throws when the transaction as a whole
 * could not be made durable; then no unit of the batch took effect.
 */
export type BatchWriter = (units: readonly UnitOfWork[]) => UnitOutcome[] | Promise<UnitOutcome[]>;

/** Tuning of the group commit. */
export interface GroupCommitOptions {
  /** Most units in one transaction. */
  maxBatchUnits: number;
  /** Most events in one transaction (a unit larger than this still goes alone). */
  maxBatchEvents: number;
  /** Called after each transaction. */
  onCommit?: ((stats: CommitBatchStats) => void) | undefined;
  /**
   * Batches handed to the writer before earlier ones are durable (default 1). A writer that takes
   * batches in order and may merge queued ones into one transaction (the SQLite writer thread)
   * keeps the caller's thread busy with new requests instead of idle while a commit is flushed.
   */
  maxInFlightBatches?: number;
}

interface Pending {
  unit: UnitOfWork;
  events: number;
  resolve: (result: CommitResult) => void;
  reject: (error: Error) => void;
}

/** A queue that turns many concurrent commits into few durable transactions. */
export interface GroupCommitter {
  /** Queues a unit; settles once its transaction is durable (or failed). */
  submit(unit: UnitOfWork): Promise<CommitResult>;
  /** Units waiting or being written. */
  pendingUnits(): number;
  /** Events waiting or being written. */
  pendingEvents(): number;
  /** Refuses new units and resolves once everything queued is written. */
  close(): Promise<void>;
}

/**
 * Group commit: units submitted while a transaction is being written (or within the same turn of
 * the event loop) go into the next transaction together, so one flush to disk acknowledges them
 * all. Durability then costs one fsync per batch instead of one per request.
 */
export function createGroupCommitter(write: BatchWriter, options: GroupCommitOptions): GroupCommitter {
  let queue: Pending[] = [];
  let inFlightUnits = 0;
  let inFlightEvents = 0;
  let queuedEvents = 0;
  let writing = 0;
  const maxInFlight = options.maxInFlightBatches ?? 1;
  let scheduled = false;
  let closing = false;
  let idle: (() => void) | undefined;

  const schedule = (): void => {
    if (scheduled || writing >= maxInFlight || queue.length === 0) return;
    scheduled = true;
    setImmediate(() => void flush());
  };

  const takeBatch = (): Pending[] => {
    let events = 0;
    let count = 0;
    while (count < queue.length && count < options.maxBatchUnits) {
      const next = queue[count] as Pending;
      if (count > 0 && events + next.events > options.maxBatchEvents) break;
      events += next.events;
      count++;
    }
    const batch = queue.slice(0, count);
    queue = queue.slice(count);
    return batch;
  };

  const writeAlone = async (pending: Pending): Promise<void> => {
    try {
      const [outcome] = await write([pending.unit]);
      if (outcome === undefined) pending.reject(new WeftError('internal', 'The store returned no result for a unit of work.'));
      else if (outcome instanceof Error) pending.reject(outcome);
      else pending.resolve(outcome);
    } catch (error) {
      pending.reject(storeFailure(error));
    }
  };

  const flush = async (): Promise<void> => {
    scheduled = false;
    if (writing >= maxInFlight || queue.length === 0) return;
    writing++;
    const batch = takeBatch();
    const events = batch.reduce((sum, pending) => sum + pending.events, 0);
    queuedEvents -= events;
    inFlightUnits += batch.length;
    inFlightEvents += events;
    // More work may already be waiting, and there may be room for another batch in flight.
    schedule();
    const started = performance.now();
    try {
      const outcomes = await write(batch.map((pending) => pending.unit));
      let appended = 0;
      batch.forEach((pending, index) => {
        const outcome = outcomes[index];
        if (outcome instanceof Error) pending.reject(outcome);
        else if (outcome === undefined) pending.reject(new WeftError('internal', 'The store returned no result for a unit of work.'));
        else {
          if (outcome.status === 'committed') appended += outcome.events.filter((event) => !event.duplicate).length;
          pending.resolve(outcome);
        }
      });
      options.onCommit?.({ units: batch.length, events: appended, durationMs: performance.now() - started });
    } catch (error) {
      if (batch.length > 1 && !(error instanceof WeftError && error.retryable)) {
        // One malformed unit must not fail its neighbours: write each alone to find it. A store
        // that is down (a retryable failure) fails the whole batch at once instead.
        for (const pending of batch) await writeAlone(pending);
      } else {
        const failure = storeFailure(error);
        for (const pending of batch) pending.reject(failure);
      }
    } finally {
      writing--;
      inFlightUnits -= batch.length;
      inFlightEvents -= events;
      if (queue.length > 0) schedule();
      else if (writing === 0 && idle) idle();
    }
  };

  return {
    submit(unit) {
      if (closing) return Promise.reject(new DependencyError('store_unavailable', 'The store is closing; the write was not accepted.'));
      return new Promise<CommitResult>((resolve, reject) => {
        const events = unit.events?.length ?? 0;
        queue.push({ unit, events, resolve, reject });
        queuedEvents += events;
        schedule();
      });
    },
    pendingUnits: () => queue.length + inFlightUnits,
    pendingEvents: () => queuedEvents + inFlightEvents,
    close() {
      closing = true;
      if (queue.length === 0 && writing === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idle = resolve;
        schedule();
      });
    },
  };
}

// Adapters raise store_unavailable themselves for failures of the store (I/O, connection, lock);
// anything else that fails a unit on its own is a defect of that unit or of Weft, not worth a retry.
function storeFailure(error: unknown): WeftError {
  if (error instanceof WeftError) return error;
  return new WeftError('internal', 'The store refused the write; nothing was written.', { cause: error });
}
