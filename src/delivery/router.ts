import { readPointer } from '../domain/shared/json.ts';
import type { PriorityClass } from '../ports/connector.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { OutboxCommand, Store, StoredEvent } from '../ports/store.ts';
import type { DeliveryLog } from './telemetry.ts';
import { createStepLoop } from './step-loop.ts';

// Routes turn events of the log into commands for targets: "every weft.order.captured.v1 goes to
// the ERP's createSalesOrder". The router reads the log in order and writes the commands together
// with its checkpoint, in one unit of work: a crash can neither lose a command nor route an event twice,
// and routers of several hubs sharing a store cannot both route one event.

/** One route from event types to a target's action. */
export interface Route {
  /** Name, for logs and docs. */
  name: string;
  /** Event types it takes (`weft.order.captured.v1`). */
  events: readonly string[];
  target: string;
  action: string;
  /** Priority class of the commands; defaults to the action's. */
  priority?: PriorityClass;
  /** Conditions every routed event must meet: the value at `pointer` (into {id, source, type, subject, time, data}) is one of `in`. */
  where?: readonly RouteCondition[];
}

/** One condition of a route: `/data/channel` in ["web", "marketplace"]. */
export interface RouteCondition {
  /** JSON Pointer into the event ({id, source, type, subject, time, data}). */
  pointer: string;
  /** Values that let the event through; a missing value matches `null`. */
  in: readonly (string | number | boolean | null)[];
}

/** Whether an event meets every condition of a route. */
export function routeMatches(route: Route, event: StoredEvent): boolean {
  if (!route.where) return true;
  const document = { id: event.id, source: event.source, type: event.type, subject: event.subject, time: event.time, data: event.data };
  return route.where.every((condition) => {
    const value = readPointer(document, condition.pointer) ?? null;
    return condition.in.includes(value as string | number | boolean | null);
  });
}

/** The consumer name the router keeps its checkpoint under. */
export const ROUTER_CONSUMER = 'delivery.router';

/** What the router needs. */
export interface RouterDeps {
  store: Store;
  ids: IdGenerator;
  clock: Clock;
  log: DeliveryLog;
  /** Told which targets got new commands, so their lanes look now instead of at the next poll. */
  onRouted?: (targets: ReadonlySet<string>) => void;
}

/** A running router. */
export interface Router {
  start(): void;
  /** Reads the log now (after an append) instead of at the next poll. */
  wake(): void;
  /** Finishes the batch in progress, then stops. */
  stop(): Promise<void>;
  /** Routes everything up to the end of the log, then resolves (tests, benchmarks). */
  drain(): Promise<void>;
}

/** The command an event becomes on a route. Its payload is the event, so mappings see type, subject, time and data. */
export function commandFor(route: Route, event: StoredEvent, id: string, priority: PriorityClass | undefined): OutboxCommand {
  const command: OutboxCommand = {
    id,
    target: route.target,
    action: route.action,
    key: event.subject,
    payload: { id: event.id, source: event.source, type: event.type, subject: event.subject, time: event.time, data: event.data },
    causationId: event.id,
  };
  if (priority) command.priority = priority;
  if (event.traceparent) command.traceparent = event.traceparent;
  return command;
}

/** Creates the router over the given routes; `priorities` gives each target action's default class. */
export function createRouter(
  deps: RouterDeps,
  options: { routes: readonly Route[]; priorities?: (target: string, action: string) => PriorityClass | undefined; pollMs?: number; batchSize?: number },
): Router {
  const { store, log } = deps;
  const pollMs = options.pollMs ?? 200;
  const batchSize = options.batchSize ?? 500;
  const byType = new Map<string, Route[]>();
  for (const route of options.routes) for (const type of route.events) byType.set(type, [...(byType.get(type) ?? []), route]);
  const types = [...byType.keys()];

  /** Routes one batch; resolves to whether there may be more right away. */
  async function step(): Promise<boolean> {
    const after = await store.checkpoint(ROUTER_CONSUMER);
    const last = await store.lastPosition();
    if (last <= after) return false;
    // Only the routed types are read, but the checkpoint advances over everything in between.
    const events = await store.readAll({ after, limit: batchSize, types });
    const upTo = events.length === batchSize ? (events.at(-1) as StoredEvent).position : last;
    const outbox: OutboxCommand[] = [];
    for (const event of events) {
      if (event.position > upTo) break;
      for (const route of byType.get(event.type) ?? []) {
        if (!routeMatches(route, event)) continue;
        outbox.push(commandFor(route, event, deps.ids.next('command'), route.priority ?? options.priorities?.(route.target, route.action)));
      }
    }
    // Compare-and-set on the checkpoint: when several hubs route from one store, the one that loses
    // the race writes nothing and reads on from where the winner left off.
    const result = await store.commit({
      expectCheckpoints: [{ consumer: ROUTER_CONSUMER, position: after }],
      outbox,
      checkpoints: [{ consumer: ROUTER_CONSUMER, position: upTo }],
    });
    if (result.status === 'checkpoint_conflict') return true;
    if (result.status !== 'committed') throw new Error(`routing batch not committed: ${result.status}`);
    if (outbox.length > 0) {
      deps.onRouted?.(new Set(outbox.map((command) => command.target)));
      log.debug({ commands: outbox.length, upTo }, 'routed events');
    }
    return upTo < last || events.length === batchSize;
  }

  return createStepLoop(step, { pollMs, enabled: types.length > 0, onError: (error) => log.error({ err: error }, 'routing failed; retrying') });
}
