import { CapacityError, TargetError, WeftError } from '../errors/index.ts';
import { idempotencyKeyOf, type ActionCommand, type DeliveryTarget, type XrefLookup } from '../ports/connector.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { CommandSettlement, NewEvent, Store, StoredCommand, UnitOfWork } from '../ports/store.ts';
import { classifyFailure, type Failure } from './classify.ts';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.ts';
import { createRateBudget, type Permit, type RateBudget } from './rate-budget.ts';
import { decideRetry, resolveRetryPolicy } from './retry-policy.ts';
import type { DeliveryLog, DeliveryMetrics } from './telemetry.ts';

// The delivery engine: moves commands from the outbox to connector actions. One lane per target
// claims commands (leases, so several workers or hubs can share the outbox), waits for the target's
// rate budget and circuit breaker, runs the action, and settles the outcome in the store: a receipt,
// a retry at a backed-off time, or a dead letter that parks its key. Ordering per key comes from the
// claim itself: only the oldest unfinished command of a key is ever handed out.

/** What the engine needs. */
export interface DeliveryEngineDeps {
  store: Store;
  /** Configured targets by name. */
  targets: ReadonlyMap<string, DeliveryTarget>;
  clock: Clock;
  ids: IdGenerator;
  log: DeliveryLog;
  metrics?: DeliveryMetrics;
  /** HTTP client handed to actions. */
  http: ActionContextHttp;
}

type ActionContextHttp = Parameters<DeliveryTarget['actions'][string]['run']>[0]['http'];

/** The CloudEvents source of the command results the engine appends. */
export const DELIVERY_EVENT_SOURCE = 'urn:weft:delivery';

/** Tuning of the engine; every field has a default. */
export interface DeliveryEngineOptions {
  /** Name of this worker in leases and attempt records (unique per hub process). */
  owner: string;
  /**
   * Prefix shared by every run of this hub (its stable worker id followed by `:`). At start, leases
   * held under it are freed: they belong to an earlier run that died, and would otherwise hold their
   * commands until the lease lapses.
   */
  reclaimPrefix?: string;
  /** How long a claim holds a command; must exceed any target's timeout by a margin. Default: 4 × the longest timeout, at least 60 s. */
  leaseMs?: number;
  /** How often an idle lane looks for due commands, in ms. Default 250. */
  pollMs?: number;
  /** Most commands a lane holds (claimed, waiting or in flight) at once. Default 512. */
  maxHeld?: number;
  /** How long `stop` waits for deliveries in flight before aborting them, in ms. Default 10 000. */
  stopGraceMs?: number;
  /** Random numbers for backoff jitter (tests make it deterministic). */
  random?: () => number;
}

/** A target's delivery state, for the API, the CLI and metrics. */
export interface TargetStatus {
  target: string;
  breaker: 'closed' | 'open' | 'half_open';
  /** Current (adaptive) requests per second of the rate budget. */
  ratePerSecond: number;
  /** Commands claimed by this hub and not yet settled. */
  held: number;
  inFlight: number;
}

/** A running delivery engine. */
export interface DeliveryEngine {
  /** Starts a lane per target. */
  start(): void;
  /** Looks for due commands now instead of at the next poll (after enqueueing or replaying). */
  wake(target?: string): void;
  status(): TargetStatus[];
  /** Stops claiming, lets deliveries in flight finish (or aborts them after the grace period), hands back the rest. */
  stop(): Promise<void>;
}

export { idempotencyKeyOf };

/** How long a lane gathers finished deliveries before it claims again. */
const CLAIM_COALESCE_MS = 10;

/** Whether a failure counts against the target's health: it answered badly or not at all. */
function breakerOutcome(failure: Failure): 'failure' | 'success' | 'neutral' {
  if (failure.code === 'target_timeout' || failure.code === 'target_unreachable' || failure.code === 'target_unavailable') return 'failure';
  // The target answered deliberately (a 4xx): it is up, whatever it thought of the request.
  if (failure.code === 'target_rejected' || failure.code === 'target_auth_failed') return 'success';
  return 'neutral';
}

/** Creates the engine; `start` begins delivering. */
export function createDeliveryEngine(deps: DeliveryEngineDeps, options: DeliveryEngineOptions): DeliveryEngine {
  const { store, clock, log } = deps;
  const longestTimeout = Math.max(0, ...[...deps.targets.values()].map((target) => target.timeoutMs));
  const leaseMs = options.leaseMs ?? Math.max(60_000, 4 * longestTimeout);
  const pollMs = options.pollMs ?? 250;
  const maxHeld = options.maxHeld ?? 512;
  const stopGraceMs = options.stopGraceMs ?? 10_000;
  const random = options.random ?? Math.random;
  // Actions read the cross-reference map through this, never the store itself.
  const xrefs: XrefLookup = {
    externalIds: async (canonicalId, system) => (await store.xrefsOf(canonicalId)).filter((xref) => xref.system === system).map((xref) => xref.externalId),
    canonicalId: (entity, system, externalId) => store.resolveXref(entity, system, externalId),
  };
  // Stopping happens in two phases: `halting` stops claims and dispatches; then, after the grace
  // period, the attempts still in flight are aborted.
  const halting = new AbortController();
  const lanes = new Map<string, Lane>();
  /** Controllers of the attempts in flight, aborted when the stop grace period is over. */
  const attempts = new Set<AbortController>();
  let started = false;

  const sleep = (ms: number, lane: Lane): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        lane.wakeUp = undefined;
        halting.signal.removeEventListener('abort', done);
        resolve();
      }
      lane.wakeUp = done;
      halting.signal.addEventListener('abort', done, { once: true });
    });

  interface Lane {
    target: DeliveryTarget;
    budget: RateBudget;
    breaker: CircuitBreaker;
    /** Commands claimed and not yet settled, by id: guards against taking one twice. */
    held: Set<string>;
    inFlight: number;
    wakeUp: (() => void) | undefined;
    running: Promise<void> | undefined;
    deliveries: Set<Promise<void>>;
    claimTimer: NodeJS.Timeout | undefined;
  }

  function laneFor(target: DeliveryTarget): Lane {
    return {
      target,
      budget: createRateBudget(target.rateLimit, { clock }),
      breaker: createCircuitBreaker(target.breaker, {
        clock,
        onStateChange: (from, to) => {
          log.warn({ target: target.name, from, to }, `circuit breaker of ${target.name} ${to === 'open' ? 'opened' : to === 'closed' ? 'closed' : 'is probing'}`);
          deps.metrics?.breakerState(target.name, to);
        },
      }),
      held: new Set(),
      inFlight: 0,
      wakeUp: undefined,
      running: undefined,
      deliveries: new Set(),
      claimTimer: undefined,
    };
  }

  async function commit(unit: UnitOfWork, what: string): Promise<boolean> {
    try {
      const result = await store.commit(unit);
      if (result.status === 'committed' || result.status === 'replayed') return true;
      log.error({ result: result.status }, `could not record ${what}`);
    } catch (error) {
      // The lease lapses and the command is delivered again; its idempotency key prevents a second effect.
      log.error({ err: error }, `could not record ${what}; the command will be delivered again`);
    }
    return false;
  }

  function actionCommand(command: StoredCommand): ActionCommand {
    return {
      id: command.id,
      target: command.target,
      action: command.action,
      key: command.key,
      payload: command.payload,
      attempt: command.attempts + 1,
      createdAt: command.createdAt,
      causationId: command.causationId,
      traceparent: command.traceparent,
    };
  }

  /** Runs one attempt; `answered` is called once the target is done with it (before the outcome is recorded). */
  async function deliver(lane: Lane, command: StoredCommand, answered: () => void): Promise<void> {
    const { target } = lane;
    const attempt = command.attempts + 1;
    const started = clock.now();
    const startedAt = new Date(started).toISOString();
    const action = target.actions[command.action];
    let settlement: CommandSettlement;
    let xref: UnitOfWork['xrefs'] | undefined;
    // One controller per attempt, aborted by its own timer or by stop(); a shared signal with a
    // listener per attempt (AbortSignal.any) costs more than the rest of the bookkeeping.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new TargetError('target_timeout', `${target.name} did not answer within ${target.timeoutMs} ms.`));
    }, target.timeoutMs);
    attempts.add(controller);
    try {
      if (!action) {
        throw new WeftError('unknown_action', `Target ${target.name} (connector ${target.connector}) has no action "${command.action}".`);
      }
      const result = await action.run({
        command: actionCommand(command),
        idempotencyKey: idempotencyKeyOf(command.id),
        http: deps.http,
        xrefs,
        log,
        clock,
        signal: controller.signal,
      });
      const durationMs = clock.now() - started;
      lane.breaker.record('success');
      settlement = {
        id: command.id,
        outcome: 'done',
        owner: options.owner,
        attempt: { attempt, owner: options.owner, startedAt, durationMs, outcome: 'done' },
        receipt: { target: target.name, action: command.action, targetId: result.targetId, status: result.status },
      };
      if (result.xref && result.targetId !== undefined) {
        xref = [{ entity: result.xref.entity, system: target.name, externalId: result.targetId, canonicalId: result.xref.canonicalId }];
      }
      deps.metrics?.delivered(target.name, command.action, 'done', durationMs);
    } catch (error) {
      const durationMs = clock.now() - started;
      const failure = classifyFailure(timedOut ? timeoutFailure(error, target) : error, target.classify?.bind(target));
      lane.breaker.record(breakerOutcome(failure));
      if (failure.code === 'target_throttled') lane.budget.throttled(failure.retryAfterMs);
      const decision = decideRetry({
        policy: resolveRetryPolicy(target.retry, action?.retry),
        attempt,
        createdAt: command.activeSince,
        now: clock.now(),
        failure,
        random,
      });
      const record = {
        attempt,
        owner: options.owner,
        startedAt,
        durationMs,
        errorCode: failure.code,
        errorMessage: failure.message,
        ...(failure.targetStatus === undefined ? {} : { targetStatus: failure.targetStatus }),
      };
      if (decision.retry) {
        settlement = {
          id: command.id,
          outcome: 'retry',
          owner: options.owner,
          availableAt: decision.availableAt,
          error: { code: failure.code, message: failure.message },
          attempt: { ...record, outcome: 'retry' },
        };
        log.info({ target: target.name, command: command.id, key: command.key, attempt, code: failure.code, retryInMs: decision.delayMs }, 'delivery failed; will retry');
      } else {
        settlement = { id: command.id, outcome: 'dead', owner: options.owner, error: { code: decision.code, message: decision.reason }, attempt: { ...record, outcome: 'dead' } };
        log.warn({ target: target.name, command: command.id, key: command.key, attempt, code: decision.code }, `dead letter: ${decision.reason}`);
      }
      deps.metrics?.delivered(target.name, command.action, decision.retry ? 'retry' : 'dead', durationMs);
    }
    clearTimeout(timer);
    attempts.delete(controller);
    answered();
    const report = command.report ? resultEvent(command, settlement) : undefined;
    if (xref) {
      try {
        const result = await store.commit({ settle: [settlement], xrefs: xref, ...(report ? { events: [report] } : {}) });
        if (result.status !== 'xref_conflict') return;
        log.warn({ command: command.id, xref: xref[0], existing: result.existingCanonicalId }, 'the cross-reference conflicts with an existing one; the delivery is recorded without it');
      } catch (error) {
        log.error({ err: error }, `could not record delivery of ${command.id}; the command will be delivered again`);
        return;
      }
    }
    await settle(settlement, report);
  }

  /**
   * The event that tells the log what became of a command that asked for it: delivered (with the
   * target's id) or dead. Nothing while it is still being retried.
   */
  function resultEvent(command: StoredCommand, settlement: CommandSettlement): NewEvent | undefined {
    if (settlement.outcome !== 'done' && settlement.outcome !== 'dead') return undefined;
    const occurredAt = new Date(clock.now()).toISOString();
    const base = { commandId: command.id, target: command.target, action: command.action, key: command.key, attempts: settlement.attempt?.attempt ?? command.attempts + 1, occurredAt };
    const data =
      settlement.outcome === 'done'
        ? { ...base, status: settlement.receipt?.status ?? 'done', ...(settlement.receipt?.targetId === undefined ? {} : { targetId: settlement.receipt.targetId }) }
        : { ...base, code: settlement.error?.code ?? 'internal', message: (settlement.error?.message ?? '').slice(0, 1000) };
    return {
      id: deps.ids.next('event'),
      source: DELIVERY_EVENT_SOURCE,
      type: settlement.outcome === 'done' ? 'weft.command.delivered.v1' : 'weft.command.failed.v1',
      subject: command.key,
      time: occurredAt,
      data,
      ...(command.traceparent === undefined ? {} : { traceparent: command.traceparent }),
    };
  }

  // Outcomes finished in one turn of the event loop are recorded in one unit of work: the group
  // commit would put them in one transaction anyway, but one unit instead of dozens saves each its
  // own promise, serialisation and planning. If that unit fails, every command in it is delivered
  // again later (its idempotency key keeps the effect single).
  // A result event goes in the same unit as its settlement.
  let settling: { settlement: CommandSettlement; event: NewEvent | undefined; resolve: () => void }[] = [];
  function settle(settlement: CommandSettlement, event?: NewEvent): Promise<void> {
    return new Promise((resolve) => {
      if (settling.length === 0) setImmediate(flushSettlements);
      settling.push({ settlement, event, resolve });
    });
  }
  async function flushSettlements(): Promise<void> {
    const batch = settling;
    settling = [];
    const events = batch.flatMap((entry) => (entry.event ? [entry.event] : []));
    await commit({ settle: batch.map((entry) => entry.settlement), ...(events.length > 0 ? { events } : {}) }, batch.length === 1 ? `delivery of ${batch[0]?.settlement.id}` : `${batch.length} deliveries`);
    for (const entry of batch) entry.resolve();
  }

  /** A connector that ignored the abort of a timed-out attempt still failed with a timeout. */
  function timeoutFailure(error: unknown, target: DeliveryTarget): unknown {
    if (error instanceof WeftError && error.code.startsWith('target_')) return error;
    return new TargetError('target_timeout', `${target.name} did not answer within ${target.timeoutMs} ms.`, { cause: error });
  }

  async function release(lane: Lane, command: StoredCommand, availableAt?: string): Promise<void> {
    lane.held.delete(command.id);
    await commit({ settle: [{ id: command.id, outcome: 'release', owner: options.owner, ...(availableAt ? { availableAt } : {}) }] }, `release of ${command.id}`);
  }

  /** Waits for the budget and the breaker, then delivers; the permit is held for the whole attempt. */
  async function dispatch(lane: Lane, command: StoredCommand): Promise<void> {
    if (lane.breaker.state() === 'open') {
      // Do not spend the budget on a command that cannot go: hand it back until the breaker probes.
      await release(lane, command, new Date(clock.now() + Math.max(lane.breaker.retryInMs(), 1)).toISOString());
      return;
    }
    let permit: Permit;
    try {
      // No abort signal: stop() closes the budget, which rejects every waiter at once.
      permit = await lane.budget.acquire(command.priority);
    } catch {
      await release(lane, command);
      return;
    }
    try {
      if (halting.signal.aborted) {
        await release(lane, command);
        return;
      }
      if (!lane.breaker.tryPass()) {
        // Open breaker: the command waits durably in the outbox until the breaker lets a probe through.
        await release(lane, command, new Date(clock.now() + Math.max(lane.breaker.retryInMs(), 1)).toISOString());
        return;
      }
      const leaseLeft = Date.parse(command.leaseUntil ?? '') - clock.now();
      if (!(leaseLeft > lane.target.timeoutMs + 1000)) {
        // Waited so long for the budget that the lease could lapse mid-request: take it again fresh.
        await release(lane, command);
        return;
      }
      lane.inFlight++;
      try {
        // The permit covers the request only: recording the outcome does not load the target.
        await deliver(lane, command, () => permit.release());
      } finally {
        lane.inFlight--;
        lane.held.delete(command.id);
        claimSoon(lane);
      }
    } finally {
      permit.release();
    }
  }

  /**
   * A finished command may have unblocked the next one of its key, and frees room to hold more:
   * claim again shortly. Coalesced, so a busy lane claims about every CLAIM_COALESCE_MS, not per delivery.
   */
  function claimSoon(lane: Lane): void {
    if (lane.claimTimer !== undefined || halting.signal.aborted) return;
    lane.claimTimer = setTimeout(() => {
      lane.claimTimer = undefined;
      lane.wakeUp?.();
    }, CLAIM_COALESCE_MS);
  }

  async function run(lane: Lane): Promise<void> {
    const { target } = lane;
    while (!halting.signal.aborted) {
      if (lane.breaker.state() === 'open') {
        await sleep(Math.max(lane.breaker.retryInMs(), 1), lane);
        continue;
      }
      // Hold about two seconds of the budget's work: enough to keep it busy, little enough that a
      // newly enqueued urgent command soon overtakes claimed bulk ones. Claim when a quarter of
      // that is free, so claims come in batches rather than one per finished delivery.
      const hold = Math.min(maxHeld, Math.max(2 * target.rateLimit.maxConcurrency, Math.ceil(lane.budget.currentRatePerSecond * 2)));
      const want = hold - lane.held.size;
      if (want > 0 && (lane.held.size === 0 || want >= hold / 4)) {
        let claimed: StoredCommand[];
        try {
          claimed = await store.claimCommands({ target: target.name, now: new Date(clock.now()).toISOString(), limit: want, leaseMs, owner: options.owner });
        } catch (error) {
          log.error({ err: error, target: target.name }, 'could not claim commands; retrying');
          await sleep(Math.max(pollMs, 1000), lane);
          continue;
        }
        for (const command of claimed) {
          if (lane.held.has(command.id)) continue;
          lane.held.add(command.id);
          const delivery = dispatch(lane, command).catch((error: unknown) => log.error({ err: error, command: command.id }, 'delivery crashed'));
          lane.deliveries.add(delivery);
          void delivery.finally(() => lane.deliveries.delete(delivery));
        }
      }
      // Woken early by finished deliveries (coalesced), by an enqueue or a replay.
      await sleep(pollMs, lane);
    }
  }

  /** Frees the leases of this hub's earlier runs before the lanes start claiming. */
  async function reclaim(): Promise<void> {
    if (options.reclaimPrefix === undefined || !options.owner.startsWith(options.reclaimPrefix)) return;
    try {
      const freed = await store.releaseLeases(options.reclaimPrefix);
      if (freed > 0) log.warn({ freed, prefix: options.reclaimPrefix }, 'freed commands an earlier run of this hub held when it stopped');
    } catch (error) {
      log.error({ err: error }, 'could not free the leases of an earlier run; they lapse on their own');
    }
  }

  return {
    start() {
      if (started) return;
      started = true;
      const reclaimed = reclaim();
      for (const target of deps.targets.values()) {
        const lane = laneFor(target);
        lanes.set(target.name, lane);
        deps.metrics?.breakerState(target.name, 'closed');
        lane.running = reclaimed.then(() => run(lane)).catch((error: unknown) => log.error({ err: error, target: target.name }, 'delivery lane stopped'));
      }
      log.info({ targets: [...lanes.keys()], owner: options.owner }, 'delivery started');
    },
    wake(target) {
      if (target === undefined) for (const lane of lanes.values()) lane.wakeUp?.();
      else lanes.get(target)?.wakeUp?.();
    },
    status() {
      return [...lanes.values()].map((lane) => ({
        target: lane.target.name,
        breaker: lane.breaker.state(),
        ratePerSecond: lane.budget.currentRatePerSecond,
        held: lane.held.size,
        inFlight: lane.inFlight,
      }));
    },
    async stop() {
      if (!started) return;
      const all = [...lanes.values()];
      // Stop claiming; waiters for a budget hand their commands back; requests already sent may finish.
      halting.abort(new Error('delivery is stopping'));
      for (const lane of all) lane.budget.close(new Error('delivery is stopping'));
      await Promise.all(all.map((lane) => lane.running));
      const inFlight = Promise.all(all.flatMap((lane) => [...lane.deliveries]));
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, stopGraceMs);
      });
      await Promise.race([inFlight, grace]);
      clearTimeout(timer);
      // Past the grace period, abort what is left: those attempts are recorded as failed and retried later.
      // Retryable on purpose: the hub stopping says nothing about the command or the target.
      for (const controller of attempts) controller.abort(new CapacityError('shutting_down', 'Weft stopped while the request was in flight; it will be sent again with the same idempotency key.'));
      for (const lane of all) clearTimeout(lane.claimTimer);
      await inFlight;
      log.info({ owner: options.owner }, 'delivery stopped');
    },
  };
}
