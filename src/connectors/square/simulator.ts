import { createHash, randomUUID } from 'node:crypto';
import { jsonBody, startSimulator, type SimRequest, type SimResponse, type Simulator } from '../sdk/index.ts';
import { createOrder, fulfilmentsView, rejectFulfilment, searchOrders, shipFulfilment, updateOrder, type OrderBookDeps, type SimFulfilment } from './simulator-order-book.ts';
import { createPayment, getPayment, refundPayment, type PaymentBookDeps } from './simulator-payments.ts';
import { buildOrder, squareId, type SqMoney } from './simulator-orders.ts';
import { squareSignature } from './webhooks.ts';

// A local Square for tests and the demo: the endpoints the connector uses (orders, inventory,
// customers, catalog, locations), Square's Bearer check and error body, a token-bucket rate limit
// answered with 429 RATE_LIMITED (Square documents no Retry-After, so none is sent), idempotency
// keys as Square documents them (same key + same body → the first answer again; same key + another
// body → 400 IDEMPOTENCY_KEY_REUSED), and webhooks signed as Square signs them. `createSale` rings
// up a till sale: an order with a tender, a payment, stock taken off, and the webhooks sent.
// Orders made through the API (ship from store) live in the order book (simulator-order-book.ts);
// `shipFulfilment` is the store shipping one, `rejectFulfilment` the store turning one down.
// EXTERNAL payments and their refunds made through the API live in the payment book
// (simulator-payments.ts). Changes made through the API send no
// webhooks here (Square would send order.created / order.updated, payment.created, refund.created;
// Weft ignores those of its own orders; tests send them with `sendWebhook`).

/** A catalog item variation the simulator knows. */
export interface SimVariation {
  id: string;
  sku?: string;
  name: string;
  price: SqMoney;
}

/** A seller location (a store with its till). */
export interface SimLocation {
  id: string;
  name: string;
  currency: string;
  /** IANA time zone (default America/Los_Angeles). */
  timezone?: string;
  /** Square's address fields (address_line_1, locality, administrative_district_level_1, postal_code, country). */
  address?: Record<string, string>;
  status?: 'ACTIVE' | 'INACTIVE';
}

/** Options of startSquareSimulator; everything has a default. */
export interface SquareSimulatorOptions {
  accessToken?: string;
  signatureKey?: string;
  merchantId?: string;
  locations?: SimLocation[];
  catalog?: SimVariation[];
  /** Token bucket of the API: sustained requests per second and burst (default 100 / 100). */
  rateLimit?: { requestsPerSecond: number; burst: number };
  /** Clock of timestamps and the rate limit (ms since the epoch); default Date.now. */
  now?: () => number;
  random?: () => number;
  port?: number;
}

/** A webhook subscription of the simulated account. */
export interface SimSubscription {
  /** Where the simulator POSTs. */
  url: string;
  /** The URL Square signs (what the subscription was registered with); defaults to `url`. */
  notificationUrl: string;
  /** Event types; empty means all. */
  types: string[];
}

/** What sendWebhook did. */
export interface SentWebhook {
  eventId: string;
  status: number;
  body: string;
}

/** A running Square simulator. */
export interface SquareSimulator extends Simulator {
  accessToken: string;
  signatureKey: string;
  subscribe(subscription: { url: string; notificationUrl?: string; types?: string[] }): void;
  /** Sends one signed webhook (`data` is the envelope's `data`) to `url`, signed for `notificationUrl`. */
  sendWebhook(url: string, notificationUrl: string, type: string, data: unknown): Promise<SentWebhook>;
  /** Changes a location as the Seller Dashboard would and sends location.updated to the subscriptions. */
  updateLocation(id: string, changes: Partial<Pick<SimLocation, 'name' | 'status' | 'address' | 'timezone'>>): Promise<SentWebhook[]>;
  /** Rings up a sale at the till and notifies the subscriptions (order.created, payment.created, inventory.count.updated). */
  createSale(sale: { locationId?: string; lines: { sku: string; quantity: number }[]; customerId?: string; tender?: 'CARD' | 'CASH'; taxPercentage?: string }): Promise<{ order: Record<string, unknown>; payment: Record<string, unknown>; webhooks: SentWebhook[] }>;
  /**
   * The store ships the SHIPMENT fulfilment of an order (as a clerk would in the Square Dashboard):
   * COMPLETED with carrier and tracking, then order.fulfillment.updated and order.updated to the
   * subscriptions. Throws when the order has no open shipment.
   */
  shipFulfilment(squareOrderId: string, shipped: { carrier?: string; trackingNumber?: string; trackingUrl?: string }): Promise<{ order: Record<string, unknown>; webhooks: SentWebhook[] }>;
  /**
   * The store turns the parcel down (as a clerk would in the Dashboard or POS when the item is not
   * on the shelf or damaged): the SHIPMENT fulfilment CANCELED with `reason` as its cancel_reason
   * (at most 100 characters) and canceled_at, the order left OPEN; then order.fulfillment.updated
   * and order.updated to the subscriptions. Throws when the order has no open shipment.
   */
  rejectFulfilment(squareOrderId: string, rejected: { reason?: string }): Promise<{ order: Record<string, unknown>; webhooks: SentWebhook[] }>;
  state(): SquareSimState;
}

/** The simulator's records. */
export interface SquareSimState {
  orders: Record<string, unknown>[];
  /** Every order's fulfilments, flattened: which store ships what, in which state, with which tracking. */
  fulfilments: SimFulfilment[];
  payments: Record<string, unknown>[];
  /** Refunds made through the API (RefundPayment). */
  refunds: Record<string, unknown>[];
  customers: Record<string, unknown>[];
  counts: { catalog_object_id: string; location_id: string; state: string; quantity: string; calculated_at: string }[];
  inventoryChanges: unknown[];
}

const ERROR_OF_STATUS: Record<number, [string, string]> = {
  400: ['INVALID_REQUEST_ERROR', 'BAD_REQUEST'],
  401: ['AUTHENTICATION_ERROR', 'UNAUTHORIZED'],
  404: ['INVALID_REQUEST_ERROR', 'NOT_FOUND'],
  405: ['INVALID_REQUEST_ERROR', 'METHOD_NOT_ALLOWED'],
  429: ['RATE_LIMIT_ERROR', 'RATE_LIMITED'],
  500: ['API_ERROR', 'INTERNAL_SERVER_ERROR'],
  503: ['API_ERROR', 'SERVICE_UNAVAILABLE'],
};

/** Square's error answer. */
export function squareError(status: number, detail: string, code?: string, field?: string): SimResponse {
  const [category, defaultCode] = ERROR_OF_STATUS[status] ?? ['API_ERROR', 'INTERNAL_SERVER_ERROR'];
  return { status, body: { errors: [{ category, code: code ?? defaultCode, detail, ...(field === undefined ? {} : { field }) }] } };
}

const DEFAULT_CATALOG: SimVariation[] = [
  { id: 'W62UWFY35CWMYGVWK6TWJDNI', sku: 'TSH-0815-L-WHT', name: 'T-Shirt Basic, white, L', price: { amount: 1999, currency: 'USD' } },
  { id: 'AII2J7PSGMRJ5LXRJ4W6ZVS2', sku: 'CAP-2201-OS-BLK', name: 'Cap, black', price: { amount: 2499, currency: 'USD' } },
];

/** Starts a Square simulator on 127.0.0.1. */
export async function startSquareSimulator(options: SquareSimulatorOptions = {}): Promise<SquareSimulator> {
  const accessToken = options.accessToken ?? 'EAAAsim-access-token';
  const signatureKey = options.signatureKey ?? 'sim-signature-key';
  const merchantId = options.merchantId ?? 'ML7SIMMERCHANT';
  const now = options.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  const locations: SimLocation[] = (options.locations ?? [{ id: 'L8SIMSTORE001', name: 'Sim Store', currency: 'USD' }]).map((l) => ({ ...l }));
  const locationObject = (l: SimLocation) => ({
    id: l.id,
    name: l.name,
    currency: l.currency,
    status: l.status ?? 'ACTIVE',
    timezone: l.timezone ?? 'America/Los_Angeles',
    type: 'PHYSICAL',
    country: l.address?.country ?? 'US',
    ...(l.address === undefined ? {} : { address: l.address }),
    merchant_id: merchantId,
    business_name: l.name,
  });
  const catalog = options.catalog ?? DEFAULT_CATALOG;
  const limit = options.rateLimit ?? { requestsPerSecond: 100, burst: 100 };
  const orders = new Map<string, Record<string, unknown>>();
  const payments = new Map<string, Record<string, unknown>>();
  const refunds = new Map<string, Record<string, unknown>>();
  const customers = new Map<string, Record<string, unknown>>();
  const counts = new Map<string, { catalog_object_id: string; location_id: string; state: string; quantity: string; calculated_at: string }>();
  const inventoryChanges: unknown[] = [];
  const idempotency = new Map<string, { hash: string; answer: SimResponse }>();
  const subscriptions: SimSubscription[] = [];
  const updateKeys = new Map<string, string>();
  const book: OrderBookDeps = { orders, locations, catalog, updateKeys, iso, error: squareError };
  const till: PaymentBookDeps = { orders, payments, refunds, locations, iso, error: squareError };
  let tokens = limit.burst;
  let refilledAt = now();

  function throttled(): boolean {
    const t = now();
    tokens = Math.min(limit.burst, tokens + ((t - refilledAt) / 1000) * limit.requestsPerSecond);
    refilledAt = t;
    if (tokens < 1) return true;
    tokens -= 1;
    return false;
  }

  // Square's own checks before any handler: the Bearer token, then the rate limit.
  const guarded = (handle: (request: SimRequest) => SimResponse | Promise<SimResponse>) => (request: SimRequest) => {
    const auth = request.headers.authorization;
    if (auth === undefined || !/^Bearer \S+$/.test(auth)) {
      return squareError(401, 'The `Authorization` http header of your request was malformed. The header value is expected to be of the format "Bearer TOKEN" (without quotation marks), where TOKEN is to be replaced with your access token.');
    }
    if (auth !== `Bearer ${accessToken}`) return squareError(401, 'This request could not be authorized.');
    if (throttled()) return squareError(429, 'This request was rate limited. Please retry later.');
    return handle(request);
  };

  // Same key + same body → the first answer; same key + another body → IDEMPOTENCY_KEY_REUSED.
  function idempotent(scope: string, key: unknown, body: unknown, create: () => SimResponse): SimResponse {
    if (typeof key !== 'string' || key === '') return squareError(400, 'Field must be set', 'MISSING_REQUIRED_PARAMETER', 'idempotency_key');
    const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const seen = idempotency.get(`${scope}:${key}`);
    if (seen !== undefined) return seen.hash === hash ? seen.answer : squareError(400, 'The idempotency key can only be retried with the same request data.', 'IDEMPOTENCY_KEY_REUSED', 'idempotency_key');
    const answer = create();
    if (answer.status < 300) idempotency.set(`${scope}:${key}`, { hash, answer });
    return answer;
  }

  const countKey = (catalogId: string, locationId: string) => `${catalogId}@${locationId}`;
  function setCount(catalogId: string, locationId: string, quantity: number): void {
    counts.set(countKey(catalogId, locationId), { catalog_object_id: catalogId, location_id: locationId, state: 'IN_STOCK', quantity: String(quantity), calculated_at: iso() });
  }
  const countOf = (catalogId: string, locationId: string) => Number(counts.get(countKey(catalogId, locationId))?.quantity ?? '0');

  // A JSON object body, or Square's 400 for anything else.
  const parse = (request: SimRequest): { body: Record<string, unknown> } | { answer: SimResponse } => {
    const parsed = jsonBody(request);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      return { answer: squareError(400, parsed.ok ? 'The body must be a JSON object.' : parsed.message, 'INVALID_JSON') };
    }
    return { body: parsed.value as Record<string, unknown> };
  };

  const routes = [
    { method: 'GET', path: '/v2/locations', handle: guarded(() => ({ status: 200, body: { locations: locations.map(locationObject) } })) },
    {
      method: 'GET',
      path: '/v2/locations/:id',
      handle: guarded((request: SimRequest) => {
        const location = locations.find((l) => l.id === request.params.id);
        return location === undefined ? squareError(404, `Location ${request.params.id} not found.`, 'NOT_FOUND') : { status: 200, body: { location: locationObject(location) } };
      }),
    },
    {
      method: 'GET',
      path: '/v2/orders/:id',
      handle: guarded((request) => {
        const order = orders.get(request.params.id ?? '');
        return order === undefined ? squareError(404, `Could not find order with id \`${request.params.id}\`.`) : { status: 200, body: { order } };
      }),
    },
    {
      method: 'POST',
      path: '/v2/orders',
      handle: guarded((request) => {
        const parsed = parse(request);
        if ('answer' in parsed) return parsed.answer;
        return idempotent('orders', parsed.body.idempotency_key, parsed.body, () => createOrder(parsed.body, book));
      }),
    },
    {
      method: 'PUT',
      path: '/v2/orders/:id',
      handle: guarded((request) => {
        const parsed = parse(request);
        return 'answer' in parsed ? parsed.answer : updateOrder(request.params.id ?? '', parsed.body, book);
      }),
    },
    {
      method: 'POST',
      path: '/v2/orders/search',
      handle: guarded((request) => {
        const parsed = parse(request);
        return 'answer' in parsed ? parsed.answer : searchOrders(parsed.body, book);
      }),
    },
    {
      method: 'POST',
      path: '/v2/payments',
      handle: guarded((request) => {
        const parsed = parse(request);
        return 'answer' in parsed ? parsed.answer : idempotent('payments', parsed.body.idempotency_key, parsed.body, () => createPayment(parsed.body, till));
      }),
    },
    { method: 'GET', path: '/v2/payments/:id', handle: guarded((request) => getPayment(request.params.id ?? '', till)) },
    {
      method: 'POST',
      path: '/v2/refunds',
      handle: guarded((request) => {
        const parsed = parse(request);
        return 'answer' in parsed ? parsed.answer : idempotent('refunds', parsed.body.idempotency_key, parsed.body, () => refundPayment(parsed.body, till));
      }),
    },
    {
      method: 'POST',
      path: '/v2/inventory/changes/batch-create',
      handle: guarded((request) => {
        const parsed = parse(request);
        if ('answer' in parsed) return parsed.answer;
        const body = parsed.body;
        return idempotent('inventory', body.idempotency_key, body, () => {
          const changes = Array.isArray(body.changes) ? (body.changes as Record<string, Record<string, string>>[]) : [];
          for (const [i, change] of changes.entries()) {
            const detail = change.physical_count ?? change.adjustment;
            if (detail === undefined || !catalog.some((v) => v.id === detail.catalog_object_id)) return squareError(400, 'Invalid catalog object.', 'INVALID_VALUE', `changes[${i}].catalog_object_id`);
            if (!locations.some((l) => l.id === detail.location_id)) return squareError(400, 'Location not found.', 'NOT_FOUND', `changes[${i}].location_id`);
            if (!/^\d+(\.\d+)?$/.test(detail.quantity ?? '')) return squareError(400, 'Quantity must be a non-negative decimal.', 'INVALID_VALUE', `changes[${i}].quantity`);
          }
          for (const change of changes) {
            const detail = (change.physical_count ?? change.adjustment) as Record<string, string>;
            const at = [detail.catalog_object_id as string, detail.location_id as string] as const;
            if (change.physical_count) setCount(...at, Number(detail.quantity));
            else setCount(...at, countOf(...at) + (detail.to_state === 'IN_STOCK' ? 1 : detail.from_state === 'IN_STOCK' ? -1 : 0) * Number(detail.quantity));
            inventoryChanges.push({ ...change, created_at: iso() });
          }
          const touched = changes.map((c) => (c.physical_count ?? c.adjustment) as Record<string, string>).map((d) => counts.get(countKey(d.catalog_object_id as string, d.location_id as string)));
          return { status: 200, body: { counts: touched, changes } };
        });
      }),
    },
    {
      method: 'POST',
      path: '/v2/inventory/counts/batch-retrieve',
      handle: guarded((request) => {
        const parsed = parse(request);
        if ('answer' in parsed) return parsed.answer;
        const body = parsed.body;
        const ids = Array.isArray(body.catalog_object_ids) ? (body.catalog_object_ids as string[]) : undefined;
        const at = Array.isArray(body.location_ids) ? (body.location_ids as string[]) : undefined;
        return { status: 200, body: { counts: [...counts.values()].filter((c) => (ids === undefined || ids.includes(c.catalog_object_id)) && (at === undefined || at.includes(c.location_id))) } };
      }),
    },
    {
      method: 'POST',
      path: '/v2/customers',
      handle: guarded((request) => {
        const parsed = parse(request);
        if ('answer' in parsed) return parsed.answer;
        const body = parsed.body;
        return idempotent('customers', body.idempotency_key, body, () => {
          const { idempotency_key: _key, ...fields } = body;
          if (!['given_name', 'family_name', 'company_name', 'email_address', 'phone_number'].some((f) => typeof fields[f] === 'string' && fields[f] !== '')) {
            return squareError(400, 'At least one of the following fields must be set: given_name, family_name, company_name, email_address, phone_number.', 'BAD_REQUEST');
          }
          const customer = { id: squareId(26).toUpperCase(), ...fields, created_at: iso(), updated_at: iso(), creation_source: 'THIRD_PARTY', preferences: { email_unsubscribed: false }, version: 0 };
          customers.set(customer.id, customer);
          return { status: 200, body: { customer } };
        });
      }),
    },
    {
      method: 'GET',
      path: '/v2/customers/:id',
      handle: guarded((request) => {
        const customer = customers.get(request.params.id ?? '');
        return customer === undefined ? squareError(404, `Customer with ID \`${request.params.id}\` not found.`) : { status: 200, body: { customer } };
      }),
    },
    {
      method: 'POST',
      path: '/v2/catalog/batch-retrieve',
      handle: guarded((request) => {
        const parsed = parse(request);
        if ('answer' in parsed) return parsed.answer;
        const body = parsed.body;
        const ids = Array.isArray(body.object_ids) ? (body.object_ids as string[]) : [];
        const objects = catalog.filter((v) => ids.includes(v.id)).map(catalogObject);
        return { status: 200, body: { objects } };
      }),
    },
    {
      method: 'POST',
      path: '/v2/catalog/search',
      handle: guarded((request) => {
        const parsed = parse(request);
        if ('answer' in parsed) return parsed.answer;
        const body = parsed.body;
        const exact = ((body.query ?? {}) as { exact_query?: { attribute_name?: string; attribute_value?: string } }).exact_query;
        const objects = exact?.attribute_name === 'sku' ? catalog.filter((v) => v.sku === exact.attribute_value).map(catalogObject) : [];
        return { status: 200, body: objects.length === 0 ? {} : { objects } };
      }),
    },
  ];

  function catalogObject(v: SimVariation) {
    return { type: 'ITEM_VARIATION', id: v.id, version: 1, is_deleted: false, present_at_all_locations: true, item_variation_data: { name: v.name, ...(v.sku === undefined ? {} : { sku: v.sku }), price_money: v.price, pricing_type: 'FIXED_PRICING' } };
  }

  const state = (): SquareSimState => ({
    orders: [...orders.values()],
    fulfilments: fulfilmentsView(orders.values()),
    payments: [...payments.values()],
    refunds: [...refunds.values()],
    customers: [...customers.values()],
    counts: [...counts.values()],
    inventoryChanges: [...inventoryChanges],
  });

  const simulator = await startSimulator({
    name: 'square',
    routes,
    errorBody: (status, message) => squareError(status, message),
    state,
    reset() {
      for (const map of [orders, payments, refunds, customers, counts, idempotency, updateKeys]) map.clear();
      inventoryChanges.length = 0;
    },
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.port === undefined ? {} : { port: options.port }),
  });

  async function sendWebhook(url: string, notificationUrl: string, type: string, data: unknown): Promise<SentWebhook> {
    const eventId = randomUUID();
    const body = JSON.stringify({ merchant_id: merchantId, type, event_id: eventId, created_at: iso(), data });
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-square-hmacsha256-signature': squareSignature(signatureKey, notificationUrl, body),
        'square-environment': 'Sandbox',
        'square-initial-delivery-timestamp': iso(),
        'square-retry-number': '0',
      },
      body,
    });
    return { eventId, status: response.status, body: await response.text() };
  }

  async function notify(type: string, data: unknown): Promise<SentWebhook[]> {
    const sent: SentWebhook[] = [];
    for (const s of subscriptions) if (s.types.length === 0 || s.types.includes(type)) sent.push(await sendWebhook(s.url, s.notificationUrl, type, data));
    return sent;
  }

  function orderOf(squareOrderId: string): Record<string, unknown> {
    const order = orders.get(squareOrderId);
    if (order === undefined) throw new Error(`the simulator has no order ${squareOrderId}`);
    return order;
  }

  // What Square sends when a clerk changes a fulfilment: order.fulfillment.updated, then order.updated.
  async function notifyFulfilment(order: Record<string, unknown>, uid: string, oldState: string, newState: string): Promise<SentWebhook[]> {
    const summary = { order_id: order.id, version: order.version, location_id: order.location_id, state: order.state, created_at: order.created_at, updated_at: order.updated_at };
    return [
      ...(await notify('order.fulfillment.updated', { type: 'order_fulfillment_updated', id: order.id, object: { order_fulfillment_updated: { ...summary, fulfillment_update: [{ fulfillment_uid: uid, old_state: oldState, new_state: newState }] } } })),
      ...(await notify('order.updated', { type: 'order_updated', id: order.id, object: { order_updated: summary } })),
    ];
  }

  return {
    ...simulator,
    accessToken,
    signatureKey,
    state,
    sendWebhook,
    subscribe(subscription) {
      subscriptions.push({ url: subscription.url, notificationUrl: subscription.notificationUrl ?? subscription.url, types: subscription.types ?? [] });
    },
    async updateLocation(id, changes) {
      const location = locations.find((l) => l.id === id);
      if (location === undefined) throw new Error(`no location ${id}`);
      Object.assign(location, changes);
      return notify('location.updated', { type: 'location', id });
    },
    async shipFulfilment(squareOrderId, shipped) {
      const order = orderOf(squareOrderId);
      const { uid, oldState } = shipFulfilment(order, shipped, iso());
      return { order, webhooks: await notifyFulfilment(order, uid, oldState, 'COMPLETED') };
    },
    async rejectFulfilment(squareOrderId, rejected) {
      const order = orderOf(squareOrderId);
      const { uid, oldState } = rejectFulfilment(order, rejected, iso());
      return { order, webhooks: await notifyFulfilment(order, uid, oldState, 'CANCELED') };
    },
    async createSale(sale) {
      const location = locations.find((l) => l.id === (sale.locationId ?? locations[0]?.id));
      if (location === undefined) throw new Error(`the simulator has no location ${sale.locationId}`);
      const lines = sale.lines.map((line) => {
        const variation = catalog.find((v) => v.sku === line.sku);
        if (variation === undefined) throw new Error(`the simulator's catalog has no SKU ${line.sku}`);
        return { name: variation.name, quantity: String(line.quantity), catalog_object_id: variation.id, base_price_money: variation.price };
      });
      const order = buildOrder(
        { location_id: location.id, line_items: lines, ...(sale.taxPercentage === undefined ? {} : { taxes: [{ percentage: sale.taxPercentage, name: 'Sales Tax' }] }), ...(sale.customerId === undefined ? {} : { customer_id: sale.customerId }), state: 'COMPLETED' },
        location.currency,
        iso(),
      );
      const total = order.total_money as SqMoney;
      const paymentId = squareId(29);
      const cash = sale.tender === 'CASH';
      const tender = {
        id: paymentId,
        location_id: location.id,
        transaction_id: order.id,
        created_at: iso(),
        amount_money: total,
        type: cash ? 'CASH' : 'CARD',
        payment_id: paymentId,
        ...(cash ? { cash_details: { buyer_tendered_money: total, change_back_money: { amount: 0, currency: total.currency } } } : { card_details: { status: 'CAPTURED', entry_method: 'EMV', card: { card_brand: 'VISA', last_4: '1111' } } }),
      };
      Object.assign(order, { tenders: [tender], net_amount_due_money: { amount: 0, currency: total.currency }, closed_at: iso(), version: 2 });
      orders.set(order.id as string, order);
      const payment = {
        id: paymentId,
        created_at: iso(),
        updated_at: iso(),
        amount_money: total,
        total_money: total,
        approved_money: total,
        status: 'COMPLETED',
        source_type: cash ? 'CASH' : 'CARD',
        location_id: location.id,
        order_id: order.id,
        ...(cash ? {} : { card_details: { status: 'CAPTURED', card: { card_brand: 'VISA', last_4: '1111' }, card_payment_timeline: { authorized_at: iso(), captured_at: iso() } } }),
      };
      payments.set(paymentId, payment);
      for (const line of lines) setCount(line.catalog_object_id, location.id, countOf(line.catalog_object_id, location.id) - Number(line.quantity));
      const webhooks = [
        ...(await notify('order.created', { type: 'order_created', id: order.id, object: { order_created: { order_id: order.id, location_id: location.id, state: 'COMPLETED', version: 2, created_at: order.created_at } } })),
        ...(await notify('payment.created', { type: 'payment', id: paymentId, object: { payment } })),
        ...(await notify('inventory.count.updated', { type: 'inventory_counts', id: randomUUID(), object: { inventory_counts: lines.map((l) => ({ ...counts.get(countKey(l.catalog_object_id, location.id)), catalog_object_type: 'ITEM_VARIATION' })) } })),
      ];
      return { order, payment, webhooks };
    },
  };
}
