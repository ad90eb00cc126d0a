import { DependencyError, TargetError, WebhookError } from '../../errors/index.ts';
import { hmacSha256, parseJsonExact, signatureMatches, type EnrichContext, type WebhookDelivery, type WebhookRequest } from '../sdk/index.ts';
import { createShipStationClient, type ShipStationAccount } from './client.ts';

// ShipStation V1 webhooks are not signed: the body is {resource_url, resource_type} and nothing
// proves who sent it. Weft asks for a shared secret in the URL the user registers
// (`https://weft.example.com/webhooks/shipstation?token=<webhookToken>`) and compares it in constant
// time. The body carries no data, so enrich() fetches resource_url with the API credentials — only
// from the configured ShipStation origin, never from a host the body names.

/** Query parameter of the webhook URL that carries the shared secret. */
export const TOKEN_PARAMETER = 'token';

/** Topics whose resource_url lists shipments (GET /shipments?batchId=…). */
export const SHIPMENT_TOPICS = new Set(['SHIP_NOTIFY']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// Both sides are hashed first so the comparison runs over equal lengths whatever was sent.
const TOKEN_KEY = 'weft-shipstation-webhook-token';

/** Whether the token of a webhook URL is the configured one, in constant time. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (given === null || given === undefined || given === '') return false;
  return signatureMatches(hmacSha256(TOKEN_KEY, expected), hmacSha256(TOKEN_KEY, given).toString('hex'), 'hex');
}

/** What verify needs from the source's settings. */
export interface VerifySettings {
  webhookToken: string;
  baseUrl: string;
}

/**
 * Checks the token of the URL ShipStation called and decodes {resource_url, resource_type}. The
 * delivery id is resource_url: it names the batch, so a redelivery of the batch has the same one.
 */
export function verifyShipStationWebhook(request: WebhookRequest, settings: VerifySettings): WebhookDelivery {
  let token: string | null = null;
  try {
    // The token of the request itself: a configured notificationUrl (behind a proxy) leaves it out.
    token = new URL(request.requestUrl, 'http://receiver.invalid').searchParams.get(TOKEN_PARAMETER);
  } catch {
    token = null;
  }
  if (!tokenMatches(settings.webhookToken, token)) {
    throw new WebhookError(
      'webhook_signature_invalid',
      token === null ? `The webhook URL has no ?${TOKEN_PARAMETER}=: register the Weft URL with the source's webhookToken in ShipStation` : `The ?${TOKEN_PARAMETER}= of the webhook URL is not the source's webhookToken`,
    );
  }
  const body = parseJsonExact(request.rawBody);
  if (!isObject(body)) throw new WebhookError('webhook_malformed', 'The body is not a JSON object: expected {"resource_url", "resource_type"}');
  const { resource_url: resourceUrl, resource_type: resourceType } = body;
  if (typeof resourceType !== 'string' || resourceType === '') throw new WebhookError('webhook_malformed', '/resource_type is missing or not a string');
  if (typeof resourceUrl !== 'string' || resourceUrl === '') throw new WebhookError('webhook_malformed', '/resource_url is missing or not a string');
  let origin: string;
  try {
    origin = new URL(resourceUrl).origin;
  } catch {
    throw new WebhookError('webhook_malformed', `/resource_url is not a URL: ${JSON.stringify(resourceUrl.slice(0, 200))}`);
  }
  const expected = new URL(settings.baseUrl).origin;
  if (origin !== expected) {
    throw new WebhookError('webhook_malformed', `/resource_url points to ${origin}, not the configured ShipStation API ${expected}; Weft does not send the API credentials there`);
  }
  return { topic: resourceType, deliveryId: resourceUrl, payload: body };
}

/** What enrich needs from the source's settings. */
export interface EnrichSettings {
  account: ShipStationAccount;
  maxPages: number;
}

/** A shipment of GET /shipments, as far as enrich reads it. */
interface ListedShipment {
  orderId?: unknown;
  orderKey?: unknown;
  advancedOptions?: { customField1?: unknown } | null;
  shipmentItems?: { lineItemKey?: unknown }[] | null;
}

// A shipment for which the order must be fetched: ours (orderKey), but without the group or line keys.
function needsOrder(shipment: ListedShipment): boolean {
  if (typeof shipment.orderKey !== 'string' || !shipment.orderKey.startsWith('ord_')) return false;
  const group = shipment.advancedOptions?.customField1;
  const items = shipment.shipmentItems ?? [];
  return typeof group !== 'string' || items.some((item) => typeof item.lineItemKey !== 'string' || item.lineItemKey === '');
}

// On the way in, ShipStation's failure means the source could not be read: retry as its status says.
function asSourceError(error: unknown): unknown {
  if (!(error instanceof TargetError)) return error;
  const options = error.retryAfterSeconds === undefined ? { cause: error, retryable: error.retryable } : { cause: error, retryable: error.retryable, retryAfterSeconds: error.retryAfterSeconds };
  return new DependencyError('source_unavailable', error.message, options);
}

/**
 * Fetches the shipments a SHIP_NOTIFY names (every page, items included) and, for shipments whose
 * answer lacks Weft's group or line keys, the ShipStation order (GET /orders/{orderId}). The
 * payload becomes {resource_url, resource_type, shipments, orders: {<orderId>: order}}. Other
 * topics pass unchanged.
 */
export async function enrichShipStationDelivery(delivery: WebhookDelivery, context: EnrichContext, settings: EnrichSettings): Promise<WebhookDelivery> {
  if (!SHIPMENT_TOPICS.has(delivery.topic)) return delivery;
  const body = delivery.payload as { resource_url: string; resource_type: string };
  const client = createShipStationClient(context.http, settings.account);
  const url = new URL(body.resource_url);
  // The documented SHIP_NOTIFY URL says includeShipmentItems=False; the lines are needed.
  for (const name of [...url.searchParams.keys()]) if (name.toLowerCase() === 'includeshipmentitems' || name.toLowerCase() === 'page' || name.toLowerCase() === 'pagesize') url.searchParams.delete(name);
  url.searchParams.set('includeShipmentItems', 'true');
  url.searchParams.set('pageSize', '500');
  try {
    const shipments: unknown[] = [];
    for (let page = 1; ; page++) {
      url.searchParams.set('page', String(page));
      const answer = (await client.send(client.prepare('GET', url.toString()), context.signal, Date.now())) as { shipments?: unknown; pages?: unknown } | undefined;
      if (!Array.isArray(answer?.shipments)) throw new DependencyError('source_unavailable', `GET ${url.pathname}: the answer has no shipments array`, { retryable: false });
      shipments.push(...answer.shipments);
      const pages = typeof answer.pages === 'number' ? answer.pages : 1;
      if (page >= pages) break;
      if (page >= settings.maxPages) throw new DependencyError('source_unavailable', `GET ${url.pathname}: the batch has ${pages} pages of shipments, more than maxPages (${settings.maxPages})`, { retryable: false });
    }
    const orders: Record<string, unknown> = {};
    for (const shipment of shipments as ListedShipment[]) {
      if (!needsOrder(shipment)) continue;
      const id = String(shipment.orderId);
      if (!/^\d+$/.test(id) || id in orders) continue;
      orders[id] = await client.send(client.prepare('GET', `/orders/${id}`), context.signal, Date.now());
    }
    return { ...delivery, payload: { resource_url: body.resource_url, resource_type: body.resource_type, shipments, orders } };
  } catch (error) {
    throw asSourceError(error);
  }
}
