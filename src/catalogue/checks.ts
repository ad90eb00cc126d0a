import { holdReasonOf, orderCheckProblems, type OrderCheckOptions } from '../domain/order/checks.ts';
import type { Order } from '../domain/order/order.schema.ts';
import { WeftError } from '../errors/index.ts';
import type { ActionCommand, ConnectorAction, ConnectorLog, DeliveryTarget } from '../ports/connector.ts';
import type { NewEvent, Store } from '../ports/store.ts';
import { createLogFollower, type LogFollower } from '../delivery/log-follower.ts';
import { builtInTarget } from '../delivery/built-in-target.ts';
import { applyCatalogueEvent, CATALOGUE_EVENT_TYPES, catalogueLookup, emptyCatalogue } from './projection.ts';

// Order checks as a built-in target, weft-order-checks: order-to-cash sends validateOrder when an
// order is captured, and the check appends the verdict to the order — weft.order.validated.v1, or
// weft.order.held.v1 naming every problem — which moves the process on. The verdict's event id is the
// command's, so a check run twice (a crash between the append and the settlement) appends once.

/** The name of the built-in order-checks target. */
export const ORDER_CHECKS_TARGET = 'weft-order-checks';

/** The source of the verdicts. */
export const ORDER_CHECKS_SOURCE = 'urn:weft:order-checks';

/** The catalogue view and the target that checks orders against it. */
export interface OrderChecks {
  follower: LogFollower;
  target: DeliveryTarget;
}

function orderOf(command: ActionCommand): Order {
  const payload = command.payload as { data?: unknown } | null;
  if (typeof payload?.data !== 'object' || payload.data === null) throw new WeftError('command_invalid', `${command.action}: the command carries no order`);
  return payload.data as Order;
}

/** Creates the catalogue view (start its follower before checking) and the order-checks target. */
export function createOrderChecks(deps: { store: Store; log: ConnectorLog }, options: OrderCheckOptions & { pollMs?: number }): OrderChecks {
  const state = emptyCatalogue();
  const lookup = catalogueLookup(state);
  const follower = createLogFollower({ store: deps.store, log: deps.log }, { name: 'catalogue', types: CATALOGUE_EVENT_TYPES, apply: (event) => applyCatalogueEvent(state, event), ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }) });
  const validateOrder: ConnectorAction = {
    description: 'Checks an order (payments, SKUs, prices, tax) and appends weft.order.validated.v1 or weft.order.held.v1 with every problem.',
    idempotency: 'key',
    priority: 'urgent',
    preview: async () => [],
    async run({ command }) {
      const order = orderOf(command);
      // What the catalogue knew when the order arrived, at least.
      await follower.catchUp();
      // The command's time, not the clock's: the verdict of a second attempt is the same event.
      const at = command.createdAt;
      const hold = holdReasonOf(order);
      const problems = orderCheckProblems(order, lookup, options);
      const verdict: NewEvent =
        hold === undefined && problems.length === 0
          ? { id: command.id, source: ORDER_CHECKS_SOURCE, type: 'weft.order.validated.v1', subject: order.id, time: at, data: { orderId: order.id, occurredAt: at } }
          : {
              id: command.id,
              source: ORDER_CHECKS_SOURCE,
              type: 'weft.order.held.v1',
              subject: order.id,
              time: at,
              data: {
                orderId: order.id,
                // A payment hold may lift itself when the money arrives; a catalogue or tax problem needs a person.
                reason: problems.length === 0 && hold ? hold.reason : 'manual',
                note: [...(hold ? [hold.note] : []), ...problems.map((problem) => `${problem.pointer}: ${problem.message}`)].join('; ').slice(0, 1000),
                occurredAt: at,
              },
            };
      const result = await deps.store.commit({ events: [verdict] });
      // An earlier attempt appended its verdict (the catalogue has changed since): that one stands.
      if (result.status === 'event_conflict') return { status: 'checked_before' };
      if (result.status !== 'committed') throw new WeftError('internal', `order checks: the verdict on ${order.id} was not committed: ${result.status}`);
      return { status: verdict.type === 'weft.order.validated.v1' ? 'valid' : 'held' };
    },
  };
  return {
    follower,
    target: builtInTarget(ORDER_CHECKS_TARGET, { validateOrder }),
  };
}
