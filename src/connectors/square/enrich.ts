import { DependencyError, type WeftError } from '../../errors/index.ts';
import type { EnrichContext, WebhookDelivery } from '../sdk/index.ts';
import { buildRequest, send, type SquareApiSettings } from './client.ts';
import { ENRICHMENT_KEY, isObject, type Enrichment, type Json } from './inbound/read.ts';
import type { SquareSourceSettings } from './settings.ts';
import { isWeftOrder, NON_EXTERNAL_REFUND_DESTINATIONS, WEFT_PAYMENT_SOURCE_TYPE } from './weft-orders.ts';

// What Square's webhooks leave out, fetched before mapping: order.created, order.updated and
// order.fulfillment.updated carry only {order_id, state, version} (and which fulfilments changed),
// so the order is read with RetrieveOrder (GET /v2/orders/{id}); order lines and inventory counts
// name catalog variations, whose SKUs are read with BatchRetrieveCatalogObjects
// (POST /v2/catalog/batch-retrieve) unless the source uses Square's ids as SKUs; location webhooks
// carry only the id, so the location is read with RetrieveLocation. Payments and refunds carry
// themselves, but not whether Weft recorded them: Weft pays the Square orders it releases to the
// stores with EXTERNAL payments (ship from store), and refunds them when it withdraws the order, so
// an EXTERNAL payment's order is read (RetrieveOrder), and for a refund that may be of one, its
// payment (GetPayment) and that payment's order; the mappings ignore those of Weft's orders.
// Any failure is a retryable `source_unavailable`, so the webhook is not acknowledged and Square
// sends it again.

const ORDER_TOPICS = new Set(['order.created', 'order.updated', 'order.fulfillment.updated']);
const LOCATION_TOPICS = new Set(['location.created', 'location.updated']);
const PAYMENT_TOPICS = new Set(['payment.created', 'payment.updated']);
const REFUND_TOPICS = new Set(['refund.created', 'refund.updated']);

function unavailable(what: string, cause: unknown): WeftError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new DependencyError('source_unavailable', `Could not complete the Square webhook: ${what}: ${detail}`, { cause, retryable: true });
}

/** The order id of an order webhook (`/data/object/order_created/order_id`, else `/data/id`). */
export function orderIdOf(envelope: Json): string | undefined {
  const data = isObject(envelope.data) ? envelope.data : {};
  const object = isObject(data.object) ? data.object : {};
  for (const summary of Object.values(object)) if (isObject(summary) && typeof summary.order_id === 'string') return summary.order_id;
  return typeof data.id === 'string' ? data.id : undefined;
}

/** `/data/object/<key>` of a webhook, when it is an object. */
function webhookObject(envelope: Json, key: string): Json | undefined {
  const data = isObject(envelope.data) ? envelope.data : {};
  const object = isObject(data.object) ? data.object : {};
  return isObject(object[key]) ? object[key] : undefined;
}

/** One Square object by GET (`answerKey` of the answer), or a retryable source_unavailable naming `what`. */
async function fetchObject(settings: SquareSourceSettings, context: EnrichContext, now: () => number, path: string, what: string, answerKey: string, failure: string): Promise<Json> {
  try {
    const answer = (await send(context.http, settings, buildRequest(settings, 'GET', path), what, now, context.signal)) as Record<string, unknown>;
    const object = answer[answerKey];
    if (!isObject(object)) throw new Error(`the answer has no ${answerKey}`);
    return object;
  } catch (error) {
    throw unavailable(failure, error);
  }
}

const orderPath = (id: string) => `/v2/orders/${encodeURIComponent(id)}`;

/** SKUs of catalog variations, by variation id (variations without a SKU are left out). */
async function skusOf(ids: string[], api: SquareApiSettings, context: EnrichContext, now: () => number): Promise<Record<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return {};
  const request = buildRequest(api, 'POST', '/v2/catalog/batch-retrieve', { object_ids: unique, include_related_objects: false });
  const answer = (await send(context.http, api, request, 'POST /v2/catalog/batch-retrieve', now, context.signal)) as { objects?: unknown };
  const skus: Record<string, string> = {};
  for (const object of Array.isArray(answer.objects) ? answer.objects : []) {
    if (!isObject(object) || typeof object.id !== 'string') continue;
    const variation = isObject(object.item_variation_data) ? object.item_variation_data : undefined;
    const sku = typeof variation?.sku === 'string' ? variation.sku.trim() : '';
    if (sku !== '' && sku.length <= 64) skus[object.id] = sku;
  }
  return skus;
}

function catalogIds(list: unknown): string[] {
  return (Array.isArray(list) ? list : []).flatMap((entry) => (isObject(entry) && typeof entry.catalog_object_id === 'string' ? [entry.catalog_object_id] : []));
}

/** Builds the source's enrich function. */
export function createEnrich(settings: SquareSourceSettings, now: () => number = Date.now) {
  return async function enrich(delivery: WebhookDelivery, context: EnrichContext): Promise<WebhookDelivery> {
    if (!isObject(delivery.payload)) return delivery;
    const envelope = delivery.payload;
    const fetchSkus = settings.skuSource === 'catalog';
    if (ORDER_TOPICS.has(delivery.topic)) {
      const orderId = orderIdOf(envelope);
      if (orderId === undefined) return delivery; // the mapping reports the missing id, pointing into the payload
      let order: Json;
      try {
        const path = `/v2/orders/${encodeURIComponent(orderId)}`;
        const answer = (await send(context.http, settings, buildRequest(settings, 'GET', path), 'GET /v2/orders/{order_id}', now, context.signal)) as { order?: unknown };
        if (!isObject(answer.order)) throw new Error('the answer has no order');
        order = answer.order;
      } catch (error) {
        throw unavailable(`RetrieveOrder ${orderId} failed`, error);
      }
      let skus: Record<string, string> = {};
      try {
        // Weft's own orders carry the canonical SKU on each line (metadata): no catalog reads.
        if (fetchSkus && !isWeftOrder(order)) skus = await skusOf(catalogIds(order.line_items), settings, context, now);
      } catch (error) {
        throw unavailable(`the SKUs of order ${orderId}'s lines could not be read`, error);
      }
      const enrichment: Enrichment = { order, skus };
      return { ...delivery, payload: { ...envelope, [ENRICHMENT_KEY]: enrichment } };
    }
    if (LOCATION_TOPICS.has(delivery.topic)) {
      // location.created / location.updated carry {type: "location", id} only.
      const data = isObject(envelope.data) ? envelope.data : {};
      const locationId = typeof data.id === 'string' ? data.id : typeof envelope.location_id === 'string' ? envelope.location_id : undefined;
      if (locationId === undefined) return delivery; // the mapping reports the missing id
      try {
        const path = `/v2/locations/${encodeURIComponent(locationId)}`;
        const answer = (await send(context.http, settings, buildRequest(settings, 'GET', path), 'GET /v2/locations/{location_id}', now, context.signal)) as { location?: unknown };
        if (!isObject(answer.location)) throw new Error('the answer has no location');
        const enrichment: Enrichment = { location: answer.location, skus: {} };
        return { ...delivery, payload: { ...envelope, [ENRICHMENT_KEY]: enrichment } };
      } catch (error) {
        throw unavailable(`RetrieveLocation ${locationId} failed`, error);
      }
    }
    if (PAYMENT_TOPICS.has(delivery.topic)) {
      // Weft's payments are EXTERNAL and always on an order; others need nothing fetched.
      const payment = webhookObject(envelope, 'payment');
      if (payment?.source_type !== WEFT_PAYMENT_SOURCE_TYPE || typeof payment.order_id !== 'string') return delivery;
      const order = await fetchObject(settings, context, now, orderPath(payment.order_id), 'GET /v2/orders/{order_id}', 'order', `RetrieveOrder ${payment.order_id} (the order of EXTERNAL payment ${String(payment.id)}) failed`);
      const enrichment: Enrichment = { order, skus: {} };
      return { ...delivery, payload: { ...envelope, [ENRICHMENT_KEY]: enrichment } };
    }
    if (REFUND_TOPICS.has(delivery.topic)) {
      // A refund says where the money went, not what was paid: a refund that can be of an EXTERNAL payment needs its payment.
      const refund = webhookObject(envelope, 'refund');
      if (typeof refund?.payment_id !== 'string' || NON_EXTERNAL_REFUND_DESTINATIONS.has(String(refund.destination_type))) return delivery;
      const paymentId = refund.payment_id;
      const payment = await fetchObject(settings, context, now, `/v2/payments/${encodeURIComponent(paymentId)}`, 'GET /v2/payments/{payment_id}', 'payment', `GetPayment ${paymentId} (refunded by ${String(refund.id)}) failed`);
      const enrichment: Enrichment = { payment, skus: {} };
      if (payment.source_type === WEFT_PAYMENT_SOURCE_TYPE && typeof payment.order_id === 'string') {
        enrichment.order = await fetchObject(settings, context, now, orderPath(payment.order_id), 'GET /v2/orders/{order_id}', 'order', `RetrieveOrder ${payment.order_id} (the order of refunded payment ${paymentId}) failed`);
      }
      return { ...delivery, payload: { ...envelope, [ENRICHMENT_KEY]: enrichment } };
    }
    if (delivery.topic === 'inventory.count.updated' && fetchSkus) {
      const data = isObject(envelope.data) ? envelope.data : {};
      const object = isObject(data.object) ? data.object : {};
      try {
        const skus = await skusOf(catalogIds(object.inventory_counts), settings, context, now);
        const enrichment: Enrichment = { skus };
        return { ...delivery, payload: { ...envelope, [ENRICHMENT_KEY]: enrichment } };
      } catch (error) {
        throw unavailable('the SKUs of the counted variations could not be read', error);
      }
    }
    return delivery;
  };
}
