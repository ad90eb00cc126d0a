import type { ActionManifest, ConnectorAction } from '../sdk/index.ts';
import type { ActionDeps } from './outbound/action-deps.ts';
import { upsertCustomerAction } from './outbound/customer.action.ts';
import { adjustInventoryAction } from './outbound/inventory-adjustment.action.ts';
import { upsertInventoryItemsAction } from './outbound/inventory-item.action.ts';
import { upsertSalesOrderAction } from './outbound/sales-order.action.ts';
import { closeLinesAction, closeSalesOrderAction } from './outbound/close-sales-order.action.ts';
import { recordPaymentAction } from './outbound/customer-payment.action.ts';
import { authorizeReturnAction, cashRefundAction, fulfilSalesOrderAction, invoiceSalesOrderAction } from './outbound/transactions.action.ts';

// The NetSuite actions by name, with what each writes: the manifest and the target are built from
// this one table, so they cannot disagree.

interface ActionEntry {
  writes: string;
  build(deps: ActionDeps): ConnectorAction;
}

/** Every NetSuite action: name → canonical object written and factory. */
export const ACTIONS: Readonly<Record<string, ActionEntry>> = {
  upsertCustomer: { writes: 'customer', build: upsertCustomerAction },
  upsertInventoryItems: { writes: 'product', build: upsertInventoryItemsAction },
  upsertSalesOrder: { writes: 'order', build: upsertSalesOrderAction },
  closeSalesOrder: { writes: 'order', build: closeSalesOrderAction },
  closeLines: { writes: 'order', build: closeLinesAction },
  fulfilSalesOrder: { writes: 'shipment', build: fulfilSalesOrderAction },
  invoiceSalesOrder: { writes: 'invoice', build: invoiceSalesOrderAction },
  recordPayment: { writes: 'payment', build: recordPaymentAction },
  authorizeReturn: { writes: 'return', build: authorizeReturnAction },
  recordCashRefund: { writes: 'refund', build: cashRefundAction },
  adjustInventory: { writes: 'inventory', build: adjustInventoryAction },
};

/** The actions of a configured target. */
export function buildActions(deps: ActionDeps): Record<string, ConnectorAction> {
  return Object.fromEntries(Object.entries(ACTIONS).map(([name, entry]) => [name, entry.build(deps)]));
}

/** The manifest entries of the actions (built with a client that is never called). */
export function actionManifests(deps: ActionDeps): Record<string, ActionManifest> {
  return Object.fromEntries(
    Object.entries(ACTIONS).map(([name, entry]) => {
      const action = entry.build(deps);
      return [name, { description: action.description, writes: entry.writes, idempotency: action.idempotency, priority: action.priority }];
    }),
  );
}
