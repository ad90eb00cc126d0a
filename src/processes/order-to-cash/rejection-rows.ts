import type { Order } from '../../domain/order/order.schema.ts';
import type { ProcessAction, Transition } from '../engine/definition.ts';
import type { OrderToCashData } from './definition.ts';
import { CANCELLABLE, eventData, type Ctx, type Kit } from './kit.ts';

// Version 2's rows for a parcel the store (ship from store) or the warehouse turns down after its
// release (weft.order.release_rejected.v1: not on the shelf, damaged). A person decides: ship it from
// the warehouse instead, cancel its lines (they are not billed; the customer is not charged for them),
// or wait (the store found it after all). A rejection of a parcel no longer waiting (Weft cancelled
// it itself) is no news.

/** The parcel the input names. */
const groupIn = (ctx: Ctx): string => String(eventData(ctx.input).fulfilmentGroupId ?? (ctx.input.kind === 'task' ? (ctx.input.data as { group?: unknown } | null)?.group ?? '' : ''));

/** Units of a line not cancelled. */
const left = (line: Order['lines'][number]): number => line.quantity - (line.cancelledQuantity ?? 0);

/** Version 2's rows for a rejected release. */
export function rejectionRows(kit: Kit): Transition<OrderToCashData>[] {
  const { warehouse, stores, storeGroups, releaseTo, releaseGroups, invoice, cancel, closeLines, decided, shortOf } = kit;
  const linesOf = (data: OrderToCashData, group: string) => data.order.lines.filter((line) => line.fulfilmentGroupId === group && left(line) > 0);
  const waiting = (ctx: Ctx): boolean => ctx.data.toShip.includes(groupIn(ctx));
  /**
   * A parcel the store turned down is withdrawn there (only that parcel): the channel's payment the
   * release recorded at the store is refunded, so the store's books do not keep a sale it never made.
   */
  const withdrawFromStore = (ctx: Ctx): ProcessAction[] => {
    const task = ctx.input.kind === 'task' ? (ctx.input.data as { fromStore?: unknown; reason?: unknown } | null) : null;
    if (stores === undefined || task?.fromStore !== true) return [];
    return [{ kind: 'command', target: stores.target, action: 'cancelOrder', event: { type: 'weft.order.release_rejected.v1', data: { orderId: ctx.data.order.id, fulfilmentGroupId: groupIn(ctx), reason: typeof task.reason === 'string' ? task.reason : 'other', occurredAt: ctx.now } }, priority: 'urgent' }];
  };
  /** Where the order goes once the parcel is off it: still waiting for other parcels, for pick-ups, or billed. */
  const after = (ctx: Ctx, data: OrderToCashData): string => (data.toShip.length > 0 ? ctx.state : data.toCollect.length > 0 ? 'awaiting_pickup' : 'invoicing');
  return [
    {
      from: ['released', 'partially_shipped'],
      on: 'weft.order.release_rejected.v1',
      when: waiting,
      to: (ctx) => ctx.state,
      actions: (ctx) => {
        const data = eventData(ctx.input);
        const lines = linesOf(ctx.data, groupIn(ctx));
        return [
          {
            kind: 'task',
            taskKind: 'release_rejected',
            title: `Order ${ctx.data.order.orderNumber}: ${lines.map((line) => `${left(line)} × ${line.sku}`).join(', ')} will not ship from where it was released (${String(data.reason)}${typeof data.note === 'string' ? `: ${data.note}` : ''})`.slice(0, 300),
            options: ['reship_from_warehouse', 'cancel_lines', 'wait'],
            data: { group: groupIn(ctx), fromStore: storeGroups(ctx.data.order).includes(groupIn(ctx)), locationId: data.locationId, reason: data.reason, note: data.note, lines: lines.map((line) => ({ lineId: line.id, sku: line.sku, quantity: left(line) })) },
          },
        ];
      },
      note: 'the store (or warehouse) turned the parcel down: a person decides',
    },
    {
      from: ['released', 'partially_shipped'],
      on: 'task:release_rejected',
      when: (ctx) => decided('reship_from_warehouse')(ctx) && warehouse !== undefined && waiting(ctx),
      to: (ctx) => ctx.state,
      // The parcel becomes the warehouse's. Its stock is reserved nowhere: the store's reservation is
      // given back (the units are not there), and the warehouse ships what it has; a short shipment
      // takes the usual route.
      data: (ctx) => ({ ...ctx.data, order: { ...ctx.data.order, fulfilmentGroups: ctx.data.order.fulfilmentGroups.map((group) => (group.id === groupIn(ctx) ? { ...withoutLocation(group), kind: 'ship' as const } : group)) } }),
      actions: (ctx) => [...withdrawFromStore(ctx), ...releaseGroups(ctx, [groupIn(ctx)]), releaseTo(ctx, warehouse as string)],
      note: 'shipped from the warehouse instead',
    },
    {
      from: ['released', 'partially_shipped'],
      on: 'task:release_rejected',
      when: (ctx) => decided('cancel_lines')(ctx) && waiting(ctx) && !ctx.data.shipped && ctx.data.order.lines.every((line) => line.fulfilmentGroupId === groupIn(ctx) || left(line) === 0),
      to: 'cancelled',
      actions: (ctx) => cancel(ctx, 'out_of_stock', 'the only parcel could not be shipped'),
      note: 'nothing else to ship: the order is cancelled, what was done undone',
    },
    {
      from: ['released', 'partially_shipped'],
      on: 'task:release_rejected',
      when: (ctx) => decided('cancel_lines')(ctx) && waiting(ctx),
      to: (ctx) => after(ctx, ctx.data),
      data: (ctx) => {
        const group = groupIn(ctx);
        // What did not ship of the parcel (a parcel is usually all or nothing).
        const cancelled = shortOf(ctx.data, group, ctx.data.shippedUnits ?? {});
        const missing = new Map(cancelled.map((entry) => [entry.lineId, entry.missing]));
        const lines = ctx.data.order.lines.map((line) => (missing.has(line.id) ? { ...line, cancelledQuantity: (line.cancelledQuantity ?? 0) + (missing.get(line.id) as number) } : line));
        // cancelledShort: the line_cancelled events come back from the log and are recognised as ours.
        return { ...ctx.data, order: { ...ctx.data.order, lines }, toShip: ctx.data.toShip.filter((candidate) => candidate !== group), cancelledShort: [...(ctx.data.cancelledShort ?? []), ...cancelled] };
      },
      actions: (ctx) => {
        const group = groupIn(ctx);
        const lineIds = ctx.data.order.lines.filter((line) => line.fulfilmentGroupId === group).map((line) => line.id);
        const emitted = (ctx.data.cancelledShort ?? []).filter((entry) => lineIds.includes(entry.lineId));
        return [
          ...emitted.map((entry): ProcessAction => ({ kind: 'emit', type: 'weft.order.line_cancelled.v1', subject: ctx.data.order.id, data: { orderId: ctx.data.order.id, lineId: entry.lineId, quantity: entry.missing, reason: 'out_of_stock', occurredAt: ctx.now } })),
          ...withdrawFromStore(ctx),
          ...releaseGroups(ctx, [group]),
          ...closeLines(ctx, lineIds),
          ...(ctx.data.toShip.length === 0 && ctx.data.toCollect.length === 0 ? invoice(ctx) : []),
        ];
      },
      note: 'the parcel\'s lines cancelled: not billed nor charged',
    },
    { from: [...CANCELLABLE, 'partially_shipped'], on: 'task:release_rejected', to: (ctx) => ctx.state, note: 'waiting: the parcel ships after all (or is gone already)' },
  ];
}

/** A fulfilment group without its location (a warehouse parcel). */
function withoutLocation(group: Order['fulfilmentGroups'][number]): Order['fulfilmentGroups'][number] {
  const { locationId: _from, ...rest } = group;
  return rest;
}

/**
 * Checks reship_from_warehouse before it is committed: the warehouse cuts an order into its orders by
 * parcel, keyed by their position; a second parcel would change the keys of one it already has.
 */
export function rejectionDecisionProblems(decision: string, data: OrderToCashData, hasWarehouse: boolean): { pointer: string; message: string }[] {
  if (decision !== 'reship_from_warehouse') return [];
  if (!hasWarehouse) return [{ pointer: '/decision', message: 'no warehouse is configured (processes.orderToCash.warehouse): cancel the lines or wait' }];
  if (data.order.fulfilmentGroups.some((group) => group.kind === 'ship')) {
    return [{ pointer: '/decision', message: 'the warehouse has a parcel of this order already, and a second would change its order keys: cancel the lines, or send the parcel from the warehouse by hand and wait' }];
  }
  return [];
}
