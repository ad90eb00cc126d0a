// createFulfillment: a shipment Weft's warehouse dispatched becomes a Shopify fulfilment with its
// tracking, through the order's fulfillment orders (fulfillmentCreate). Takes
// weft.shipment.dispatched.v1.
//
// Finding the order: the Shipment names Weft's order id only, and an action has no cross-reference
// lookup, so the Shopify order is found by the tag `weft:<ord_…>` that tagOrder put on it.
// Idempotency is 'lookup' (fulfillmentCreate takes no idempotency key): before creating, the order's
// fulfilments are searched for one of the shipment's tracking numbers, and a shipment whose lines
// have nothing left to fulfil is taken as already fulfilled.

import { TargetError } from '../../../errors/index.ts';
import type { ActionCommand, ActionContext, ActionResult, ConnectorAction, RequestPreview } from '../../sdk/index.ts';
import { errorForUserErrors, type GraphqlOperation, type ShopifyClient, type UserError } from '../client.ts';
import { eventOf, gid, weftOrderTag } from './command.ts';

/** Event types createFulfillment takes. */
export const CREATE_FULFILLMENT_EVENTS = ['weft.shipment.dispatched.v1'] as const;

/** What createFulfillment needs from its target. */
export interface CreateFulfillmentDeps {
  client: ShopifyClient;
  target: string;
  locations: Readonly<Record<string, string>>;
  notifyCustomer: boolean;
}

interface FoLine {
  id: string;
  remainingQuantity: number;
  lineItem: { sku: string | null };
}
interface FulfillmentOrderNode {
  id: string;
  status: string;
  assignedLocation: { location: { id: string } | null } | null;
  lineItems: { nodes: FoLine[] };
}
interface OrderNode {
  id: string;
  fulfillments: { id: string; trackingInfo: { number: string | null }[] }[];
  fulfillmentOrders: { nodes: FulfillmentOrderNode[] };
}

const FIND_ORDER = `query WeftFindOrder($query: String!) {
  orders(first: 2, query: $query) {
    nodes {
      id
      fulfillments(first: 50) { id trackingInfo { number } }
      fulfillmentOrders(first: 20) {
        nodes { id status assignedLocation { location { id } } lineItems(first: 100) { nodes { id remainingQuantity lineItem { sku } } } }
      }
    }
  }
}`;

const FULFILLMENT_CREATE = `mutation WeftCreateFulfillment($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status } userErrors { field message } }
}`;

/** The lookup of a Shopify order by Weft's tag. */
export function findOrderOperation(orderId: string): GraphqlOperation {
  return { name: 'WeftFindOrder', query: FIND_ORDER, variables: { query: `tag:${JSON.stringify(weftOrderTag(orderId))}` }, estimatedCost: 60 };
}

interface ShipmentData {
  orderId: string;
  fromLocationId: string;
  carrier: string;
  trackingNumbers: string[];
  trackingUrls: string[];
  lines: { sku: string; quantity: number }[];
}

function shipmentOf(command: ActionCommand, target: string): ShipmentData {
  const { data } = eventOf(command, CREATE_FULFILLMENT_EVENTS, `${target}.createFulfillment`);
  const lines = Array.isArray(data.lines) ? (data.lines as { sku: string; quantity: number }[]) : [];
  if (typeof data.orderId !== 'string' || lines.length === 0) throw new TargetError('target_rejected', `${target}.createFulfillment: the shipment needs an orderId and lines`);
  return {
    orderId: data.orderId,
    fromLocationId: String(data.fromLocationId ?? ''),
    carrier: String(data.carrier ?? ''),
    trackingNumbers: Array.isArray(data.trackingNumbers) ? (data.trackingNumbers as string[]) : [],
    trackingUrls: Array.isArray(data.trackingUrls) ? (data.trackingUrls as string[]) : [],
    lines,
  };
}

/** The fulfillmentCreate mutation for the given fulfillment-order lines. */
export function fulfillmentCreateOperation(shipment: ShipmentData, byOrder: Map<string, { id: string; quantity: number }[]>, notifyCustomer: boolean): GraphqlOperation {
  const trackingInfo: Record<string, unknown> = { company: shipment.carrier.toUpperCase(), numbers: shipment.trackingNumbers };
  if (shipment.trackingUrls.length > 0) trackingInfo.urls = shipment.trackingUrls;
  return {
    name: 'WeftCreateFulfillment',
    query: FULFILLMENT_CREATE,
    variables: {
      fulfillment: {
        lineItemsByFulfillmentOrder: [...byOrder].map(([fulfillmentOrderId, fulfillmentOrderLineItems]) => ({ fulfillmentOrderId, fulfillmentOrderLineItems })),
        trackingInfo,
        notifyCustomer,
      },
    },
    estimatedCost: 10,
  };
}

/**
 * Assigns the shipment's units to fulfillment-order lines by SKU, preferring fulfillment orders
 * assigned to the shipment's location. Returns undefined when no line has anything left.
 */
function allocate(order: OrderNode, shipment: ShipmentData, locationGid: string | undefined, target: string): Map<string, { id: string; quantity: number }[]> | undefined {
  const open = order.fulfillmentOrders.nodes.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
  open.sort((a, b) => Number(b.assignedLocation?.location?.id === locationGid) - Number(a.assignedLocation?.location?.id === locationGid));
  const byOrder = new Map<string, { id: string; quantity: number }[]>();
  const remaining = new Map<string, number>();
  for (const fo of open) for (const line of fo.lineItems.nodes) remaining.set(line.id, line.remainingQuantity);
  let placed = 0;
  for (const want of shipment.lines) {
    let left = want.quantity;
    for (const fo of open) {
      for (const line of fo.lineItems.nodes) {
        const free = remaining.get(line.id) ?? 0;
        if (left === 0 || line.lineItem.sku !== want.sku || free === 0) continue;
        const take = Math.min(left, free);
        remaining.set(line.id, free - take);
        left -= take;
        placed += take;
        byOrder.set(fo.id, [...(byOrder.get(fo.id) ?? []), { id: line.id, quantity: take }]);
      }
    }
    if (left > 0 && placed > 0) throw new TargetError('target_rejected', `${target}.createFulfillment: ${left} unit(s) of ${want.sku} have no open fulfillment-order line left in Shopify`);
  }
  return placed === 0 ? undefined : byOrder;
}

/** Builds the createFulfillment action of a target. */
export function createCreateFulfillmentAction(deps: CreateFulfillmentDeps): ConnectorAction {
  const what = (name: string) => `${name} to ${deps.target}`;
  return {
    description: 'Creates a Shopify fulfilment with tracking from weft.shipment.dispatched.v1 (fulfillmentCreate through the order\'s fulfillment orders; order found by its weft: tag).',
    idempotency: 'lookup',
    priority: 'urgent',
    async run(context: ActionContext): Promise<ActionResult> {
      const shipment = shipmentOf(context.command, deps.target);
      const found = await deps.client.run<{ orders: { nodes: OrderNode[] } }>(findOrderOperation(shipment.orderId), context.signal);
      const orders = found.orders.nodes;
      if (orders.length !== 1) {
        // Retryable: the tagOrder command of a fresh order may still be on its way.
        // Shopify answered: the order is not tagged yet. Retried, but not counted toward the breaker (Shopify is up).
        throw new TargetError('target_rejected', `${what('WeftFindOrder')}: ${orders.length === 0 ? 'no' : 'more than one'} Shopify order is tagged ${weftOrderTag(shipment.orderId)}; route weft.order.captured.v1 of this shop to tagOrder`, { retryable: true, retryAfterSeconds: 30 });
      }
      const order = orders[0]!;
      const existing = order.fulfillments.find((f) => f.trackingInfo.some((t) => t.number !== null && shipment.trackingNumbers.includes(t.number)));
      if (existing !== undefined) return { targetId: existing.id, status: 'already_exists' };
      const shopifyLocation = deps.locations[shipment.fromLocationId];
      const byOrder = allocate(order, shipment, shopifyLocation === undefined ? undefined : gid('Location', shopifyLocation), deps.target);
      if (byOrder === undefined) return { targetId: order.id, status: 'already_exists' };
      const data = await deps.client.run<{ fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: UserError[] } }>(fulfillmentCreateOperation(shipment, byOrder, deps.notifyCustomer), context.signal);
      const error = errorForUserErrors(data.fulfillmentCreate.userErrors, what('WeftCreateFulfillment'));
      if (error) throw error;
      return { targetId: data.fulfillmentCreate.fulfillment?.id ?? order.id, status: 'created' };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      const shipment = shipmentOf(command, deps.target);
      const placeholder = new Map([['<fulfillment order found by the lookup>', shipment.lines.map((line) => ({ id: `<line of ${line.sku}>`, quantity: line.quantity }))]]);
      return [deps.client.preview(findOrderOperation(shipment.orderId)), deps.client.preview(fulfillmentCreateOperation(shipment, placeholder, deps.notifyCustomer))];
    },
  };
}
