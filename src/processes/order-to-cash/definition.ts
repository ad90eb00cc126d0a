import type { FulfilmentGroup } from '../../domain/order/fulfilment-group.schema.ts';
import type { Order } from '../../domain/order/order.schema.ts';
import { holdReasonOf } from '../../domain/order/checks.ts';
import type { ProcessAction, ProcessDefinition, ProcessInput, StepContext, Transition } from '../engine/definition.ts';

/** The version new orders start on. */
export const ORDER_TO_CASH_LATEST = 2;
/** The built-in target that reserves and releases Weft's stock (src/inventory/target.ts). */
const INVENTORY = 'weft-inventory';
/** The built-in target that checks an order and appends the verdict (src/catalogue/checks.ts). */
const CHECKS = 'weft-order-checks';

// Order-to-cash. Version 1: an order from any channel is validated (payments), put into the ERP,
// released to the warehouse (ship groups) or prepared in the store (pick-up groups), shipped or
// collected, invoiced in the ERP, and completed. Holds and ERP refusals become tasks for people;
// cancellations before shipping compensate what was done (the warehouse order is cancelled); a
// pick-up not collected in time is cancelled. Undoing means: the warehouse order is cancelled, then the
// ERP sales order is closed (newest first). The ERP and the warehouse are the configured targets
// named in settings; their answers come back as weft.command.delivered/failed.v1.
//
// Version 2 reserves stock before the ERP hears of the order: Weft's inventory (the built-in target
// weft-inventory) sets the lines aside at the pick-up store or across the channel's locations, in
// their order (one location for the whole order when one can, which is where it is fulfilled from). A
// shortfall holds the order for a person (reserve again, backorder: go on without the stock, or
// cancel). What ships or is collected releases its lines' reservations; a cancellation, or a pick-up
// never collected, releases them with the other undos. Instances started on version 1 finish on it.

/** Which systems the process talks to, and its time limits. */
export interface OrderToCashSettings {
  /** Target name of the ERP (actions upsertSalesOrder, closeSalesOrder, invoiceSalesOrder). */
  erp: string;
  /** Target name of the warehouse (actions releaseOrder, cancelOrder); none: ship groups wait in `released` for shipments from elsewhere. */
  warehouse: string | undefined;
  /** How long a pick-up waits at the store when the store gives no collect-by time, in hours. */
  collectWithinHours: number;
  /** Channel targets by the system orders come from (`order.originSystem` → target with a noteOrder action): holds, cancellations and completion are written back there. */
  channels: Readonly<Record<string, string>>;
  /** v2: once invoiced, capture what the payments only authorised at the channel (its capturePayment action). */
  capturePayments?: boolean;
  /** v2: once paid, record the payment against the invoice in the ERP (its recordPayment action): the cash side of the books. */
  recordPayments?: boolean;
  /** v2: how long the rest of a group that shipped short may take to follow before a person is asked, in hours (default 24). */
  shortShipmentWaitHours?: number;
  /** v2: the CRM target (a noteOrder action): holds, cancellations and completion are written there as to the channel. */
  crm?: string | undefined;
  /** v2: the ERP target has closeLines, which takes cancelled units off the sales order before it is billed. */
  erpClosesLines?: boolean;
}

/** What the process keeps of an order. */
export interface OrderToCashData {
  order: Order;
  /** Ship groups not shipped yet. */
  toShip: string[];
  /** Pick-up groups not collected yet. */
  toCollect: string[];
  /** Why it is on hold, while it is. */
  hold: string | undefined;
  /** Whether anything shipped: from then on a cancellation is a return, not an undo. */
  shipped: boolean;
  /** Where the lines were reserved, as the inventory answered (v2): where they are fulfilled from. */
  allocation?: { lineId: string; sku: string; locationId: string; quantity: number }[];
  /** Units shipped per order line so far (v2). */
  shippedUnits?: Record<string, number>;
  /** Ship groups that shipped short: their rest has not followed yet (v2). */
  shortGroups?: string[];
  /** The units the last step cancelled for want of stock, per line (v2; actions see the data after the step). */
  cancelledShort?: { lineId: string; sku: string; missing: number }[];
  /** Ship groups the last line cancellation left with nothing (v2; for its actions). */
  emptiedGroups?: string[];
}

/** The states, in the order an order usually passes them. */
export const ORDER_TO_CASH_STATES = [
  'captured',
  'on_hold',
  'reserving',
  'stock_short',
  'erp_pending',
  'erp_failed',
  'released',
  'release_failed',
  'partially_shipped',
  'awaiting_pickup',
  'ready_for_pickup',
  'invoicing',
  'invoice_failed',
  'capturing',
  'capture_failed',
  'posting',
  'posting_failed',
  'completed',
  'cancelled',
] as const;

const SHIP_KINDS = new Set<FulfilmentGroup['kind']>(['ship', 'ship_from_store']);
const PICKUP_KINDS = new Set<FulfilmentGroup['kind']>(['pickup_in_store']);
/** States only version 2 has. */
const V2_STATES = new Set(['reserving', 'stock_short', 'capturing', 'capture_failed', 'posting', 'posting_failed']);
/** States before anything left a warehouse or a store: a cancellation undoes what was done. */
const CANCELLABLE = ['captured', 'on_hold', 'reserving', 'stock_short', 'erp_pending', 'erp_failed', 'released', 'release_failed', 'awaiting_pickup', 'ready_for_pickup'];

type Ctx = StepContext<OrderToCashData>;

function eventData(input: ProcessInput): Record<string, unknown> {
  return input.kind === 'event' && typeof input.data === 'object' && input.data !== null ? (input.data as Record<string, unknown>) : {};
}

export { holdReasonOf };

/** Builds order-to-cash (a version still in use, the latest by default) for the configured systems. */
export function orderToCash(settings: OrderToCashSettings, version: 1 | 2 = ORDER_TO_CASH_LATEST): ProcessDefinition<OrderToCashData> {
  const { erp, warehouse } = settings;
  const reserves = version >= 2;
  const orderEvent = (data: OrderToCashData) => ({ type: 'weft.order.captured.v1', data: data.order });
  const resultOf = (ctx: Ctx): { target?: unknown; action?: unknown } => eventData(ctx.input);
  const delivered = (target: string, action: string) => (ctx: Ctx): boolean => resultOf(ctx).target === target && resultOf(ctx).action === action;

  /** Into the ERP; a cancellation before shipping closes the sales order there. */
  const toErp = (ctx: Ctx): ProcessAction[] => [
    {
      kind: 'command',
      target: erp,
      action: 'upsertSalesOrder',
      event: orderEvent(ctx.data),
      priority: 'urgent',
      compensation: { target: erp, action: 'closeSalesOrder', event: { type: 'weft.order.cancelled.v1', data: { orderId: ctx.data.order.id, reason: 'other', occurredAt: ctx.now } } },
    },
  ];
  /** Bill it: the ERP invoices the sales order. */
  const invoice = (ctx: Ctx): ProcessAction[] => [{ kind: 'command', target: erp, action: 'invoiceSalesOrder', event: { type: 'weft.order.completed.v1', data: { orderId: ctx.data.order.id, occurredAt: ctx.now } } }];
  /** After the ERP took the order: release ship groups, wait for pick-ups, or bill what was handed over at the till. */
  const afterErp = (ctx: Ctx): string => (ctx.data.toShip.length > 0 ? 'released' : ctx.data.toCollect.length > 0 ? 'awaiting_pickup' : 'invoicing');
  const afterErpActions = (ctx: Ctx): ProcessAction[] => {
    const next = afterErp(ctx);
    if (next === 'invoicing') return invoice(ctx);
    if (next === 'awaiting_pickup') return [];
    const released: ProcessAction = { kind: 'emit', type: 'weft.order.released.v1', subject: ctx.data.order.id, data: { orderId: ctx.data.order.id, fulfilmentGroupIds: ctx.data.toShip, occurredAt: ctx.now } };
    if (warehouse === undefined) return [released];
    return [
      {
        kind: 'command',
        target: warehouse,
        action: 'releaseOrder',
        event: orderEvent(ctx.data),
        priority: 'urgent',
        compensation: { target: warehouse, action: 'cancelOrder', event: { type: 'weft.order.cancelled.v1', data: { orderId: ctx.data.order.id, reason: 'other', occurredAt: ctx.now } } },
      },
      released,
    ];
  };
  /** Where the order stands, back to the channel it came from (when one is configured for its system). */
  const toChannel = (ctx: Ctx, type: string, data: Record<string, unknown>): ProcessAction[] => {
    const channel = settings.channels[ctx.data.order.originSystem];
    const crm = reserves ? settings.crm : undefined;
    return [
      ...(channel === undefined ? [] : [{ kind: 'command', target: channel, action: 'noteOrder', event: { type, data } } as const]),
      // v2: service agents see the order's state in the CRM too.
      ...(crm === undefined ? [] : [{ kind: 'command', target: crm, action: 'noteOrder', event: { type, data } } as const]),
    ];
  };
  /** An event of the order, emitted and written back to its channel. */
  const announce = (ctx: Ctx, type: string, data: Record<string, unknown>): ProcessAction[] => [{ kind: 'emit', type, subject: ctx.data.order.id, data }, ...toChannel(ctx, type, data)];
  /** A task for a person when a system refused a command (it is a dead letter): replay it once fixed, or cancel. */
  const refusedTask = (ctx: Ctx, taskKind: string, what: string, options: string[] = ['wait_for_replay', 'cancel']): ProcessAction => ({
    kind: 'task',
    taskKind,
    title: `${what} ${ctx.data.order.orderNumber}: ${String(eventData(ctx.input).message ?? '')}`.slice(0, 300),
    options,
    data: { code: eventData(ctx.input).code, message: eventData(ctx.input).message, commandId: eventData(ctx.input).commandId },
  });
  /** Sets the order's stock aside (v2); a later undo releases it. */
  const reserve = (ctx: Ctx, compensate = true): ProcessAction[] => [
    {
      kind: 'command',
      target: INVENTORY,
      action: 'reserveOrder',
      event: orderEvent(ctx.data),
      priority: 'urgent',
      ...(compensate ? { compensation: { target: INVENTORY, action: 'releaseOrder', event: { type: 'weft.order.cancelled.v1', data: { orderId: ctx.data.order.id, reason: 'other', occurredAt: ctx.now } } } } : {}),
    },
  ];
  /** Releases the reservations of the lines of some fulfilment groups (they shipped or were collected). */
  const releaseGroups = (ctx: Ctx, groupIds: readonly string[]): ProcessAction[] => {
    if (!reserves) return [];
    const lineIds = ctx.data.order.lines.filter((line) => groupIds.includes(line.fulfilmentGroupId)).map((line) => line.id);
    return lineIds.length === 0 ? [] : [{ kind: 'command', target: INVENTORY, action: 'releaseOrder', event: { type: 'weft.inventory.reservation_released.v1', data: { orderId: ctx.data.order.id, lineIds } } }];
  };
  /** After validation or a lifted hold: v1 goes to the ERP, v2 reserves stock first. */
  const proceed = (ctx: Ctx): ProcessAction[] => (reserves ? reserve(ctx) : toErp(ctx));
  const proceedState = reserves ? 'reserving' : 'erp_pending';
  /** Whether money arriving lifts the hold: v2 keeps holds for catalogue or tax problems (manual) for a person. */
  const liftsItself = (ctx: Ctx): boolean => !reserves || ctx.data.hold !== 'manual';
  const groupOf = (ctx: Ctx): string[] => [String(eventData(ctx.input).fulfilmentGroupId ?? '')];
  const liftHold = (ctx: Ctx, note: string): ProcessAction[] => [...announce(ctx, 'weft.order.hold_lifted.v1', { orderId: ctx.data.order.id, note, occurredAt: ctx.now }), ...proceed(ctx)];
  const cancel = (ctx: Ctx, reason: string, note: string): ProcessAction[] => [{ kind: 'compensate' }, ...announce(ctx, 'weft.order.cancelled.v1', { orderId: ctx.data.order.id, reason, note, occurredAt: ctx.now })];

  const reserveResult = (status: string) => (ctx: Ctx): boolean => delivered(INVENTORY, 'reserveOrder')(ctx) && eventData(ctx.input).status === status;
  const shortTask = (ctx: Ctx, why: string): ProcessAction[] => [
    { kind: 'emit', type: 'weft.order.held.v1', subject: ctx.data.order.id, data: { orderId: ctx.data.order.id, reason: 'stock_check', note: why, occurredAt: ctx.now } },
    { kind: 'task', taskKind: 'stock_short', title: `Order ${ctx.data.order.orderNumber}: ${why}`, options: ['retry', 'backorder', 'cancel'], data: { commandId: eventData(ctx.input).commandId, code: eventData(ctx.input).code, message: eventData(ctx.input).message } },
    ...toChannel(ctx, 'weft.order.held.v1', { orderId: ctx.data.order.id, reason: 'stock_check', note: why, occurredAt: ctx.now }),
  ];
  const complete = (ctx: Ctx): ProcessAction[] => announce(ctx, 'weft.order.completed.v1', { orderId: ctx.data.order.id, occurredAt: ctx.now });
  /** What the cancelled units were worth, tax included, in minor units (each line's share of its total and taxes). */
  const cancelledValue = (order: Order): number =>
    order.lines.reduce((sum, line) => {
      const cancelled = line.cancelledQuantity ?? 0;
      if (cancelled === 0) return sum;
      const taxes = order.pricesIncludeTax ? 0 : line.taxes.reduce((total, tax) => total + tax.amount.amount, 0);
      return sum + Math.round(((line.total.amount + taxes) * cancelled) / line.quantity);
    }, 0);
  /** What the order comes to once cancelled units are taken off. */
  const due = (ctx: Ctx): number => Math.max(0, ctx.data.order.totals.grandTotal.amount - cancelledValue(ctx.data.order));
  const capturedAlready = (ctx: Ctx): number => ctx.data.order.payments.reduce((sum, payment) => sum + payment.amountCaptured.amount, 0);
  /** What the payments authorised and did not capture yet, no more than is due: cancelled units are not charged. */
  const toCapture = (ctx: Ctx): number => {
    const open = ctx.data.order.payments.filter((payment) => payment.status === 'authorized').reduce((sum, payment) => sum + Math.max(0, payment.amountAuthorized.amount - payment.amountCaptured.amount), 0);
    return Math.max(0, Math.min(open, due(ctx) - capturedAlready(ctx)));
  };
  /** What the customer paid for the order, captured or to be, no more than is due: what the ERP records against the invoice. */
  const paid = (ctx: Ctx): number => Math.min(due(ctx), ctx.data.order.payments.filter((payment) => payment.status === 'authorized' || payment.status === 'captured').reduce((sum, payment) => sum + Math.max(payment.amountAuthorized.amount, payment.amountCaptured.amount), 0));
  const money = (ctx: Ctx, amount: number) => ({ amount, currency: ctx.data.order.currency });
  const channelOf = (ctx: Ctx): string | undefined => settings.channels[ctx.data.order.originSystem];
  const capturesAtChannel = (ctx: Ctx): boolean => settings.capturePayments === true && channelOf(ctx) !== undefined && toCapture(ctx) > 0;
  const recordsPayment = (ctx: Ctx): boolean => settings.recordPayments === true && paid(ctx) > 0;
  const capture = (ctx: Ctx): ProcessAction[] => [{ kind: 'command', target: channelOf(ctx) as string, action: 'capturePayment', event: { type: 'weft.order.payment_captured.v1', data: { orderId: ctx.data.order.id, amount: money(ctx, toCapture(ctx)) } }, priority: 'urgent' }];
  const recordPayment = (ctx: Ctx): ProcessAction[] => [{ kind: 'command', target: erp, action: 'recordPayment', event: { type: 'weft.order.payment_captured.v1', data: { orderId: ctx.data.order.id, amount: money(ctx, paid(ctx)) } } }];
  /** After the invoice (v2): capture at the channel, record the payment in the ERP, or done. */
  const afterInvoice = (ctx: Ctx): string => (!reserves ? 'completed' : capturesAtChannel(ctx) ? 'capturing' : recordsPayment(ctx) ? 'posting' : 'completed');
  const afterInvoiceActions = (ctx: Ctx): ProcessAction[] => {
    const next = afterInvoice(ctx);
    return next === 'capturing' ? capture(ctx) : next === 'posting' ? recordPayment(ctx) : complete(ctx);
  };
  const afterCapture = (ctx: Ctx): string => (recordsPayment(ctx) ? 'posting' : 'completed');
  const afterCaptureActions = (ctx: Ctx): ProcessAction[] => (recordsPayment(ctx) ? recordPayment(ctx) : complete(ctx));
  /** Version 2's rows after the invoice: the capture at the channel and the payment in the ERP. */
  function paymentRows(): Transition<OrderToCashData>[] {
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
  const shortWaitMs = (settings.shortShipmentWaitHours ?? 24) * 3_600_000;
  /** Units per line once this shipment is counted. */
  const shippedWith = (ctx: Ctx): Record<string, number> => {
    const units = { ...(ctx.data.shippedUnits ?? {}) };
    const lines = (eventData(ctx.input).lines ?? []) as { orderLineId: string; quantity: number }[];
    for (const line of lines) units[line.orderLineId] = (units[line.orderLineId] ?? 0) + line.quantity;
    return units;
  };
  /** Lines of a group with units not shipped (nor cancelled), and how many. */
  const shortOf = (data: OrderToCashData, group: string, units: Record<string, number>): { lineId: string; sku: string; missing: number }[] =>
    data.order.lines
      .filter((line) => line.fulfilmentGroupId === group)
      .map((line) => ({ lineId: line.id, sku: line.sku, missing: line.quantity - (line.cancelledQuantity ?? 0) - (units[line.id] ?? 0) }))
      .filter((line) => line.missing > 0);
  const dispatchedGroup = (ctx: Ctx): string => String(eventData(ctx.input).fulfilmentGroupId ?? '');
  /** Where an order goes once no ship group waits: pick-ups, or the invoice. */
  const afterShipping = (data: OrderToCashData): string => (data.toShip.length > 0 ? 'partially_shipped' : data.toCollect.length > 0 ? 'awaiting_pickup' : 'invoicing');
  /** Version 2's shipment rows: units counted per line; a group shipped short waits for its rest, then asks a person. */
  function shipmentRows(): Transition<OrderToCashData>[] {
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
          ...(settings.erpClosesLines && (ctx.data.cancelledShort ?? []).length > 0
            ? [{
                kind: 'command',
                target: erp,
                action: 'closeLines',
                event: {
                  type: 'weft.order.line_cancelled.v1',
                  data: {
                    orderId: ctx.data.order.id,
                    lines: (ctx.data.cancelledShort ?? []).map((short) => {
                      const line = ctx.data.order.lines.find((candidate) => candidate.id === short.lineId);
                      return { lineId: short.lineId, quantity: line?.cancelledQuantity ?? short.missing, orderedQuantity: line?.quantity };
                    }),
                  },
                },
                priority: 'urgent',
              } satisfies ProcessAction]
            : []),
          ...(afterShipping(ctx.data) === 'invoicing' ? invoice(ctx) : []),
        ],
        note: 'the rest is cancelled: bill what shipped',
      },
      { from: 'partially_shipped', on: 'task:short_shipment', to: 'partially_shipped', note: 'nothing short any more' },
    ];
  }
  /** States in which the ERP has (or is being sent) the sales order, and in which the warehouse has the release. */
  const ERP_HAS_IT = new Set(['erp_pending', 'erp_failed', 'released', 'release_failed', 'partially_shipped', 'awaiting_pickup', 'ready_for_pickup']);
  const WAREHOUSE_HAS_IT = new Set(['released', 'release_failed', 'partially_shipped']);
  /** Version 2's rows for a line cancelled by the customer or the channel before it shipped. */
  function lineCancelRows(): Transition<OrderToCashData>[] {
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
     * group's warehouse order.
     */
    const warehouseFollows = (ctx: Ctx): ProcessAction[] => {
      const emptied = ctx.data.emptiedGroups ?? [];
      if (emptied.length === 0) return [{ kind: 'command', target: warehouse as string, action: 'releaseOrder', event: orderEvent(ctx.data), priority: 'urgent' }];
      if (ctx.data.toShip.length === 0) return [{ kind: 'command', target: warehouse as string, action: 'cancelOrder', event: { type: 'weft.order.cancelled.v1', data: { orderId: ctx.data.order.id, reason: input(ctx).reason, occurredAt: ctx.now } }, priority: 'urgent' }];
      return [{ kind: 'task', taskKind: 'warehouse_group_cancelled', title: `Order ${ctx.data.order.orderNumber}: every line of fulfilment group(s) ${emptied.join(', ')} was cancelled; cancel their order(s) in the warehouse`.slice(0, 300), options: ['done'], data: { groups: emptied } }];
    };
    return [
      { from: '*', on: 'task:warehouse_group_cancelled', to: (ctx) => ctx.state, note: 'the warehouse order was cancelled by hand' },
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
            ...(ERP_HAS_IT.has(ctx.state) && settings.erpClosesLines && line !== undefined
              ? [{ kind: 'command', target: erp, action: 'closeLines', event: { type: 'weft.order.line_cancelled.v1', data: { orderId: ctx.data.order.id, lines: [{ lineId: line.id, quantity: line.cancelledQuantity ?? 0, orderedQuantity: line.quantity }] } }, priority: 'urgent' } as const]
              : []),
            ...(WAREHOUSE_HAS_IT.has(ctx.state) && warehouse !== undefined ? warehouseFollows(ctx) : []),
            ...(after(ctx, ctx.data) === 'invoicing' ? [{ kind: 'cancelTimer', name: 'collect_by' } as const, ...invoice(ctx)] : []),
          ];
        },
        note: 'a line cancelled before it shipped: the stock, the ERP and the warehouse follow',
      },
    ];
  }
  const decided = (decision: string) => (ctx: Ctx): boolean => ctx.input.kind === 'task' && ctx.input.decision === decision;
  /** Version 2's rows: reserving, and what a shortfall leads to. */
  function stockRows(): Transition<OrderToCashData>[] {
    return [
      {
        from: 'reserving',
        on: 'weft.order.reserved.v1',
        to: 'reserving',
        data: (ctx) => ({ ...ctx.data, allocation: (eventData(ctx.input).reservations as OrderToCashData['allocation']) ?? [] }),
        note: 'stock set aside: where the lines are fulfilled from',
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
      { from: 'stock_short', on: 'task:stock_short', to: 'cancelled', actions: (ctx) => cancel(ctx, 'out_of_stock', 'not enough stock'), note: 'cancelled for want of stock' },
    ];
  }

  return {
    name: 'order-to-cash',
    version,
    description: reserves
      ? 'Validate, reserve stock, ERP sales order, release or pick-up, shipment or collection, invoice, complete; holds, shortfalls and refusals go to people.'
      : 'Validate, ERP sales order, release or pick-up, shipment or collection, invoice, complete; holds and ERP refusals go to people.',
    states: reserves ? ORDER_TO_CASH_STATES : ORDER_TO_CASH_STATES.filter((state) => !V2_STATES.has(state)),
    final: ['completed', 'cancelled'],
    keyOf(event) {
      const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as { orderId?: unknown };
      if (event.type.startsWith('weft.order.')) return event.subject;
      if (event.type === 'weft.shipment.dispatched.v1' && typeof data.orderId === 'string') return data.orderId;
      if (event.type.startsWith('weft.command.') && event.subject.startsWith('ord_')) return event.subject;
      return undefined;
    },
    start: {
      on: ['weft.order.captured.v1'],
      state: 'captured',
      data: (event) => {
        const order = event.data as Order;
        return {
          order,
          toShip: order.fulfilmentGroups.filter((group) => SHIP_KINDS.has(group.kind)).map((group) => group.id),
          toCollect: order.fulfilmentGroups.filter((group) => PICKUP_KINDS.has(group.kind)).map((group) => group.id),
          hold: undefined,
          shipped: false,
        };
      },
      // Validation decides between the two events the process then moves on: v1 checks the payments
      // here; v2 asks the order checks (payments, SKUs, prices, tax against the catalogue), which append
      // the verdict.
      actions: (ctx) => {
        if (reserves) return [{ kind: 'command', target: CHECKS, action: 'validateOrder', event: orderEvent(ctx.data), priority: 'urgent' }];
        const hold = holdReasonOf(ctx.data.order);
        const orderId = ctx.data.order.id;
        return hold === undefined
          ? [{ kind: 'emit', type: 'weft.order.validated.v1', subject: orderId, data: { orderId, occurredAt: ctx.now } }]
          : [{ kind: 'emit', type: 'weft.order.held.v1', subject: orderId, data: { orderId, reason: hold.reason, note: hold.note, occurredAt: ctx.now } }];
      },
    },
    transitions: [
      { from: 'captured', on: 'weft.order.validated.v1', to: proceedState, actions: proceed, note: reserves ? 'validated: reserve stock' : 'validated: into the ERP' },
      ...(reserves ? stockRows() : []),
      {
        from: 'captured',
        on: 'weft.order.held.v1',
        to: 'on_hold',
        data: (ctx) => ({ ...ctx.data, hold: String(eventData(ctx.input).reason ?? 'manual') }),
        actions: (ctx) => [
          { kind: 'task', taskKind: 'order_hold', title: `Order ${ctx.data.order.orderNumber} is on hold: ${String(eventData(ctx.input).note ?? eventData(ctx.input).reason)}`, options: ['release', 'cancel'], data: { reason: eventData(ctx.input).reason, note: eventData(ctx.input).note } },
          ...toChannel(ctx, 'weft.order.held.v1', eventData(ctx.input)),
        ],
        note: 'held: a person decides',
      },
      { from: 'on_hold', on: 'weft.order.payment_authorized.v1', when: liftsItself, to: proceedState, data: (ctx) => ({ ...ctx.data, hold: undefined }), actions: (ctx) => liftHold(ctx, 'payment authorised'), note: 'payment arrived' },
      { from: 'on_hold', on: 'weft.order.payment_captured.v1', when: liftsItself, to: proceedState, data: (ctx) => ({ ...ctx.data, hold: undefined }), actions: (ctx) => liftHold(ctx, 'payment captured'), note: 'payment arrived' },
      { from: 'on_hold', on: 'task:order_hold', when: (ctx) => ctx.input.kind === 'task' && ctx.input.decision === 'release', to: proceedState, data: (ctx) => ({ ...ctx.data, hold: undefined }), actions: (ctx) => liftHold(ctx, ctx.input.kind === 'task' ? (ctx.input.note ?? 'released by a person') : 'released'), note: 'released by a person' },
      { from: 'on_hold', on: 'task:order_hold', to: 'cancelled', actions: (ctx) => cancel(ctx, 'other', ctx.input.kind === 'task' ? (ctx.input.note ?? 'cancelled by a person') : 'cancelled'), note: 'cancelled by a person' },
      { from: ['erp_pending', 'erp_failed'], on: 'weft.command.delivered.v1', when: delivered(erp, 'upsertSalesOrder'), to: afterErp, actions: afterErpActions, note: 'the ERP has the sales order' },
      {
        from: 'erp_pending',
        on: 'weft.command.failed.v1',
        when: delivered(erp, 'upsertSalesOrder'),
        to: 'erp_failed',
        actions: (ctx) => [refusedTask(ctx, 'erp_refused', 'The ERP refused order')],
        note: 'the ERP refused the order: a person fixes and replays it, or cancels',
      },
      { from: 'erp_failed', on: 'task:erp_refused', when: (ctx) => ctx.input.kind === 'task' && ctx.input.decision === 'cancel', to: 'cancelled', actions: (ctx) => cancel(ctx, 'other', 'the ERP refused it'), note: 'cancelled by a person' },
      { from: 'erp_failed', on: 'task:erp_refused', to: 'erp_failed', note: 'waiting for the dead letter to be replayed' },
      {
        from: 'released',
        on: 'weft.command.failed.v1',
        when: (ctx) => warehouse !== undefined && delivered(warehouse, 'releaseOrder')(ctx),
        to: 'release_failed',
        actions: (ctx) => [refusedTask(ctx, 'release_refused', 'The warehouse refused order')],
        note: 'the warehouse refused the release: a person fixes and replays it, or cancels',
      },
      { from: 'release_failed', on: 'weft.command.delivered.v1', when: (ctx) => warehouse !== undefined && delivered(warehouse, 'releaseOrder')(ctx), to: 'released', note: 'the replayed release went through' },
      { from: 'release_failed', on: 'task:release_refused', when: (ctx) => ctx.input.kind === 'task' && ctx.input.decision === 'cancel', to: 'cancelled', actions: (ctx) => cancel(ctx, 'other', 'the warehouse refused it'), note: 'cancelled by a person' },
      { from: 'release_failed', on: 'task:release_refused', to: 'release_failed', note: 'waiting for the dead letter to be replayed' },
      ...(reserves ? shipmentRows() : []),
      {
        from: ['released', 'partially_shipped'],
        on: 'weft.shipment.dispatched.v1',
        to: (ctx) => {
          const left = ctx.data.toShip.filter((group) => group !== eventData(ctx.input).fulfilmentGroupId);
          return left.length > 0 ? 'partially_shipped' : ctx.data.toCollect.length > 0 ? 'awaiting_pickup' : 'invoicing';
        },
        data: (ctx) => ({ ...ctx.data, shipped: true, toShip: ctx.data.toShip.filter((group) => group !== eventData(ctx.input).fulfilmentGroupId) }),
        // What left the warehouse cannot be cancelled there any more: a cancellation now is a return.
        actions: (ctx) => [{ kind: 'forgetCompensations' }, ...releaseGroups(ctx, groupOf(ctx)), ...(ctx.data.toShip.length === 0 && ctx.data.toCollect.length === 0 ? invoice(ctx) : [])],
        note: 'shipped',
      },
      { from: 'awaiting_pickup', on: 'weft.order.ready_for_pickup.v1', to: 'ready_for_pickup', actions: (ctx) => [{ kind: 'timer', name: 'collect_by', dueAt: typeof eventData(ctx.input).collectBy === 'string' ? (eventData(ctx.input).collectBy as string) : new Date(Date.parse(ctx.now) + settings.collectWithinHours * 3_600_000).toISOString() }], note: 'ready at the store' },
      {
        from: 'ready_for_pickup',
        on: 'weft.order.collected.v1',
        to: (ctx) => (ctx.data.toCollect.filter((group) => group !== eventData(ctx.input).fulfilmentGroupId).length > 0 ? 'ready_for_pickup' : 'invoicing'),
        data: (ctx) => ({ ...ctx.data, toCollect: ctx.data.toCollect.filter((group) => group !== eventData(ctx.input).fulfilmentGroupId) }),
        actions: (ctx) => [...releaseGroups(ctx, groupOf(ctx)), ...(ctx.data.toCollect.length === 0 ? [{ kind: 'cancelTimer', name: 'collect_by' } as const, ...invoice(ctx)] : [])],
        note: 'collected',
      },
      { from: 'ready_for_pickup', on: 'timer:collect_by', to: 'cancelled', actions: (ctx) => cancel(ctx, 'not_collected', 'not collected in time'), note: 'not collected in time: cancelled' },
      {
        from: 'invoicing',
        on: 'weft.command.failed.v1',
        when: delivered(erp, 'invoiceSalesOrder'),
        to: 'invoice_failed',
        actions: (ctx) => [refusedTask(ctx, 'invoice_refused', 'The ERP refused the invoice of order', ['wait_for_replay'])],
        note: 'the ERP refused the invoice: a person fixes and replays it (what shipped is not cancelled)',
      },
      { from: 'invoice_failed', on: 'weft.command.delivered.v1', when: delivered(erp, 'invoiceSalesOrder'), to: afterInvoice, actions: afterInvoiceActions, note: 'the replayed invoice went through' },
      { from: 'invoice_failed', on: 'task:invoice_refused', to: 'invoice_failed', note: 'waiting for the dead letter to be replayed' },
      { from: 'invoicing', on: 'weft.command.delivered.v1', when: delivered(erp, 'invoiceSalesOrder'), to: afterInvoice, actions: afterInvoiceActions, note: reserves ? 'invoiced' : 'invoiced: done' },
      ...(reserves ? paymentRows() : []),
      ...(reserves ? lineCancelRows() : []),
      {
        from: reserves ? CANCELLABLE : CANCELLABLE.filter((state) => !V2_STATES.has(state)),
        on: 'weft.order.cancelled.v1',
        when: (ctx) => !ctx.data.shipped,
        to: 'cancelled',
        actions: (ctx) => [{ kind: 'compensate' }, ...toChannel(ctx, 'weft.order.cancelled.v1', eventData(ctx.input))],
        note: 'cancelled by the channel or the customer before anything shipped: what was done is undone',
      },
    ],
  };
}
