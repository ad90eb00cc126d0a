import type { FulfilmentGroup } from '../../domain/order/fulfilment-group.schema.ts';
import type { Order } from '../../domain/order/order.schema.ts';
import { holdReasonOf } from '../../domain/order/checks.ts';
import type { ProcessDefinition } from '../engine/definition.ts';
import { CANCELLABLE, CHECKS, createKit, eventData, type Ctx } from './kit.ts';
import { checkDecision, lineCancelRows, paymentRows, shipmentRows, stockRows } from './v2-rows.ts';
import { rejectionDecisionProblems, rejectionRows } from './rejection-rows.ts';

/** The version new orders start on. */
export const ORDER_TO_CASH_LATEST = 2;

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
  /** v2: ship from store. Ship groups whose stock was reserved wholly at one of these store locations are released to this target (actions releaseOrder, cancelOrder) instead of the warehouse. */
  stores?: { target: string; locations: readonly string[] } | undefined;
  /** v2: channel targets with a cancelOrder action (Shopify's cancels and refunds): an order Weft cancels (not collected, no stock, a person's decision) is cancelled there too, and the customer's money given back. */
  channelsCancel?: readonly string[];
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
  /** Lines sent with another SKU than ordered, as people decided (v2). */
  substitutions?: { lineId: string; fromSku: string; toSku: string }[];
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

export { holdReasonOf };

/** Builds order-to-cash (a version still in use, the latest by default) for the configured systems. */
export function orderToCash(settings: OrderToCashSettings, version: 1 | 2 = ORDER_TO_CASH_LATEST): ProcessDefinition<OrderToCashData> {
  const kit = createKit(settings, version);
  /** v2: a guest order resolved to a customer by the checks (or one created for it) goes on as that customer's. */
  const withCustomer = (ctx: Ctx): OrderToCashData =>
    reserves && typeof eventData(ctx.input).customerId === 'string' && ctx.data.order.customerId === undefined ? { ...ctx.data, order: { ...ctx.data.order, customerId: eventData(ctx.input).customerId as string } } : ctx.data;
  const { erp, warehouse, releaseAnswer, reserves, orderEvent, delivered, invoice, afterErp, afterErpActions, toChannel, refusedTask, releaseGroups, proceed, proceedState, liftsItself, groupOf, liftHold, cancel, afterInvoice, afterInvoiceActions } = kit;
  return {
    name: 'order-to-cash',
    version,
    description: reserves
      ? 'Validate, reserve stock, ERP sales order, release or pick-up, shipment or collection, invoice, complete; holds, shortfalls and refusals go to people.'
      : 'Validate, ERP sales order, release or pick-up, shipment or collection, invoice, complete; holds and ERP refusals go to people.',
    states: reserves ? ORDER_TO_CASH_STATES : ORDER_TO_CASH_STATES.filter((state) => !V2_STATES.has(state)),
    final: ['completed', 'cancelled'],
    ...(reserves ? { checkDecision: (task, data) => [...checkDecision(task, data), ...(task.kind === 'release_rejected' ? rejectionDecisionProblems(task.decision, data, warehouse !== undefined) : [])] } : {}),
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
      {
        from: 'captured',
        on: 'weft.order.validated.v1',
        to: proceedState,
        ...(reserves ? { data: withCustomer } : {}),
        actions: proceed,
        note: reserves ? 'validated: reserve stock' : 'validated: into the ERP',
      },
      ...(reserves ? stockRows(kit) : []),
      {
        from: 'captured',
        on: 'weft.order.held.v1',
        to: 'on_hold',
        // v2: the shopper's customer, when the checks found one, stays with the order for when the hold is lifted.
        data: (ctx) => ({ ...withCustomer(ctx), hold: String(eventData(ctx.input).reason ?? 'manual') }),
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
        when: releaseAnswer,
        to: 'release_failed',
        actions: (ctx) => [refusedTask(ctx, 'release_refused', `The ${eventData(ctx.input).target === warehouse ? 'warehouse' : 'store'} refused order`)],
        note: 'the warehouse (or the store) refused the release: a person fixes and replays it, or cancels',
      },
      { from: 'release_failed', on: 'weft.command.delivered.v1', when: releaseAnswer, to: 'released', note: 'the replayed release went through' },
      { from: 'release_failed', on: 'task:release_refused', when: (ctx) => ctx.input.kind === 'task' && ctx.input.decision === 'cancel', to: 'cancelled', actions: (ctx) => cancel(ctx, 'other', 'the warehouse refused it'), note: 'cancelled by a person' },
      { from: 'release_failed', on: 'task:release_refused', to: 'release_failed', note: 'waiting for the dead letter to be replayed' },
      ...(reserves ? [...shipmentRows(kit), ...rejectionRows(kit)] : []),
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
      ...(reserves ? paymentRows(kit) : []),
      ...(reserves ? lineCancelRows(kit) : []),
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
