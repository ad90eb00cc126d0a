import type { ConnectorLog } from '../ports/connector.ts';
import type { InboundSource } from '../ports/inbound.ts';
import type { Inbound } from './inbound.ts';

// Polls every source that polls: again at once while it says it has more, after its interval when
// it has caught up, after a back-off when a poll failed. One poll per source at a time; the cursor
// lives in the store, so a restarted hub goes on where the last committed poll stopped.

/** A running set of poll loops. */
export interface PollLoops {
  start(): void;
  /** Stops polling; resolves once no poll is running. */
  stop(): Promise<void>;
}

/** Creates the poll loops for the sources that poll. */
export function createPollLoops(deps: { inbound: Inbound; sources: ReadonlyMap<string, InboundSource>; log: ConnectorLog }, options: { failureBackoffMs: number }): PollLoops {
  const pollers = [...deps.sources.values()].filter((source) => source.poll !== undefined);
  const controller = new AbortController();
  const running = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (controller.signal.aborted) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
      controller.signal.addEventListener('abort', () => resolve(), { once: true });
    });

  async function loop(source: InboundSource): Promise<void> {
    const intervalMs = source.poll?.intervalMs ?? 60_000;
    while (!controller.signal.aborted) {
      try {
        const { outcomes, more } = await deps.inbound.poll(source.name, AbortSignal.any([controller.signal, AbortSignal.timeout(Math.max(intervalMs, 30_000))]));
        if (outcomes.length > 0) deps.log.debug({ source: source.name, changes: outcomes.length, more }, 'polled');
        if (!more) await sleep(intervalMs);
      } catch (error) {
        if (controller.signal.aborted) break;
        deps.log.warn({ source: source.name, err: error }, `polling ${source.name} failed; trying again in ${options.failureBackoffMs} ms`);
        await sleep(options.failureBackoffMs);
      }
    }
  }

  return {
    start() {
      for (const source of pollers) {
        const run = loop(source).finally(() => running.delete(run));
        running.add(run);
      }
    },
    async stop() {
      controller.abort();
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(running);
    },
  };
}
