import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateEventData } from '../../../domain/events/validate.ts';
import type { Shipment } from '../../../domain/shipment/shipment.schema.ts';
import { MappingError } from '../../../errors/index.ts';
import { parseJsonExact, type MappedEvent, type MappingContext } from '../../sdk/index.ts';
import { memoryIds } from '../test-helpers.ts';
import { verifyShipStationWebhook } from '../webhooks.ts';
import { orderNotifyMapping } from './order-notify.mapping.ts';
import { shipNotifyMapping, type ShipNotifySettings } from './ship-notify.mapping.ts';

// The fixtures are transcribed from ShipStation's documented shapes (see README); every file in
// fixtures/ is covered: a new one of an unknown kind fails the last test.

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
const LOCATION = 'loc_01JDWPQ5E6EYCNDY0YP57RCYBV';
const settings: ShipNotifySettings = { locationId: LOCATION, warehouseLocations: {}, timeZone: 'America/Los_Angeles' };
const mapping = shipNotifyMapping(() => settings);

const fixture = (name: string): unknown => parseJsonExact(readFileSync(join(FIXTURES, name)));
const contextOf = (): MappingContext & { ids: ReturnType<typeof memoryIds> } => ({ system: 'shipstation', ids: memoryIds(), settings });

// The payload enrich() builds: the shipments of resource_url plus the orders it fetched.
function enriched(list: unknown, orders: Record<string, unknown>): Record<string, unknown> {
  return { resource_url: 'https://ssapi.shipstation.com/shipments?batchId=12345678', resource_type: 'SHIP_NOTIFY', shipments: (list as { shipments: unknown[] }).shipments, orders };
}

function orderFixtures(): Record<string, unknown> {
  const orders: Record<string, unknown> = {};
  for (const name of readdirSync(FIXTURES).filter((file) => file.startsWith('order.'))) {
    const order = fixture(name) as { orderId: number };
    orders[String(order.orderId)] = order;
  }
  return orders;
}

function assertValid(events: MappedEvent[]): void {
  for (const event of events) {
    const verdict = validateEventData(event.type, event.subject, event.data);
    assert.deepEqual(verdict, { ok: true }, `${event.type} ${JSON.stringify(verdict)}`);
  }
}

describe('SHIP_NOTIFY mapping', () => {
  it('maps the Weft shipment of the documented list and skips the foreign and the voided one', async () => {
    const context = contextOf();
    const outcome = await mapping.map(enriched(fixture('shipments.list.json'), orderFixtures()), context);
    assert.equal(outcome.kind, 'events');
    if (outcome.kind !== 'events') return;
    assert.equal(outcome.events.length, 1);
    assertValid(outcome.events);
    const [event] = outcome.events as [MappedEvent];
    const data = event.data as Shipment;
    assert.equal(event.type, 'weft.shipment.dispatched.v1');
    assert.equal(data.id, context.ids.links.get('shipment:33974374'));
    assert.equal(event.subject, data.id);
    assert.equal(data.orderId, 'ord_01JDY1JX4WHRDD459GQ8H7QEZZ');
    // The group comes from the order enrich fetched: the shipment's advancedOptions is null.
    assert.equal(data.fulfilmentGroupId, 'ful_01JDV1SD53TW8JZ38AYTNJKGGS');
    assert.equal(data.fromLocationId, LOCATION);
    assert.deepEqual(data.lines, [
      { orderLineId: 'oln_01JDS1A0ZWSK9TPRM7N0MNS7C0', sku: 'JKT-4711-M-NVY', quantity: 1 },
      // lineItemKey null on the shipment item: found on the order's item of the same orderItemId.
      { orderLineId: 'oln_01JDJGQ4SR4QVH3H63J9FHVMCQ', sku: 'TSH-0815-L-WHT', quantity: 2 },
    ]);
    assert.equal(data.carrier, 'ups_walleted');
    assert.equal(data.service, 'ups_ground');
    assert.deepEqual(data.trackingNumbers, ['1Z63E5F50396521440']);
    // 08:45:12.343 Pacific in November is PST (UTC−8).
    assert.equal(data.shippedAt, '2026-11-20T16:45:12.343Z');
    assert.equal(event.time, data.shippedAt);
    assert.deepEqual(data.externalRefs, [{ system: 'shipstation', id: '33974374' }]);
    // The phone is not E.164, so it stays out; the rest of the address comes through.
    assert.deepEqual(data.shipTo, { name: 'Anna Schmidt', line1: '1600 Pennsylvania Ave', line2: 'Apt 4', city: 'Washington', region: 'DC', postalCode: '20500', country: 'US' });
  });

  it('gives the same shipment the same canonical id when the batch comes again', async () => {
    const context = contextOf();
    const payload = enriched(fixture('shipments.list.json'), orderFixtures());
    const first = await mapping.map(payload, context);
    const second = await mapping.map(payload, context);
    assert.ok(first.kind === 'events' && second.kind === 'events');
    assert.equal((first.events[0] as MappedEvent).subject, (second.events[0] as MappedEvent).subject);
  });

  it('keeps every digit of a shipment id above 2^53', async () => {
    const raw = readFileSync(join(FIXTURES, 'shipments.list.json'), 'utf8').replace('"shipmentId": 33974374', '"shipmentId": 9007199254740993');
    const context = contextOf();
    const outcome = await mapping.map(enriched(parseJsonExact(raw), orderFixtures()), context);
    assert.ok(outcome.kind === 'events');
    const data = (outcome.events[0] as MappedEvent).data as Shipment;
    assert.deepEqual(data.externalRefs, [{ system: 'shipstation', id: '9007199254740993' }]);
    assert.equal(data.id, context.ids.links.get('shipment:9007199254740993'));
  });

  it('reads the group from the shipment when ShipStation includes advancedOptions, summing split items of a line', async () => {
    const list = fixture('shipments.list.json') as { shipments: Record<string, unknown>[] };
    const shipment = { ...(list.shipments[0] as Record<string, unknown>) };
    shipment.advancedOptions = { customField1: 'ful_01JDV1SD53TW8JZ38AYTNJKGGS' };
    shipment.shipmentItems = [
      { orderItemId: 1, lineItemKey: 'oln_01JDS1A0ZWSK9TPRM7N0MNS7C0', sku: 'JKT-4711-M-NVY', quantity: 1 },
      { orderItemId: 2, lineItemKey: 'oln_01JDS1A0ZWSK9TPRM7N0MNS7C0', sku: 'JKT-4711-M-NVY', quantity: 2 },
    ];
    const outcome = await mapping.map(enriched({ shipments: [shipment] }, {}), contextOf());
    assert.ok(outcome.kind === 'events');
    assertValid(outcome.events);
    assert.deepEqual(((outcome.events[0] as MappedEvent).data as Shipment).lines, [{ orderLineId: 'oln_01JDS1A0ZWSK9TPRM7N0MNS7C0', sku: 'JKT-4711-M-NVY', quantity: 3 }]);
  });

  it('takes the order id from a split orderKey (<order id>:<n>) and the location from warehouseLocations', async () => {
    const list = fixture('shipments.list.json') as { shipments: Record<string, unknown>[] };
    const shipment = { ...(list.shipments[0] as Record<string, unknown>), orderKey: 'ord_01JDY1JX4WHRDD459GQ8H7QEZZ:2', warehouseId: 777 };
    const other = 'loc_01JDWPQ5E6EYCNDY0YP57RCYBW';
    const split = shipNotifyMapping(() => ({ ...settings, warehouseLocations: { '777': other } }));
    const outcome = await split.map(enriched({ shipments: [shipment] }, orderFixtures()), contextOf());
    assert.ok(outcome.kind === 'events');
    const data = (outcome.events[0] as MappedEvent).data as Shipment;
    assert.equal(data.orderId, 'ord_01JDY1JX4WHRDD459GQ8H7QEZZ');
    assert.equal(data.fromLocationId, other);
  });

  it('ignores a batch with nothing from Weft, saying why', async () => {
    const list = fixture('shipments.list.json') as { shipments: unknown[] };
    const outcome = await mapping.map(enriched({ shipments: list.shipments.slice(1) }, {}), contextOf());
    assert.equal(outcome.kind, 'ignored');
    assert.match(outcome.kind === 'ignored' ? outcome.reason : '', /not one Weft created.*voided/);
  });

  it('names the field when a Weft shipment lacks the group id', async () => {
    const list = fixture('shipments.list.json') as { shipments: unknown[] };
    await assert.rejects(
      mapping.map(enriched({ shipments: [list.shipments[0]] }, {}), contextOf()),
      (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/shipments/0/advancedOptions/customField1',
    );
  });

  it('names the field when a carrier code is missing', async () => {
    const list = fixture('shipments.list.json') as { shipments: Record<string, unknown>[] };
    const shipment = { ...(list.shipments[0] as Record<string, unknown>), carrierCode: null };
    await assert.rejects(
      mapping.map(enriched({ shipments: [shipment] }, orderFixtures()), contextOf()),
      (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/shipments/0/carrierCode',
    );
  });

  it('refuses a SHIP_NOTIFY that was not enriched', async () => {
    await assert.rejects(mapping.map(fixture('ship-notify.webhook.json'), contextOf()), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/shipments');
  });

  it('ignores ORDER_NOTIFY with a reason', async () => {
    const outcome = await orderNotifyMapping.map(fixture('order-notify.webhook.json'), contextOf());
    assert.equal(outcome.kind, 'ignored');
  });

  it('covers every fixture file', async () => {
    const token = 'x'.repeat(32);
    for (const name of readdirSync(FIXTURES)) {
      const body = fixture(name) as Record<string, unknown>;
      if (typeof body.resource_type === 'string') {
        // A webhook body: it verifies with the token and names a topic the source handles.
        const delivery = verifyShipStationWebhook(
          { headers: {}, rawBody: readFileSync(join(FIXTURES, name)), notificationUrl: `https://weft.example.com/webhooks/shipstation`, requestUrl: `/webhooks/shipstation?token=${token}`, receivedAtMs: 0 },
          { webhookToken: token, baseUrl: 'https://ssapi.shipstation.com' },
        );
        assert.ok(['SHIP_NOTIFY', 'ORDER_NOTIFY'].includes(delivery.topic), name);
      } else if (Array.isArray(body.shipments)) {
        const outcome = await mapping.map(enriched(body, orderFixtures()), contextOf());
        if (outcome.kind === 'events') assertValid(outcome.events);
        else assert.ok(outcome.reason.length > 0, name);
      } else if (typeof body.orderKey === 'string' && Array.isArray(body.items)) {
        // A GET /orders/{orderId} answer: enrich's input, used above; it must carry Weft's keys.
        assert.match(String((body.advancedOptions as Record<string, unknown>).customField1), /^ful_/, name);
      } else {
        assert.fail(`fixtures/${name} is of a kind no test covers`);
      }
    }
  });
});
