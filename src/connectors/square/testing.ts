import { memoryIdResolver, memoryXrefs } from '../sdk/testing.ts';
import type { ActionCommand, ActionContext, HttpClient, IdResolver, MappingContext, XrefLookup } from '../sdk/index.ts';
import { idempotencyKeyOf } from '../sdk/index.ts';
import { parseSquareSourceSettings, type SquareSourceSettings } from './settings.ts';

// Test support for the Square connector's tests (not used by the connector): a Map-backed
// IdResolver that links like the hub's cross-reference map, source settings, and action contexts.

/** A Map-backed IdResolver (the SDK's): the same (kind, vendor id) always gives the same canonical id. */
export const memoryIds = memoryIdResolver;

/** Source settings for tests; `overrides` replace single fields. */
export function testSourceSettings(overrides: Record<string, unknown> = {}): SquareSourceSettings {
  return parseSquareSourceSettings('pos-us', {
    connector: 'square',
    accessToken: 'EAAAtest-token',
    signatureKey: 'test-signature-key',
    ...overrides,
  });
}

/** A mapping context over `ids` (a fresh resolver by default). */
export function mappingContext(settings: SquareSourceSettings = testSourceSettings(), ids: IdResolver = memoryIds()): MappingContext {
  return { system: 'pos-us', ids, settings };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A command of `action` carrying `payload`. */
export function command(action: string, payload: unknown, id = 'cmd_01JDZZZZZZZZZZZZZZZZZZZZZZ'): ActionCommand {
  return { id, target: 'pos-us', action, key: 'k', payload, attempt: 1, createdAt: '2026-11-20T09:00:00.000Z', causationId: undefined, traceparent: undefined };
}

/** The context the delivery engine would hand an action for `cmd`. */
export function actionContext(cmd: ActionCommand, http: HttpClient, xrefs: XrefLookup = memoryXrefs()): ActionContext {
  return { command: cmd, idempotencyKey: idempotencyKeyOf(cmd.id), http, xrefs, log: silent, clock: { now: () => Date.now() }, signal: new AbortController().signal };
}

/** Canonical ids of the ship-from-store test order (ULIDs without I, L, O, U). */
export const storeIds = {
  order: 'ord_01JDSHPFRMST0RE00000000001',
  lineTee: 'oln_01JDSHPFRMST0RE00000000N01',
  lineCap: 'oln_01JDSHPFRMST0RE00000000N02',
  lineMug: 'oln_01JDSHPFRMST0RE00000000N03',
  lineSock: 'oln_01JDSHPFRMST0RE00000000N04',
  groupStore1: 'ful_01JDSHPFRMST0RE00000000G01',
  groupStore2: 'ful_01JDSHPFRMST0RE00000000G02',
  groupWarehouse: 'ful_01JDSHPFRMST0RE00000000G03',
  store1: 'loc_01JDSHPFRMST0RE000000STR01',
  store2: 'loc_01JDSHPFRMST0RE000000STR02',
  unmapped: 'loc_01JDSHPFRMST0RE000000STR99',
} as const;

const usd = (amount: number) => ({ amount, currency: 'USD' });

/**
 * A web order (USD, tax on top, no taxes) with two ship-from-store parcels and one warehouse parcel:
 * store 1 ships a T-shirt ×2 and a cap (both in the simulator's catalog), store 2 a mug Square's
 * catalog lacks (an ad hoc line), the warehouse socks. `groups` keeps only the named groups.
 */
export function storeOrder(groups: readonly string[] = [storeIds.groupStore1, storeIds.groupStore2, storeIds.groupWarehouse]): Record<string, unknown> {
  const address = { name: 'Mike Jones', line1: '500 Congress Ave', city: 'Austin', region: 'US-TX', postalCode: '78701', country: 'US', phone: '+15125550123' };
  const line = (id: string, sku: string, name: string, quantity: number, price: number, group: string) => ({ id, sku, name, quantity, unitPrice: usd(price), discounts: [], taxes: [], total: usd(quantity * price), fulfilmentGroupId: group, status: 'open' });
  const lines = [
    line(storeIds.lineTee, 'TSH-0815-L-WHT', 'T-Shirt Basic, white, L', 2, 1999, storeIds.groupStore1),
    line(storeIds.lineCap, 'CAP-2201-OS-BLK', 'Cap, black', 1, 2499, storeIds.groupStore1),
    line(storeIds.lineMug, 'MUG-0001-WHT', 'Mug, white', 1, 1200, storeIds.groupStore2),
    line(storeIds.lineSock, 'SOCK-3PK-BLK', 'Socks, 3-pack', 1, 899, storeIds.groupWarehouse),
  ].filter((l) => groups.includes(l.fulfilmentGroupId));
  const all = [
    { id: storeIds.groupStore1, kind: 'ship_from_store', locationId: storeIds.store1, shippingAddress: address, shippingMethod: { code: 'standard', carrier: 'ups', service: 'ground' }, lineIds: [storeIds.lineTee, storeIds.lineCap], status: 'reserved' },
    { id: storeIds.groupStore2, kind: 'ship_from_store', locationId: storeIds.store2, shippingAddress: address, lineIds: [storeIds.lineMug], status: 'reserved' },
    { id: storeIds.groupWarehouse, kind: 'ship', shippingAddress: address, lineIds: [storeIds.lineSock], status: 'reserved' },
  ];
  const subtotal = lines.reduce((sum, l) => sum + l.total.amount, 0);
  return {
    id: storeIds.order,
    orderNumber: 'US-200417',
    channel: 'web',
    originSystem: 'shopify-us',
    guestEmail: 'mike.jones@example.com',
    currency: 'USD',
    pricesIncludeTax: false,
    lines,
    discounts: [],
    shippingCharges: [],
    taxes: [],
    payments: [],
    fulfilmentGroups: all.filter((g) => groups.includes(g.id)),
    totals: { subtotal: usd(subtotal), discountTotal: usd(0), shippingTotal: usd(0), taxTotal: usd(0), grandTotal: usd(subtotal) },
    status: 'reserved',
    placedAt: '2026-11-20T09:14:03.512Z',
    externalRefs: [],
  };
}
