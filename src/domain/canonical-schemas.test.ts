import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Customer } from './customer/customer.schema.ts';
import { Item, Product } from './product/product.schema.ts';
import { Location } from './location/location.schema.ts';
import { Price } from './pricing/price.schema.ts';
import { Promotion } from './pricing/promotion.schema.ts';
import { InventoryPosition } from './inventory/inventory-position.schema.ts';
import { InventoryMovement } from './inventory/inventory-movement.schema.ts';
import { Order } from './order/order.schema.ts';
import { Shipment } from './shipment/shipment.schema.ts';
import { Return } from './return/return.schema.ts';
import { Refund } from './refund/refund.schema.ts';
import { Invoice } from './finance/invoice.schema.ts';
import { JournalEntry } from './finance/journal-entry.schema.ts';
import { ServiceCase } from './service/service-case.schema.ts';
import {
  exampleCustomer,
  exampleInventoryPosition,
  exampleLocation,
  examplePrice,
  exampleProduct,
  examplePromotion,
} from './events/example-objects.ts';
import {
  exampleInvoice,
  exampleJournalEntry,
  examplePendingRefund,
  exampleRefund,
  exampleReturn,
  exampleServiceCase,
  exampleShipment,
  germanWebOrder,
  usPosSale,
} from './events/example-documents.ts';
import { exampleEventData } from './events/examples.ts';

// Every canonical object schema holds the model's conventions: integer money and quantities,
// upper-case currencies, UTC timestamps, string vendor ids, closed objects. Each check mutates a
// valid example at every place the convention applies and expects the schema to reject it.

interface Case {
  readonly name: string;
  readonly schema: TSchema;
  readonly example: unknown;
  /** Which conventions the example exercises; a missing one would make its test vacuous. */
  readonly has: ReadonlyArray<'money' | 'quantity' | 'timestamp' | 'vendorId'>;
}

const promotionWithMoney = {
  ...structuredClone(examplePromotion),
  benefit: { kind: 'amount_off', amountOff: { amount: 500, currency: 'EUR' } },
  conditions: { minBasket: { amount: 5000, currency: 'EUR' } },
};

const cases: readonly Case[] = [
  { name: 'Customer', schema: Customer, example: exampleCustomer, has: ['timestamp', 'vendorId'] },
  { name: 'Product', schema: Product, example: exampleProduct, has: ['timestamp', 'vendorId', 'quantity'] },
  { name: 'Item', schema: Item, example: exampleProduct.items[0], has: ['vendorId', 'quantity'] },
  { name: 'Location', schema: Location, example: exampleLocation, has: ['vendorId'] },
  { name: 'Price', schema: Price, example: examplePrice, has: ['money', 'timestamp', 'vendorId'] },
  { name: 'Promotion', schema: Promotion, example: promotionWithMoney, has: ['money', 'timestamp', 'vendorId'] },
  { name: 'InventoryPosition', schema: InventoryPosition, example: exampleInventoryPosition, has: ['quantity', 'timestamp'] },
  { name: 'InventoryMovement', schema: InventoryMovement, example: exampleEventData['weft.inventory.received.v1'], has: ['quantity', 'timestamp', 'vendorId'] },
  { name: 'Order (web, EUR)', schema: Order, example: germanWebOrder, has: ['money', 'quantity', 'timestamp', 'vendorId'] },
  { name: 'Order (POS, USD)', schema: Order, example: usPosSale, has: ['money', 'quantity', 'timestamp', 'vendorId'] },
  { name: 'Shipment', schema: Shipment, example: exampleShipment, has: ['quantity', 'timestamp', 'vendorId'] },
  { name: 'Return', schema: Return, example: exampleReturn, has: ['quantity', 'timestamp', 'vendorId'] },
  { name: 'Refund (issued)', schema: Refund, example: exampleRefund, has: ['money', 'quantity', 'timestamp', 'vendorId'] },
  { name: 'Refund (pending)', schema: Refund, example: examplePendingRefund, has: ['money', 'quantity', 'timestamp'] },
  { name: 'Invoice', schema: Invoice, example: exampleInvoice, has: ['money', 'quantity', 'vendorId'] },
  { name: 'JournalEntry', schema: JournalEntry, example: exampleJournalEntry, has: ['money', 'timestamp'] },
  { name: 'ServiceCase', schema: ServiceCase, example: exampleServiceCase, has: ['timestamp', 'vendorId'] },
];

type Json = Record<string, unknown>;
type Path = readonly (string | number)[];

const quantityKeys = new Set([
  'quantity', 'quantityDelta', 'countedQuantity', 'cancelledQuantity', 'onHand', 'reserved', 'inTransit', 'safetyStock',
  'available', 'weightGrams', 'packSize', 'buyQuantity', 'getQuantity',
]);
const utc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isMoney = (value: Json): boolean => Object.keys(value).sort().join() === 'amount,currency';
const isExternalRef = (value: Json): boolean => Object.keys(value).sort().join() === 'id,system';

/** Every path in a value, with the value found there. */
function* walk(value: unknown, path: Path = []): Generator<[Path, unknown]> {
  yield [path, value];
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* walk(value[i], [...path, i]);
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) yield* walk(item, [...path, key]);
}

function mutate(example: unknown, path: Path, change: (parent: Json | unknown[], key: string | number) => void): unknown {
  const copy = structuredClone(example);
  let parent = copy as Json | unknown[];
  for (const key of path.slice(0, -1)) parent = (parent as Json)[key as string] as Json | unknown[];
  change(parent, path[path.length - 1]!);
  return copy;
}

describe('canonical object schemas', () => {
  for (const c of cases) {
    describe(c.name, () => {
      const validator = Compile(c.schema);
      const rejects = (value: unknown, what: string): void => {
        assert.equal(validator.Check(value), false, `${c.name} accepted ${what}`);
      };
      const entries = [...walk(c.example)];
      const at = (path: Path): string => `/${path.join('/')}`;

      it('accepts its example', () => {
        assert.deepEqual(validator.Errors(c.example), []);
      });

      it('rejects floats for money', () => {
        const moneys = entries.filter(([, value]) => isObject(value) && isMoney(value));
        assert.equal(moneys.length > 0, c.has.includes('money'));
        for (const [path] of moneys) {
          rejects(mutate(c.example, [...path, 'amount'], (parent, key) => { (parent as Json)[key as string] = 19.99; }), `a float amount at ${at(path)}`);
        }
      });

      it('rejects lower-case currencies', () => {
        for (const [path, value] of entries) {
          if (path[path.length - 1] !== 'currency' || typeof value !== 'string') continue;
          rejects(mutate(c.example, path, (parent, key) => { (parent as Json)[key as string] = value.toLowerCase(); }), `a lower-case currency at ${at(path)}`);
        }
      });

      it('rejects floats for quantities', () => {
        const quantities = entries.filter(([path, value]) => typeof value === 'number' && quantityKeys.has(String(path[path.length - 1])));
        assert.equal(quantities.length > 0, c.has.includes('quantity'));
        for (const [path, value] of quantities) {
          rejects(mutate(c.example, path, (parent, key) => { (parent as Json)[key as string] = (value as number) + 0.5; }), `a float quantity at ${at(path)}`);
        }
      });

      it('rejects timestamps that are not UTC', () => {
        const timestamps = entries.filter(([, value]) => typeof value === 'string' && utc.test(value));
        assert.equal(timestamps.length > 0, c.has.includes('timestamp'));
        for (const [path, value] of timestamps) {
          for (const replacement of [(value as string).replace(/Z$/, '+00:00'), (value as string).replace(/Z$/, '+01:00'), (value as string).replace(/Z$/, '')]) {
            rejects(mutate(c.example, path, (parent, key) => { (parent as Record<string | number, unknown>)[key] = replacement; }), `${replacement} at ${at(path)}`);
          }
        }
      });

      it('rejects numeric vendor ids', () => {
        const refs = entries.filter(([, value]) => isObject(value) && isExternalRef(value));
        assert.equal(refs.length > 0, c.has.includes('vendorId'));
        for (const [path] of refs) {
          rejects(mutate(c.example, [...path, 'id'], (parent, key) => { (parent as Json)[key as string] = 820982911946154508; }), `a numeric vendor id at ${at(path)}`);
        }
      });

      it('rejects unknown properties on every object', () => {
        const objects = entries.filter(([path, value]) => isObject(value) && path[path.length - 1] !== 'attributes');
        assert.ok(objects.length > 0);
        for (const [path] of objects) {
          const extended = path.length === 0
            ? { ...(c.example as Json), unexpected: true }
            : mutate(c.example, path, (parent, key) => { (parent as Record<string | number, Json>)[key] = { ...(parent as Record<string | number, Json>)[key], unexpected: true }; });
          rejects(extended, `an unknown property at ${at(path)}`);
        }
      });
    });
  }
});

describe('schema metadata', () => {
  const sharedValueObjects = new Set(['amount,currency', 'city,company,country,line1,line2,name,phone,postalCode,region', 'id,system']);

  function* objects(schema: unknown, path = '#'): Generator<[string, Json]> {
    if (!isObject(schema) && !Array.isArray(schema)) return;
    if (isObject(schema) && schema['type'] === 'object' && isObject(schema['properties'])) yield [path, schema];
    for (const [key, value] of Object.entries(schema as Json)) yield* objects(value, `${path}/${key}`);
  }

  for (const c of cases) {
    it(`${c.name}: every object is titled, described, closed and versioned`, () => {
      const top = c.schema as unknown as Json;
      assert.equal(top['x-weft-schema-version'], 1);
      for (const [path, node] of objects(c.schema)) {
        assert.equal(node['additionalProperties'], false, `${path} is not closed`);
        assert.equal(typeof node['description'], 'string', `${path} has no description`);
        const keys = Object.keys(node['properties'] as Json).sort().join();
        if (node['title'] === undefined) {
          assert.ok(sharedValueObjects.has(keys), `${path} (${keys}) has no title and is not a shared value object`);
        } else if (node['title'] !== 'NonNegativeMoney') {
          assert.equal(node['x-weft-schema-version'], 1, `${path} (${String(node['title'])}) has no schema version`);
        }
      }
    });
  }
});
