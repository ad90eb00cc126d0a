import type { ActionCommand, ConnectorAction, PriorityClass, RequestPreview } from '../../sdk/index.ts';
import { suiteqlRequest, transactionByExternalIdQuery, transactionIdByExternalId } from './lookups.ts';
import { receiptOf, recordPath, type ActionDeps } from './action-deps.ts';

// The shape shared by actions that create a transaction by transforming another (sales order →
// item fulfilment / invoice / return authorisation, return authorisation → cash refund):
// `POST /record/v1/<from>/eid:<source external id>/!transform/<to>`, answered 204 + Location.
// A transform cannot be keyed like an upsert, so the new transaction gets an external id derived
// from the Weft object and the action looks it up with SuiteQL first: a retry of an attempt whose
// answer was lost finds the transaction and creates nothing (idempotency "lookup").

/** What one transform of one command is. */
export interface TransformPlan {
  /** Record type transformed from (`salesOrder`). */
  fromType: string;
  /** External id of the source record (the Weft order id of a sales order Weft created). */
  fromExternalId: string;
  /** Record type created (`itemFulfillment`). */
  toType: string;
  /** External id given to the new transaction; the look-up key. */
  externalId: string;
  /** Body fields besides externalId, given the internal ids the plan's SKUs resolved to. */
  body(itemIds: ReadonlyMap<string, string>): Record<string, unknown>;
  /** SKUs whose internal ids the body needs (looked up by item name/number). */
  skus: readonly string[];
  /** Cross-reference of the new transaction, if any. */
  xref?: { entity: string; canonicalId: string };
}

/** Options of a transform action. */
export interface TransformActionOptions {
  description: string;
  priority: PriorityClass;
  plan(command: ActionCommand, deps: ActionDeps): TransformPlan;
  /** Resolves SKUs to internal ids (injected so the transform module stays free of the item look-up's details). */
  itemIds(deps: ActionDeps, skus: readonly string[], signal: AbortSignal): Promise<Map<string, string>>;
}

/** A ConnectorAction that looks the transaction up by external id, then transforms when it is not there. */
export function transformAction(deps: ActionDeps, options: TransformActionOptions): ConnectorAction {
  const transformRequest = (plan: TransformPlan, itemIds: ReadonlyMap<string, string>) => ({
    method: 'POST' as const,
    path: `${recordPath(plan.fromType, plan.fromExternalId)}/!transform/${plan.toType}`,
    body: { externalId: plan.externalId, ...plan.body(itemIds) },
    what: `POST ${plan.fromType}/!transform/${plan.toType}`,
  });
  return {
    description: options.description,
    idempotency: 'lookup',
    priority: options.priority,
    async run(context) {
      const plan = options.plan(context.command, deps);
      const existing = await transactionIdByExternalId(deps.client, plan.externalId, context.signal);
      if (existing !== undefined) return { targetId: existing, status: 'already_exists', ...(plan.xref === undefined ? {} : { xref: plan.xref }) };
      const itemIds = plan.skus.length === 0 ? new Map<string, string>() : await options.itemIds(deps, plan.skus, context.signal);
      const response = await deps.client.send(transformRequest(plan, itemIds), context.signal);
      return receiptOf(response, 'created', plan.xref);
    },
    async preview(command): Promise<RequestPreview[]> {
      const plan = options.plan(command, deps);
      const requests: RequestPreview[] = [deps.client.preview(suiteqlRequest(transactionByExternalIdQuery(plan.externalId), 1))];
      const placeholders = new Map(plan.skus.map((sku) => [sku, `<internal id of item ${sku}>`]));
      requests.push(deps.client.preview(transformRequest(plan, placeholders)));
      return requests;
    },
  };
}
