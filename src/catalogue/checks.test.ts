import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { testWebOrder } from '../../test/support/orders.ts';
import { memoryXrefs } from '../connectors/sdk/testing.ts';
import { exampleCustomer, exampleProduct } from '../domain/events/example-objects.ts';
import { validateEventData } from '../domain/events/validate.ts';
import type { OrderCheckOptions } from '../domain/order/checks.ts';
import type { Order } from '../domain/order/order.schema.ts';
import type { Price } from '../domain/pricing/price.schema.ts';
import type { Product } from '../domain/product/product.schema.ts';
import { WeftError } from '../errors/index.ts';
import { createIdGenerator, isoNow, type Clock } from '../ports/clock.ts';
import { idempotencyKeyOf, type ActionContext, type ActionResult, type HttpClient } from '../ports/connector.ts';
import type { NewEvent, Store, StoredEvent } from '../ports/store.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import { createOrderChecks, ORDER_CHECKS_SOURCE, ORDER_CHECKS_TARGET, type OrderChecks } from './checks.ts';

// The order-checks target over the real embedded store: it folds the catalogue from the log before
// each check, appends one verdict per command (validated, or held with every problem in the note),
// and a second attempt of the same command leaves the log with that one verdict.

const dir = mkdtempSync(join(tmpdir(), 'weft-order-checks-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const clock: Clock = { now: () => Date.parse('2026-11-23T12:00:00.000Z') };
const ids = createIdGenerator(clock);
const options: OrderCheckOptions = { skus: true, priceTolerancePercent: 5, taxRates: true, requireTax: false };
const noHttp: HttpClient = {
  request: () => assert.fail('order checks sent an HTTP request'),
  close: async () => undefined,
};

function open(): Store {
  const store = createSqliteStore({ path: join(dir, 'checks.db') });
  after(() => store.close());
  return store;
}

/** A catalogue event as the ERP's sync would append it; its data passes the hub's validator. */
function catalogueEvent(type: string, subject: string, data: unknown): NewEvent {
  assert.deepEqual(validateEventData(type, subject, data), { ok: true }, `${type} fixture`);
  return { id: ids.next('event'), source: 'urn:test:erp', type, subject, time: isoNow(clock), data };
}

const [jacket] = exampleProduct.items as [Product['items'][number]];

/** A SKU of one test's own, sold by one product at 29.00 on the web (USD, tax on top), and the events that say so. */
function catalogueOf(sku: string): { sku: string; productId: string; itemId: string; events: NewEvent[] } {
  const productId = ids.next('product');
  const itemId = ids.next('item');
  const priceId = ids.next('price');
  const product: Product = { ...exampleProduct, id: productId, items: [{ ...jacket, id: itemId, sku, gtins: [] }], externalRefs: [] };
  const price: Price = { id: priceId, sku, scope: { channel: 'web' }, listPrice: { amount: 2900, currency: 'USD' }, taxIncluded: false, effectiveFrom: '2026-01-01T00:00:00.000Z', externalRefs: [] };
  return { sku, productId, itemId, events: [catalogueEvent('weft.product.upserted.v1', productId, product), catalogueEvent('weft.price.set.v1', priceId, price)] };
}

// One store for the file (its writer's start is most of a test's time); each test sells its own SKU.
const store = open();

async function commit(events: NewEvent[]): Promise<void> {
  assert.equal((await store.commit({ events })).status, 'committed');
}

/** Checks over the shared store, the catalogue of `sku` in the log first unless `empty`; the follower is not started: the action catches up itself. */
async function setUp(sku: string, empty = false): Promise<{ catalogue: ReturnType<typeof catalogueOf>; checks: OrderChecks }> {
  const catalogue = catalogueOf(sku);
  if (!empty) await commit(catalogue.events);
  return { catalogue, checks: createOrderChecks({ store, log: quiet }, options) };
}

/** The context of attempt `attempt` of the validateOrder command `id` for `order`. */
function contextOf(order: Order, id: string, attempt = 1): ActionContext {
  return {
    command: {
      id,
      target: ORDER_CHECKS_TARGET,
      action: 'validateOrder',
      key: order.id,
      payload: { type: 'weft.order.captured.v1', subject: order.id, data: order },
      attempt,
      createdAt: '2026-11-23T10:00:05.000Z',
      causationId: ids.next('event'),
      traceparent: undefined,
    },
    idempotencyKey: idempotencyKeyOf(id),
    http: noHttp,
    xrefs: memoryXrefs(),
    log: quiet,
    clock,
    signal: new AbortController().signal,
  };
}

function validate(checks: OrderChecks, context: ActionContext): Promise<ActionResult> {
  const action = checks.target.actions.validateOrder;
  assert.ok(action, 'the target has validateOrder');
  return action.run(context);
}

/** The verdicts on an order in the log; each is an event the hub would accept. */
async function verdicts(order: Order): Promise<StoredEvent[]> {
  const events = await store.readSubject(order.id, { limit: 100 });
  for (const event of events) assert.deepEqual(validateEventData(event.type, event.subject, event.data), { ok: true }, `${event.type} is valid`);
  return events;
}

/** Test order `n` for `sku`, changed by `change`. */
const order = (n: number, sku: string, change: (o: Order) => Order = (o) => o, payment: 'authorized' | 'pending' = 'authorized'): Order => change(withSku(sku)(testWebOrder(ids, n, { prefix: 'CHK', payment })));
const withSku = (sku: string) => (o: Order): Order => ({ ...o, lines: o.lines.map((line) => ({ ...line, sku })) });

describe('order checks target (sqlite)', () => {
  it('validates a paid order the catalogue knows, with the command\'s id and time', async () => {
    const { checks } = await setUp('CHK-VALID');
    const o = order(1, 'CHK-VALID');
    const commandId = ids.next('command');
    assert.deepEqual(await validate(checks, contextOf(o, commandId)), { status: 'valid' });
    const [verdict, ...rest] = await verdicts(o);
    assert.equal(rest.length, 0);
    assert.equal(verdict?.type, 'weft.order.validated.v1');
    assert.equal(verdict?.id, commandId);
    assert.equal(verdict?.source, ORDER_CHECKS_SOURCE);
    assert.equal(verdict?.time, '2026-11-23T10:00:05.000Z');
    assert.deepEqual(verdict?.data, { orderId: o.id, occurredAt: '2026-11-23T10:00:05.000Z' });
  });

  it('holds an order with a SKU the catalogue lacks for a person, with the pointer in the note', async () => {
    const { checks } = await setUp('CHK-KNOWN');
    const o = order(2, 'CHK-NOWHERE');
    assert.deepEqual(await validate(checks, contextOf(o, ids.next('command'))), { status: 'held' });
    const [verdict, ...rest] = await verdicts(o);
    assert.equal(rest.length, 0);
    assert.equal(verdict?.type, 'weft.order.held.v1');
    const data = verdict?.data as { reason: string; note: string; orderId: string };
    assert.equal(data.reason, 'manual');
    assert.equal(data.orderId, o.id);
    assert.match(data.note, /\/lines\/0\/sku: CHK-NOWHERE is not in the catalogue/);
    assert.match(data.note, /\/lines\/0\/unitPrice: no USD price for CHK-NOWHERE/);
  });

  it('holds an order whose payment is pending for the payment, when nothing else is wrong', async () => {
    const { checks } = await setUp('CHK-UNPAID');
    const o = order(3, 'CHK-UNPAID', undefined, 'pending');
    assert.deepEqual(await validate(checks, contextOf(o, ids.next('command'))), { status: 'held' });
    const [verdict] = await verdicts(o);
    assert.deepEqual(verdict?.data, { orderId: o.id, reason: 'payment_pending', note: 'payments secure 0 of 3400 USD (minor units)', occurredAt: '2026-11-23T10:00:05.000Z' });
  });

  it('holds an unpaid order with a catalogue problem for a person, naming both', async () => {
    const { checks } = await setUp('CHK-UNPAID-DEAR');
    const o = order(4, 'CHK-UNPAID-DEAR', (x) => ({ ...x, lines: x.lines.map((line) => ({ ...line, unitPrice: { amount: 3500, currency: 'USD' } })) }), 'pending');
    await validate(checks, contextOf(o, ids.next('command')));
    const [verdict] = await verdicts(o);
    const data = verdict?.data as { reason: string; note: string };
    assert.equal(data.reason, 'manual');
    assert.equal(data.note, "payments secure 0 of 3400 USD (minor units); /lines/0/unitPrice: 3500 differs from the catalogue's 2900 USD by more than 5 %");
  });

  it('holds a fraud review for the fraud review', async () => {
    const { checks } = await setUp('CHK-REVIEW');
    const o = order(5, 'CHK-REVIEW', (x) => ({ ...x, payments: x.payments.map((payment) => ({ ...payment, status: 'under_review' as const })) }));
    await validate(checks, contextOf(o, ids.next('command')));
    assert.equal(((await verdicts(o))[0]?.data as { reason: string }).reason, 'fraud_review');
  });

  it('reads the catalogue the log holds when it checks, including what was appended after it was created', async () => {
    const { checks, catalogue } = await setUp('CHK-LATE', true);
    const first = order(6, catalogue.sku);
    assert.deepEqual(await validate(checks, contextOf(first, ids.next('command'))), { status: 'held' });
    await commit(catalogue.events);
    const second = order(7, catalogue.sku);
    assert.deepEqual(await validate(checks, contextOf(second, ids.next('command'))), { status: 'valid' });
    // The ERP discontinues the item: the next order is held.
    const { productId, itemId } = catalogue;
    await commit([catalogueEvent('weft.product.discontinued.v1', productId, { productId, itemIds: [itemId], occurredAt: '2026-11-23T11:00:00.000Z' })]);
    const third = order(8, catalogue.sku);
    assert.deepEqual(await validate(checks, contextOf(third, ids.next('command'))), { status: 'held' });
    assert.match(((await verdicts(third))[0]?.data as { note: string }).note, /^\/lines\/0\/sku: CHK-LATE is discontinued$/);
  });

  it('checks with a started follower the same way, and stops', async () => {
    const { checks } = await setUp('CHK-FOLLOWED');
    await checks.follower.start();
    try {
      assert.equal(checks.follower.position(), await store.lastPosition());
      assert.deepEqual(await validate(checks, contextOf(order(9, 'CHK-FOLLOWED'), ids.next('command'))), { status: 'valid' });
    } finally {
      await checks.follower.stop();
    }
  });

  it('leaves one verdict in the log when the same command is run again', async () => {
    const { checks } = await setUp('CHK-TWICE');
    const o = order(10, 'CHK-TWICE');
    const commandId = ids.next('command');
    assert.deepEqual(await validate(checks, contextOf(o, commandId, 1)), { status: 'valid' });
    const again = await validate(checks, contextOf(o, commandId, 2));
    assert.ok(['valid', 'checked_before'].includes(again.status), again.status);
    // A hub restarted between the attempts (a fresh catalogue view) too.
    const restarted = createOrderChecks({ store, log: quiet }, options);
    const third = await validate(restarted, contextOf(o, commandId, 3));
    assert.ok(['valid', 'checked_before'].includes(third.status), third.status);
    const events = await verdicts(o);
    assert.deepEqual(events.map((event) => [event.type, event.id]), [['weft.order.validated.v1', commandId]]);
  });

  it('keeps the first verdict when the catalogue changed between two attempts of one command', async () => {
    const { checks, catalogue } = await setUp('CHK-CHANGED', true);
    const o = order(11, catalogue.sku);
    const commandId = ids.next('command');
    assert.deepEqual(await validate(checks, contextOf(o, commandId, 1)), { status: 'held' });
    await commit(catalogue.events);
    // This attempt would validate; the held verdict before it stands.
    assert.deepEqual(await validate(checks, contextOf(o, commandId, 2)), { status: 'checked_before' });
    assert.deepEqual((await verdicts(o)).map((event) => [event.type, event.id]), [['weft.order.held.v1', commandId]]);
    // Another command (a new check after the hold) is another verdict.
    assert.deepEqual(await validate(checks, contextOf(o, ids.next('command'))), { status: 'valid' });
    assert.deepEqual((await verdicts(o)).map((event) => event.type), ['weft.order.held.v1', 'weft.order.validated.v1']);
  });

  it('refuses a command that carries no order, appending nothing', async () => {
    const { checks } = await setUp('CHK-EMPTY', true);
    const o = order(12, 'CHK-EMPTY');
    const context = contextOf(o, ids.next('command'));
    const before = await store.lastPosition();
    const invalid = (error: unknown) => error instanceof WeftError && error.code === 'command_invalid';
    await assert.rejects(validate(checks, { ...context, command: { ...context.command, payload: { type: 'weft.order.captured.v1', subject: o.id } } }), invalid);
    await assert.rejects(validate(checks, { ...context, command: { ...context.command, payload: null } }), invalid);
    assert.equal(await store.lastPosition(), before);
  });

  it('keeps a long list of problems within the hold note\'s limit', async () => {
    const { checks } = await setUp('CHK-MANY', true);
    const base = order(13, 'CHK-NOWHERE-AT-ALL-IN-THE-CATALOGUE');
    const [line] = base.lines as [Order['lines'][number]];
    const many: Order = { ...base, lines: Array.from({ length: 30 }, () => ({ ...line, id: ids.next('orderLine') })) };
    assert.deepEqual(await validate(checks, contextOf(many, ids.next('command'))), { status: 'held' });
    assert.equal(((await verdicts(many))[0]?.data as { note: string }).note.length, 1000);
  });

  it('is the built-in target, with one action that previews no request', async () => {
    const { checks } = await setUp('CHK-TARGET', true);
    assert.equal(checks.target.name, ORDER_CHECKS_TARGET);
    assert.deepEqual(Object.keys(checks.target.actions), ['validateOrder']);
    assert.deepEqual(await checks.target.actions.validateOrder?.preview(contextOf(order(14, 'CHK-TARGET'), ids.next('command')).command), []);
  });

  it('resolves a guest order to the customer with its email, or creates one in the verdict\'s commit, once however often it is checked', async () => {
    await commit(catalogueOf('CHK-CUST').events);
    const known = { ...exampleCustomer, id: ids.next('customer'), emails: [{ address: 'Known.Buyer@example.org', primary: true, verified: true }] };
    await commit([{ id: ids.next('event'), source: '/test', type: 'weft.customer.created.v1', subject: known.id, time: '2026-11-23T09:00:00.000Z', data: known }]);
    const resolving = createOrderChecks({ store, log: quiet, ids }, { ...options, customers: 'resolve_or_create' });
    const guest = order(80, 'CHK-CUST', (o) => ({ ...o, guestEmail: 'known.buyer@example.org' }));
    await validate(resolving, contextOf(guest, ids.next('command')));
    assert.equal(((await verdicts(guest))[0]?.data as { customerId?: string }).customerId, known.id, 'found by its email, whatever the case');

    const stranger = order(81, 'CHK-CUST', (o) => ({ ...o, guestEmail: 'first.time@example.org' }));
    const commandId = ids.next('command');
    await validate(resolving, contextOf(stranger, commandId));
    const again = createOrderChecks({ store, log: quiet, ids }, { ...options, customers: 'resolve_or_create' });
    await validate(again, contextOf(stranger, commandId, 2));
    const verdict = (await verdicts(stranger))[0];
    const customerId = (verdict?.data as { customerId?: string }).customerId as string;
    assert.match(customerId, /^cus_/);
    const created = await store.readSubject(customerId, { limit: 10 });
    assert.deepEqual(created.map((e) => e.type), ['weft.customer.created.v1'], 'one customer, created with the verdict');
    assert.deepEqual(validateEventData(created[0]?.type as string, customerId, created[0]?.data), { ok: true });
    assert.deepEqual((created[0]?.data as { emails: unknown[] }).emails, [{ address: 'first.time@example.org', primary: true, verified: false }]);

    const plain = createOrderChecks({ store, log: quiet, ids }, { ...options, customers: 'resolve' });
    const unknownGuest = order(82, 'CHK-CUST', (o) => ({ ...o, guestEmail: 'nobody@example.org' }));
    await validate(plain, contextOf(unknownGuest, ids.next('command')));
    assert.equal(((await verdicts(unknownGuest))[0]?.data as { customerId?: string }).customerId, undefined, 'resolve only: an unknown guest stays a guest');

    // Held orders: resolved to a customer Weft knows, so a person releasing the hold releases a customer's order; never a new customer.
    const underReview = (o: Order): Order => ({ ...o, payments: o.payments.map((payment) => ({ ...payment, status: 'under_review' as const })) });
    const heldKnown = order(83, 'CHK-CUST', (o) => underReview({ ...o, guestEmail: 'KNOWN.buyer@example.org' }));
    await validate(resolving, contextOf(heldKnown, ids.next('command')));
    const held = (await verdicts(heldKnown))[0];
    assert.deepEqual([held?.type, (held?.data as { customerId?: string }).customerId], ['weft.order.held.v1', known.id]);
    assert.deepEqual(validateEventData(held?.type as string, heldKnown.id, held?.data), { ok: true });
    const heldStranger = order(84, 'CHK-CUST', (o) => underReview({ ...o, guestEmail: 'suspicious@example.org' }));
    const before = (await store.readAll({ limit: 10_000 })).filter((e) => e.type === 'weft.customer.created.v1').length;
    await validate(resolving, contextOf(heldStranger, ids.next('command')));
    assert.equal(((await verdicts(heldStranger))[0]?.data as { customerId?: string }).customerId, undefined);
    assert.equal((await store.readAll({ limit: 10_000 })).filter((e) => e.type === 'weft.customer.created.v1').length, before, 'no customer created for an order held for review');
  });
});
