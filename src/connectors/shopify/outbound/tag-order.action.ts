// tagOrder: marks a Shopify order with Weft's order id (tag `weft:<ord_…>`) when Weft captures it,
// through tagsAdd. Takes weft.order.captured.v1 of orders whose externalRefs name this shop (the
// target's `system`, by default its own name). The tag is how createFulfillment finds the Shopify
// order of a Weft shipment later. Adding a tag the order already has changes nothing: 'natural'.

import { TargetError } from '../../../errors/index.ts';
import type { ActionCommand, ActionContext, ActionResult, ConnectorAction, RequestPreview } from '../../sdk/index.ts';
import { errorForUserErrors, type GraphqlOperation, type ShopifyClient, type UserError } from '../client.ts';
import { eventOf, gid, weftOrderTag } from './command.ts';

/** Event types tagOrder takes. */
export const TAG_ORDER_EVENTS = ['weft.order.captured.v1'] as const;

/** What tagOrder needs from its target. */
export interface TagOrderDeps {
  client: ShopifyClient;
  target: string;
  /** The system name the shop's orders carry in externalRefs (the source of the same shop). */
  system: string;
}

const TAGS_ADD = `mutation WeftTagOrder($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`;

/** The tagsAdd mutation. */
export function tagsAddOperation(orderGid: string, tags: string[]): GraphqlOperation {
  return { name: 'WeftTagOrder', query: TAGS_ADD, variables: { id: orderGid, tags }, estimatedCost: 10 };
}

function operationOf(command: ActionCommand, deps: TagOrderDeps): GraphqlOperation {
  const { data } = eventOf(command, TAG_ORDER_EVENTS, `${deps.target}.tagOrder`);
  const refs = Array.isArray(data.externalRefs) ? (data.externalRefs as { system?: unknown; id?: unknown }[]) : [];
  const ref = refs.find((r) => r.system === deps.system && typeof r.id === 'string');
  if (ref === undefined || typeof data.id !== 'string') {
    throw new TargetError('target_rejected', `${deps.target}.tagOrder: the order has no externalRef of system "${deps.system}"; route only orders captured from this shop, or set targets.${deps.target}.system`);
  }
  return tagsAddOperation(gid('Order', ref.id as string), [weftOrderTag(data.id)]);
}

/** Builds the tagOrder action of a target. */
export function createTagOrderAction(deps: TagOrderDeps): ConnectorAction {
  return {
    description: 'Tags the Shopify order with its Weft order id (tagsAdd) from weft.order.captured.v1, so later actions can find it.',
    idempotency: 'natural',
    priority: 'normal',
    async run(context: ActionContext): Promise<ActionResult> {
      const operation = operationOf(context.command, deps);
      const data = await deps.client.run<{ tagsAdd: { node: { id: string } | null; userErrors: UserError[] } }>(operation, context.signal);
      const error = errorForUserErrors(data.tagsAdd.userErrors, `WeftTagOrder to ${deps.target}`);
      if (error) throw error;
      return { targetId: data.tagsAdd.node?.id ?? String(operation.variables.id), status: 'updated' };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      return [deps.client.preview(operationOf(command, deps))];
    },
  };
}
