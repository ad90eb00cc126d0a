import type { Order } from '../../domain/order/order.schema.ts';
import type { ProcessAction, ProcessInput, StepContext } from '../engine/definition.ts';
import type { OrderToCashData, OrderToCashSettings } from './definition.ts';

// The helpers order-to-cash's transition rows share: the commands it sends, the events it emits, the
// tasks it opens, and the arithmetic of what is shipped, cancelled and due. Built once per version
// from the configured systems; pure functions of the step context.

/** What order-to-cash's guards, data and actions see. */
export type Ctx = StepContext<OrderToCashData>;

/** The built-in target that reserves and releases Weft's stock (src/inventory/target.ts). */
export const INVENTORY = 'weft-inventory';
/** The built-in target that checks an order and appends the verdict (src/catalogue/checks.ts). */
export const CHECKS = 'weft-order-checks';
/** States before anything left a warehouse or a store: a cancellation undoes what was done. */
export const CANCELLABLE = ['captured', 'on_hold', 'reserving', 'stock_short', 'erp_pending', 'erp_failed', 'released', 'release_failed', 'awaiting_pickup', 'ready_for_pickup'];
/** States in which the ERP has (or is being sent) the sales order, and in which the warehouse has the release. */
export const ERP_HAS_IT = new Set(['erp_pending', 'erp_failed', 'released', 'release_failed', 'partially_shipped', 'awaiting_pickup', 'ready_for_pickup']);
export const WAREHOUSE_HAS_IT = new Set(['released', 'release_failed', 'partially_shipped']);

/** The data of an event input, or an empty object. */
export function eventData(input: ProcessInput): Record<string, unknown> {
  return input.kind === 'event' && typeof input.data === 'object' && input.data !== null ? (input.data as Record<string, unknown>) : {};
}

/** The helpers of one version for the configured systems. */
export function createKit(settings: OrderToCashSettings, version: 1 | 2) {
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
  const stores = reserves && settings.stores !== undefined && settings.stores.target !== '' ? settings.stores : undefined;
  /** Ship groups a store ships (v2, stores configured): ship_from_store at one of the stores' locations. */
  const storeGroups = (order: Order): string[] =>
    stores === undefined ? [] : order.fulfilmentGroups.filter((group) => group.kind === 'ship_from_store' && group.locationId !== undefined && stores.locations.includes(group.locationId)).map((group) => group.id);
  /** A release and, as its undo, the cancellation at the system that ships (the warehouse or the stores). */
  const releaseTo = (ctx: Ctx, target: string): ProcessAction => ({
    kind: 'command',
    target,
    action: 'releaseOrder',
    event: orderEvent(ctx.data),
    priority: 'urgent',
    compensation: { target, action: 'cancelOrder', event: { type: 'weft.order.cancelled.v1', data: { orderId: ctx.data.order.id, reason: 'other', occurredAt: ctx.now } } },
  });
  const afterErpActions = (ctx: Ctx): ProcessAction[] => {
    const next = afterErp(ctx);
    if (next === 'invoicing') return invoice(ctx);
    if (next === 'awaiting_pickup') return [];
    const released: ProcessAction = { kind: 'emit', type: 'weft.order.released.v1', subject: ctx.data.order.id, data: { orderId: ctx.data.order.id, fulfilmentGroupIds: ctx.data.toShip, occurredAt: ctx.now } };
    const fromStores = storeGroups(ctx.data.order).filter((group) => ctx.data.toShip.includes(group));
    // Without stores configured every parcel is the warehouse's, as in version 1.
    const toWarehouse = warehouse !== undefined && (stores === undefined || ctx.data.toShip.some((group) => !fromStores.includes(group)));
    return [...(toWarehouse ? [releaseTo(ctx, warehouse as string)] : []), ...(stores !== undefined && fromStores.length > 0 ? [releaseTo(ctx, stores.target)] : []), released];
  };
  /** Whether the input is the answer to a release (the warehouse's or the stores'). */
  const releaseAnswer = (ctx: Ctx): boolean => (warehouse !== undefined && delivered(warehouse, 'releaseOrder')(ctx)) || (stores !== undefined && delivered(stores.target, 'releaseOrder')(ctx));
  /**
   * Ship from store: a ship group whose lines were all reserved at one store location ships from
   * there (kind ship_from_store, that location); a ship_from_store group the channel left without a
   * location gets the one its stock is at. Everything else keeps its kind: the warehouse ships it.
   */
  const fulfilFrom = (order: Order, allocation: NonNullable<OrderToCashData['allocation']>): Order => {
    if (stores === undefined) return order;
    const groups = order.fulfilmentGroups.map((group) => {
      if (group.kind !== 'ship' && !(group.kind === 'ship_from_store' && group.locationId === undefined)) return group;
      const places = new Set(allocation.filter((entry) => group.lineIds.includes(entry.lineId)).map((entry) => entry.locationId));
      const whole = group.lineIds.every((lineId) => allocation.some((entry) => entry.lineId === lineId));
      const place = places.size === 1 && whole ? ([...places][0] as string) : undefined;
      return place !== undefined && stores.locations.includes(place) ? { ...group, kind: 'ship_from_store' as const, locationId: place } : group;
    });
    return { ...order, fulfilmentGroups: groups };
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
  /**
   * Weft cancels the order: what was done is undone, the order's channel and CRM hear of it, and (v2)
   * a channel that can cancels the order there too, which gives the customer's money back (refunds a
   * capture, voids an authorisation). A cancellation that came from the channel goes another row.
   */
  const cancel = (ctx: Ctx, reason: string, note: string): ProcessAction[] => {
    const channel = channelOf(ctx);
    const data = { orderId: ctx.data.order.id, reason, note, occurredAt: ctx.now };
    const atChannel = reserves && channel !== undefined && (settings.channelsCancel ?? []).includes(channel);
    return [{ kind: 'compensate' }, ...announce(ctx, 'weft.order.cancelled.v1', data), ...(atChannel ? [{ kind: 'command', target: channel, action: 'cancelOrder', event: { type: 'weft.order.cancelled.v1', data }, priority: 'urgent' } as const] : [])];
  };

  const reserveResult = (status: string) => (ctx: Ctx): boolean => delivered(INVENTORY, 'reserveOrder')(ctx) && eventData(ctx.input).status === status;
  const shortTask = (ctx: Ctx, why: string): ProcessAction[] => [
    { kind: 'emit', type: 'weft.order.held.v1', subject: ctx.data.order.id, data: { orderId: ctx.data.order.id, reason: 'stock_check', note: why, occurredAt: ctx.now } },
    { kind: 'task', taskKind: 'stock_short', title: `Order ${ctx.data.order.orderNumber}: ${why}`, options: ['retry', 'backorder', 'substitute', 'cancel'],
      // The lines, for a person choosing substitutes: resolve with values {"<lineId>": "<SKU>"}.
      data: { commandId: eventData(ctx.input).commandId, code: eventData(ctx.input).code, message: eventData(ctx.input).message, lines: ctx.data.order.lines.filter((line) => line.quantity - (line.cancelledQuantity ?? 0) > 0).map((line) => ({ lineId: line.id, sku: line.sku, quantity: line.quantity - (line.cancelledQuantity ?? 0) })) } },
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
  const decided = (decision: string) => (ctx: Ctx): boolean => ctx.input.kind === 'task' && ctx.input.decision === decision;
  /** The ERP's closeLines for lines whose units were cancelled (the data already counts them), when the ERP has it: before the invoice, so only what ships is billed. */
  const closeLines = (ctx: Ctx, lineIds: readonly string[]): ProcessAction[] => {
    if (!settings.erpClosesLines || lineIds.length === 0) return [];
    const lines = lineIds.map((lineId) => {
      const line = ctx.data.order.lines.find((candidate) => candidate.id === lineId);
      return { lineId, quantity: line?.cancelledQuantity ?? 0, orderedQuantity: line?.quantity };
    });
    return [{ kind: 'command', target: erp, action: 'closeLines', event: { type: 'weft.order.line_cancelled.v1', data: { orderId: ctx.data.order.id, lines } }, priority: 'urgent' }];
  };

  return { settings, erp, warehouse, stores, storeGroups, releaseTo, releaseAnswer, fulfilFrom, reserves, orderEvent, resultOf, delivered, toErp, invoice, afterErp, afterErpActions, toChannel, announce, refusedTask, reserve, releaseGroups, proceed, proceedState, liftsItself, groupOf, liftHold, cancel, reserveResult, shortTask, complete, cancelledValue, due, capturedAlready, toCapture, paid, money, channelOf, capturesAtChannel, recordsPayment, capture, recordPayment, afterInvoice, afterInvoiceActions, afterCapture, afterCaptureActions, shortWaitMs, shippedWith, shortOf, dispatchedGroup, afterShipping, decided, closeLines };
}

/** What createKit returns. */
export type Kit = ReturnType<typeof createKit>;
