import { jsonBody, startSimulator, type SimRequest, type SimResponse, type Simulator } from '../sdk/index.ts';
import { basicAuthorization } from './client.ts';
import { DEFAULT_TIME_ZONE } from './settings.ts';
import { toShipStationDate, toShipStationTime } from './time.ts';

// A local ShipStation API V1 for tests and the demo: Basic auth (401 otherwise), the 40-a-minute
// window per API key with X-Rate-Limit-Limit / -Remaining / -Reset on every answer (429 beyond),
// Create/Update Order as an upsert by orderKey that refuses shipped and cancelled orders, order and
// shipment listings with ShipStation's filters and paging, webhook subscriptions, and shipOrder():
// the warehouse ships an order, which creates a shipment and sends SHIP_NOTIFY to the subscribers.
// Error bodies follow ASP.NET Web API ({"Message": ...}); the exact texts are not ShipStation's.

/** Options of the ShipStation simulator. */
export interface ShipStationSimulatorOptions {
  apiKey?: string;
  apiSecret?: string;
  /** Requests per minute per API key (ShipStation: 40). */
  requestsPerMinute?: number;
  /** Clock of the simulator (rate window, createDate); tests pass a fake one. Default Date.now. */
  now?: () => number;
  /** Time zone of the timestamps it writes (ShipStation: Pacific). */
  timeZone?: string;
  /** Warehouse (Ship From location) id of shipments. */
  warehouseId?: number;
  port?: number;
}

/** A ShipStation order as the simulator keeps it. */
export interface SimOrder {
  orderId: number;
  orderKey: string;
  orderNumber: string;
  orderStatus: string;
  createDate: string;
  modifyDate: string;
  items: Record<string, unknown>[];
  advancedOptions: Record<string, unknown>;
  shipTo: Record<string, unknown>;
  [field: string]: unknown;
}

/** A webhook subscription (POST /webhooks/subscribe). */
export interface SimWebhook {
  WebHookID: number;
  target_url: string;
  event: string;
  store_id: number | null;
  friendly_name: string;
}

/** A delivered (or failed) webhook. */
export interface SimWebhookDelivery {
  url: string;
  body: string;
  status: number | 'unreachable';
}

/** What shipOrder may choose; everything else is derived. */
export interface ShipOptions {
  carrierCode?: string;
  serviceCode?: string;
  trackingNumber?: string;
  /** Units per lineItemKey to ship; default every unit of the order. */
  quantities?: Record<string, number>;
}

/** A running ShipStation simulator. */
export interface ShipStationSimulator extends Simulator {
  /** The warehouse ships an order (by orderKey): a shipment, the order shipped, SHIP_NOTIFY sent to every subscriber. */
  shipOrder(orderKey: string, options?: ShipOptions): Promise<{ shipment: Record<string, unknown>; deliveries: SimWebhookDelivery[] }>;
  /** POSTs a webhook body to a URL as ShipStation does (no signature: V1 does not sign). */
  sendWebhook(url: string, body: unknown): Promise<SimWebhookDelivery>;
  /** Subscribes a URL to an event without going through the API. */
  subscribe(targetUrl: string, event: string, storeId?: number): SimWebhook;
  /** Orders, shipments and subscriptions. */
  state(): { orders: SimOrder[]; shipments: Record<string, unknown>[]; webhooks: SimWebhook[] };
}

const OPEN = new Set(['awaiting_payment', 'awaiting_shipment', 'on_hold']);
const STATUSES = new Set(['awaiting_payment', 'awaiting_shipment', 'pending_fulfillment', 'shipped', 'on_hold', 'cancelled', 'rejected_fulfillment']);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function error(status: number, message: string, headers: Record<string, string> = {}, exception?: string): SimResponse {
  return { status, headers, body: exception === undefined ? { Message: message } : { Message: message, ExceptionMessage: exception } };
}

function paged<T>(items: T[], query: URLSearchParams): { page: T[]; total: number; pageNumber: number; pages: number } {
  const pageSize = Math.min(500, Math.max(1, Number(query.get('pageSize') ?? 100) || 100));
  const pageNumber = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const pages = Math.ceil(items.length / pageSize);
  return { page: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), total: items.length, pageNumber, pages };
}

/** Starts the simulator on 127.0.0.1. */
export async function startShipStationSimulator(options: ShipStationSimulatorOptions = {}): Promise<ShipStationSimulator> {
  const apiKey = options.apiKey ?? 'sim-key';
  const apiSecret = options.apiSecret ?? 'sim-secret';
  const limit = options.requestsPerMinute ?? 40;
  const now = options.now ?? Date.now;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const warehouseId = options.warehouseId ?? 16079;
  const expectedAuth = basicAuthorization({ apiKey, apiSecret });

  let orders = new Map<number, SimOrder>();
  let byKey = new Map<string, number>();
  let shipments: Record<string, unknown>[] = [];
  let webhooks: SimWebhook[] = [];
  let nextOrderId = 100_000_001;
  let nextShipmentId = 33_974_374;
  let nextBatch = 12_345_678;
  let nextWebhook = 1;
  let window = { start: 0, used: 0 };
  let url = '';

  const stamp = () => toShipStationTime(new Date(now()).toISOString(), timeZone);

  // ShipStation's window is per API key and minute; every answer tells where it stands.
  function rate(): { headers: Record<string, string>; exceeded: boolean } {
    const at = now();
    if (at - window.start >= 60_000) window = { start: at, used: 0 };
    window.used++;
    const reset = Math.max(0, Math.ceil((window.start + 60_000 - at) / 1000));
    const exceeded = window.used > limit;
    return { headers: { 'x-rate-limit-limit': String(limit), 'x-rate-limit-remaining': String(Math.max(0, limit - window.used)), 'x-rate-limit-reset': String(reset) }, exceeded };
  }

  function guarded(handle: (request: SimRequest) => SimResponse): (request: SimRequest) => SimResponse {
    return (request) => {
      if (request.headers.authorization !== expectedAuth) return error(401, 'Authorization has been denied for this request.');
      const { headers, exceeded } = rate();
      if (exceeded) return error(429, 'Too Many Requests', headers);
      const answer = handle(request);
      return { ...answer, headers: { ...headers, ...answer.headers } };
    };
  }

  function createOrder(request: SimRequest): SimResponse {
    const parsed = jsonBody(request);
    if (!parsed.ok || !isObject(parsed.value)) return error(400, 'The request is invalid.', {}, parsed.ok ? 'The body must be an Order object.' : parsed.message);
    const input = parsed.value;
    for (const field of ['orderNumber', 'orderDate', 'orderStatus', 'billTo', 'shipTo']) {
      if (input[field] === undefined || input[field] === null || input[field] === '') return error(400, 'The request is invalid.', {}, `${field} is required.`);
    }
    if (!STATUSES.has(String(input.orderStatus))) return error(400, 'The request is invalid.', {}, `orderStatus "${String(input.orderStatus)}" is not a valid status.`);
    const key = typeof input.orderKey === 'string' && input.orderKey !== '' ? input.orderKey : `sim-${nextOrderId}`;
    const existingId = byKey.get(key);
    const existing = existingId === undefined ? undefined : orders.get(existingId);
    if (existing !== undefined && !OPEN.has(existing.orderStatus)) {
      return error(400, 'The request is invalid.', {}, `Order ${existing.orderId} is ${existing.orderStatus} and may not be updated.`);
    }
    const orderId = existing?.orderId ?? nextOrderId++;
    let itemId = orderId * 10;
    const items = (Array.isArray(input.items) ? input.items : []).filter(isObject).map((item) => ({ orderItemId: ++itemId, ...item, createDate: existing?.createDate ?? stamp(), modifyDate: stamp() }));
    // The whole resource replaces the old one (no partial updates), keeping ShipStation's own fields.
    const order: SimOrder = {
      ...input,
      orderId,
      orderKey: key,
      orderNumber: String(input.orderNumber),
      orderStatus: String(input.orderStatus),
      createDate: existing?.createDate ?? stamp(),
      modifyDate: stamp(),
      items,
      advancedOptions: isObject(input.advancedOptions) ? { ...input.advancedOptions } : {},
      shipTo: input.shipTo as Record<string, unknown>,
    };
    orders.set(orderId, order);
    byKey.set(key, orderId);
    return { status: 200, body: order };
  }

  function listOrders(request: SimRequest): SimResponse {
    const q = request.query;
    const number = q.get('orderNumber');
    const status = q.get('orderStatus');
    const store = q.get('storeId');
    let list = [...orders.values()].filter(
      (order) =>
        (number === null || order.orderNumber.startsWith(number)) &&
        (status === null || order.orderStatus === status) &&
        (store === null || String(order.advancedOptions.storeId ?? '') === store),
    );
    if (q.get('sortDir') === 'DESC') list = list.reverse();
    const { page, total, pageNumber, pages } = paged(list, q);
    return { status: 200, body: { orders: page, total, page: pageNumber, pages } };
  }

  function getOrder(request: SimRequest): SimResponse {
    const order = orders.get(Number(request.params.orderId));
    return order === undefined ? error(404, 'Order not found.') : { status: 200, body: order };
  }

  function listShipments(request: SimRequest): SimResponse {
    const q = request.query;
    const withItems = (q.get('includeShipmentItems') ?? '').toLowerCase() === 'true';
    const filters: [string, string][] = [
      ['batchId', 'batchNumber'],
      ['orderNumber', 'orderNumber'],
      ['orderId', 'orderId'],
      ['trackingNumber', 'trackingNumber'],
    ];
    const list = shipments.filter((shipment) => filters.every(([param, field]) => q.get(param) === null || String(shipment[field]) === q.get(param)));
    const { page, total, pageNumber, pages } = paged(list, q);
    return { status: 200, body: { shipments: page.map((shipment) => ({ ...shipment, shipmentItems: withItems ? shipment.shipmentItems : null })), total, page: pageNumber, pages } };
  }

  function subscribe(targetUrl: string, event: string, storeId?: number): SimWebhook {
    const hook: SimWebhook = { WebHookID: nextWebhook++, target_url: targetUrl, event, store_id: storeId ?? null, friendly_name: 'weft' };
    webhooks.push(hook);
    return hook;
  }

  function subscribeRoute(request: SimRequest): SimResponse {
    const parsed = jsonBody(request);
    if (!parsed.ok || !isObject(parsed.value) || typeof parsed.value.target_url !== 'string' || typeof parsed.value.event !== 'string') {
      return error(400, 'The request is invalid.', {}, 'target_url and event are required.');
    }
    const storeId = typeof parsed.value.store_id === 'number' ? parsed.value.store_id : undefined;
    return { status: 201, body: { id: subscribe(parsed.value.target_url, parsed.value.event, storeId).WebHookID } };
  }

  async function sendWebhook(target: string, body: unknown): Promise<SimWebhookDelivery> {
    const text = JSON.stringify(body);
    try {
      const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'ShipStation-Webhook' }, body: text });
      await response.arrayBuffer();
      return { url: target, body: text, status: response.status };
    } catch {
      return { url: target, body: text, status: 'unreachable' };
    }
  }

  async function shipOrder(orderKey: string, ship: ShipOptions = {}): Promise<{ shipment: Record<string, unknown>; deliveries: SimWebhookDelivery[] }> {
    const orderId = byKey.get(orderKey);
    const order = orderId === undefined ? undefined : orders.get(orderId);
    if (order === undefined) throw new Error(`no ShipStation order with orderKey ${orderKey}`);
    if (!OPEN.has(order.orderStatus)) throw new Error(`order ${order.orderId} is ${order.orderStatus}; only open orders ship`);
    const shipmentId = nextShipmentId++;
    const batch = String(nextBatch++);
    const at = new Date(now()).toISOString();
    const items = order.items
      .map((item) => ({ ...item, quantity: ship.quantities?.[String(item.lineItemKey)] ?? item.quantity }))
      .filter((item) => typeof item.quantity === 'number' && item.quantity > 0);
    // As the documented List Shipments sample: advancedOptions null, items only on request.
    const shipment: Record<string, unknown> = {
      shipmentId,
      orderId: order.orderId,
      orderKey: order.orderKey,
      userId: 'c9f06d74-95de-4263-9b04-e87095cababf',
      customerEmail: order.customerEmail ?? null,
      orderNumber: order.orderNumber,
      createDate: stamp(),
      shipDate: toShipStationDate(at, timeZone),
      shipmentCost: 7.3,
      insuranceCost: 0,
      trackingNumber: ship.trackingNumber ?? `9400111899223${String(shipmentId).padStart(9, '0')}`,
      isReturnLabel: false,
      batchNumber: batch,
      carrierCode: ship.carrierCode ?? 'stamps_com',
      serviceCode: ship.serviceCode ?? 'usps_priority_mail',
      packageCode: 'package',
      confirmation: 'none',
      warehouseId,
      voided: false,
      voidDate: null,
      marketplaceNotified: false,
      notifyErrorMessage: null,
      shipTo: order.shipTo,
      weight: { value: 16, units: 'ounces', WeightUnits: 1 },
      dimensions: null,
      insuranceOptions: { provider: null, insureShipment: false, insuredValue: 0 },
      advancedOptions: null,
      shipmentItems: items,
      labelData: null,
      formData: null,
    };
    shipments.push(shipment);
    order.orderStatus = 'shipped';
    order.modifyDate = stamp();
    const storeId = order.advancedOptions.storeId;
    const resourceUrl = `${url}/shipments?storeID=${String(storeId ?? '')}&batchId=${batch}&includeShipmentItems=False`;
    const deliveries: SimWebhookDelivery[] = [];
    for (const hook of webhooks) {
      if (hook.event !== 'SHIP_NOTIFY' || (hook.store_id !== null && hook.store_id !== storeId)) continue;
      deliveries.push(await sendWebhook(hook.target_url, { resource_url: resourceUrl, resource_type: 'SHIP_NOTIFY' }));
    }
    return { shipment, deliveries };
  }

  const state = () => ({ orders: [...orders.values()], shipments: [...shipments], webhooks: [...webhooks] });

  const sim = await startSimulator({
    name: 'shipstation',
    ...(options.port === undefined ? {} : { port: options.port }),
    routes: [
      { method: 'POST', path: '/orders/createorder', handle: guarded(createOrder) },
      { method: 'GET', path: '/orders', handle: guarded(listOrders) },
      { method: 'GET', path: '/orders/:orderId', handle: guarded(getOrder) },
      { method: 'GET', path: '/shipments', handle: guarded(listShipments) },
      { method: 'POST', path: '/webhooks/subscribe', handle: guarded(subscribeRoute) },
      { method: 'GET', path: '/webhooks', handle: guarded(() => ({ status: 200, body: { webhooks } })) },
    ],
    errorBody: (status, message) => error(status, message),
    state,
    reset() {
      orders = new Map();
      byKey = new Map();
      shipments = [];
      webhooks = [];
      window = { start: 0, used: 0 };
    },
  });
  url = sim.url;
  return { ...sim, shipOrder, sendWebhook, subscribe, state };
}
