import { holdReasonOf, orderCheckProblems, type OrderCheckOptions } from '../domain/order/checks.ts';
import type { Order } from '../domain/order/order.schema.ts';
import { WeftError } from '../errors/index.ts';
import type { ActionCommand, ConnectorAction, ConnectorLog, DeliveryTarget } from '../ports/connector.ts';
import type { NewEvent, Store } from '../ports/store.ts';
import { createLogFollower, type LogFollower } from '../delivery/log-follower.ts';
import { builtInTarget } from '../delivery/built-in-target.ts';
import { applyCatalogueEvent, CATALOGUE_EVENT_TYPES, catalogueLookup, emptyCatalogue } from './projection.ts';
import { applyCustomerEvent, CUSTOMER_EVENT_TYPES, emptyEmailIndex, normaliseEmail } from '../identity/email-index.ts';
import type { IdGenerator } from '../ports/clock.ts';

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
/** What to do with an order that names no customer: leave it a guest, resolve its email to one, or also create one. */
export type CustomerResolution = 'off' | 'resolve' | 'resolve_or_create';

export function createOrderChecks(deps: { store: Store; log: ConnectorLog; ids?: IdGenerator }, options: OrderCheckOptions & { pollMs?: number; customers?: CustomerResolution }): OrderChecks {
  const state = emptyCatalogue();
  const lookup = catalogueLookup(state);
  const customers = emptyEmailIndex();
  const resolution = options.customers ?? 'off';
  const follower = createLogFollower(
    { store: deps.store, log: deps.log },
    {
      name: 'catalogue',
      types: [...CATALOGUE_EVENT_TYPES, ...(resolution === 'off' ? [] : CUSTOMER_EVENT_TYPES)],
      apply: (event) => (applyCatalogueEvent(state, event) || applyCustomerEvent(customers, event)),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    },
  );
  /** The customer of a guest order: found by its email, or (when configured) a new record whose creation goes in the verdict's commit. */
  function customerFor(order: Order, at: string, commandId: string): { customerId: string; created: NewEvent | undefined } | undefined {
    if (resolution === 'off' || order.customerId !== undefined || order.guestEmail === undefined) return undefined;
    const found = customers.byEmail.get(normaliseEmail(order.guestEmail));
    if (found !== undefined) return { customerId: found, created: undefined };
    if (resolution !== 'resolve_or_create' || deps.ids === undefined) return undefined;
    const customerId = deps.ids.next('customer');
    const name = order.billingAddress?.name;
    const customer = {
      id: customerId,
      status: 'active',
      externalRefs: [],
      ...(name === undefined ? {} : { name: { full: name } }),
      emails: [{ address: order.guestEmail, primary: true, verified: false }],
      phones: [],
      addresses: [],
      consents: [],
      createdAt: at,
      updatedAt: at,
    };
    return { customerId, created: { id: `${commandId}:customer`, source: ORDER_CHECKS_SOURCE, type: 'weft.customer.created.v1', subject: customerId, time: at, data: customer } };
  }
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
      const valid = hold === undefined && problems.length === 0;
      // A held order is resolved to a customer Weft knows (so a person releasing it releases a customer's
      // order), but none is created for it: an order held for fraud review must not add to the customer master.
      const found = customerFor(order, at, command.id);
      const customer = valid || found?.created === undefined ? found : undefined;
      const verdict: NewEvent =
        valid
          ? { id: command.id, source: ORDER_CHECKS_SOURCE, type: 'weft.order.validated.v1', subject: order.id, time: at, data: { orderId: order.id, ...(customer ? { customerId: customer.customerId } : {}), occurredAt: at } }
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
                ...(customer ? { customerId: customer.customerId } : {}),
                occurredAt: at,
              },
            };
      // A customer created for the order goes in the same commit as the verdict naming it.
      const result = await deps.store.commit({ events: customer?.created ? [customer.created, verdict] : [verdict] });
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
