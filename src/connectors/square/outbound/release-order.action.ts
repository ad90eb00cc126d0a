import { TargetError } from '../../../errors/index.ts';
import type { ActionCommand, ActionContext, ActionResult, ConnectorAction, RequestPreview } from '../../sdk/index.ts';
import { buildRequest, previewOf, send, type SquareApiSettings } from '../client.ts';
import type { SquareTargetSettings } from '../settings.ts';
import { isCancelled, metadataOf, WEFT_METADATA } from '../weft-orders.ts';
import { skuSearchRequest, type CatalogLookup } from './catalog.ts';
import { invalid } from './command.ts';
import { retrieveOrder } from './find-store-orders.ts';
import { createOrderBody, orderOf, planRelease, type PlannedStoreOrder } from './store-order.ts';
import { externalPaymentBody, paymentRequest, payStoreOrder } from './store-payment.ts';

// Release to the store (ship from store): each fulfilment group of kind `fulfilmentKinds` (default
// ship_from_store) becomes one Square order at the group's store, through CreateOrder
// (POST /v2/orders), with a SHIPMENT fulfilment in PROPOSED for the store to pick, pack and ship.
// Idempotency "key": Square's idempotency_key is the command's key and the group id, so every
// attempt of the command sends the same request and Square answers a repeat with the order it
// created. A replay after Square may have forgotten the key is caught by the cross-reference map:
// a live Square order already linked to the Weft order for the same group is not created again.
//
// The receipt links the Square order to the Weft order (entity `order`) when the release made one,
// which is the usual case (one parcel from one store). cancelOrder is routed
// weft.order.cancelled.v1, which names only the order, so the order id is the link it can follow;
// the group id is on the Square order's metadata. A release of several groups makes several Square
// orders and one receipt cannot link them all: cancelOrder finds those by SearchOrders.
//
// Paying (payReleasedOrders, default on): Square shows an order with a fulfilment to the store only
// once it is paid, so each group's Square order, created now or found from an earlier release, is
// paid with an external payment of its total (store-payment.ts) unless it has a tender already.
// The order paid must be current: on a retry, CreateOrder may answer with the order as the first
// attempt created it (unpaid), so a retry reads it again before paying.

const PATH = '/v2/orders';

/** The releaseOrder action of a Square target. */
export function releaseOrderAction(api: SquareApiSettings & SquareTargetSettings, catalog: CatalogLookup, keyOf: (commandId: string) => string): ConnectorAction {
  async function variationsOf(planned: readonly PlannedStoreOrder[], context: ActionContext): Promise<Map<string, string | undefined>> {
    const variations = new Map<string, string | undefined>();
    for (const { line } of planned.flatMap((p) => p.lines)) {
      if (!variations.has(line.sku)) variations.set(line.sku, await catalog.find(line.sku, context.http, () => context.clock.now(), context.signal));
    }
    return variations;
  }

  return {
    description: 'Creates one Square order per ship-from-store fulfilment group of a weft.order.captured.v1 Order, at the group\'s store, with a SHIPMENT fulfilment for the store to ship, and pays it with an EXTERNAL payment of the channel (payReleasedOrders) so the store sees it',
    idempotency: 'key',
    priority: 'urgent',
    async run(context: ActionContext): Promise<ActionResult> {
      const { command } = context;
      const order = orderOf(command);
      const planned = planRelease(command, order, api);
      if (planned.length === 0) {
        context.log.info({ command: command.id, orderId: order.id }, 'the order has no fulfilment group for the stores; nothing sent to Square');
        return { status: 'nothing_to_release' };
      }
      // Square orders an earlier release of this order left, still live (a replay): not created twice.
      const live: Record<string, unknown>[] = [];
      for (const id of await context.xrefs.externalIds(order.id, command.target)) {
        const existing = await retrieveOrder(context, api, id);
        if (existing !== undefined && !isCancelled(existing)) live.push(existing);
      }
      const variations = await variationsOf(planned.filter((p) => !live.some((o) => metadataOf(o)[WEFT_METADATA.groupId] === p.group.id)), context);
      const ids: string[] = [];
      const statuses: string[] = [];
      for (const plan of planned) {
        const same = live.find((o) => metadataOf(o)[WEFT_METADATA.groupId] === plan.group.id);
        let squareOrder: Record<string, unknown>;
        if (same !== undefined) {
          context.log.info({ groupId: plan.group.id, squareOrderId: same.id }, 'the group was released to Square already; not created again');
          squareOrder = same;
          statuses.push('already_released');
        } else {
          const body = createOrderBody(order, plan, variations, context.idempotencyKey);
          const answer = (await send(context.http, api, buildRequest(api, 'POST', PATH, body), `POST ${PATH}`, () => context.clock.now(), context.signal)) as { order?: Record<string, unknown> };
          if (typeof answer.order?.id !== 'string') throw invalid(command, `Square answered the order of group ${plan.group.id} without an id`);
          squareOrder = answer.order;
          statuses.push('created');
        }
        ids.push(String(squareOrder.id));
        if (!api.payReleasedOrders) continue;
        // A retry's CreateOrder answer may be the first attempt's (before its payment): read it again.
        const current = same === undefined && command.attempt > 1 ? await retrieveOrder(context, api, String(squareOrder.id)) : squareOrder;
        if (current === undefined) throw new TargetError('target_unavailable', `${command.target}.${command.action}: Square order ${String(squareOrder.id)} of group ${plan.group.id} was not found when read back to pay it; retried`);
        await payStoreOrder(context, api, order, current, plan.group.id);
      }
      const status = statuses.every((value) => value === statuses[0]) ? (statuses[0] as string) : statuses.join(',');
      return ids.length === 1 ? { targetId: ids[0] as string, status, xref: { entity: 'order', canonicalId: order.id } } : { targetId: ids.join(','), status };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      const order = orderOf(command);
      const planned = planRelease(command, order, api);
      const requests: RequestPreview[] = [];
      const variations = new Map<string, string | undefined>();
      for (const { line } of planned.flatMap((p) => p.lines)) {
        if (variations.has(line.sku)) continue;
        const cached = catalog.cached(line.sku);
        if (cached === undefined) requests.push(previewOf(skuSearchRequest(api, line.sku)));
        variations.set(line.sku, cached ?? `<variation id of SKU ${line.sku}, if Square's catalog has it; else the line goes by name>`);
      }
      for (const plan of planned) {
        requests.push(previewOf(buildRequest(api, 'POST', PATH, createOrderBody(order, plan, variations, keyOf(command.id)))));
        if (!api.payReleasedOrders) continue;
        // Paid unless it has a tender, for the total Square computes: known only once the order exists.
        const placeholder = { id: `<id of the Square order of group ${plan.group.id}>`, location_id: plan.squareLocationId };
        requests.push(previewOf(paymentRequest(api, externalPaymentBody(order, placeholder, plan.group.id, keyOf(command.id)))));
      }
      return requests;
    },
  };
}
