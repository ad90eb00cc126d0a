import { TargetError } from '../../../errors/index.ts';
import type { ActionResult, ConnectorAction, HttpClient } from '../../sdk/index.ts';
import { createShipStationClient, type ShipStationAccount } from '../client.ts';
import { byNumberPath, byStatusPath, findByIds, findByOrderNumber, scanOpenOrders, type ListedOrder } from './find-orders.ts';
import { CREATE_ORDER_PATH } from './release-order.action.ts';
import { cancellationOf } from './payload.ts';

// Cancelling in ShipStation V1 is Create/Update Order with orderStatus "cancelled"; the call takes
// the whole order, so the action first finds the ShipStation order(s) Weft created and sends each
// back as it is, cancelled. It finds them by the ShipStation id the release's receipt linked in the
// cross-reference map (one request); failing that, by the order number when the event carries a
// whole Order, or by searching the open orders for our orderKey (weft.order.cancelled.v1 carries
// only the order id, and a split order's several ShipStation orders are not linked one by one).
// Repeating it is harmless: a cancelled order is no longer open, so a retry finds nothing to do.

/** What the action needs besides its context. */
export interface CancelOrderOptions {
  account: ShipStationAccount;
  storeId: number | undefined;
  /** Pages of 500 open orders searched per status. */
  scanPages: number;
}

/** ShipStation statuses in which an order may still be updated, so cancelled. */
export const OPEN_STATUSES = ['awaiting_shipment', 'on_hold', 'awaiting_payment'] as const;

const offline: HttpClient = {
  request: () => Promise.reject(new Error('a preview sends nothing')),
  close: () => Promise.resolve(),
};

const isOpen = (order: ListedOrder): boolean => (OPEN_STATUSES as readonly string[]).includes(String(order.orderStatus));

/** The cancel action of a ShipStation target. */
export function cancelOrderAction(options: CancelOrderOptions): ConnectorAction {
  return {
    description: 'Cancels the ShipStation order(s) of a Weft order (weft.order.cancelled.v1): finds them by orderKey and sends them back with orderStatus cancelled.',
    idempotency: 'natural',
    priority: 'urgent',
    async run(context): Promise<ActionResult> {
      const { command } = context;
      const { orderId, orderNumber } = cancellationOf(command);
      const client = createShipStationClient(context.http, options.account);
      const lookup = { client, storeId: options.storeId, signal: context.signal, now: () => context.clock.now() };
      const linked = await context.xrefs.externalIds(orderId, command.target);
      const { found, complete } =
        linked.length > 0
          ? { found: await findByIds(lookup, orderId, linked), complete: true }
          : orderNumber === undefined
            ? await scanOpenOrders(lookup, orderId, OPEN_STATUSES, options.scanPages)
            : { found: await findByOrderNumber(lookup, orderId, orderNumber), complete: true };
      const open = found.filter(isOpen);
      if (open.length === 0) {
        const shipped = found.find((order) => order.orderStatus === 'shipped');
        if (shipped !== undefined) {
          throw new TargetError('target_rejected', `${command.target}.${command.action}: ShipStation order ${String(shipped.orderId)} (${String(shipped.orderKey)}) is already shipped and cannot be cancelled; start a return instead`);
        }
        if (!complete) {
          throw new TargetError(
            'target_rejected',
            `${command.target}.${command.action}: no open ShipStation order with orderKey ${orderId} among the newest ${options.scanPages * 500} per status; raise cancelScanPages or cancel it in ShipStation`,
          );
        }
        context.log.info({ orderId }, 'no open ShipStation order for the cancelled order (never released, or cancelled already)');
        return { status: 'not_open' };
      }
      const ids: string[] = [];
      for (const order of open) {
        await client.send(client.prepare('POST', CREATE_ORDER_PATH, { ...order, orderStatus: 'cancelled' }), context.signal, context.clock.now());
        ids.push(String(order.orderId));
      }
      return { targetId: ids.join(','), status: 'cancelled' };
    },
    async preview(command) {
      const { orderId, orderNumber } = cancellationOf(command);
      const client = createShipStationClient(offline, options.account);
      const lookups = orderNumber === undefined ? OPEN_STATUSES.map((status) => byStatusPath(status, 1, options.storeId)) : [byNumberPath(orderNumber, options.storeId)];
      const requests = lookups.map((path) => client.preview(client.prepare('GET', path)));
      const post = client.preview(client.prepare('POST', CREATE_ORDER_PATH, {}));
      // The body is the order as ShipStation lists it, which only the lookup can tell.
      requests.push({ ...post, body: `<each open ShipStation order with orderKey ${orderId} or ${orderId}:<n>, as listed, with "orderStatus": "cancelled">` });
      return requests;
    },
  };
}
