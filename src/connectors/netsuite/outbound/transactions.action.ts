import type { ActionCommand, ConnectorAction } from '../../sdk/index.ts';
import type { ActionDeps } from './action-deps.ts';
import { arrayAt, commandData, externalIdAt, invalid, stringAt } from './command-data.ts';
import { itemIdsBySku } from './lookups.ts';
import { transformAction, type TransformPlan } from './transform.ts';

// The transform actions: item fulfilment, invoice, return authorisation and cash refund. Each names
// its source record by the external id Weft gave it (the sales order's is the Weft order id, the
// return authorisation's the Weft return id) and gives the new transaction the Weft id it stands
// for, which is what the look-up before the transform searches.

const itemIds = (deps: ActionDeps, skus: readonly string[], signal: AbortSignal) => itemIdsBySku(deps.client, skus, signal);

function fulfilmentPlan(command: ActionCommand, deps: ActionDeps): TransformPlan {
  const shipment = commandData(command);
  const id = externalIdAt(command, shipment, 'id');
  const orderId = externalIdAt(command, shipment, 'orderId');
  const lines = arrayAt(command, shipment, 'lines');
  if (lines.length === 0) throw invalid(command, '/lines', 'is empty: a shipment has at least one line');
  const skus = lines.map((line, i) => stringAt(command, line, 'sku', `/lines/${i}/sku`));
  const tracking = Array.isArray(shipment.trackingNumbers) ? (shipment.trackingNumbers as unknown[]).filter((t): t is string => typeof t === 'string') : [];
  const carrier = stringAt(command, shipment, 'carrier');
  const locationId = typeof shipment.fromLocationId === 'string' ? (deps.settings.locations[shipment.fromLocationId] ?? deps.settings.locationId) : deps.settings.locationId;
  return {
    fromType: 'salesOrder',
    fromExternalId: orderId,
    toType: 'itemFulfillment',
    externalId: id,
    skus,
    xref: { entity: 'shipment', canonicalId: id },
    body: (ids) => ({
      // C = Shipped: Weft reports a shipment once it has left.
      shipStatus: { id: 'C' },
      memo: `Weft shipment ${id}: ${carrier}${typeof shipment.service === 'string' ? ` ${shipment.service}` : ''}`,
      item: {
        items: lines.map((line, i) => ({
          item: { id: ids.get(skus[i] as string) },
          quantity: line.quantity,
          itemReceive: true,
          ...(locationId === undefined ? {} : { location: { id: locationId } }),
          [deps.settings.lineIdField]: line.orderLineId,
        })),
      },
      ...(tracking.length === 0 ? {} : { package: { items: tracking.map((number) => ({ packageTrackingNumber: number })) } }),
    }),
  };
}

/** Transforms the Weft order's sales order into an item fulfilment (status Shipped). */
export function fulfilSalesOrderAction(deps: ActionDeps): ConnectorAction {
  return transformAction(deps, {
    description: 'Fulfils the sales order of the shipment\'s order (transform → itemFulfillment, external id = Weft shipment id; looked up first). Accepts Shipment data (weft.shipment.dispatched.v1).',
    priority: 'urgent',
    plan: fulfilmentPlan,
    itemIds,
  });
}

/** Bills the Weft order's sales order: transform → invoice, external id `<order id>-invoice`. */
export function invoiceSalesOrderAction(deps: ActionDeps): ConnectorAction {
  return transformAction(deps, {
    description: 'Bills the sales order of an order (transform → invoice of every billable line, external id = <order id>-invoice; looked up first). Accepts data with orderId (weft.order.completed.v1, a Shipment) or an Order.',
    priority: 'normal',
    plan(command) {
      const data = commandData(command);
      const orderId = typeof data.orderId === 'string' ? externalIdAt(command, data, 'orderId') : externalIdAt(command, data, 'id');
      if (!orderId.startsWith('ord_')) throw invalid(command, '/orderId', `must be a Weft order id, got "${orderId}"`);
      return { fromType: 'salesOrder', fromExternalId: orderId, toType: 'invoice', externalId: `${orderId}-invoice`, skus: [], body: () => ({ memo: `Weft order ${orderId}` }) };
    },
    itemIds,
  });
}

/** Authorises a return: sales order → return authorisation, external id = Weft return id. */
export function authorizeReturnAction(deps: ActionDeps): ConnectorAction {
  return transformAction(deps, {
    description: 'Creates the return authorisation of a return from the order\'s sales order (transform, external id = Weft return id; looked up first). Accepts Return data (weft.return.requested.v1: its lines) or ReturnAuthorized (every line).',
    priority: 'normal',
    plan(command, { settings }) {
      const data = commandData(command);
      const returnId = typeof data.returnId === 'string' ? externalIdAt(command, data, 'returnId') : externalIdAt(command, data, 'id');
      const orderId = externalIdAt(command, data, 'orderId');
      const lines = Array.isArray(data.lines) ? arrayAt(command, data, 'lines') : [];
      const skus = lines.map((line, i) => stringAt(command, line, 'sku', `/lines/${i}/sku`));
      return {
        fromType: 'salesOrder',
        fromExternalId: orderId,
        toType: 'returnAuthorization',
        externalId: returnId,
        skus,
        xref: { entity: 'return', canonicalId: returnId },
        body: (ids) => ({
          ...(typeof data.rmaNumber === 'string' ? { otherRefNum: data.rmaNumber } : {}),
          memo: `Weft return ${returnId}`,
          ...(lines.length === 0
            ? {}
            : { item: { items: lines.map((line, i) => ({ item: { id: ids.get(skus[i] as string) }, quantity: line.quantity, [settings.lineIdField]: line.orderLineId })) } }),
        }),
      };
    },
    itemIds,
  });
}

/** Records a refund: return authorisation → cash refund, external id = Weft refund id. */
export function cashRefundAction(deps: ActionDeps): ConnectorAction {
  return transformAction(deps, {
    description: 'Records a refund as a cash refund of the return authorisation of its return (transform, external id = Weft refund id; looked up first). Accepts Refund data with returnId (weft.refund.issued.v1).',
    priority: 'normal',
    plan(command) {
      const refund = commandData(command);
      const refundId = externalIdAt(command, refund, 'id');
      if (typeof refund.returnId !== 'string') throw invalid(command, '/returnId', 'is missing: NetSuite refunds a return authorisation; refunds without a return are not sent');
      const returnId = externalIdAt(command, refund, 'returnId');
      return {
        fromType: 'returnAuthorization',
        fromExternalId: returnId,
        toType: 'cashRefund',
        externalId: refundId,
        skus: [],
        xref: { entity: 'refund', canonicalId: refundId },
        body: () => ({ memo: `Weft refund ${refundId}${typeof refund.providerReference === 'string' ? ` (${refund.providerReference})` : ''}` }),
      };
    },
    itemIds,
  });
}
