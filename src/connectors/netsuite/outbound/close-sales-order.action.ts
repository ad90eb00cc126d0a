import { TargetError } from '../../../errors/index.ts';
import type { ActionCommand, ConnectorAction } from '../../sdk/index.ts';
import type { NetSuiteRequest } from '../client.ts';
import { commandData, externalIdAt } from './command-data.ts';
import { receiptOf, recordPath, type ActionDeps } from './action-deps.ts';

// closeSalesOrder: undoes a sales order of an order cancelled before anything shipped, the way
// NetSuite closes one: every line gets isClosed (PATCH), after which NetSuite shows the order Closed
// and nothing can be fulfilled or billed from it. The lines are read first (their line numbers).
// Closing a closed order changes nothing, and an order NetSuite never got has nothing to close:
// 'natural'. Accepts data with orderId (weft.order.cancelled.v1), as order-to-cash compensates.

function orderIdOf(command: ActionCommand): string {
  const data = commandData(command);
  return externalIdAt(command, data, typeof data.orderId === 'string' ? 'orderId' : 'id');
}

function readRequest(orderId: string): NetSuiteRequest {
  return { method: 'GET', path: recordPath('salesOrder', orderId), query: { expandSubResources: 'true' }, what: 'GET salesOrder/eid' };
}

function closeRequest(orderId: string, lines: readonly number[]): NetSuiteRequest {
  return { method: 'PATCH', path: recordPath('salesOrder', orderId), body: { item: { items: lines.map((line) => ({ line, isClosed: true })) } }, what: 'PATCH salesOrder/eid (close lines)' };
}

/** Closes every line of the sales order whose external id is the Weft order id. */
export function closeSalesOrderAction(deps: ActionDeps): ConnectorAction {
  return {
    description: 'Closes the NetSuite sales order of a cancelled order (every line isClosed), so nothing more is fulfilled or billed from it. Accepts data with orderId (weft.order.cancelled.v1).',
    idempotency: 'natural',
    priority: 'urgent',
    async run(context) {
      const orderId = orderIdOf(context.command);
      let record: { item?: { items?: { line?: unknown; isClosed?: unknown }[] } };
      try {
        record = JSON.parse((await deps.client.send(readRequest(orderId), context.signal)).body) as typeof record;
      } catch (error) {
        // No sales order: the order never reached NetSuite, so there is nothing to undo.
        if (error instanceof TargetError && error.targetStatus === 404) return { status: 'not_found' };
        throw error;
      }
      const open = (record.item?.items ?? []).filter((line) => line.isClosed !== true && typeof line.line === 'number').map((line) => line.line as number);
      if (open.length === 0) return { status: 'already_closed' };
      return receiptOf(await deps.client.send(closeRequest(orderId, open), context.signal), 'closed');
    },
    async preview(command) {
      const orderId = orderIdOf(command);
      return [deps.client.preview(readRequest(orderId)), deps.client.preview(closeRequest(orderId, [1]))];
    },
  };
}
