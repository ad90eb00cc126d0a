// noteOrder: writes where the order stands in Weft into the Shopify order's note (orderUpdate), so
// the shop's staff see a hold, its lifting or a cancellation without leaving Shopify admin. Takes
// weft.order.held.v1, hold_lifted.v1, cancelled.v1 and completed.v1; finds the order by the
// weft: tag that tagOrder set. Setting the same note again changes nothing: 'natural'.

import { TargetError } from '../../../errors/index.ts';
import type { ActionCommand, ActionContext, ActionResult, ConnectorAction, RequestPreview } from '../../sdk/index.ts';
import { errorForUserErrors, type GraphqlOperation, type ShopifyClient, type UserError } from '../client.ts';
import { eventOf, weftOrderTag } from './command.ts';
import { findOrderOperation } from './create-fulfillment.action.ts';

/** Event types noteOrder takes. */
export const NOTE_ORDER_EVENTS = ['weft.order.held.v1', 'weft.order.hold_lifted.v1', 'weft.order.cancelled.v1', 'weft.order.completed.v1'] as const;

/** What noteOrder needs from its target. */
export interface NoteOrderDeps {
  client: ShopifyClient;
  target: string;
}

const ORDER_UPDATE = `mutation WeftNoteOrder($input: OrderInput!) {
  orderUpdate(input: $input) { order { id note } userErrors { field message } }
}`;

/** Shopify's limit on an order note is generous; Weft's notes stay well under it. */
const MAX_NOTE = 5000;

/** The note a routed order event puts on the order. */
export function noteOf(type: string, data: Record<string, unknown>): string {
  const detail = typeof data.note === 'string' && data.note !== '' ? ` — ${data.note}` : '';
  const at = typeof data.occurredAt === 'string' ? ` (${data.occurredAt})` : '';
  const text =
    type === 'weft.order.held.v1'
      ? `Weft: on hold, ${String(data.reason ?? 'manual').replaceAll('_', ' ')}${at}${detail}`
      : type === 'weft.order.hold_lifted.v1'
        ? `Weft: hold lifted${at}${detail}`
        : type === 'weft.order.completed.v1'
          ? `Weft: completed, invoiced in the ERP${at}`
          : `Weft: cancelled${typeof data.reason === 'string' ? `, ${data.reason.replaceAll('_', ' ')}` : ''}${at}${detail}`;
  return text.slice(0, MAX_NOTE);
}

/** The orderUpdate mutation setting a note. */
export function noteOrderOperation(orderGid: string, note: string): GraphqlOperation {
  return { name: 'WeftNoteOrder', query: ORDER_UPDATE, variables: { input: { id: orderGid, note } }, estimatedCost: 10 };
}

function requestOf(command: ActionCommand, target: string): { orderId: string; note: string } {
  const { type, data } = eventOf(command, NOTE_ORDER_EVENTS, `${target}.noteOrder`);
  if (typeof data.orderId !== 'string') throw new TargetError('target_rejected', `${target}.noteOrder: the event has no orderId`);
  return { orderId: data.orderId, note: noteOf(type, data) };
}

/** Builds the noteOrder action of a target. */
export function createNoteOrderAction(deps: NoteOrderDeps): ConnectorAction {
  return {
    description: 'Sets the Shopify order\'s note to where it stands in Weft (orderUpdate) from weft.order.held/hold_lifted/cancelled/completed.v1; order found by its weft: tag.',
    idempotency: 'natural',
    priority: 'normal',
    async run(context: ActionContext): Promise<ActionResult> {
      const { orderId, note } = requestOf(context.command, deps.target);
      const found = await deps.client.run<{ orders: { nodes: { id: string }[] } }>(findOrderOperation(orderId), context.signal);
      const orders = found.orders.nodes;
      if (orders.length !== 1) {
        // Retryable: the tagOrder command of a fresh order may still be on its way.
        // Shopify answered: the order is not tagged yet. Retried, but not counted toward the breaker (Shopify is up).
        throw new TargetError('target_rejected', `WeftFindOrder to ${deps.target}: ${orders.length === 0 ? 'no' : 'more than one'} Shopify order is tagged ${weftOrderTag(orderId)}; route weft.order.captured.v1 of this shop to tagOrder`, { retryable: true, retryAfterSeconds: 30 });
      }
      const order = orders[0] as { id: string };
      const data = await deps.client.run<{ orderUpdate: { order: { id: string } | null; userErrors: UserError[] } }>(noteOrderOperation(order.id, note), context.signal);
      const error = errorForUserErrors(data.orderUpdate.userErrors, `WeftNoteOrder to ${deps.target}`);
      if (error) throw error;
      return { targetId: data.orderUpdate.order?.id ?? order.id, status: 'updated' };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      const { orderId, note } = requestOf(command, deps.target);
      return [deps.client.preview(findOrderOperation(orderId)), deps.client.preview(noteOrderOperation('<order found by the lookup>', note))];
    },
  };
}
