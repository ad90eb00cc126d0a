// A local stand-in for one Shopify shop, for tests and the demo: the Admin GraphQL endpoint for the
// operations this connector sends (matched by operation name, answered in Shopify's shapes), the
// access-token check, the cost-based leaky bucket with Shopify's THROTTLED answer, @idempotent keys
// on inventorySetQuantities, in-memory inventory levels, orders, fulfillment orders, fulfilments,
// tags and payment transactions with orderCapture and orderCancel's refunds and voids
// (simulator-payments.ts); and the webhook side: signed X-Shopify-* deliveries of raw bodies whose
// ids keep all digits, sent by createOrder/createCustomer and by orderCancel (orders/cancelled).

import { randomUUID } from 'node:crypto';
import { jsonBody, startSimulator, type SimRequest, type SimResponse, type Simulator } from '../sdk/index.ts';
import { cancelOn, cancelStateNode, type SimCancellation } from './simulator-cancel.ts';
import { captureOn, openingPayments, transactionNode, type SimFinancialStatus, type SimPayments } from './simulator-payments.ts';
import { shopifySignature } from './webhooks.ts';

/** Options of the Shopify simulator; every field has a default. */
export interface ShopifySimulatorOptions {
  /** The token requests must carry in X-Shopify-Access-Token (default `shpat_simulator`). */
  accessToken?: string;
  /** The app's client secret webhooks are signed with (default `simulator-secret`). */
  clientSecret?: string;
  /** The myshopify subdomain (default `weft-demo`). */
  shop?: string;
  /** Bucket size and restore rate (default 1000 points, 50/s: the figures of Shopify's THROTTLED examples). */
  bucket?: { maximumAvailable: number; restoreRate: number };
  /** Clock of the bucket and of records; tests pass a fixed one. Default Date.now. */
  now?: () => number;
  port?: number;
  random?: () => number;
}

/** Input of createOrder: what a demo traffic generator picks. */
export interface SimOrderInput {
  lines: { sku: string; quantity: number; price: string; title?: string }[];
  email?: string;
  /** The buyer; `id` is a customer createCustomer made (a returning customer), else a new id. */
  customer?: { id?: string; firstName: string; lastName: string; email: string };
  currency?: string;
  /** Shopify location id the order's fulfillment order is assigned to (default the first location). */
  locationId?: string;
  shippingPrice?: string;
  /** Code and title of the shipping line (default `Standard`); a pick-up rate's code marks a pick-up order. */
  shippingCode?: string;
  /** Ship-to address (default a Berlin address). */
  address?: SimAddress;
  /** `paid` (default): a sale transaction of the total; `authorized`: an authorization to capture later. */
  financialStatus?: SimFinancialStatus;
}

/** A postal address as a checkout takes it. */
export interface SimAddress {
  firstName: string;
  lastName: string;
  address1: string;
  city: string;
  zip: string;
  countryCode: string;
  country: string;
}

/** A customer account as the storefront's sign-up creates it. */
export interface SimCustomerInput {
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
  address?: SimAddress;
}

/** A running Shopify simulator. */
export interface ShopifySimulator extends Simulator {
  shopDomain: string;
  /** The GraphQL endpoint a target's `baseUrl` + version point at: pass `url` as baseUrl. */
  graphqlUrl(version?: string): string;
  /** Adds a location; returns its numeric id. */
  addLocation(name: string): string;
  /** Adds an inventory item with a SKU, stocked at every location with `available` units; returns its numeric id. */
  addInventoryItem(sku: string, available?: number): string;
  /** Subscribes a URL to a topic (as a webhookSubscriptionCreate would). */
  subscribe(topic: string, url: string): void;
  /** Posts a signed delivery of `payload` (an object, or a raw JSON text sent byte for byte). */
  sendWebhook(url: string, topic: string, payload: unknown): Promise<{ status: number; webhookId: string }>;
  /** Creates a customer account and sends customers/create to the subscribers; returns the Shopify-shaped customer. */
  createCustomer(input: SimCustomerInput): Promise<{ customer: Record<string, unknown>; deliveries: { url: string; status: number }[] }>;
  /** Creates an order as checkout would and sends orders/create to the subscribers; returns the Shopify-shaped order. */
  createOrder(input: SimOrderInput): Promise<{ order: Record<string, unknown>; deliveries: { url: string; status: number }[] }>;
  /** Fulfils everything left on an order, as staff marking it fulfilled in Shopify admin would (no webhook). */
  fulfillOrder(orderId: string): void;
  /** Resolves when the webhooks the simulator sent on its own (orderCancel's orders/cancelled) have been answered. */
  drain(): Promise<void>;
  /** The records, for tests and the demo. */
  state(): ShopifyState;
}

interface FoLine {
  id: string;
  lineItemId: string;
  sku: string;
  remaining: number;
}
interface SimOrder {
  id: string;
  name: string;
  note: string | null;
  tags: Set<string>;
  fulfillmentOrders: { id: string; locationId: string; status: string; lines: FoLine[] }[];
  fulfillments: { id: string; trackingNumbers: string[]; lines: { id: string; quantity: number }[] }[];
  payments: SimPayments;
  cancelledAt: string | null;
  /** OrderCancelReason as orderCancel was given it. */
  cancelReason: string | null;
  cancellation: SimCancellation | null;
  /** The REST body orders/create was sent with: orders/cancelled sends it again, cancelled. */
  payload: Record<string, unknown>;
}

/** The simulator's records. */
export interface ShopifyState {
  levels: { inventoryItemId: string; sku: string; locationId: string; available: number }[];
  orders: { id: string; name: string; note: string | null; tags: string[]; fulfillments: SimOrder['fulfillments']; financialStatus: string; transactions: SimPayments['transactions']; cancelledAt: string | null; cancelReason: string | null; cancellation: SimCancellation | null }[];
  /** Webhooks the simulator sent on its own (orderCancel's orders/cancelled), in order. */
  webhooks: { topic: string; orderId: string; url: string; status: number }[];
  idempotencyKeys: number;
  bucket: { currentlyAvailable: number; maximumAvailable: number };
}

// Ids in Shopify's range (> 2^53), so every consumer must keep them exact.
const ID_BASE = 820982911946154508n;
const ID_KEYS = new Set(['id', 'order_id', 'customer_id', 'line_item_id', 'product_id', 'variant_id', 'location_id', 'inventory_item_id']);
const COSTS: Record<string, number> = { WeftFindInventoryItem: 4, WeftInventoryItemSku: 2, WeftSetInventory: 10, WeftFindOrder: 60, WeftCreateFulfillment: 10, WeftTagOrder: 10, WeftNoteOrder: 10, WeftOrderPayments: 12, WeftFindOrderPayments: 60, WeftCapturePayment: 10, WeftOrderCancelState: 2, WeftFindOrderCancelState: 4, WeftCancelOrder: 10 };

/** JSON as Shopify writes it: numeric ids held as digit strings are written as numbers, every digit kept. */
export function shopifyJson(value: unknown): string {
  const marked = JSON.stringify(value, (key, v: unknown) => (ID_KEYS.has(key) && typeof v === 'string' && /^\d+$/.test(v) ? `\u0000${v}` : v), 2);
  return marked.replace(/"\\u0000(\d+)"/g, '$1');
}

const numeric = (gidOrId: unknown): string => String(gidOrId ?? '').replace(/^gid:\/\/shopify\/\w+\//, '').replace(/\?.*$/, '');

const DEFAULT_ADDRESS: SimAddress = { firstName: 'Anna', lastName: 'Schmidt', address1: 'Kastanienallee 12', city: 'Berlin', zip: '10435', countryCode: 'DE', country: 'Germany' };

function shopifyAddress(address: SimAddress): Record<string, unknown> {
  return {
    first_name: address.firstName,
    last_name: address.lastName,
    name: `${address.firstName} ${address.lastName}`,
    address1: address.address1,
    address2: null,
    city: address.city,
    zip: address.zip,
    province: null,
    province_code: null,
    country: address.country,
    country_code: address.countryCode,
    phone: null,
    company: null,
  };
}

/** Starts a simulated shop on 127.0.0.1. */
export async function startShopifySimulator(options: ShopifySimulatorOptions = {}): Promise<ShopifySimulator> {
  const accessToken = options.accessToken ?? 'shpat_simulator';
  const clientSecret = options.clientSecret ?? 'simulator-secret';
  const shop = options.shop ?? 'weft-demo';
  const now = options.now ?? Date.now;
  const limits = options.bucket ?? { maximumAvailable: 1000, restoreRate: 50 };
  let counter = 0n;
  const nextId = (): string => String(ID_BASE + ++counter * 7919n);

  const locations = new Map<string, string>();
  const items = new Map<string, { sku: string }>();
  const levels = new Map<string, number>();
  const orders = new Map<string, SimOrder>();
  const idempotency = new Map<string, { params: string; answer: unknown }>();
  const subscriptions = new Map<string, Set<string>>();
  const webhooks: ShopifyState['webhooks'] = [];
  const inflight = new Set<Promise<void>>();
  let bucket = { available: limits.maximumAvailable, at: now() };

  function leak(): number {
    const t = now();
    bucket = { available: Math.min(limits.maximumAvailable, bucket.available + (limits.restoreRate * Math.max(0, t - bucket.at)) / 1000), at: t };
    return bucket.available;
  }
  const costOf = (requested: number, actual: number | null) => ({
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: { maximumAvailable: limits.maximumAvailable, currentlyAvailable: Math.floor(bucket.available), restoreRate: limits.restoreRate },
  });

  const userErrors = (field: string[], message: string, code?: string) => [{ field, message, ...(code ? { code } : {}) }];

  function setInventory(query: string, variables: Record<string, unknown>): unknown {
    const key = /@idempotent\(\s*key:\s*"([^"]+)"\s*\)/.exec(query)?.[1];
    if (key === undefined) return { errors: [{ message: 'The @idempotent directive is required for inventorySetQuantities as of 2026-04', extensions: { code: 'BAD_REQUEST' } }] };
    const params = JSON.stringify(variables);
    const seen = idempotency.get(key);
    if (seen !== undefined) {
      if (seen.params === params) return seen.answer;
      return { data: { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: userErrors(['input'], 'The same idempotency key cannot be used with different operation parameters.', 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH') } } };
    }
    const input = (variables.input ?? {}) as { name?: string; quantities?: Record<string, unknown>[] };
    const fail = (errors: unknown) => ({ data: { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: errors } } });
    if (input.name !== 'available' && input.name !== 'on_hand') return fail(userErrors(['input', 'name'], "The quantity name must be either 'available' or 'on_hand'.", 'INVALID_NAME'));
    const changes = [];
    for (const [i, quantity] of (input.quantities ?? []).entries()) {
      const itemId = numeric(quantity.inventoryItemId);
      const locationId = numeric(quantity.locationId);
      if (!items.has(itemId)) return fail(userErrors(['input', 'quantities', String(i), 'inventoryItemId'], 'The specified inventory item could not be found.', 'INVALID_INVENTORY_ITEM'));
      if (!locations.has(locationId)) return fail(userErrors(['input', 'quantities', String(i), 'locationId'], 'The specified location could not be found.', 'INVALID_LOCATION'));
      if (!('changeFromQuantity' in quantity)) return fail(userErrors(['input', 'quantities', String(i), 'changeFromQuantity'], 'changeFromQuantity must be given; pass null to opt out of the check.', 'INVALID_QUANTITY'));
      const current = levels.get(`${itemId}|${locationId}`) ?? 0;
      if (quantity.changeFromQuantity !== null && quantity.changeFromQuantity !== current) {
        return fail(userErrors(['input', 'quantities', String(i), 'changeFromQuantity'], 'The changeFromQuantity value does not match persisted value.', 'CHANGE_FROM_QUANTITY_STALE'));
      }
      changes.push({ itemId, locationId, quantity: Number(quantity.quantity), delta: Number(quantity.quantity) - current });
    }
    for (const change of changes) levels.set(`${change.itemId}|${change.locationId}`, change.quantity);
    const answer = {
      data: {
        inventorySetQuantities: {
          inventoryAdjustmentGroup: { id: `gid://shopify/InventoryAdjustmentGroup/${nextId()}`, reason: 'correction', changes: changes.map((c) => ({ name: input.name, delta: c.delta, quantityAfterChange: c.quantity })) },
          userErrors: [],
        },
      },
    };
    idempotency.set(key, { params, answer });
    return answer;
  }

  function orderNode(order: SimOrder) {
    return {
      id: `gid://shopify/Order/${order.id}`,
      fulfillments: order.fulfillments.map((f) => ({ id: `gid://shopify/Fulfillment/${f.id}`, trackingInfo: f.trackingNumbers.map((number) => ({ number })) })),
      fulfillmentOrders: {
        nodes: order.fulfillmentOrders.map((fo) => ({
          id: `gid://shopify/FulfillmentOrder/${fo.id}`,
          status: fo.status,
          assignedLocation: { location: { id: `gid://shopify/Location/${fo.locationId}` } },
          lineItems: { nodes: fo.lines.map((line) => ({ id: `gid://shopify/FulfillmentOrderLineItem/${line.id}`, remainingQuantity: line.remaining, lineItem: { sku: line.sku } })) },
        })),
      },
    };
  }

  const paymentsNode = (order: SimOrder) => ({ id: `gid://shopify/Order/${order.id}`, displayFinancialStatus: order.payments.financialStatus, transactions: order.payments.transactions.map(transactionNode) });

  function createFulfillment(variables: Record<string, unknown>): unknown {
    const input = (variables.fulfillment ?? {}) as { lineItemsByFulfillmentOrder?: { fulfillmentOrderId: string; fulfillmentOrderLineItems?: { id: string; quantity: number }[] }[]; trackingInfo?: { numbers?: string[]; number?: string } };
    const fail = (message: string, field: string[]) => ({ data: { fulfillmentCreate: { fulfillment: null, userErrors: userErrors(field, message) } } });
    const picks: { line: FoLine; fo: SimOrder['fulfillmentOrders'][number]; quantity: number }[] = [];
    let owner: SimOrder | undefined;
    for (const [i, group] of (input.lineItemsByFulfillmentOrder ?? []).entries()) {
      const foId = numeric(group.fulfillmentOrderId);
      const order = [...orders.values()].find((o) => o.fulfillmentOrders.some((fo) => fo.id === foId));
      const fo = order?.fulfillmentOrders.find((candidate) => candidate.id === foId);
      if (order === undefined || fo === undefined) return fail('Fulfillment order does not exist.', ['fulfillment', 'lineItemsByFulfillmentOrder', String(i), 'fulfillmentOrderId']);
      if (owner !== undefined && owner !== order) return fail('All fulfillment orders must belong to the same order.', ['fulfillment']);
      owner = order;
      if (fo.status === 'CLOSED' || fo.status === 'CANCELLED') return fail('Fulfillment order is closed.', ['fulfillment', 'lineItemsByFulfillmentOrder', String(i)]);
      for (const wanted of group.fulfillmentOrderLineItems ?? []) {
        const line = fo.lines.find((candidate) => candidate.id === numeric(wanted.id));
        if (line === undefined || wanted.quantity > line.remaining) return fail('Invalid fulfillment order line item quantity requested.', ['fulfillment', 'lineItemsByFulfillmentOrder', String(i), 'fulfillmentOrderLineItems']);
        picks.push({ line, fo, quantity: wanted.quantity });
      }
    }
    if (owner === undefined || picks.length === 0) return fail('Line items by fulfillment order must be present.', ['fulfillment', 'lineItemsByFulfillmentOrder']);
    for (const pick of picks) pick.line.remaining -= pick.quantity;
    for (const fo of owner.fulfillmentOrders) if (fo.lines.every((line) => line.remaining === 0)) fo.status = 'CLOSED';
    const fulfillment = { id: nextId(), trackingNumbers: input.trackingInfo?.numbers ?? (input.trackingInfo?.number ? [input.trackingInfo.number] : []), lines: picks.map((p) => ({ id: p.line.lineItemId, quantity: p.quantity })) };
    owner.fulfillments.push(fulfillment);
    return { data: { fulfillmentCreate: { fulfillment: { id: `gid://shopify/Fulfillment/${fulfillment.id}`, status: 'SUCCESS' }, userErrors: [] } } };
  }

  /** Sends a webhook the shop raised itself, to every subscriber, without holding up the API answer. */
  function raise(topic: string, orderId: string, payload: Record<string, unknown>): void {
    for (const url of subscriptions.get(topic) ?? []) {
      const delivery = sendWebhook(url, topic, payload).then(
        ({ status }) => void webhooks.push({ topic, orderId, url, status }),
        () => void webhooks.push({ topic, orderId, url, status: 0 }),
      );
      inflight.add(delivery);
      void delivery.finally(() => inflight.delete(delivery));
    }
  }

  function cancelOrder(variables: Record<string, unknown>): unknown {
    const order = orders.get(numeric(variables.orderId));
    const outcome = cancelOn(order, variables, { nextId, now });
    if (outcome.webhook !== undefined && order !== undefined) raise('orders/cancelled', order.id, outcome.webhook);
    return outcome.answer;
  }

  function execute(name: string, query: string, variables: Record<string, unknown>): unknown {
    switch (name) {
      case 'WeftFindInventoryItem': {
        const sku = /^sku:"?(.*?)"?$/.exec(String(variables.query ?? ''))?.[1];
        const nodes = [...items].filter(([, item]) => item.sku === sku).map(([id, item]) => ({ id: `gid://shopify/InventoryItem/${id}`, sku: item.sku }));
        return { data: { inventoryItems: { nodes } } };
      }
      case 'WeftInventoryItemSku': {
        const id = numeric(variables.id);
        const item = items.get(id);
        return { data: { inventoryItem: item === undefined ? null : { id: `gid://shopify/InventoryItem/${id}`, sku: item.sku } } };
      }
      case 'WeftSetInventory':
        return setInventory(query, variables);
      case 'WeftFindOrder': {
        const tag = /^tag:"?(.*?)"?$/.exec(String(variables.query ?? ''))?.[1] ?? '';
        return { data: { orders: { nodes: [...orders.values()].filter((o) => o.tags.has(tag)).map(orderNode) } } };
      }
      case 'WeftCreateFulfillment':
        return createFulfillment(variables);
      case 'WeftTagOrder': {
        const order = orders.get(numeric(variables.id));
        if (order === undefined) return { data: { tagsAdd: { node: null, userErrors: userErrors(['id'], 'Order does not exist') } } };
        for (const tag of (variables.tags as string[] | undefined) ?? []) order.tags.add(tag);
        return { data: { tagsAdd: { node: { id: `gid://shopify/Order/${order.id}` }, userErrors: [] } } };
      }
      case 'WeftOrderPayments': {
        const order = orders.get(numeric(variables.id));
        return { data: { order: order === undefined ? null : paymentsNode(order) } };
      }
      case 'WeftFindOrderPayments': {
        const tag = /^tag:"?(.*?)"?$/.exec(String(variables.query ?? ''))?.[1] ?? '';
        return { data: { orders: { nodes: [...orders.values()].filter((o) => o.tags.has(tag)).map(paymentsNode) } } };
      }
      case 'WeftCapturePayment': {
        const input = (variables.input ?? {}) as { id?: unknown };
        const order = orders.get(numeric(input.id));
        if (order === undefined) return { data: { orderCapture: { transaction: null, userErrors: userErrors(['input', 'id'], 'Order does not exist') } } };
        return { data: { orderCapture: captureOn(order.payments, variables.input as Record<string, unknown>, nextId) } };
      }
      case 'WeftOrderCancelState': {
        const order = orders.get(numeric(variables.id));
        return { data: { order: order === undefined ? null : cancelStateNode(order) } };
      }
      case 'WeftFindOrderCancelState': {
        const tag = /^tag:"?(.*?)"?$/.exec(String(variables.query ?? ''))?.[1] ?? '';
        return { data: { orders: { nodes: [...orders.values()].filter((o) => o.tags.has(tag)).map(cancelStateNode) } } };
      }
      case 'WeftCancelOrder':
        return cancelOrder(variables);
      case 'WeftNoteOrder': {
        const input = (variables.input ?? {}) as { id?: unknown; note?: unknown };
        const order = orders.get(numeric(input.id));
        if (order === undefined) return { data: { orderUpdate: { order: null, userErrors: userErrors(['id'], 'Order does not exist') } } };
        order.note = typeof input.note === 'string' ? input.note : null;
        return { data: { orderUpdate: { order: { id: `gid://shopify/Order/${order.id}`, note: order.note }, userErrors: [] } } };
      }
      default:
        return { errors: [{ message: `Field '${name}' doesn't exist on type 'QueryRoot'`, extensions: { code: 'undefinedField' } }] };
    }
  }

  function graphql(request: SimRequest): SimResponse {
    if (request.headers['x-shopify-access-token'] !== accessToken) {
      return { status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } };
    }
    if (!/^\d{4}-(01|04|07|10)$/.test(request.params.version ?? '')) return { status: 404, body: { errors: 'Not Found' } };
    const parsed = jsonBody(request);
    if (!parsed.ok) return { status: 400, body: { errors: [{ message: parsed.message, extensions: { code: 'BAD_REQUEST' } }] } };
    const body = parsed.value as { query?: string; variables?: Record<string, unknown>; operationName?: string };
    const query = body.query ?? '';
    const name = body.operationName ?? /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? '';
    const requested = COSTS[name] ?? 1;
    if (leak() < requested) {
      // Shopify answers a throttled GraphQL request with 200, `errors` THROTTLED and the bucket.
      return { status: 200, body: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }], extensions: { cost: costOf(requested, null) } } };
    }
    bucket.available -= requested;
    const answer = execute(name, query, body.variables ?? {}) as Record<string, unknown>;
    return { status: 200, body: { ...answer, extensions: { cost: costOf(requested, requested) } } };
  }

  const simulator = await startSimulator({
    name: 'shopify',
    routes: [{ method: 'POST', path: '/admin/api/:version/graphql.json', handle: graphql }],
    errorBody: (status, message) => ({ status, body: { errors: message } }),
    state: () => state(),
    reset: () => {
      levels.clear();
      orders.clear();
      idempotency.clear();
      webhooks.length = 0;
      bucket = { available: limits.maximumAvailable, at: now() };
    },
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.random ? { random: options.random } : {}),
  });

  function state(): ShopifyState {
    return {
      levels: [...levels].map(([key, available]) => {
        const [inventoryItemId, locationId] = key.split('|') as [string, string];
        return { inventoryItemId, sku: items.get(inventoryItemId)?.sku ?? '', locationId, available };
      }),
      orders: [...orders.values()].map((o) => ({ id: o.id, name: o.name, note: o.note, tags: [...o.tags], fulfillments: o.fulfillments, financialStatus: o.payments.financialStatus, transactions: o.payments.transactions, cancelledAt: o.cancelledAt, cancelReason: o.cancelReason, cancellation: o.cancellation })),
      webhooks: [...webhooks],
      idempotencyKeys: idempotency.size,
      bucket: { currentlyAvailable: Math.floor(leak()), maximumAvailable: limits.maximumAvailable },
    };
  }

  async function sendWebhook(url: string, topic: string, payload: unknown): Promise<{ status: number; webhookId: string }> {
    const raw = typeof payload === 'string' ? payload : shopifyJson(payload);
    const webhookId = randomUUID();
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': shopifySignature(clientSecret, raw),
        'x-shopify-shop-domain': `${shop}.myshopify.com`,
        'x-shopify-api-version': '2026-07',
        'x-shopify-webhook-id': webhookId,
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': new Date(now()).toISOString(),
      },
      body: raw,
    });
    await response.arrayBuffer();
    return { status: response.status, webhookId };
  }

  const firstLocation = (): string => {
    const first = locations.keys().next();
    return first.done ? addLocation('Main warehouse') : first.value;
  };
  function addLocation(name: string): string {
    const id = nextId();
    locations.set(id, name);
    return id;
  }

  return {
    ...simulator,
    shopDomain: `${shop}.myshopify.com`,
    graphqlUrl: (version = '2026-07') => `${simulator.url}/admin/api/${version}/graphql.json`,
    addLocation,
    addInventoryItem(sku, available = 0) {
      const id = nextId();
      items.set(id, { sku });
      if (locations.size === 0) addLocation('Main warehouse');
      for (const location of locations.keys()) levels.set(`${id}|${location}`, available);
      return id;
    },
    subscribe(topic, url) {
      subscriptions.set(topic, new Set([...(subscriptions.get(topic) ?? []), url]));
    },
    sendWebhook,
    async createCustomer(input) {
      const id = nextId();
      const at = new Date(now()).toISOString().replace(/\.\d{3}Z$/, '+00:00');
      const address = input.address === undefined ? null : { id: nextId(), customer_id: id, ...shopifyAddress(input.address), default: true };
      const customer: Record<string, unknown> = {
        id,
        email: input.email,
        created_at: at,
        updated_at: at,
        first_name: input.firstName,
        last_name: input.lastName,
        orders_count: 0,
        state: 'enabled',
        total_spent: '0.00',
        last_order_id: null,
        note: null,
        verified_email: true,
        multipass_identifier: null,
        tax_exempt: false,
        tags: '',
        last_order_name: null,
        currency: 'USD',
        phone: input.phone ?? null,
        addresses: address === null ? [] : [address],
        tax_exemptions: [],
        email_marketing_consent: { state: 'not_subscribed', opt_in_level: 'single_opt_in', consent_updated_at: null },
        sms_marketing_consent: null,
        admin_graphql_api_id: `gid://shopify/Customer/${id}`,
        default_address: address,
      };
      const deliveries = [];
      for (const url of subscriptions.get('customers/create') ?? []) deliveries.push({ url, status: (await sendWebhook(url, 'customers/create', customer)).status });
      return { customer, deliveries };
    },
    async createOrder(input) {
      const currency = input.currency ?? 'USD';
      const id = nextId();
      const number = orders.size + 1001;
      const at = new Date(now()).toISOString().replace(/\.\d{3}Z$/, '+00:00');
      const cents = (text: string) => Math.round(Number(text) * 100);
      const lineItems = input.lines.map((line) => ({ id: nextId(), admin_graphql_api_id: '', name: line.title ?? line.sku, title: line.title ?? line.sku, sku: line.sku, quantity: line.quantity, current_quantity: line.quantity, price: line.price, requires_shipping: true, taxable: true, gift_card: false, fulfillment_status: null, discount_allocations: [], tax_lines: [], properties: [] }));
      for (const line of lineItems) line.admin_graphql_api_id = `gid://shopify/LineItem/${line.id}`;
      const shipping = input.shippingPrice ?? '0.00';
      const subtotalCents = input.lines.reduce((sum, line) => sum + cents(line.price) * line.quantity, 0);
      const subtotal = (subtotalCents / 100).toFixed(2);
      const totalCents = subtotalCents + cents(shipping);
      const total = (totalCents / 100).toFixed(2);
      const financialStatus = input.financialStatus ?? 'paid';
      const address = shopifyAddress(input.address ?? DEFAULT_ADDRESS);
      const shippingCode = input.shippingCode ?? 'Standard';
      const email = input.customer?.email ?? input.email ?? 'guest@example.com';
      const order: Record<string, unknown> = {
        id,
        admin_graphql_api_id: `gid://shopify/Order/${id}`,
        name: `#${number}`,
        order_number: number,
        email,
        contact_email: email,
        created_at: at,
        processed_at: at,
        updated_at: at,
        currency,
        presentment_currency: currency,
        financial_status: financialStatus,
        fulfillment_status: null,
        cancelled_at: null,
        cancel_reason: null,
        source_name: 'web',
        taxes_included: false,
        test: false,
        tags: '',
        note: null,
        total_price: total,
        subtotal_price: subtotal,
        total_line_items_price: subtotal,
        total_shipping_price_set: { shop_money: { amount: shipping, currency_code: currency }, presentment_money: { amount: shipping, currency_code: currency } },
        total_discounts: '0.00',
        total_tax: '0.00',
        total_outstanding: financialStatus === 'paid' ? '0.00' : total,
        current_total_price: total,
        payment_gateway_names: ['shopify_payments'],
        customer_locale: 'en',
        discount_applications: [],
        discount_codes: [],
        line_items: lineItems,
        shipping_lines: [{ id: nextId(), code: shippingCode, title: shippingCode, price: shipping, discounted_price: shipping, source: 'shopify', tax_lines: [], discount_allocations: [], is_removed: false }],
        shipping_address: address,
        billing_address: address,
        customer: input.customer ? { id: input.customer.id ?? nextId(), email, first_name: input.customer.firstName, last_name: input.customer.lastName, created_at: at, updated_at: at } : null,
        fulfillments: [],
        refunds: [],
      };
      const locationId = input.locationId ?? firstLocation();
      orders.set(id, {
        id,
        name: `#${number}`,
        note: null,
        tags: new Set(),
        fulfillmentOrders: [{ id: nextId(), locationId, status: 'OPEN', lines: lineItems.map((line) => ({ id: nextId(), lineItemId: line.id, sku: line.sku, remaining: line.quantity })) }],
        fulfillments: [],
        payments: openingPayments(nextId(), currency, totalCents, financialStatus),
        cancelledAt: null,
        cancelReason: null,
        cancellation: null,
        payload: order,
      });
      const deliveries = [];
      for (const url of subscriptions.get('orders/create') ?? []) deliveries.push({ url, status: (await sendWebhook(url, 'orders/create', order)).status });
      return { order, deliveries };
    },
    fulfillOrder(orderId) {
      const order = orders.get(numeric(orderId));
      if (order === undefined) throw new Error(`no simulated order ${orderId}`);
      const lines = order.fulfillmentOrders.flatMap((fo) => fo.lines.filter((line) => line.remaining > 0));
      if (lines.length === 0) return;
      order.fulfillments.push({ id: nextId(), trackingNumbers: [], lines: lines.map((line) => ({ id: line.lineItemId, quantity: line.remaining })) });
      for (const line of lines) line.remaining = 0;
      for (const fo of order.fulfillmentOrders) fo.status = 'CLOSED';
    },
    async drain() {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
    state,
  };
}
