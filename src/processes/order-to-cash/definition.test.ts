import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { germanWebOrder, usPosSale } from '../../domain/events/example-documents.ts';
import type { Order } from '../../domain/order/order.schema.ts';
import { createIdGenerator, type Clock } from '../../ports/clock.ts';
import type { ProcessInstance } from '../../ports/store.ts';
import { definitionProblems, type ProcessInput } from '../engine/definition.ts';
import { decideStep, envelopeOf, type StepOutcome } from '../engine/step.ts';
import { holdReasonOf, orderToCash, type OrderToCashData } from './definition.ts';

// Order-to-cash v1 and v2, step by step through the transition table (the runner and the store are tested
// elsewhere): the happy path of a web order with a ship group and a pick-up group, a till sale,
// holds, an ERP refusal, cancellations that undo what was done, and a pick-up never collected.

const clock: Clock = { now: () => Date.parse('2026-11-23T12:00:00.000Z') };
const o2c = orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: { 'shopify-eu': 'shop' } }, 1);
const now = '2026-11-23T12:00:00.000Z';
let n = 0;

const event = (type: string, subject: string, data: object = {}): ProcessInput => ({ kind: 'event', id: `evt_${++n}`, type, subject, time: now, data });
const result = (type: 'weft.command.delivered.v1' | 'weft.command.failed.v1', order: Order, target: string, action: string, extra: object = {}): ProcessInput =>
  event(type, order.id, { commandId: 'cmd_x', target, action, key: order.id, attempts: 1, occurredAt: now, ...extra });

type Step = Extract<StepOutcome<OrderToCashData>, { kind: 'step' }>;
function step(order: Order, instance: ProcessInstance | undefined, input: ProcessInput, definition = o2c): Step {
  const outcome = decideStep(definition, order.id, instance, input, now, createIdGenerator(clock));
  assert.equal(outcome.kind, 'step', outcome.kind === 'ignored' ? outcome.reason : '');
  return outcome as Step;
}
const commandsOf = (s: Step) => (s.unit.outbox ?? []).map((c) => `${c.target}.${c.action}`);
const eventsOf = (s: Step) => (s.unit.events ?? []).map((e) => e.type);

/** Captured and validated: in erp_pending with the ERP command sent. */
function intoErp(order: Order): Step {
  const captured = step(order, undefined, event('weft.order.captured.v1', order.id, order));
  assert.deepEqual(eventsOf(captured), ['weft.order.validated.v1']);
  const validated = step(order, captured.instance, event('weft.order.validated.v1', order.id, { orderId: order.id, occurredAt: now }));
  assert.equal(validated.instance.state, 'erp_pending');
  assert.deepEqual(commandsOf(validated), ['erp.upsertSalesOrder']);
  return validated;
}

describe('order-to-cash v1', () => {
  it('is a sound definition', () => {
    assert.deepEqual(definitionProblems(o2c), []);
  });

  it('takes a web order with a ship group and a pick-up group through to completed', () => {
    const order = germanWebOrder;
    const inErp = intoErp(order);
    assert.equal((inErp.unit.outbox?.[0]?.payload as { type: string; data: { id: string } }).data.id, order.id, 'the ERP command carries the order');
    const released = step(order, inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created', targetId: '48213' }));
    assert.equal(released.instance.state, 'released');
    assert.deepEqual(commandsOf(released), ['wms.releaseOrder']);
    assert.deepEqual(eventsOf(released), ['weft.order.released.v1']);
    assert.deepEqual(envelopeOf<OrderToCashData>(released.instance).compensations.map((c) => c.action), ['closeSalesOrder', 'cancelOrder'], 'the ERP order and the release are owed an undo');
    const shipGroup = order.fulfilmentGroups.find((g) => g.kind === 'ship')?.id;
    const pickupGroup = order.fulfilmentGroups.find((g) => g.kind === 'pickup_in_store')?.id;
    const shipped = step(order, released.instance, event('weft.shipment.dispatched.v1', 'shp_01JDS0000000000000000000AA', { orderId: order.id, fulfilmentGroupId: shipGroup }));
    assert.equal(shipped.instance.state, 'awaiting_pickup', 'the pick-up group is still to come');
    assert.equal(envelopeOf<OrderToCashData>(shipped.instance).compensations.length, 0, 'a shipped release can no longer be cancelled');
    const ready = step(order, shipped.instance, event('weft.order.ready_for_pickup.v1', order.id, { orderId: order.id, fulfilmentGroupId: pickupGroup, collectBy: '2026-11-27T18:00:00.000Z' }));
    assert.equal(ready.unit.timers?.[0]?.dueAt, '2026-11-27T18:00:00.000Z', 'the store\'s collect-by time is the deadline');
    const collected = step(order, ready.instance, event('weft.order.collected.v1', order.id, { orderId: order.id, fulfilmentGroupId: pickupGroup }));
    assert.equal(collected.instance.state, 'invoicing');
    assert.deepEqual(commandsOf(collected), ['erp.invoiceSalesOrder']);
    assert.equal(collected.unit.cancelTimers?.length, 1, 'the collect-by timer is cancelled');
    const done = step(order, collected.instance, result('weft.command.delivered.v1', order, 'erp', 'invoiceSalesOrder', { status: 'created' }));
    assert.deepEqual([done.instance.state, done.instance.finished, eventsOf(done)], ['completed', true, ['weft.order.completed.v1']]);
    assert.deepEqual(commandsOf(done), ['shop.noteOrder'], 'completion is written back to the web store the order came from');
  });

  it('bills a till sale as soon as the ERP has it: nothing to ship or collect', () => {
    const order = usPosSale;
    const inErp = intoErp(order);
    const billed = step(order, inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    assert.deepEqual([billed.instance.state, commandsOf(billed)], ['invoicing', ['erp.invoiceSalesOrder']]);
    const done = step(order, billed.instance, result('weft.command.delivered.v1', order, 'erp', 'invoiceSalesOrder', { status: 'created' }));
    assert.deepEqual(commandsOf(done), [], 'the till\'s system has no channel target configured: nothing written back');
  });

  it('ignores results of other commands while waiting for the ERP', () => {
    const order = germanWebOrder;
    const inErp = intoErp(order);
    const other = decideStep(o2c, order.id, inErp.instance, result('weft.command.delivered.v1', order, 'webshop', 'tagOrder', { status: 'updated' }), now, createIdGenerator(clock));
    assert.equal(other.kind, 'ignored');
  });

  it('holds an order whose payment is not secured, opens a task, and goes on when the payment arrives', () => {
    const unpaid: Order = { ...germanWebOrder, payments: germanWebOrder.payments.map((p) => ({ ...p, status: 'pending' as const, amountAuthorized: { ...p.amountAuthorized, amount: 0 } })) };
    assert.equal(holdReasonOf(unpaid)?.reason, 'payment_pending');
    assert.equal(holdReasonOf({ ...germanWebOrder, payments: germanWebOrder.payments.map((p) => ({ ...p, status: 'under_review' as const })) })?.reason, 'fraud_review');
    assert.equal(holdReasonOf(germanWebOrder), undefined);
    const captured = step(unpaid, undefined, event('weft.order.captured.v1', unpaid.id, unpaid));
    assert.deepEqual(eventsOf(captured), ['weft.order.held.v1']);
    const held = step(unpaid, captured.instance, event('weft.order.held.v1', unpaid.id, { orderId: unpaid.id, reason: 'payment_pending', note: 'no payment yet', occurredAt: now }));
    assert.equal(held.instance.state, 'on_hold');
    assert.deepEqual(commandsOf(held), ['shop.noteOrder'], 'the hold is written back to the channel');
    assert.deepEqual([held.unit.tasks?.[0]?.kind, held.unit.tasks?.[0]?.options], ['order_hold', ['release', 'cancel']]);
    const paid = step(unpaid, held.instance, event('weft.order.payment_authorized.v1', unpaid.id, { orderId: unpaid.id }));
    assert.deepEqual([paid.instance.state, commandsOf(paid), eventsOf(paid)], ['erp_pending', ['shop.noteOrder', 'erp.upsertSalesOrder'], ['weft.order.hold_lifted.v1']]);
    const cancelled = step(unpaid, held.instance, { kind: 'task', id: 'tsk_1', taskKind: 'order_hold', decision: 'cancel', note: 'fraud', resolvedAt: now, data: null });
    assert.deepEqual([cancelled.instance.state, eventsOf(cancelled), commandsOf(cancelled)], ['cancelled', ['weft.order.cancelled.v1'], ['shop.noteOrder']], 'a held order never reached the ERP: nothing to undo, only the channel to tell');
  });

  it('turns an ERP refusal into a task, and goes on once the dead letter is replayed and delivered', () => {
    const order = germanWebOrder;
    const inErp = intoErp(order);
    const refused = step(order, inErp.instance, result('weft.command.failed.v1', order, 'erp', 'upsertSalesOrder', { code: 'target_rejected', message: 'Invalid item reference' }));
    assert.equal(refused.instance.state, 'erp_failed');
    assert.match(refused.unit.tasks?.[0]?.title ?? '', /The ERP refused order DE-100234: Invalid item reference/);
    const replayed = step(order, refused.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    assert.equal(replayed.instance.state, 'released');
  });

  it('turns a refused release and a refused invoice into tasks, and goes on when their dead letters are replayed', () => {
    const order: Order = { ...germanWebOrder, fulfilmentGroups: germanWebOrder.fulfilmentGroups.filter((g) => g.kind === 'ship') };
    const inErp = intoErp(order);
    const released = step(order, inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    const refused = step(order, released.instance, result('weft.command.failed.v1', order, 'wms', 'releaseOrder', { code: 'target_rejected', message: 'unknown SKU' }));
    assert.deepEqual([refused.instance.state, refused.unit.tasks?.[0]?.kind, refused.unit.tasks?.[0]?.options], ['release_failed', 'release_refused', ['wait_for_replay', 'cancel']]);
    const replayed = step(order, refused.instance, result('weft.command.delivered.v1', order, 'wms', 'releaseOrder', { status: 'upserted' }));
    assert.equal(replayed.instance.state, 'released');
    const cancelled = step(order, refused.instance, { kind: 'task', id: 'tsk_2', taskKind: 'release_refused', decision: 'cancel', note: undefined, resolvedAt: now, data: null });
    assert.deepEqual([cancelled.instance.state, commandsOf(cancelled)], ['cancelled', ['wms.cancelOrder', 'erp.closeSalesOrder', 'shop.noteOrder']]);

    const shipped = step(order, replayed.instance, event('weft.shipment.dispatched.v1', 'shp_y', { orderId: order.id, fulfilmentGroupId: order.fulfilmentGroups[0]?.id }));
    assert.equal(shipped.instance.state, 'invoicing');
    const invoiceRefused = step(order, shipped.instance, result('weft.command.failed.v1', order, 'erp', 'invoiceSalesOrder', { code: 'target_rejected', message: 'period closed' }));
    assert.deepEqual([invoiceRefused.instance.state, invoiceRefused.unit.tasks?.[0]?.options], ['invoice_failed', ['wait_for_replay']], 'what shipped cannot be cancelled: only a replay helps');
    const invoiced = step(order, invoiceRefused.instance, result('weft.command.delivered.v1', order, 'erp', 'invoiceSalesOrder', { status: 'created' }));
    assert.deepEqual([invoiced.instance.state, eventsOf(invoiced)], ['completed', ['weft.order.completed.v1']]);
  });

  it('undoes the warehouse release when the customer cancels before shipping', () => {
    const order = germanWebOrder;
    const inErp = intoErp(order);
    const released = step(order, inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    const cancelled = step(order, released.instance, event('weft.order.cancelled.v1', order.id, { orderId: order.id, reason: 'customer_request', occurredAt: now }));
    assert.deepEqual([cancelled.instance.state, commandsOf(cancelled)], ['cancelled', ['wms.cancelOrder', 'erp.closeSalesOrder', 'shop.noteOrder']], 'undone newest first, then the channel told');
    const shipped = step(order, released.instance, event('weft.shipment.dispatched.v1', 'shp_x', { orderId: order.id, fulfilmentGroupId: order.fulfilmentGroups[0]?.id }));
    assert.equal(decideStep(o2c, order.id, shipped.instance, event('weft.order.cancelled.v1', order.id, { orderId: order.id }), now, createIdGenerator(clock)).kind, 'ignored', 'after shipping a cancellation is a return, not an undo');
  });

  it('cancels a pick-up nobody collected when its timer fires, undoing what was done', () => {
    const order: Order = { ...germanWebOrder, fulfilmentGroups: germanWebOrder.fulfilmentGroups.filter((g) => g.kind === 'pickup_in_store') };
    const inErp = intoErp(order);
    const waiting = step(order, inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    assert.equal(waiting.instance.state, 'awaiting_pickup');
    const ready = step(order, waiting.instance, event('weft.order.ready_for_pickup.v1', order.id, { orderId: order.id }));
    const timer = ready.unit.timers?.[0];
    assert.equal(timer?.dueAt, '2026-11-26T12:00:00.000Z', 'the configured 72 hours when the store gives no time');
    const expired = step(order, ready.instance, { kind: 'timer', id: timer?.id as string, name: 'collect_by', firedAt: now, payload: null });
    assert.equal(expired.instance.state, 'cancelled');
    const cancelled = expired.unit.events?.find((e) => e.type === 'weft.order.cancelled.v1');
    assert.equal((cancelled?.data as { reason: string }).reason, 'not_collected');
  });
});

describe('order-to-cash v2: stock first', () => {
  const v2 = orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: { 'shopify-eu': 'shop' } }, 2);
  const s2 = (order: Order, instance: ProcessInstance | undefined, input: ProcessInput): Step => step(order, instance, input, v2);
  const reserveResult = (order: Order, status: string): ProcessInput => result('weft.command.delivered.v1', order, 'weft-inventory', 'reserveOrder', { status });
  /** A shipment of a group: every unit of its lines, or as many as `units` says per line. */
  const dispatch = (order: Order, groupId: string | undefined, units: Record<string, number> = {}): ProcessInput =>
    event('weft.shipment.dispatched.v1', `shp_${++n}`, {
      orderId: order.id,
      fulfilmentGroupId: groupId,
      lines: order.lines.filter((line) => line.fulfilmentGroupId === groupId).map((line) => ({ orderLineId: line.id, quantity: units[line.id] ?? line.quantity })).filter((line) => line.quantity > 0),
    });

  /** Captured, validated: reserving, with the reservation command sent. */
  function reserving(order: Order): Step {
    const captured = s2(order, undefined, event('weft.order.captured.v1', order.id, order));
    assert.deepEqual([eventsOf(captured), commandsOf(captured)], [[], ['weft-order-checks.validateOrder']], 'the order checks append the verdict');
    const validated = s2(order, captured.instance, event('weft.order.validated.v1', order.id, { orderId: order.id, occurredAt: now }));
    assert.deepEqual([validated.instance.state, commandsOf(validated)], ['reserving', ['weft-inventory.reserveOrder']]);
    return validated;
  }

  it('is a sound definition, and the latest', () => {
    assert.deepEqual(definitionProblems(v2), []);
    assert.equal(orderToCash({ erp: 'erp', warehouse: undefined, collectWithinHours: 1, channels: {} }).version, 2);
  });

  it('reserves before the ERP, keeps where, releases what shipped and what was collected', () => {
    const order = germanWebOrder;
    const started = reserving(order);
    const lines = order.lines.map((line) => ({ lineId: line.id, sku: line.sku, locationId: 'loc_01JDEMDC000000000000000004', quantity: line.quantity }));
    const kept = s2(order, started.instance, event('weft.order.reserved.v1', order.id, { orderId: order.id, reservations: lines, occurredAt: now }));
    assert.deepEqual([kept.instance.state, envelopeOf<OrderToCashData>(kept.instance).data.allocation], ['reserving', lines]);
    const inErp = s2(order, kept.instance, reserveResult(order, 'reserved'));
    assert.deepEqual([inErp.instance.state, commandsOf(inErp)], ['erp_pending', ['erp.upsertSalesOrder']]);
    const released = s2(order, inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    assert.deepEqual(envelopeOf<OrderToCashData>(released.instance).compensations.map((c) => c.action), ['releaseOrder', 'closeSalesOrder', 'cancelOrder']);
    const shipGroup = order.fulfilmentGroups.find((g) => g.kind === 'ship');
    const pickupGroup = order.fulfilmentGroups.find((g) => g.kind === 'pickup_in_store');
    const shipped = s2(order, released.instance, dispatch(order, shipGroup?.id));
    assert.deepEqual(commandsOf(shipped), ['weft-inventory.releaseOrder']);
    assert.deepEqual((shipped.unit.outbox?.[0]?.payload as { data: { lineIds: string[] } }).data.lineIds, shipGroup?.lineIds, 'only the shipped group\'s lines');
    const ready = s2(order, shipped.instance, event('weft.order.ready_for_pickup.v1', order.id, { orderId: order.id, fulfilmentGroupId: pickupGroup?.id }));
    const collected = s2(order, ready.instance, event('weft.order.collected.v1', order.id, { orderId: order.id, fulfilmentGroupId: pickupGroup?.id }));
    assert.deepEqual(commandsOf(collected), ['weft-inventory.releaseOrder', 'erp.invoiceSalesOrder']);
    assert.deepEqual((collected.unit.outbox?.[0]?.payload as { data: { lineIds: string[] } }).data.lineIds, pickupGroup?.lineIds);
  });

  it('keeps a hold for catalogue or tax problems until a person decides; a payment hold lifts itself', () => {
    const order = germanWebOrder;
    const captured = s2(order, undefined, event('weft.order.captured.v1', order.id, order));
    const hold = (reason: string) => s2(order, captured.instance, event('weft.order.held.v1', order.id, { orderId: order.id, reason, note: '/lines/0/sku: X is not in the catalogue', occurredAt: now }));
    const manual = hold('manual');
    assert.equal(decideStep(v2, order.id, manual.instance, event('weft.order.payment_authorized.v1', order.id, { orderId: order.id }), now, createIdGenerator(clock)).kind, 'ignored');
    const released = s2(order, manual.instance, { kind: 'task', id: 'tsk_m', taskKind: 'order_hold', decision: 'release', note: 'price agreed by phone', resolvedAt: now, data: null });
    assert.deepEqual([released.instance.state, commandsOf(released)], ['reserving', ['shop.noteOrder', 'weft-inventory.reserveOrder']]);
    const paid = s2(order, hold('payment_pending').instance, event('weft.order.payment_authorized.v1', order.id, { orderId: order.id }));
    assert.equal(paid.instance.state, 'reserving');
    const { customerId: _named, ...anonymous } = order;
    const guest: Order = { ...anonymous, guestEmail: 'known.buyer@example.org' };
    const heldGuest = s2(guest, s2(guest, undefined, event('weft.order.captured.v1', guest.id, guest)).instance, event('weft.order.held.v1', guest.id, { orderId: guest.id, reason: 'fraud_review', customerId: 'cus_01JDS0000000000000000000KB', occurredAt: now }));
    const releasedGuest = s2(guest, heldGuest.instance, { kind: 'task', id: 'tsk_g', taskKind: 'order_hold', decision: 'release', note: 'review passed', resolvedAt: now, data: null });
    assert.equal((releasedGuest.unit.outbox?.find((c) => c.action === 'reserveOrder')?.payload as { data: Order }).data.customerId, 'cus_01JDS0000000000000000000KB', 'a guest order released by a person goes on as the customer the checks found');
  });

  it('goes on to the ERP when the channel\'s stock is not Weft\'s to reserve', () => {
    const order = germanWebOrder;
    const next = s2(order, reserving(order).instance, reserveResult(order, 'not_managed'));
    assert.deepEqual([next.instance.state, commandsOf(next)], ['erp_pending', ['erp.upsertSalesOrder']]);
  });

  it('holds an order short of stock for a person: retry, backorder, substitute or cancel', () => {
    const order = germanWebOrder;
    const started = reserving(order);
    const short = s2(order, started.instance, reserveResult(order, 'short'));
    assert.deepEqual([short.instance.state, eventsOf(short), short.unit.tasks?.[0]?.kind, short.unit.tasks?.[0]?.options, commandsOf(short)], ['stock_short', ['weft.order.held.v1'], 'stock_short', ['retry', 'backorder', 'substitute', 'cancel'], ['shop.noteOrder']]);
    assert.equal((short.unit.events?.[0]?.data as { reason: string }).reason, 'stock_check');
    const decide = (decision: string) => s2(order, short.instance, { kind: 'task', id: 'tsk_s', taskKind: 'stock_short', decision, note: undefined, resolvedAt: now, data: null });
    const retry = decide('retry');
    assert.deepEqual([retry.instance.state, commandsOf(retry)], ['reserving', ['weft-inventory.reserveOrder']]);
    assert.equal(envelopeOf<OrderToCashData>(retry.instance).compensations.length, 1, 'one release owed, however often it reserved');
    const backorder = decide('backorder');
    assert.deepEqual([backorder.instance.state, commandsOf(backorder), eventsOf(backorder)], ['erp_pending', ['shop.noteOrder', 'erp.upsertSalesOrder'], ['weft.order.hold_lifted.v1']]);
    const cancelled = decide('cancel');
    assert.deepEqual([cancelled.instance.state, commandsOf(cancelled)], ['cancelled', ['weft-inventory.releaseOrder', 'shop.noteOrder']]);
    assert.equal((cancelled.unit.events?.find((e) => e.type === 'weft.order.cancelled.v1')?.data as { reason: string }).reason, 'out_of_stock');
    const [line] = order.lines as [Order['lines'][number]];
    const swap = s2(order, short.instance, { kind: 'task', id: 'tsk_s', taskKind: 'stock_short', decision: 'substitute', note: 'navy instead, agreed by phone', resolvedAt: now, data: null, values: { [line.id]: 'TEE-NVY-M' } });
    const swapped = envelopeOf<OrderToCashData>(swap.instance).data;
    assert.deepEqual([swap.instance.state, commandsOf(swap), eventsOf(swap)], ['reserving', ['shop.noteOrder', 'weft-inventory.reserveOrder'], ['weft.order.line_substituted.v1']]);
    assert.deepEqual(swap.unit.events?.[0]?.data, { orderId: order.id, lineId: line.id, fromSku: line.sku, toSku: 'TEE-NVY-M', note: 'navy instead, agreed by phone', occurredAt: now });
    assert.deepEqual([swapped.order.lines[0]?.sku, swapped.order.lines[0]?.unitPrice, swapped.order.lines[1]?.sku], ['TEE-NVY-M', line.unitPrice, order.lines[1]?.sku], 'the line keeps its price; the others are untouched');
    assert.equal(((swap.unit.outbox?.[1]?.payload as { data: Order }).data.lines[0]?.sku), 'TEE-NVY-M', 'the substitute is what is reserved');
    const check = v2.checkDecision as NonNullable<typeof v2.checkDecision>;
    const data = envelopeOf<OrderToCashData>(short.instance).data;
    assert.deepEqual(check({ kind: 'stock_short', decision: 'retry', values: {} }, data), []);
    assert.deepEqual(check({ kind: 'stock_short', decision: 'retry', values: { [line.id]: 'X' } }, data).map((p) => p.pointer), ['/values']);
    assert.deepEqual(check({ kind: 'stock_short', decision: 'substitute', values: {} }, data).map((p) => p.pointer), ['/values']);
    assert.deepEqual(check({ kind: 'stock_short', decision: 'substitute', values: { oln_01JDS000000000000000000000: 'X', [line.id]: line.sku } }, data).map((p) => p.pointer), ['/values/oln_01JDS000000000000000000000', `/values/${line.id}`]);
    const failed = s2(order, started.instance, result('weft.command.failed.v1', order, 'weft-inventory', 'reserveOrder', { code: 'internal', message: 'store down' }));
    assert.equal(failed.instance.state, 'stock_short', 'a reservation that failed outright also goes to a person');
  });

  it('gives the stock back with the other undos when the customer cancels after release', () => {
    const order: Order = { ...germanWebOrder, fulfilmentGroups: germanWebOrder.fulfilmentGroups.filter((g) => g.kind === 'ship') };
    const inErp = s2(order, reserving(order).instance, reserveResult(order, 'reserved'));
    const released = s2(order, inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    const cancelled = s2(order, released.instance, event('weft.order.cancelled.v1', order.id, { orderId: order.id, reason: 'customer_request', occurredAt: now }));
    assert.deepEqual(commandsOf(cancelled), ['wms.cancelOrder', 'erp.closeSalesOrder', 'weft-inventory.releaseOrder', 'shop.noteOrder'], 'newest first: warehouse, ERP, stock');
  });

  it('after the invoice, captures at the channel and records the payment in the ERP, when told to', () => {
    const paying = orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: { 'shopify-eu': 'shop' }, capturePayments: true, recordPayments: true }, 2);
    const order: Order = { ...germanWebOrder, fulfilmentGroups: germanWebOrder.fulfilmentGroups.filter((g) => g.kind === 'ship') };
    const p2 = (instance: ProcessInstance | undefined, input: ProcessInput): Step => step(order, instance, input, paying);
    const captured = p2(undefined, event('weft.order.captured.v1', order.id, order));
    const validated = p2(captured.instance, event('weft.order.validated.v1', order.id, { orderId: order.id, occurredAt: now }));
    const inErp = p2(validated.instance, result('weft.command.delivered.v1', order, 'weft-inventory', 'reserveOrder', { status: 'reserved' }));
    const released = p2(inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    const shipped = p2(released.instance, dispatch(order, order.fulfilmentGroups[0]?.id));
    assert.equal(shipped.instance.state, 'invoicing');
    const invoiced = p2(shipped.instance, result('weft.command.delivered.v1', order, 'erp', 'invoiceSalesOrder', { status: 'created' }));
    assert.deepEqual([invoiced.instance.state, commandsOf(invoiced)], ['capturing', ['shop.capturePayment']]);
    assert.deepEqual((invoiced.unit.outbox?.[0]?.payload as { data: unknown }).data, { orderId: order.id, amount: { amount: 15692, currency: 'EUR' } }, 'what was authorised and not captured');
    const refused = p2(invoiced.instance, result('weft.command.failed.v1', order, 'shop', 'capturePayment', { code: 'target_rejected', message: 'authorisation expired' }));
    assert.deepEqual([refused.instance.state, refused.unit.tasks?.[0]?.options], ['capture_failed', ['wait_for_replay', 'captured_elsewhere']]);
    const elsewhere = p2(refused.instance, { kind: 'task', id: 'tsk_c', taskKind: 'capture_refused', decision: 'captured_elsewhere', note: 'paid by bank transfer', resolvedAt: now, data: null });
    assert.deepEqual([elsewhere.instance.state, commandsOf(elsewhere)], ['posting', ['erp.recordPayment']]);
    const capturedAtChannel = p2(invoiced.instance, result('weft.command.delivered.v1', order, 'shop', 'capturePayment', { status: 'captured' }));
    assert.deepEqual([capturedAtChannel.instance.state, commandsOf(capturedAtChannel)], ['posting', ['erp.recordPayment']]);
    const booked = p2(capturedAtChannel.instance, result('weft.command.delivered.v1', order, 'erp', 'recordPayment', { status: 'created' }));
    assert.deepEqual([booked.instance.state, eventsOf(booked), commandsOf(booked)], ['completed', ['weft.order.completed.v1'], ['shop.noteOrder']]);
    const bookRefused = p2(capturedAtChannel.instance, result('weft.command.failed.v1', order, 'erp', 'recordPayment', { code: 'target_rejected', message: 'period closed' }));
    assert.deepEqual([bookRefused.instance.state, bookRefused.unit.tasks?.[0]?.kind], ['posting_failed', 'posting_refused']);

    const plain = step(order, shipped.instance, result('weft.command.delivered.v1', order, 'erp', 'invoiceSalesOrder', { status: 'created' }), v2);
    assert.equal(plain.instance.state, 'completed', 'without capture or payment recording, invoiced is done');
  });

  it('waits for the rest of a group that shipped short, then asks a person: wait again, or cancel the rest and bill what shipped', () => {
    const ships = germanWebOrder.fulfilmentGroups.filter((g) => g.kind === 'ship');
    const group = ships[0]?.id as string;
    // Three jackets ordered (the process counts units, not money).
    const order: Order = { ...germanWebOrder, fulfilmentGroups: ships, lines: germanWebOrder.lines.filter((l) => l.fulfilmentGroupId === group).map((l) => ({ ...l, quantity: 3 })) };
    const line = order.lines[0] as Order['lines'][number];
    const inErp = s2(order, reserving(order).instance, reserveResult(order, 'reserved'));
    const released = s2(order, inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    const part = s2(order, released.instance, dispatch(order, group, { [line.id]: 1 }));
    assert.deepEqual([part.instance.state, part.unit.timers?.[0]?.dueAt, commandsOf(part)], ['partially_shipped', '2026-11-24T12:00:00.000Z', ['weft-inventory.releaseOrder']]);
    const timer = { kind: 'timer' as const, id: part.unit.timers?.[0]?.id as string, name: 'short_shipment', firedAt: now, payload: null };

    const rest = s2(order, part.instance, dispatch(order, group, Object.fromEntries(order.lines.map((l) => [l.id, l.id === line.id ? line.quantity - 1 : 0]))));
    assert.deepEqual([rest.instance.state, rest.unit.cancelTimers?.length, commandsOf(rest)], ['invoicing', 1, ['weft-inventory.releaseOrder', 'erp.invoiceSalesOrder']], 'the rest followed in a second parcel: no one is asked');

    const asked = s2(order, part.instance, timer);
    assert.deepEqual([asked.unit.tasks?.[0]?.kind, asked.unit.tasks?.[0]?.options], ['short_shipment', ['wait_for_rest', 'cancel_rest']]);
    assert.match(asked.unit.tasks?.[0]?.title ?? '', new RegExp(`${line.quantity - 1} × ${line.sku} not shipped`));
    const decide = (decision: string) => s2(order, asked.instance, { kind: 'task', id: 'tsk_r', taskKind: 'short_shipment', decision, note: undefined, resolvedAt: now, data: null });
    const waiting = decide('wait_for_rest');
    assert.deepEqual([waiting.instance.state, waiting.unit.timers?.length], ['partially_shipped', 1], 'backordered: another window');
    const cancelled = decide('cancel_rest');
    assert.deepEqual([cancelled.instance.state, eventsOf(cancelled), commandsOf(cancelled)], ['invoicing', ['weft.order.line_cancelled.v1'], ['erp.invoiceSalesOrder']], 'an ERP without closeLines is only billed');
    const closing = orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: {}, erpClosesLines: true, capturePayments: true }, 2);
    const closed = step(order, asked.instance, { kind: 'task', id: 'tsk_r', taskKind: 'short_shipment', decision: 'cancel_rest', note: undefined, resolvedAt: now, data: null }, closing);
    assert.deepEqual(commandsOf(closed), ['erp.closeLines', 'erp.invoiceSalesOrder'], 'the cancelled units come off the sales order before it is billed');
    assert.deepEqual((closed.unit.outbox?.[0]?.payload as { data: unknown }).data, { orderId: order.id, lines: [{ lineId: line.id, quantity: 2, orderedQuantity: 3 }] });
    const billed = step(order, closed.instance, result('weft.command.delivered.v1', order, 'erp', 'invoiceSalesOrder', { status: 'created' }), orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: { 'shopify-eu': 'shop' }, erpClosesLines: true, capturePayments: true }, 2));
    const cancelledWorth = Math.round((line.total.amount * 2) / 3);
    assert.deepEqual((billed.unit.outbox?.[0]?.payload as { data: { amount: unknown } }).data.amount, { amount: order.totals.grandTotal.amount - cancelledWorth, currency: 'EUR' }, 'the cancelled units are not charged');
    assert.deepEqual(cancelled.unit.events?.[0]?.data, { orderId: order.id, lineId: line.id, quantity: line.quantity - 1, reason: 'out_of_stock', occurredAt: now });
    assert.equal(envelopeOf<OrderToCashData>(cancelled.instance).data.order.lines.find((l) => l.id === line.id)?.cancelledQuantity, line.quantity - 1);
  });

  it('cancels at the channel (which refunds) what Weft cancels: a pick-up never collected, no stock; not what the channel cancelled itself', () => {
    const o = orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: { 'shopify-eu': 'shop' }, channelsCancel: ['shop'] }, 2);
    const order: Order = { ...germanWebOrder, fulfilmentGroups: germanWebOrder.fulfilmentGroups.filter((g) => g.kind === 'pickup_in_store'), lines: germanWebOrder.lines.filter((line) => germanWebOrder.fulfilmentGroups.some((g) => g.kind === 'pickup_in_store' && g.id === line.fulfilmentGroupId)) };
    const s4 = (instance: ProcessInstance | undefined, input: ProcessInput): Step => step(order, instance, input, o);
    const validated = s4(s4(undefined, event('weft.order.captured.v1', order.id, order)).instance, event('weft.order.validated.v1', order.id, { orderId: order.id, occurredAt: now }));
    const inErp = s4(validated.instance, reserveResult(order, 'reserved'));
    const waiting = s4(inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    const group = order.fulfilmentGroups[0]?.id;
    const ready = s4(waiting.instance, event('weft.order.ready_for_pickup.v1', order.id, { orderId: order.id, fulfilmentGroupId: group }));
    const expired = s4(ready.instance, { kind: 'timer', id: 'tmr_1', name: 'collect_by', firedAt: now, payload: null });
    assert.deepEqual([expired.instance.state, commandsOf(expired)], ['cancelled', ['erp.closeSalesOrder', 'weft-inventory.releaseOrder', 'shop.noteOrder', 'shop.cancelOrder']], 'restocked (Weft\'s stock), the ERP order closed, cancelled and refunded at the channel');
    assert.deepEqual((expired.unit.outbox?.at(-1)?.payload as { data: { reason: string } }).data.reason, 'not_collected');
    const short = s4(validated.instance, reserveResult(order, 'short'));
    const gaveUp = s4(short.instance, { kind: 'task', id: 'tsk_c', taskKind: 'stock_short', decision: 'cancel', note: undefined, resolvedAt: now, data: null });
    assert.ok(commandsOf(gaveUp).includes('shop.cancelOrder'));
    const fromChannel = s4(waiting.instance, event('weft.order.cancelled.v1', order.id, { orderId: order.id, reason: 'customer_request', occurredAt: now }));
    assert.deepEqual([fromChannel.instance.state, commandsOf(fromChannel).includes('shop.cancelOrder')], ['cancelled', false], 'the channel cancelled it itself: not sent back');
  });

  it('writes holds, cancellations and completion to the CRM as to the channel', () => {
    const withCrm = orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: { 'shopify-eu': 'shop' }, crm: 'crm' }, 2);
    const order = germanWebOrder;
    const captured = step(order, undefined, event('weft.order.captured.v1', order.id, order), withCrm);
    const held = step(order, captured.instance, event('weft.order.held.v1', order.id, { orderId: order.id, reason: 'fraud_review', occurredAt: now }), withCrm);
    assert.deepEqual(commandsOf(held), ['shop.noteOrder', 'crm.noteOrder']);
    const cancelled = step(order, held.instance, { kind: 'task', id: 'tsk_x', taskKind: 'order_hold', decision: 'cancel', note: 'fraud', resolvedAt: now, data: null }, withCrm);
    assert.deepEqual(commandsOf(cancelled), ['shop.noteOrder', 'crm.noteOrder']);
    const v1WithCrm = orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: { 'shopify-eu': 'shop' }, crm: 'crm' }, 1);
    const heldV1 = step(order, step(order, undefined, event('weft.order.captured.v1', order.id, order), v1WithCrm).instance, event('weft.order.held.v1', order.id, { orderId: order.id, reason: 'fraud_review', occurredAt: now }), v1WithCrm);
    assert.deepEqual(commandsOf(heldV1), ['shop.noteOrder'], 'version 1 stays as it was for the orders it carries');
  });

  it('follows a line the customer cancels before it ships: stock released, the ERP and the warehouse told, the last line cancels the order', () => {
    const closing = orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: {}, erpClosesLines: true }, 2);
    const order = germanWebOrder;
    const c2 = (instance: ProcessInstance | undefined, input: ProcessInput): Step => step(order, instance, input, closing);
    const captured = c2(undefined, event('weft.order.captured.v1', order.id, order));
    const validated = c2(captured.instance, event('weft.order.validated.v1', order.id, { orderId: order.id, occurredAt: now }));
    const inErp = c2(validated.instance, reserveResult(order, 'reserved'));
    const released = c2(inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    assert.equal(released.instance.state, 'released');
    const ship = order.fulfilmentGroups.find((g) => g.kind === 'ship') as Order['fulfilmentGroups'][number];
    const pickup = order.fulfilmentGroups.find((g) => g.kind === 'pickup_in_store') as Order['fulfilmentGroups'][number];
    const shipLine = order.lines.find((l) => l.fulfilmentGroupId === ship.id) as Order['lines'][number];
    const pickupLine = order.lines.find((l) => l.fulfilmentGroupId === pickup.id) as Order['lines'][number];
    const cancelLine = (instance: ProcessInstance, line: Order['lines'][number], quantity: number) => c2(instance, event('weft.order.line_cancelled.v1', order.id, { orderId: order.id, lineId: line.id, quantity, reason: 'customer_request', occurredAt: now }));

    const noShip = cancelLine(released.instance, shipLine, shipLine.quantity);
    assert.deepEqual([noShip.instance.state, commandsOf(noShip)], ['awaiting_pickup', ['weft-inventory.releaseOrder', 'erp.closeLines', 'wms.cancelOrder']], 'nothing left to ship: the warehouse order is cancelled, the pick-up is what remains');
    assert.deepEqual((noShip.unit.outbox?.[1]?.payload as { data: unknown }).data, { orderId: order.id, lines: [{ lineId: shipLine.id, quantity: shipLine.quantity, orderedQuantity: shipLine.quantity }] });

    const partly = cancelLine(released.instance, pickupLine, 1);
    assert.deepEqual([partly.instance.state, commandsOf(partly)], ['released', ['erp.closeLines', 'wms.releaseOrder']], 'one of two units: the reservation stays until it ships; the warehouse gets the order again');
    assert.equal((partly.unit.outbox?.[1]?.payload as { data: Order }).data.lines.find((l) => l.id === pickupLine.id)?.cancelledQuantity, 1, 'with the unit cancelled');

    const everything = cancelLine(noShip.instance, pickupLine, pickupLine.quantity);
    assert.deepEqual([everything.instance.state, eventsOf(everything)], ['cancelled', ['weft.order.cancelled.v1']]);
    assert.ok(commandsOf(everything).includes('erp.closeSalesOrder') && commandsOf(everything).includes('weft-inventory.releaseOrder'), commandsOf(everything).join(', '));

    const early = cancelLine(validated.instance, shipLine, 1);
    assert.deepEqual([early.instance.state, commandsOf(early)], ['reserving', ['weft-inventory.releaseOrder']], 'before the ERP: the sales order will be written without it');
  });

  it('asks a person to cancel a warehouse order of a group left with nothing while other groups go on (their order keys would change)', () => {
    const ship = germanWebOrder.fulfilmentGroups.find((g) => g.kind === 'ship') as Order['fulfilmentGroups'][number];
    const [first, second] = germanWebOrder.lines as [Order['lines'][number], Order['lines'][number]];
    const secondShip = { ...ship, id: 'ful_01JDS0000000000000000000ZZ', lineIds: [second.id] };
    const order: Order = { ...germanWebOrder, lines: [{ ...first, fulfilmentGroupId: ship.id }, { ...second, fulfilmentGroupId: secondShip.id }], fulfilmentGroups: [{ ...ship, lineIds: [first.id] }, secondShip] };
    const o = orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: {}, erpClosesLines: true }, 2);
    const s3 = (instance: ProcessInstance | undefined, input: ProcessInput): Step => step(order, instance, input, o);
    const captured = s3(undefined, event('weft.order.captured.v1', order.id, order));
    const validated = s3(captured.instance, event('weft.order.validated.v1', order.id, { orderId: order.id, occurredAt: now }));
    const inErp = s3(validated.instance, reserveResult(order, 'reserved'));
    const released = s3(inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    const cancelled = s3(released.instance, event('weft.order.line_cancelled.v1', order.id, { orderId: order.id, lineId: second.id, quantity: second.quantity, reason: 'customer_request', occurredAt: now }));
    assert.deepEqual([cancelled.instance.state, commandsOf(cancelled), cancelled.unit.tasks?.[0]?.kind], ['released', ['weft-inventory.releaseOrder', 'erp.closeLines'], 'warehouse_group_cancelled']);
    const done = s3(cancelled.instance, { kind: 'task', id: 'tsk_w', taskKind: 'warehouse_group_cancelled', decision: 'done', note: undefined, resolvedAt: now, data: null });
    assert.equal(done.instance.state, 'released');
  });
  it('ships a parcel from the store its stock was reserved at, and undoes or follows it there', () => {
    const ship = germanWebOrder.fulfilmentGroups.find((g) => g.kind === 'ship') as Order['fulfilmentGroups'][number];
    const [first, second] = germanWebOrder.lines as [Order['lines'][number], Order['lines'][number]];
    const secondShip = { ...ship, id: 'ful_01JDS0000000000000000000ZZ', lineIds: [second.id] };
    const order: Order = { ...germanWebOrder, lines: [{ ...first, fulfilmentGroupId: ship.id }, { ...second, fulfilmentGroupId: secondShip.id }], fulfilmentGroups: [{ ...ship, lineIds: [first.id] }, secondShip] };
    const dc = 'loc_01JDEMDC000000000000000004';
    const store = 'loc_01JDEMST000000000000000005';
    const o = orderToCash({ erp: 'erp', warehouse: 'wms', collectWithinHours: 72, channels: {}, erpClosesLines: true, stores: { target: 'pos', locations: [store] } }, 2);
    const s3 = (instance: ProcessInstance | undefined, input: ProcessInput): Step => step(order, instance, input, o);
    const through = (allocation: { lineId: string; locationId: string }[]) => {
      const validated = s3(s3(undefined, event('weft.order.captured.v1', order.id, order)).instance, event('weft.order.validated.v1', order.id, { orderId: order.id, occurredAt: now }));
      const reservations = allocation.map((entry) => ({ ...entry, sku: order.lines.find((line) => line.id === entry.lineId)?.sku, quantity: 1 }));
      const kept = s3(validated.instance, event('weft.order.reserved.v1', order.id, { orderId: order.id, reservations, occurredAt: now }));
      const inErp = s3(kept.instance, reserveResult(order, 'reserved'));
      return s3(inErp.instance, result('weft.command.delivered.v1', order, 'erp', 'upsertSalesOrder', { status: 'created' }));
    };
    const groupsSent = (s: Step, target: string) => ((s.unit.outbox ?? []).find((c) => c.target === target)?.payload as { data: Order }).data.fulfilmentGroups.map((g) => [g.id, g.kind, g.locationId ?? null]);

    const split = through([{ lineId: first.id, locationId: dc }, { lineId: second.id, locationId: store }]);
    assert.deepEqual(commandsOf(split), ['wms.releaseOrder', 'pos.releaseOrder'], 'the DC\'s parcel to the warehouse, the store\'s to the store');
    assert.deepEqual(groupsSent(split, 'pos'), [[ship.id, 'ship', ship.locationId ?? null], [secondShip.id, 'ship_from_store', store]], 'the order says which parcel ships from which store');
    assert.deepEqual(envelopeOf<OrderToCashData>(split.instance).compensations.map((c) => `${c.target}.${c.action}`).slice(-2), ['wms.cancelOrder', 'pos.cancelOrder']);
    const refused = s3(split.instance, result('weft.command.failed.v1', order, 'pos', 'releaseOrder', { code: 'target_rejected', message: 'unknown location' }));
    assert.deepEqual([refused.instance.state, refused.unit.tasks?.[0]?.title.startsWith('The store refused order')], ['release_failed', true]);
    const lineGone = s3(split.instance, event('weft.order.line_cancelled.v1', order.id, { orderId: order.id, lineId: second.id, quantity: second.quantity, reason: 'customer_request', occurredAt: now }));
    assert.deepEqual([lineGone.instance.state, commandsOf(lineGone)], ['released', ['weft-inventory.releaseOrder', 'erp.closeLines', 'pos.cancelOrder']], 'the store has nothing left to ship: its order is cancelled; the warehouse\'s goes on');
    const fromStore = s3(split.instance, dispatch(order, secondShip.id));
    assert.deepEqual([fromStore.instance.state, commandsOf(fromStore)], ['partially_shipped', ['weft-inventory.releaseOrder']]);
    const cancelled = s3(split.instance, event('weft.order.cancelled.v1', order.id, { orderId: order.id, reason: 'customer_request', occurredAt: now }));
    assert.deepEqual(commandsOf(cancelled).slice(0, 2), ['pos.cancelOrder', 'wms.cancelOrder'], 'both releases undone, newest first');

    const atDc = through([{ lineId: first.id, locationId: dc }, { lineId: second.id, locationId: dc }]);
    assert.deepEqual(commandsOf(atDc), ['wms.releaseOrder'], 'nothing at a store: the warehouse ships it all');
    const allAtStore = through([{ lineId: first.id, locationId: store }, { lineId: second.id, locationId: store }]);
    assert.deepEqual(commandsOf(allAtStore), ['pos.releaseOrder'], 'nothing for the warehouse: it is not asked');

    // The store turns a parcel down (not on the shelf): a person decides.
    const rejected = (at: Step, group: string) => s3(at.instance, event('weft.order.release_rejected.v1', order.id, { orderId: order.id, fulfilmentGroupId: group, locationId: store, reason: 'out_of_stock', note: 'not on the shelf', occurredAt: now }));
    const decide = (at: Step, decision: string, group: string) => s3(at.instance, { kind: 'task', id: 'tsk_r', taskKind: 'release_rejected', decision, note: undefined, resolvedAt: now, data: { group, fromStore: true, reason: 'out_of_stock' } });
    const turnedDown = rejected(split, secondShip.id);
    assert.deepEqual([turnedDown.instance.state, turnedDown.unit.tasks?.[0]?.kind, turnedDown.unit.tasks?.[0]?.options], ['released', 'release_rejected', ['reship_from_warehouse', 'cancel_lines', 'wait']]);
    assert.match(turnedDown.unit.tasks?.[0]?.title ?? '', /: \d+ × \S+ will not ship from where it was released \(out_of_stock: not on the shelf\)/);
    const check = o.checkDecision as NonNullable<typeof o.checkDecision>;
    const splitData = envelopeOf<OrderToCashData>(split.instance).data;
    assert.deepEqual(check({ kind: 'release_rejected', decision: 'reship_from_warehouse', values: {} }, splitData).map((p) => p.pointer), ['/decision'], 'the warehouse has a parcel already: its keys would change');
    const dropped = decide(turnedDown, 'cancel_lines', secondShip.id);
    assert.deepEqual(turnedDown.unit.tasks?.[0]?.data, { group: secondShip.id, fromStore: true, locationId: store, reason: 'out_of_stock', note: 'not on the shelf', lines: [{ lineId: second.id, sku: second.sku, quantity: second.quantity }] });
    assert.deepEqual([dropped.instance.state, commandsOf(dropped), eventsOf(dropped)], ['released', ['pos.cancelOrder', 'weft-inventory.releaseOrder', 'erp.closeLines'], ['weft.order.line_cancelled.v1']], 'the other parcel still ships; the rejected one is withdrawn from the store and not billed');
    const withdrawal = dropped.unit.outbox?.[0]?.payload as { type: string; data: unknown };
    assert.deepEqual({ type: withdrawal.type, data: withdrawal.data }, { type: 'weft.order.release_rejected.v1', data: { orderId: order.id, fulfilmentGroupId: secondShip.id, reason: 'out_of_stock', occurredAt: now } }, 'only that parcel is withdrawn at the store');
    const echo = s3(dropped.instance, event('weft.order.line_cancelled.v1', order.id, dropped.unit.events?.[0]?.data as object));
    assert.deepEqual([echo.instance.state, commandsOf(echo)], ['released', []], 'our own line cancellation comes back as no news');
    assert.equal(decide(turnedDown, 'wait', secondShip.id).instance.state, 'released');
    assert.equal(decideStep(o, order.id, dropped.instance, event('weft.order.release_rejected.v1', order.id, { orderId: order.id, fulfilmentGroupId: secondShip.id, reason: 'other', occurredAt: now }), now, createIdGenerator(clock)).kind, 'ignored', 'a parcel no longer waiting is no news');

    const storeOnly = rejected(allAtStore, secondShip.id);
    assert.deepEqual(check({ kind: 'release_rejected', decision: 'reship_from_warehouse', values: {} }, envelopeOf<OrderToCashData>(allAtStore.instance).data), []);
    const reshipped = decide(storeOnly, 'reship_from_warehouse', secondShip.id);
    assert.deepEqual([reshipped.instance.state, commandsOf(reshipped)], ['released', ['pos.cancelOrder', 'weft-inventory.releaseOrder', 'wms.releaseOrder']]);
    assert.deepEqual(groupsSent(reshipped, 'wms').find(([id]) => id === secondShip.id), [secondShip.id, 'ship', null], 'the parcel is the warehouse\'s now');
    const cancelledAll = decide(rejected(reshipped, ship.id), 'cancel_lines', ship.id);
    assert.equal(cancelledAll.instance.state, 'released', 'the reshipped parcel still waits');
    const lastOne = decide(rejected(allAtStore, ship.id), 'cancel_lines', ship.id);
    assert.equal(lastOne.instance.state, 'released');
    const nothingLeft = decide(rejected(lastOne, secondShip.id), 'cancel_lines', secondShip.id);
    assert.deepEqual([nothingLeft.instance.state, commandsOf(nothingLeft).slice(0, 3)], ['cancelled', ['pos.cancelOrder', 'erp.closeSalesOrder', 'weft-inventory.releaseOrder']], 'no parcel left: the order is cancelled and what was done undone, newest first');
  });
});
