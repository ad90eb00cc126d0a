import type { Store, StoredCommand } from '../ports/store.ts';

// One order across every system: what "where is order X" needs an answer to. Built from the store
// alone — the order's events (what came in and what was decided), its process instances and their
// history, the commands sent to each system with their outcome, each system's id of the order from
// the cross-reference map, and the tasks open on it — so it is the same answer on every hub.

/** Each system's view of an order: its id there, and whether Weft's commands to it went through. */
export interface SystemView {
  system: string;
  /** The order's id in that system, when known. */
  ids: string[];
  /** Commands to that system: done, pending (on their way or retrying), dead (stuck, needs a person). */
  commands: { done: number; pending: number; dead: number; discarded: number };
  /** The last command to it, for the eye: action, status, receipt status. */
  last: { action: string; status: string; at: string; error: string | undefined } | undefined;
  /** True when nothing to that system is pending or dead: it has everything Weft sent it. */
  inStep: boolean;
}

/** The order view served by GET /v1/orders/{id}. */
export interface OrderView {
  id: string;
  /** The order as captured (weft.order.captured.v1 data), when Weft has it. */
  order: unknown;
  /** Where the order stands: the order-to-cash state when a process runs it, else the last order event. */
  status: string;
  /** Every process of the order with its state. */
  processes: { process: string; state: string; finished: boolean; definitionVersion: number; startedAt: string; updatedAt: string }[];
  systems: SystemView[];
  /** True when every system is in step. */
  inStep: boolean;
  /** What happened, oldest first: events of the order and process steps with their causes. */
  history: ({ kind: 'event'; at: string; type: string; source: string; id: string } | { kind: 'step'; at: string; process: string; from: string | null; to: string; cause: string; causeId: string })[];
  /** The order's shipments (their ids), whose commands count among the systems' views. */
  shipments: string[];
  /** Tasks open or claimed on the order: what waits for a person. */
  openTasks: { id: string; kind: string; title: string; status: string; options: string[]; createdAt: string }[];
}

const HISTORY_LIMIT = 1000;

function systemsOf(commands: readonly StoredCommand[], xrefs: readonly { system: string; externalId: string }[]): SystemView[] {
  const names = new Set([...commands.map((c) => c.target), ...xrefs.map((x) => x.system)]);
  return [...names].sort().map((system) => {
    const mine = commands.filter((c) => c.target === system);
    const count = (status: StoredCommand['status']): number => mine.filter((c) => c.status === status).length;
    const last = mine.reduce<StoredCommand | undefined>((latest, c) => (latest === undefined || c.seq > latest.seq ? c : latest), undefined);
    const counts = { done: count('done'), pending: count('pending'), dead: count('dead'), discarded: count('discarded') };
    return {
      system,
      ids: xrefs.filter((x) => x.system === system).map((x) => x.externalId),
      commands: counts,
      last: last === undefined ? undefined : { action: last.action, status: last.status, at: last.updatedAt, error: last.lastError?.message },
      inStep: counts.pending === 0 && counts.dead === 0,
    };
  });
}

/** The view of an order by its canonical id; undefined when Weft knows nothing of it. */
export async function orderView(store: Store, orderId: string): Promise<OrderView | undefined> {
  const [events, instances, commands, xrefs, tasks] = await Promise.all([
    store.readSubject(orderId, { limit: HISTORY_LIMIT }),
    store.processInstancesOf(orderId),
    store.listCommands({ key: orderId, limit: HISTORY_LIMIT }),
    store.xrefsOf(orderId),
    store.listTasks({ key: orderId, limit: 100 }),
  ]);
  if (events.length === 0 && instances.length === 0 && commands.length === 0) return undefined;
  const transitions = (await Promise.all(instances.map((instance) => store.processTransitions(instance.process, instance.key)))).flat();
  // Shipments are aggregates of their own: what was sent for them (fulfilments to the ERP and the
  // channel) is keyed by the shipment. The process's steps name the shipment events that moved it.
  const shipmentEventIds = transitions.filter((t) => t.cause === 'weft.shipment.dispatched.v1').map((t) => t.causeId);
  const shipments = [...new Set((await Promise.all(shipmentEventIds.map((id) => store.eventsWithId(id)))).flat().map((event) => event.subject))];
  for (const shipment of shipments) commands.push(...(await store.listCommands({ key: shipment, limit: HISTORY_LIMIT })));
  const captured = events.find((event) => event.type === 'weft.order.captured.v1');
  const orderToCash = instances.find((instance) => instance.process === 'order-to-cash');
  const lastEvent = events.at(-1);
  const systems = systemsOf(commands, xrefs.filter((x) => x.entity === 'order'));
  const history: OrderView['history'] = [
    ...events.map((event) => ({ kind: 'event' as const, at: event.recordedtime, type: event.type, source: event.source, id: event.id })),
    ...transitions.map((t) => ({ kind: 'step' as const, at: t.at, process: t.process, from: t.from ?? null, to: t.to, cause: t.cause, causeId: t.causeId })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.kind === 'event' && b.kind === 'step' ? -1 : a.kind === b.kind ? 0 : 1));
  return {
    id: orderId,
    order: captured?.data ?? null,
    status: orderToCash?.state ?? (lastEvent === undefined ? 'unknown' : lastEvent.type.replace(/^weft\.order\./, '').replace(/\.v\d+$/, '')),
    processes: instances.map((i) => ({ process: i.process, state: i.state, finished: i.finished, definitionVersion: i.definitionVersion, startedAt: i.startedAt, updatedAt: i.updatedAt })),
    systems,
    inStep: systems.every((s) => s.inStep),
    history,
    shipments,
    openTasks: tasks.filter((t) => t.status === 'open' || t.status === 'claimed').map((t) => ({ id: t.id, kind: t.kind, title: t.title, status: t.status, options: t.options, createdAt: t.createdAt })),
  };
}
