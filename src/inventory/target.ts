import type { Order } from '../domain/order/order.schema.ts';
import { WeftError } from '../errors/index.ts';
import type { ActionCommand, ConnectorAction, DeliveryTarget } from '../ports/connector.ts';
import { builtInTarget } from '../delivery/built-in-target.ts';
import type { Inventory, ReserveLine } from './service.ts';

// Weft's own stock as a delivery target, so a process reserves and releases stock the way it talks
// to any system: a command in the outbox, committed with the step that decided it, delivered at least
// once, its result coming back as weft.command.delivered.v1 with a status the process branches on.
// Both actions are idempotent by nature: reserving for an order that holds stock answers what it
// holds; releasing what is no longer held releases nothing.

/** The name of the built-in inventory target; configured targets may not take it. */
export const INVENTORY_TARGET = 'weft-inventory';

/** What reserveOrder answers: the status the process branches on. */
export type ReserveStatus = 'reserved' | 'short' | 'not_managed';

/** The lines of an order that take stock, with the location a pick-up or ship-from-store group fixes. */
export function stockLinesOf(order: Order): ReserveLine[] {
  const groups = new Map(order.fulfilmentGroups.map((group) => [group.id, group]));
  const lines: ReserveLine[] = [];
  for (const line of order.lines) {
    const quantity = line.quantity - (line.cancelledQuantity ?? 0);
    const group = groups.get(line.fulfilmentGroupId);
    // Taken at the till or delivered electronically: no stock to set aside.
    if (quantity <= 0 || group === undefined || group.kind === 'in_store' || group.kind === 'digital') continue;
    const fixed = group.kind === 'pickup_in_store' || group.kind === 'ship_from_store' ? group.locationId : undefined;
    lines.push({ lineId: line.id, sku: line.sku, quantity, ...(fixed === undefined ? {} : { locationId: fixed }) });
  }
  return lines;
}

function dataOf(command: ActionCommand): Record<string, unknown> {
  const payload = command.payload as { data?: unknown } | null;
  if (typeof payload?.data !== 'object' || payload.data === null) throw new WeftError('command_invalid', `${command.action}: the command carries no data`);
  return payload.data as Record<string, unknown>;
}

/** The built-in target over the inventory service. */
export function createInventoryTarget(inventory: Inventory): DeliveryTarget {
  const preview = async () => [];
  const reserveOrder: ConnectorAction = {
    description: 'Reserves the stock of an order\'s lines (pick-ups at their store, the rest across the channel\'s locations); answers reserved, short or not_managed.',
    idempotency: 'natural',
    priority: 'urgent',
    preview,
    async run({ command }) {
      const order = dataOf(command) as unknown as Order;
      const lines = stockLinesOf(order);
      const managed = inventory.channels().includes(order.originSystem);
      // Weft reserves for the channels it keeps stock rules for (inventory.channels); the others' stock is not its to promise.
      if (lines.length === 0 || !managed) return { status: 'not_managed' satisfies ReserveStatus };
      const outcome = await inventory.reserve({ orderId: order.id, lines, channel: order.originSystem });
      return { status: outcome.status satisfies ReserveStatus };
    },
  };
  const releaseOrder: ConnectorAction = {
    description: 'Releases what an order holds (all of it, or of the lines named by lineIds).',
    idempotency: 'natural',
    priority: 'urgent',
    preview,
    async run({ command }) {
      const data = dataOf(command);
      const orderId = String(data.orderId ?? '');
      const lineIds = Array.isArray(data.lineIds) ? data.lineIds.map(String) : undefined;
      const released = await inventory.release(orderId, lineIds === undefined ? {} : { lineIds });
      return { status: released.length > 0 ? 'released' : 'nothing_held' };
    },
  };
  return builtInTarget(INVENTORY_TARGET, { reserveOrder, releaseOrder });
}
