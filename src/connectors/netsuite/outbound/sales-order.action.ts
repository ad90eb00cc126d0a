import { TargetError } from '../../../errors/index.ts';
import type { ActionCommand, ConnectorAction } from '../../sdk/index.ts';
import type { NetSuiteRequest } from '../client.ts';
import type { NetSuiteSettings } from '../settings.ts';
import { receiptOf, recordPath, type ActionDeps } from './action-deps.ts';
import { arrayAt, commandData, decimalOf, externalIdAt, invalid, moneyAt, stringAt } from './command-data.ts';
import { customerByExternalIdQuery, customerIdByExternalId, itemIdsBySku, itemsBySkuQuery, suiteqlRequest } from './lookups.ts';

// upsertSalesOrder: a captured Weft order as a NetSuite sales order, keyed by external id = the
// canonical order id and written with `PUT /record/v1/salesOrder/eid:<ord_…>` (NetSuite's upsert):
// however often the command is delivered, there is one sales order. Before writing it looks up the
// internal ids NetSuite's references need: the items by SKU (item name/number) and the customer by
// its external id (the Weft customer id), or the configured default customer for guest orders.
// Lines carry the Weft line and fulfilment group ids in custom line fields so fulfilments and
// invoices polled later map back to them. Taxes are left to NetSuite's tax engine.
// Accepts the data of weft.order.captured.v1 (an Order).

interface OrderPlan {
  orderId: string;
  customerId: string | undefined;
  skus: string[];
  body(itemIds: ReadonlyMap<string, string>, entityId: string): Record<string, unknown>;
}

function currencyIdOf(settings: NetSuiteSettings, code: string): string | undefined {
  return Object.entries(settings.currencies).find(([, iso]) => iso === code)?.[0];
}

function plan(command: ActionCommand, settings: NetSuiteSettings): OrderPlan {
  const order = commandData(command);
  const orderId = externalIdAt(command, order, 'id');
  const currency = stringAt(command, order, 'currency');
  const orderNumber = stringAt(command, order, 'orderNumber');
  const lines = arrayAt(command, order, 'lines');
  if (lines.length === 0) throw invalid(command, '/lines', 'is empty: an order has at least one line');
  const skus = lines.map((line, i) => stringAt(command, line, 'sku', `/lines/${i}/sku`));
  // A line shipped from a store or collected there commits the store's stock: its line location is
  // the store's, where the settings map it (the order's location otherwise).
  const groupPlaces = new Map<string, string>();
  for (const group of Array.isArray(order.fulfilmentGroups) ? (order.fulfilmentGroups as Record<string, unknown>[]) : []) {
    const place = typeof group.locationId === 'string' ? settings.locations[group.locationId] : undefined;
    if (typeof group.id === 'string' && place !== undefined) groupPlaces.set(group.id, place);
  }
  const discounts = arrayAt(command, order, 'discounts');
  const discountTotal = discounts.reduce((sum, d, i) => sum + moneyAt(command, d, 'amount', `/discounts/${i}/amount`).amount, 0);
  const shipping = arrayAt(command, order, 'shippingCharges').reduce((sum, s, i) => sum + moneyAt(command, s, 'amount', `/shippingCharges/${i}/amount`).amount, 0);
  if (discountTotal > 0 && settings.discountItemId === undefined) {
    throw invalid(command, '/discounts', 'has order-level discounts, but the NetSuite target has no discountItemId to carry them: set it in the settings');
  }
  const customerId = typeof order.customerId === 'string' ? order.customerId : undefined;
  const placedAt = stringAt(command, order, 'placedAt');
  return {
    orderId,
    customerId,
    skus,
    body(itemIds, entityId) {
      const body: Record<string, unknown> = {
        externalId: orderId,
        entity: { id: entityId },
        tranDate: placedAt.slice(0, 10),
        otherRefNum: orderNumber,
        memo: `Weft order ${orderNumber} (${String(order.channel)}, ${String(order.originSystem)})`,
        item: {
          items: lines.map((line, i) => {
            const unit = moneyAt(command, line, 'unitPrice', `/lines/${i}/unitPrice`);
            const total = moneyAt(command, line, 'total', `/lines/${i}/total`);
            // Units cancelled since capture are not sold: the line carries what is left, or is closed.
            const ordered = line.quantity as number;
            const left = ordered - (typeof line.cancelledQuantity === 'number' ? line.cancelledQuantity : 0);
            return {
              item: { id: itemIds.get(skus[i] as string) },
              quantity: left > 0 ? left : ordered,
              ...(left > 0 ? {} : { isClosed: true }),
              rate: decimalOf(unit.amount, currency),
              amount: decimalOf(left > 0 && left < ordered ? Math.round((total.amount * left) / ordered) : total.amount, currency),
              ...(typeof line.name === 'string' ? { description: line.name } : {}),
              ...(groupPlaces.has(String(line.fulfilmentGroupId)) ? { location: { id: groupPlaces.get(String(line.fulfilmentGroupId)) } } : {}),
              [settings.lineIdField]: line.id,
              [settings.fulfilmentGroupField]: line.fulfilmentGroupId,
            };
          }),
        },
        shippingCost: decimalOf(shipping, currency),
      };
      if (discountTotal > 0) {
        body.discountItem = { id: settings.discountItemId };
        body.discountRate = decimalOf(-discountTotal, currency);
      }
      const currencyId = currencyIdOf(settings, currency);
      if (currencyId !== undefined) body.currency = { id: currencyId };
      if (settings.subsidiaryId !== undefined) body.subsidiary = { id: settings.subsidiaryId };
      if (settings.locationId !== undefined) body.location = { id: settings.locationId };
      if (typeof order.guestEmail === 'string') body.email = order.guestEmail;
      return body;
    },
  };
}

function putRequest(orderId: string, body: unknown): NetSuiteRequest {
  return { method: 'PUT', path: recordPath('salesOrder', orderId), body, what: 'PUT salesOrder/eid' };
}

/** Creates (or, on a retry, rewrites) the sales order whose external id is the Weft order id. */
export function upsertSalesOrderAction(deps: ActionDeps): ConnectorAction {
  const { client, settings } = deps;
  async function entityOf(orderPlan: OrderPlan, signal: AbortSignal): Promise<string> {
    if (orderPlan.customerId === undefined) {
      if (settings.defaultCustomerId !== undefined) return settings.defaultCustomerId;
      throw new TargetError('target_rejected', `Order ${orderPlan.orderId} has no customer and ${client.system} has no defaultCustomerId for guest orders: set it, then replay`);
    }
    const id = await customerIdByExternalId(client, orderPlan.customerId, signal);
    if (id !== undefined) return id;
    // The customer's own upsert may still be queued; a later attempt will find it.
    throw new TargetError('target_rejected', `${client.system} has no customer with external id ${orderPlan.customerId} yet (route weft.customer.* to upsertCustomer)`, { retryable: true });
  }
  return {
    description: 'Creates the NetSuite sales order of a captured order (external id = Weft order id, PUT eid upsert); items by SKU, customer by external id. Accepts Order data (weft.order.captured.v1).',
    idempotency: 'natural',
    priority: 'urgent',
    async run(context) {
      const orderPlan = plan(context.command, settings);
      const itemIds = await itemIdsBySku(client, orderPlan.skus, context.signal);
      const entityId = await entityOf(orderPlan, context.signal);
      const response = await client.send(putRequest(orderPlan.orderId, orderPlan.body(itemIds, entityId)), context.signal);
      return receiptOf(response, 'upserted', { entity: 'order', canonicalId: orderPlan.orderId });
    },
    async preview(command) {
      const orderPlan = plan(command, settings);
      const placeholders = new Map(orderPlan.skus.map((sku) => [sku, `<internal id of item ${sku}>`]));
      const requests = [client.preview(suiteqlRequest(itemsBySkuQuery([...new Set(orderPlan.skus)]), 1000))];
      if (orderPlan.customerId !== undefined) requests.push(client.preview(suiteqlRequest(customerByExternalIdQuery(orderPlan.customerId), 1)));
      const entity = orderPlan.customerId === undefined ? (settings.defaultCustomerId ?? '<defaultCustomerId>') : `<internal id of customer ${orderPlan.customerId}>`;
      requests.push(client.preview(putRequest(orderPlan.orderId, orderPlan.body(placeholders, entity))));
      return requests;
    },
  };
}
