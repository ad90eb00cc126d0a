import type { ConnectorLog } from '../ports/connector.ts';
import type { Store, StoredEvent } from '../ports/store.ts';
import { createStepLoop } from './step-loop.ts';

// A view kept in memory by the log (the availability view, the catalogue): some event types folded
// in log order, at start and then as appends wake it. Nothing is checkpointed: the view is rebuilt
// from the log when the hub starts, so it is always exactly what the log says.

/** A running follower of some event types. */
export interface LogFollower {
  /** Folds the log so far, then follows it. */
  start(): Promise<void>;
  /** Looks at the log now (an append happened). */
  wake(): void;
  stop(): Promise<void>;
  /** Folds everything in the log now. */
  catchUp(): Promise<void>;
  /** Where the log has been read to. */
  position(): number;
}

/** Follows the log's events of `types`, handing each to `apply` in log order. */
export function createLogFollower(
  deps: { store: Store; log: ConnectorLog },
  options: { name: string; types: readonly string[]; apply: (event: StoredEvent) => void; batchSize?: number; pollMs?: number },
): LogFollower {
  const { store } = deps;
  const batchSize = options.batchSize ?? 2000;
  let position = 0;
  /** Folds the next batch; resolves to whether there may be more. */
  async function step(): Promise<boolean> {
    const last = await store.lastPosition();
    if (last <= position) return false;
    const events = await store.readAll({ after: position, limit: batchSize, types: options.types });
    for (const event of events) options.apply(event);
    // Past the last event read: up to the end of the log as it was, unless the batch was full. Monotonic:
    // a catch-up and the follow loop may read at once, so `apply` must skip what it has (by sequence).
    position = Math.max(position, events.length === batchSize ? (events.at(-1)?.position ?? last) : last);
    return events.length === batchSize;
  }
  const loop = createStepLoop(step, { pollMs: options.pollMs ?? 250, onError: (error) => deps.log.error({ err: error }, `${options.name}: folding the log failed; retrying`) });
  async function catchUp(): Promise<void> {
    while (await step());
  }
  return {
    async start() {
      await catchUp();
      loop.start();
    },
    wake: () => loop.wake(),
    stop: () => loop.stop(),
    catchUp,
    position: () => position,
  };
}
