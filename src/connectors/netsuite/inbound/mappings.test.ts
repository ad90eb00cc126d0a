import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { validateEventData } from '../../../domain/events/validate.ts';
import { MappingError } from '../../../errors/index.ts';
import { parseJsonExact, type InboundMapping, type MappedEvent } from '../../sdk/index.ts';
import { parseNetSuiteSettings } from '../settings.ts';
import { allocate, invoiceMapping } from './invoice.mapping.ts';
import { itemFulfillmentMapping } from './item-fulfillment.mapping.ts';
import { testIds } from './test-ids.ts';

// Mappings over every fixture (hand-written in NetSuite's REST record shape; there are no official
// samples): each event passes the catalogue's schema and rules, with exact ids and money.

const FIXTURES = new URL('../fixtures/', import.meta.url);
const MAPPINGS: Record<string, InboundMapping> = { 'invoice.json': invoiceMapping, 'item-fulfillment.json': itemFulfillmentMapping };
const ORDER_ID = 'ord_01JDRSWVK182VYZ04SXWF6E996';
const CUSTOMER_ID = 'cus_01JDM9S346Q3D25VT4F5V37E3S';
const settings = parseNetSuiteSettings('sources.erp', {
  connector: 'netsuite',
  accountId: '1234567_SB1',
  auth: { consumerKey: 'a', consumerSecret: 'b', tokenId: 'c', tokenSecret: 'd' },
  currencies: { '1': 'USD' },
  taxJurisdiction: 'US-NV',
});

function contextWithLinks() {
  const ids = testIds();
  // What the hub's cross-reference holds after upsertSalesOrder / upsertCustomer receipts.
  ids.link('order', '3901', ORDER_ID);
  ids.link('customer', '812', CUSTOMER_ID);
  return { system: 'erp', ids, settings };
}
interface Money { amount: number; currency: string }
interface InvoiceLine { quantity: number; unitPrice: Money; discount: Money; total: Money; taxRate: number; orderLineId?: string }
interface InvoiceData { number: string; orderId: string; customerId: string; currency: string; lines: InvoiceLine[]; taxes: unknown[]; totals: unknown; issueDate: string; externalRefs: unknown[] }
interface ShipmentData { orderId: string; fulfilmentGroupId: string; lines: unknown[]; trackingNumbers: string[]; carrier: string; service: string; fromLocationId: string }
interface FulfilmentFixture { item: { items: Record<string, unknown>[] } }
const fixture = (name: string) => parseJsonExact(readFileSync(new URL(name, FIXTURES))) as Record<string, unknown>;
async function events(mapping: InboundMapping, payload: unknown): Promise<MappedEvent[]> {
  const outcome = await mapping.map(payload, contextWithLinks());
  assert.equal(outcome.kind, 'events', outcome.kind === 'ignored' ? outcome.reason : '');
  return outcome.kind === 'events' ? outcome.events : [];
}

test('every fixture maps to events that pass the catalogue (schema + business rules)', async () => {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.json'));
  assert.deepEqual(files.sort(), Object.keys(MAPPINGS).sort(), 'a new fixture needs its mapping listed here');
  for (const file of files) {
    for (const event of await events(MAPPINGS[file] as InboundMapping, fixture(file))) {
      const verdict = validateEventData(event.type, event.subject, event.data);
      assert.ok(verdict.ok, `${file}: ${JSON.stringify(verdict)}`);
    }
  }
});

test('invoice: net lines, the order discount spread by largest remainder, shipping as a line, totals equal NetSuite\'s total', async () => {
  const [event] = await events(invoiceMapping, fixture('invoice.json'));
  const data = event?.data as InvoiceData;
  assert.equal(event?.time, '2026-11-22T22:05:09.000Z');
  assert.equal(data.number, 'INV10042');
  assert.equal(data.orderId, ORDER_ID);
  assert.equal(data.customerId, CUSTOMER_ID);
  assert.equal(data.currency, 'USD');
  assert.deepEqual(data.lines.map((l) => [l.quantity, l.unitPrice.amount, l.discount.amount, l.total.amount, l.taxRate]), [
    [2, 1999, 248, 3750, 825],
    [1, 4500, 702, 3798, 825],
    [1, 795, 0, 795, 0],
  ]);
  assert.equal(data.lines[0]?.orderLineId, 'oln_01JDX5208E2K8GV764KCRGE00K');
  assert.deepEqual(data.taxes, [{ jurisdiction: 'US-NV', rate: 825, taxableAmount: { amount: 7548, currency: 'USD' }, amount: { amount: 623, currency: 'USD' } }]);
  assert.deepEqual(data.totals, { subtotal: { amount: 8343, currency: 'USD' }, taxTotal: { amount: 623, currency: 'USD' }, grandTotal: { amount: 8966, currency: 'USD' } });
  assert.equal(data.issueDate, '2026-11-22');
  assert.deepEqual(data.externalRefs, [{ system: 'erp', id: '4711' }]);
});

test('invoice: a total that does not add up fails pointing at /total', async () => {
  const payload = { ...fixture('invoice.json'), total: 89.67 };
  await assert.rejects(invoiceMapping.map(payload, contextWithLinks()), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/total');
});

test('the same NetSuite invoice maps to the same Weft invoice id', async () => {
  const context = contextWithLinks();
  const a = await invoiceMapping.map(fixture('invoice.json'), context);
  const b = await invoiceMapping.map(fixture('invoice.json'), context);
  assert.ok(a.kind === 'events' && b.kind === 'events');
  assert.equal(a.events[0]?.subject, b.events[0]?.subject);
});

test('allocate splits exactly, largest remainder first', () => {
  assert.deepEqual(allocate(500, [3998, 4050]), [248, 252]);
  assert.deepEqual(allocate(1, [1, 1, 1]), [1, 0, 0]);
  assert.deepEqual(allocate(0, [5, 5]), [0, 0]);
});

test('item fulfilment: one shipment of the fulfilled lines, with tracking, carrier and the Weft ids from the line fields', async () => {
  const [event, ...more] = await events(itemFulfillmentMapping, fixture('item-fulfillment.json'));
  assert.equal(more.length, 0);
  const data = event?.data as ShipmentData;
  assert.equal(data.orderId, ORDER_ID);
  assert.equal(data.fulfilmentGroupId, 'ful_01JDX5C7B3G6Z8T2R0M4N9P1QS');
  assert.deepEqual(data.lines, [{ orderLineId: 'oln_01JDX5208E2K8GV764KCRGE00K', sku: 'TSH-0815-L-WHT', quantity: 2 }]);
  assert.deepEqual(data.trackingNumbers, ['1Z999AA10123456784']);
  assert.equal(data.carrier, 'ups');
  assert.equal(data.service, 'UPS Ground');
  assert.match(data.fromLocationId, /^loc_/);
  assert.equal(event?.time, '2026-11-20T16:45:00.000Z');
});

test('item fulfilment: Weft-made, not yet shipped, or from a sales order Weft did not create → ignored with the reason', async () => {
  const base = fixture('item-fulfillment.json');
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...base, externalId: 'shp_01JDBX2KRQNWA605H5PT7DRPKV' }, /created by Weft/],
    [{ ...base, shipStatus: { id: 'B', refName: 'Packed' } }, /not shipped yet \(status Packed\)/],
    [{ ...base, createdFrom: { id: '999', refName: 'Sales Order #SO1' } }, /sales order 999 was not created through Weft/],
  ];
  for (const [payload, reason] of cases) {
    const outcome = await itemFulfillmentMapping.map(payload, contextWithLinks());
    assert.equal(outcome.kind, 'ignored');
    assert.match(outcome.kind === 'ignored' ? outcome.reason : '', reason);
  }
});

test('item fulfilment: a line without the Weft line id fails pointing at the custom field', async () => {
  const payload = structuredClone(fixture('item-fulfillment.json')) as unknown as FulfilmentFixture;
  delete payload.item.items[0]?.custcol_weft_line_id;
  await assert.rejects(itemFulfillmentMapping.map(payload, contextWithLinks()), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/item/items/0/custcol_weft_line_id');
});
