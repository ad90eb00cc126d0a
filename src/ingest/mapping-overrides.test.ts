import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, MappingError } from '../errors/index.ts';
import type { IdResolver, InboundMapping, MappingContext, MappingOutcome } from '../ports/inbound.ts';
import { jsonataMapping, moduleMapping, withOverrides } from './mapping-overrides.ts';

// Retailers' own mappings from config: JSONata expressions and modules, on top of (or instead of)
// a connector's mapping.

function resolver(): IdResolver {
  const known = new Map<string, string>();
  let n = 0;
  return {
    ref: async (kind, id) => {
      const key = `${kind}:${id}`;
      if (!known.has(key)) known.set(key, `${kind === 'customer' ? 'cus' : 'ord'}_01JTESTTESTTESTTESTTESTTE${String(++n).padStart(2, '0')}`);
      return known.get(key) as string;
    },
    find: async (kind, id) => known.get(`${kind}:${id}`),
    findIn: async () => undefined,
  };
}

const context = (): MappingContext => ({ system: 'shopify', ids: resolver(), settings: {} });
const payload = { id: 42, note_attributes: [{ name: 'loyalty_tier', value: 'gold' }], created_at: '2026-11-20T08:00:00.000Z' };

const builtIn: InboundMapping = {
  description: 'connector mapping',
  map: async (input, ctx) => {
    const body = input as typeof payload;
    const id = await ctx.ids.ref('customer', String(body.id));
    return { kind: 'events', events: [{ type: 'weft.customer.created.v1', subject: id, time: body.created_at, data: { id, attributes: { source: 'shopify' } } }] };
  },
};

describe('JSONata overrides', () => {
  it('extends the connector\'s events with a custom field from the payload', async () => {
    const mapping = jsonataMapping(`$events ~> |data|{"attributes": $merge([attributes, {"loyaltyTier": $$.note_attributes[name="loyalty_tier"].value}])}|`, builtIn, 'sources.shopify.mappings.customers/create');
    const outcome = (await mapping.map(payload, context())) as Extract<MappingOutcome, { kind: 'events' }>;
    assert.equal(outcome.kind, 'events');
    assert.deepEqual((outcome.events[0]?.data as { attributes: unknown }).attributes, { source: 'shopify', loyaltyTier: 'gold' });
    assert.match(outcome.events[0]?.subject ?? '', /^cus_/);
  });

  it('maps on its own with $ref, getting the same canonical id for the same vendor id', async () => {
    const ctx = context();
    const mapping = jsonataMapping(`{"type": "weft.customer.updated.v1", "subject": $ref("customer", $string(id)), "time": created_at, "data": {"id": $ref("customer", $string(id))}}`, undefined, 'x');
    const outcome = (await mapping.map(payload, ctx)) as Extract<MappingOutcome, { kind: 'events' }>;
    assert.equal(outcome.events.length, 1);
    assert.equal(outcome.events[0]?.subject, await ctx.ids.find('customer', '42'));
    assert.equal((outcome.events[0]?.data as { id: string }).id, outcome.events[0]?.subject);
  });

  it('ignores a payload with a reason', async () => {
    const mapping = jsonataMapping(`id = 42 ? {"ignored": "test customer"} : $events`, builtIn, 'x');
    assert.deepEqual(await mapping.map(payload, context()), { kind: 'ignored', reason: 'test customer' });
  });

  it('refuses an expression that does not compile at start, naming the field', () => {
    assert.throws(() => jsonataMapping('$events[', builtIn, 'sources.shopify.mappings.orders/create'), (error: unknown) => error instanceof ConfigError && /sources\.shopify\.mappings\.orders\/create\.jsonata does not compile/.test(error.message));
  });

  it('turns a failing or runaway expression into a mapping error, not a hung hub', async () => {
    await assert.rejects(jsonataMapping('$ref("nonsense", id)', undefined, 'x').map(payload, context()), (error: unknown) => error instanceof MappingError && /\$ref needs an id kind/.test(error.message));
    await assert.rejects(jsonataMapping('($f := function($n){ $f($n + 1) }; $f(0))', undefined, 'x').map(payload, context()), (error: unknown) => error instanceof MappingError && /JSONata expression failed/.test(error.message));
    await assert.rejects(jsonataMapping('{"type": "weft.customer.created.v1"}', undefined, 'x').map(payload, context()), (error: unknown) => error instanceof MappingError && /needs type, subject, time and data/.test(error.message));
  });

  it('tells the expression why the connector\'s mapping failed, so it can take over', async () => {
    const failing: InboundMapping = { description: 'fails', map: () => Promise.reject(new MappingError('line 1 has no SKU')) };
    const mapping = jsonataMapping('{"ignored": $builtInError}', failing, 'x');
    assert.deepEqual(await mapping.map(payload, context()), { kind: 'ignored', reason: 'line 1 has no SKU' });
  });
});

describe('module overrides', () => {
  it('runs the module with the connector\'s mapping available as builtIn', async () => {
    const mapping = moduleMapping(
      {
        async map(_payload, _context, base) {
          const outcome = await base();
          return outcome.kind === 'events' ? { kind: 'events', events: outcome.events.map((event) => ({ ...event, data: { ...(event.data as object), attributes: { region: 'EU' } } })) } : outcome;
        },
      },
      builtIn,
      'sources.shopify.mappings.customers/create',
    );
    const outcome = (await mapping.map(payload, context())) as Extract<MappingOutcome, { kind: 'events' }>;
    assert.deepEqual((outcome.events[0]?.data as { attributes: unknown }).attributes, { region: 'EU' });
  });

  it('puts overrides in place of the connector\'s mappings and keeps the others', () => {
    const source = { name: 'shopify', connector: 'shopify', settings: {}, verify: () => ({ topic: '', deliveryId: '', payload: null }), mappings: { 'customers/create': builtIn, 'orders/create': builtIn } };
    const overridden = withOverrides(source, { 'customers/create': { jsonata: '$events' }, 'carts/create': { jsonata: '{"ignored": "carts"}' } }, 'sources.shopify');
    assert.equal(overridden.mappings['orders/create'], builtIn);
    assert.match(overridden.mappings['customers/create']?.description ?? '', /JSONata override \(sources\.shopify\.mappings\.customers\/create\)/);
    assert.ok(overridden.mappings['carts/create'], 'an override can add a topic the connector does not map');
    assert.equal(source.mappings['customers/create'], builtIn, 'the connector\'s source is not changed');
  });
});
