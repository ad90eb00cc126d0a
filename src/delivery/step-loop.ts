// The loop behind the log's readers (the router, the process runner): take steps while there may be
// more, sleep `pollMs` when caught up, wake at once when told (an append happened), log a failed
// step and try again, and stop after the step in progress.

/** A started-or-stopped loop over a step function. */
export interface StepLoop {
  start(): void;
  /** Steps now instead of at the next poll. */
  wake(): void;
  /** Finishes the step in progress, then stops. */
  stop(): Promise<void>;
  /** Steps until a step says there is no more, then resolves (tests, benchmarks). */
  drain(): Promise<void>;
}

/** A loop over `step`, which resolves to whether there may be more right away. */
export function createStepLoop(step: () => Promise<boolean>, options: { pollMs: number; onError: (error: unknown) => void; enabled?: boolean }): StepLoop {
  let stopped = false;
  let running: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  async function loop(): Promise<void> {
    while (!stopped) {
      let more = false;
      try {
        woken = false;
        more = await step();
      } catch (error) {
        options.onError(error);
        more = false;
      }
      if (more || woken || stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.pollMs);
        function done(): void {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        }
        wakeUp = done;
      });
    }
  }

  return {
    start() {
      if (running || options.enabled === false) return;
      running = loop();
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      await running;
    },
    async drain() {
      while (await step());
    },
  };
}
