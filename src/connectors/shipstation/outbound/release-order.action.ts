import { TargetError, WeftError } from '../../../errors/index.ts';
import type { ActionContext, ActionResult, ConnectorAction, HttpClient } from '../../sdk/index.ts';
import { createShipStationClient, type ShipStationAccount } from '../client.ts';
import { findByOrderNumber } from './find-orders.ts';
import { shipStationOrders, type OrderModelOptions, type ShipStationOrderBody } from './order-model.ts';
import { orderOf } from './payload.ts';

// Release to the warehouse: the Order's shipping groups become ShipStation orders in
// awaiting_shipment, through POST /orders/createorder. ShipStation looks an order up by orderKey
// and updates it instead of creating a second one ("Create/Update Order", API V1), so sending the
// same command again is harmless: idempotency "natural". Accepts weft.order.captured.v1 (or any
// event whose data is a whole Order); weft.order.released.v1 carries only ids and is refused.

/** What the action needs besides its context. */
export interface ReleaseOrderOptions extends OrderModelOptions {
  account: ShipStationAccount;
}

/** The path of ShipStation's create-or-update call. */
export const CREATE_ORDER_PATH = '/orders/createorder';

// Orders in these states "may not be updated" (Create/Update Order); reaching one means an earlier
// attempt (or the warehouse) got there first.
const CLOSED = new Set(['shipped', 'cancelled']);

const offline: HttpClient = {
  request: () => Promise.reject(new Error('a preview sends nothing')),
  close: () => Promise.resolve(),
};

/**
 * Sends each body; a 4xx on an order ShipStation has already shipped or cancelled (a replay after
 * the warehouse shipped it) counts as done. Returns the ShipStation order ids and what happened.
 */
export async function upsertOrders(context: ActionContext, options: { account: ShipStationAccount; storeId: number | undefined }, bodies: readonly ShipStationOrderBody[]): Promise<{ ids: string[]; statuses: string[] }> {
  const client = createShipStationClient(context.http, options.account);
  const now = () => context.clock.now();
  const ids: string[] = [];
  const statuses: string[] = [];
  for (const body of bodies) {
    try {
      const answer = (await client.send(client.prepare('POST', CREATE_ORDER_PATH, body), context.signal, now())) as { orderId?: unknown } | undefined;
      ids.push(String(answer?.orderId ?? ''));
      statuses.push('upserted');
    } catch (error) {
      if (!(error instanceof TargetError) || error.code !== 'target_rejected') throw error;
      const existing = await findByOrderNumber({ client, storeId: options.storeId, signal: context.signal, now }, body.advancedOptions.customField2, body.orderNumber);
      const same = existing.find((order) => order.orderKey === body.orderKey);
      if (same === undefined || !CLOSED.has(String(same.orderStatus))) throw error;
      context.log.info({ orderKey: body.orderKey, status: same.orderStatus }, 'ShipStation refused the update of an order it already closed; nothing to do');
      ids.push(String(same.orderId));
      statuses.push(`already_${String(same.orderStatus)}`);
    }
  }
  return { ids, statuses };
}

/** The release action of a ShipStation target. */
export function releaseOrderAction(options: ReleaseOrderOptions): ConnectorAction {
  function bodiesOf(context: { command: ActionContext['command'] }): ShipStationOrderBody[] {
    const order = orderOf(context.command);
    const { orders, problems } = shipStationOrders(order, options, '/data');
    if (problems.length > 0) {
      throw new WeftError('command_invalid', `${context.command.target}.${context.command.action} (command ${context.command.id}): ${problems.map((problem) => `${problem.pointer}: ${problem.message}`).join('; ')}`);
    }
    return orders;
  }

  return {
    description: 'Creates (or updates, by orderKey) one ShipStation order in awaiting_shipment per shipping fulfilment group of a weft.order.captured.v1 Order.',
    idempotency: 'natural',
    priority: 'urgent',
    async run(context): Promise<ActionResult> {
      const bodies = bodiesOf(context);
      if (bodies.length === 0) {
        context.log.info({ command: context.command.id }, 'the order has no fulfilment group for ShipStation; nothing sent');
        return { status: 'nothing_to_ship' };
      }
      const { ids, statuses } = await upsertOrders(context, options, bodies);
      const status = statuses.every((value) => value === statuses[0]) ? (statuses[0] as string) : statuses.join(',');
      const orderId = (bodies[0] as ShipStationOrderBody).advancedOptions.customField2;
      // One ShipStation order per Weft order is the usual case: link it in the cross-reference map.
      return bodies.length === 1 ? { targetId: ids[0] as string, status, xref: { entity: 'order', canonicalId: orderId } } : { targetId: ids.join(','), status };
    },
    async preview(command) {
      const client = createShipStationClient(offline, options.account);
      return bodiesOf({ command }).map((body) => client.preview(client.prepare('POST', CREATE_ORDER_PATH, body)));
    },
  };
}
