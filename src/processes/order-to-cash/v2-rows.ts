import type { Order } from '../../domain/order/order.schema.ts';
import type { ProcessAction, Transition } from '../engine/definition.ts';
import type { OrderToCashData } from './definition.ts';
import { CANCELLABLE, ERP_HAS_IT, INVENTORY, WAREHOUSE_HAS_IT, eventData, type Ctx, type Kit } from './kit.ts';

// Order-to-cash version 2's own rows: reserving stock, capturing and booking the payment, counting
// shipped units (short shipments), and lines cancelled before they ship. Version 1 has none of them.

/** Version 2's rows after the invoice: the capture at the channel and the payment in the ERP. */
export function paymentRows(kit: Kit): Transition<OrderToCashData>[] {
  const { erp, delivered, refusedTask, complete, channelOf, afterCapture, afterCaptureActions, decided } = kit;
  const captured = (ctx: Ctx): boolean => channelOf(ctx) !== undefined && delivered(channelOf(ctx) as string, 'capturePayment')(ctx);
  return [
    { from: ['capturing', 'capture_failed'], on: 'weft.command.delivered.v1', when: captured, to: afterCapture, actions: afterCaptureActions, note: 'the payment was captured at the channel' },
    {
      from: 'capturing',
      on: 'weft.command.failed.v1',
      when: captured,
      to: 'capture_failed',
      actions: (ctx) => [refusedTask(ctx, 'capture_refused', 'The channel refused to capture the payment of order', ['wait_for_replay', 'captured_elsewhere'])],
      note: 'the capture was refused: a person replays it, or says the money came in another way',
    },
    { from: 'capture_failed', on: 'task:capture_refused', when: decided('captured_elsewhere'), to: afterCapture, actions: afterCaptureActions, note: 'paid another way' },
    { from: 'capture_failed', on: 'task:capture_refused', to: 'capture_failed', note: 'waiting for the dead letter to be replayed' },
    { from: ['posting', 'posting_failed'], on: 'weft.command.delivered.v1', when: delivered(erp, 'recordPayment'), to: 'completed', actions: complete, note: 'the payment is in the books: done' },
    { from: 'posting', on: 'weft.command.failed.v1', when: delivered(erp, 'recordPayment'), to: 'posting_failed', actions: (ctx) => [refusedTask(ctx, 'posting_refused', 'The ERP refused the payment of order', ['wait_for_replay'])], note: 'the ERP refused the payment: a person fixes and replays it' },
    { from: 'posting_failed', on: 'task:posting_refused', to: 'posting_failed', note: 'waiting for the dead letter to be replayed' },
  ];
}

/** Version 2's shipment rows: units counted per line; a group shipped short waits for its rest, then asks a person. */
export function shipmentRows(kit: Kit): Transition<OrderToCashData>[] {
  const { invoice, releaseGroups, shortWaitMs, shippedWith, shortOf, dispatchedGroup, afterShipping, decided, closeLines } = kit;
  const short = (ctx: Ctx): boolean => shortOf(ctx.data, dispatchedGroup(ctx), shippedWith(ctx)).length > 0;
  const whatIsShort = (data: OrderToCashData) => (data.shortGroups ?? []).flatMap((group) => shortOf(data, group, data.shippedUnits ?? {}));
  return [
    {
      from: ['released', 'partially_shipped'],
      on: 'weft.shipment.dispatched.v1',
      when: short,
      to: 'partially_shipped',
      data: (ctx) => ({ ...ctx.data, shipped: true, shippedUnits: shippedWith(ctx), shortGroups: [...new Set([...(ctx.data.shortGroups ?? []), dispatchedGroup(ctx)])] }),
      // The rest may follow in another parcel (the warehouse split it): a person is asked only if it does not.
      actions: (ctx) => [{ kind: 'forgetCompensations' }, ...releaseGroups(ctx, [dispatchedGroup(ctx)]), { kind: 'timer', name: 'short_shipment', dueAt: new Date(Date.parse(ctx.now) + shortWaitMs).toISOString() }],
      note: 'part of a group shipped: the rest may follow',
    },
    {
      from: ['released', 'partially_shipped'],
      on: 'weft.shipment.dispatched.v1',
      to: (ctx) => afterShipping({ ...ctx.data, toShip: ctx.data.toShip.filter((group) => group !== dispatchedGroup(ctx)) }),
      data: (ctx) => ({
        ...ctx.data,
        shipped: true,
        shippedUnits: shippedWith(ctx),
        toShip: ctx.data.toShip.filter((group) => group !== dispatchedGroup(ctx)),
        shortGroups: (ctx.data.shortGroups ?? []).filter((group) => group !== dispatchedGroup(ctx)),
      }),
      actions: (ctx) => [
        { kind: 'forgetCompensations' },
        ...releaseGroups(ctx, [dispatchedGroup(ctx)]),
        ...((ctx.data.shortGroups ?? []).length === 0 ? [{ kind: 'cancelTimer', name: 'short_shipment' } as const] : []),
        ...(afterShipping(ctx.data) === 'invoicing' ? invoice(ctx) : []),
      ],
      note: 'shipped',
    },
    {
      from: 'partially_shipped',
      on: 'timer:short_shipment',
      when: (ctx) => whatIsShort(ctx.data).length > 0,
      to: 'partially_shipped',
      actions: (ctx) => [
        {
          kind: 'task',
          taskKind: 'short_shipment',
          title: `Order ${ctx.data.order.orderNumber}: ${whatIsShort(ctx.data).map((line) => `${line.missing} × ${line.sku}`).join(', ')} not shipped`.slice(0, 300),
          options: ['wait_for_rest', 'cancel_rest'],
          data: { lines: whatIsShort(ctx.data) },
        },
      ],
      note: 'the rest did not follow: a person decides',
    },
    { from: 'partially_shipped', on: 'task:short_shipment', when: (ctx) => decided('wait_for_rest')(ctx) && whatIsShort(ctx.data).length > 0, to: 'partially_shipped', actions: (ctx) => [{ kind: 'timer', name: 'short_shipment', dueAt: new Date(Date.parse(ctx.now) + shortWaitMs).toISOString() }], note: 'backordered: wait for the rest again' },
    {
      from: 'partially_shipped',
      on: 'task:short_shipment',
      when: (ctx) => decided('cancel_rest')(ctx) && whatIsShort(ctx.data).length > 0,
      to: (ctx) => afterShipping({ ...ctx.data, toShip: ctx.data.toShip.filter((group) => !(ctx.data.shortGroups ?? []).includes(group)) }),
      data: (ctx) => {
        const missing = new Map(whatIsShort(ctx.data).map((line) => [line.lineId, line.missing]));
        const lines = ctx.data.order.lines.map((line) => (missing.has(line.id) ? { ...line, cancelledQuantity: (line.cancelledQuantity ?? 0) + (missing.get(line.id) as number) } : line));
        return { ...ctx.data, order: { ...ctx.data.order, lines }, toShip: ctx.data.toShip.filter((group) => !(ctx.data.shortGroups ?? []).includes(group)), shortGroups: [], cancelledShort: whatIsShort(ctx.data) };
      },
      actions: (ctx) => [
        ...(ctx.data.cancelledShort ?? []).map((line): ProcessAction => ({ kind: 'emit', type: 'weft.order.line_cancelled.v1', subject: ctx.data.order.id, data: { orderId: ctx.data.order.id, lineId: line.lineId, quantity: line.missing, reason: 'out_of_stock', occurredAt: ctx.now } })),
        // Before the invoice (same target, same key: delivered in this order), so the ERP bills what shipped.
        ...closeLines(ctx, (ctx.data.cancelledShort ?? []).map((short) => short.lineId)),
        ...(afterShipping(ctx.data) === 'invoicing' ? invoice(ctx) : []),
      ],
      note: 'the rest is cancelled: bill what shipped',
    },
    { from: 'partially_shipped', on: 'task:short_shipment', to: 'partially_shipped', note: 'nothing short any more' },
  ];
}

/** Version 2's rows for a line cancelled by the customer or the channel before it shipped. */
export function lineCancelRows(kit: Kit): Transition<OrderToCashData>[] {
  const { warehouse, stores, storeGroups, orderEvent, invoice, cancel, closeLines } = kit;
  const input = (ctx: Ctx): { lineId: string; quantity: number; reason: string } => {
    const data = eventData(ctx.input);
    return { lineId: String(data.lineId ?? ''), quantity: Number(data.quantity ?? 0), reason: String(data.reason ?? 'other') };
  };
  // The process's own cancellations (cancel_rest) come back from the log: they are already counted.
  const echo = (ctx: Ctx): boolean => (ctx.data.cancelledShort ?? []).some((line) => line.lineId === input(ctx).lineId && line.missing === input(ctx).quantity);
  const lineOf = (ctx: Ctx) => ctx.data.order.lines.find((line) => line.id === input(ctx).lineId);
  /** The order with the input's units cancelled on its line. */
  const withCancelled = (ctx: Ctx): Order => ({
    ...ctx.data.order,
    lines: ctx.data.order.lines.map((line) => (line.id === input(ctx).lineId ? { ...line, cancelledQuantity: Math.min(line.quantity, (line.cancelledQuantity ?? 0) + input(ctx).quantity) } : line)),
  });
  const open = (order: Order, group: string): boolean => order.lines.some((line) => line.fulfilmentGroupId === group && line.quantity - (line.cancelledQuantity ?? 0) > 0);
  const nothingLeft = (order: Order): boolean => order.lines.every((line) => line.quantity - (line.cancelledQuantity ?? 0) <= 0);
  // Only lines of groups not shipped or collected yet: what left is a return.
  const cancellable = (ctx: Ctx): boolean => {
    const line = lineOf(ctx);
    return line !== undefined && input(ctx).quantity > 0 && (ctx.data.toShip.includes(line.fulfilmentGroupId) || ctx.data.toCollect.includes(line.fulfilmentGroupId));
  };
  /** Where the order stands once a group may have nothing left: released with only pick-ups left waits for them; nothing left is billed. */
  const after = (ctx: Ctx, data: OrderToCashData): string => {
    if (WAREHOUSE_HAS_IT.has(ctx.state) && data.toShip.length === 0) return data.toCollect.length > 0 ? 'awaiting_pickup' : 'invoicing';
    if ((ctx.state === 'awaiting_pickup' || ctx.state === 'ready_for_pickup') && data.toCollect.length === 0 && data.toShip.length === 0) return 'invoicing';
    return ctx.state;
  };
  const next = (ctx: Ctx): OrderToCashData => {
    const order = withCancelled(ctx);
    return { ...ctx.data, order, toShip: ctx.data.toShip.filter((group) => open(order, group)), toCollect: ctx.data.toCollect.filter((group) => open(order, group)), emptiedGroups: ctx.data.toShip.filter((group) => !open(order, group)) };
  };
  /**
   * The warehouse's orders follow: sent again with what is left while every group keeps something
   * (the warehouse updates them by order key); cancelled when nothing is left to ship. A group
   * emptied while others go on would change the warehouse's order keys: a person cancels that
   * group's warehouse order. A parcel shipping from a store is cancelled there once the store has
   * nothing left to ship; any other change to it is a person's (a store order is created once, by
   * the release's idempotency key, and not rewritten by a second release).
   */
  const systemsFollow = (ctx: Ctx): ProcessAction[] => {
    const group = lineOf(ctx)?.fulfilmentGroupId ?? '';
    const fromStores = storeGroups(ctx.data.order);
    const cancelAt = (target: string): ProcessAction => ({ kind: 'command', target, action: 'cancelOrder', event: { type: 'weft.order.cancelled.v1', data: { orderId: ctx.data.order.id, reason: input(ctx).reason, occurredAt: ctx.now } }, priority: 'urgent' });
    if (fromStores.includes(group)) {
      if (stores === undefined) return [];
      if (!ctx.data.toShip.some((candidate) => fromStores.includes(candidate))) return [cancelAt(stores.target)];
      return [{ kind: 'task', taskKind: 'store_order_changed', title: `Order ${ctx.data.order.orderNumber}: ${input(ctx).quantity} × ${lineOf(ctx)?.sku ?? ''} cancelled from a parcel the store ships; change the store's order`.slice(0, 300), options: ['done'], data: { group, lineId: input(ctx).lineId, quantity: input(ctx).quantity } }];
    }
    if (warehouse === undefined) return [];
    const emptied = (ctx.data.emptiedGroups ?? []).filter((candidate) => !fromStores.includes(candidate));
    if (emptied.length === 0) return [{ kind: 'command', target: warehouse, action: 'releaseOrder', event: orderEvent(ctx.data), priority: 'urgent' }];
    if (!ctx.data.toShip.some((candidate) => !fromStores.includes(candidate))) return [cancelAt(warehouse)];
    return [{ kind: 'task', taskKind: 'warehouse_group_cancelled', title: `Order ${ctx.data.order.orderNumber}: every line of fulfilment group(s) ${emptied.join(', ')} was cancelled; cancel their order(s) in the warehouse`.slice(0, 300), options: ['done'], data: { groups: emptied } }];
  };
  return [
    { from: '*', on: 'task:warehouse_group_cancelled', to: (ctx) => ctx.state, note: 'the warehouse order was cancelled by hand' },
    { from: '*', on: 'task:store_order_changed', to: (ctx) => ctx.state, note: 'the store\'s order was changed by hand' },
    {
      from: [...CANCELLABLE, 'partially_shipped'],
      on: 'weft.order.line_cancelled.v1',
      when: echo,
      to: (ctx) => ctx.state,
      data: (ctx) => {
        const list = [...(ctx.data.cancelledShort ?? [])];
        list.splice(list.findIndex((line) => line.lineId === input(ctx).lineId && line.missing === input(ctx).quantity), 1);
        return { ...ctx.data, cancelledShort: list };
      },
      note: 'our own cancellation of a short line',
    },
    {
      from: CANCELLABLE,
      on: 'weft.order.line_cancelled.v1',
      when: (ctx) => cancellable(ctx) && !ctx.data.shipped && nothingLeft(withCancelled(ctx)),
      to: 'cancelled',
      data: (ctx) => ({ ...ctx.data, order: withCancelled(ctx) }),
      actions: (ctx) => cancel(ctx, input(ctx).reason, 'every line cancelled'),
      note: 'the last line cancelled: the order is cancelled, what was done undone',
    },
    {
      from: [...CANCELLABLE, 'partially_shipped'],
      on: 'weft.order.line_cancelled.v1',
      when: cancellable,
      to: (ctx) => after(ctx, next(ctx)),
      data: next,
      actions: (ctx) => {
        const line = ctx.data.order.lines.find((candidate) => candidate.id === input(ctx).lineId);
        const fully = line !== undefined && line.quantity - (line.cancelledQuantity ?? 0) <= 0;
        return [
          // Units no longer wanted are no longer held (a line partly cancelled keeps its reservation until it ships).
          ...(fully ? [{ kind: 'command', target: INVENTORY, action: 'releaseOrder', event: { type: 'weft.inventory.reservation_released.v1', data: { orderId: ctx.data.order.id, lineIds: [input(ctx).lineId] } } } as const] : []),
          // The ERP's sales order loses the units (after the upsert in flight, if any: same key, in order).
          ...(ERP_HAS_IT.has(ctx.state) && line !== undefined ? closeLines(ctx, [line.id]) : []),
          ...(WAREHOUSE_HAS_IT.has(ctx.state) ? systemsFollow(ctx) : []),
          ...(after(ctx, ctx.data) === 'invoicing' ? [{ kind: 'cancelTimer', name: 'collect_by' } as const, ...invoice(ctx)] : []),
        ];
      },
      note: 'a line cancelled before it shipped: the stock, the ERP and the warehouse follow',
    },
  ];
}

/** Version 2's rows: reserving, and what a shortfall leads to. */
export function stockRows(kit: Kit): Transition<OrderToCashData>[] {
  const { delivered, toErp, announce, reserve, cancel, reserveResult, shortTask, decided, fulfilFrom } = kit;
  const substitutesOf = (ctx: Ctx): Readonly<Record<string, string>> => (ctx.input.kind === 'task' ? (ctx.input.values ?? {}) : {});
  return [
    {
      from: 'reserving',
      on: 'weft.order.reserved.v1',
      to: 'reserving',
      data: (ctx) => {
        const allocation = (eventData(ctx.input).reservations as OrderToCashData['allocation']) ?? [];
        return { ...ctx.data, allocation, order: fulfilFrom(ctx.data.order, allocation) };
      },
      note: 'stock set aside: where the lines are fulfilled from (a parcel whose stock is at a store ships from it)',
    },
    { from: 'reserving', on: 'weft.command.delivered.v1', when: reserveResult('reserved'), to: 'erp_pending', actions: toErp, note: 'stock reserved: into the ERP' },
    { from: 'reserving', on: 'weft.command.delivered.v1', when: reserveResult('not_managed'), to: 'erp_pending', actions: toErp, note: 'Weft keeps no stock for this channel: into the ERP' },
    { from: 'reserving', on: 'weft.command.delivered.v1', when: reserveResult('short'), to: 'stock_short', actions: (ctx) => shortTask(ctx, 'not enough stock to reserve every line'), note: 'not enough stock: a person decides' },
    { from: 'reserving', on: 'weft.command.failed.v1', when: delivered(INVENTORY, 'reserveOrder'), to: 'stock_short', actions: (ctx) => shortTask(ctx, `stock could not be reserved: ${String(eventData(ctx.input).message ?? '')}`.slice(0, 300)), note: 'reserving failed: a person decides' },
    { from: 'stock_short', on: 'task:stock_short', when: decided('retry'), to: 'reserving', actions: (ctx) => reserve(ctx, false), note: 'reserve again (stock arrived)' },
    {
      from: 'stock_short',
      on: 'task:stock_short',
      when: decided('backorder'),
      to: 'erp_pending',
      actions: (ctx) => [...announce(ctx, 'weft.order.hold_lifted.v1', { orderId: ctx.data.order.id, note: 'backordered: goes on without reserved stock', occurredAt: ctx.now }), ...toErp(ctx)],
      note: 'backordered: into the ERP without reserved stock',
    },
    {
      from: 'stock_short',
      on: 'task:stock_short',
      when: decided('substitute'),
      to: 'reserving',
      // The line keeps its price: the customer pays what they agreed to; the ERP and the warehouse get the new SKU.
      data: (ctx) => {
        const swaps = substitutesOf(ctx);
        const lines = ctx.data.order.lines.map((line) => (swaps[line.id] === undefined ? line : { ...line, sku: swaps[line.id] as string }));
        const done = ctx.data.order.lines.filter((line) => swaps[line.id] !== undefined).map((line) => ({ lineId: line.id, fromSku: line.sku, toSku: swaps[line.id] as string }));
        return { ...ctx.data, order: { ...ctx.data.order, lines }, substitutions: [...(ctx.data.substitutions ?? []), ...done] };
      },
      actions: (ctx) => {
        const swaps = substitutesOf(ctx);
        const note = ctx.input.kind === 'task' ? ctx.input.note : undefined;
        return [
          ...(ctx.data.substitutions ?? [])
            .filter((swap) => swaps[swap.lineId] === swap.toSku)
            .flatMap((swap) => announce(ctx, 'weft.order.line_substituted.v1', { orderId: ctx.data.order.id, ...swap, ...(note === undefined ? {} : { note }), occurredAt: ctx.now })),
          ...reserve(ctx, false),
        ];
      },
      note: 'substituted: reserve the other SKU(s) at the same price',
    },
    { from: 'stock_short', on: 'task:stock_short', to: 'cancelled', actions: (ctx) => cancel(ctx, 'out_of_stock', 'not enough stock'), note: 'cancelled for want of stock' },
  ];
}

/**
 * What a person sends with a decision: stock_short's substitute names, per order line short of
 * stock, the SKU sent instead ({"oln_…": "SKU"}). Checked before the decision is committed.
 */
export function checkDecision(task: { kind: string; decision: string; values: Readonly<Record<string, string>> }, data: OrderToCashData): { pointer: string; message: string }[] {
  const entries = Object.entries(task.values);
  if (task.kind !== 'stock_short' || task.decision !== 'substitute') return entries.length === 0 ? [] : [{ pointer: '/values', message: `the decision "${task.decision}" takes no values` }];
  if (entries.length === 0) return [{ pointer: '/values', message: 'name the substitute of at least one line: {"<order line id>": "<SKU>"}' }];
  const problems: { pointer: string; message: string }[] = [];
  for (const [lineId, sku] of entries) {
    const line = data.order.lines.find((candidate) => candidate.id === lineId);
    const pointer = `/values/${lineId.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (line === undefined) problems.push({ pointer, message: `order ${data.order.orderNumber} has no line ${lineId}` });
    else if (line.quantity - (line.cancelledQuantity ?? 0) <= 0) problems.push({ pointer, message: `line ${lineId} is cancelled` });
    else if (sku.trim() !== sku || sku === '') problems.push({ pointer, message: 'a SKU without surrounding blanks' });
    else if (sku === line.sku) problems.push({ pointer, message: `line ${lineId} already is ${sku}` });
  }
  return problems;
}
