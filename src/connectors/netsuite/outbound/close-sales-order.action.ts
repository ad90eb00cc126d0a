import { TargetError } from '../../../errors/index.ts';
import type { ActionCommand, ConnectorAction } from '../../sdk/index.ts';
import type { NetSuiteRequest } from '../client.ts';
import { commandData, externalIdAt, invalid } from './command-data.ts';
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

/** The lines a closeLines command names: Weft line id → units no longer to be fulfilled or billed. */
function cancelledOf(command: ActionCommand): Map<string, number> {
  const data = commandData(command);
  const lines = Array.isArray(data.lines) ? (data.lines as { lineId?: unknown; quantity?: unknown }[]) : [];
  const out = new Map<string, number>();
  lines.forEach((line, i) => {
    if (typeof line.lineId !== 'string' || typeof line.quantity !== 'number' || !Number.isInteger(line.quantity) || line.quantity < 1) throw invalid(command, `/lines/${i}`, 'needs lineId and a whole quantity from 1');
    out.set(line.lineId, (out.get(line.lineId) ?? 0) + line.quantity);
  });
  if (out.size === 0) throw invalid(command, '/lines', 'is empty: name the lines whose units are cancelled');
  return out;
}

/**
 * Takes cancelled units off the sales order's lines (found by the Weft line id in the line id field):
 * a line left with nothing is closed, the others get their quantity lowered, so the invoice bills what
 * shipped. Idempotent by nature: the quantity is set, not reduced, from the order's quantity less
 * what is cancelled (`orderedQuantity` per line in the command), so a retry sets the same value.
 */
export function closeLinesAction(deps: ActionDeps): ConnectorAction {
  const patch = (orderId: string, items: Record<string, unknown>[]): NetSuiteRequest => ({ method: 'PATCH', path: recordPath('salesOrder', orderId), body: { item: { items } }, what: 'PATCH salesOrder/eid (cancelled units)' });
  return {
    description: 'Takes cancelled units off sales order lines (a line left with nothing is closed) so the invoice bills only what shipped. Accepts {orderId, lines: [{lineId, quantity (cancelled), orderedQuantity}]} (weft.order.line_cancelled.v1 of each line).',
    idempotency: 'natural',
    priority: 'urgent',
    async run(context) {
      const orderId = orderIdOf(context.command);
      const cancelled = cancelledOf(context.command);
      const ordered = new Map(((commandData(context.command).lines ?? []) as { lineId: string; orderedQuantity?: unknown }[]).map((line) => [line.lineId, line.orderedQuantity]));
      const record = JSON.parse((await deps.client.send(readRequest(orderId), context.signal)).body) as { item?: { items?: Record<string, unknown>[] } };
      const items: Record<string, unknown>[] = [];
      for (const [lineId, units] of cancelled) {
        const line = (record.item?.items ?? []).find((candidate) => candidate[deps.settings.lineIdField] === lineId);
        if (line === undefined || typeof line.line !== 'number') throw invalid(context.command, '/lines', `line ${lineId} is not on sales order ${orderId}`);
        const full = typeof ordered.get(lineId) === 'number' ? (ordered.get(lineId) as number) : (line.quantity as number);
        const left = full - units;
        if (left <= 0) {
          if (line.isClosed !== true) items.push({ line: line.line, isClosed: true });
        } else if (line.quantity !== left) items.push({ line: line.line, quantity: left });
      }
      if (items.length === 0) return { status: 'already_done' };
      return receiptOf(await deps.client.send(patch(orderId, items), context.signal), 'updated');
    },
    async preview(command) {
      const orderId = orderIdOf(command);
      return [deps.client.preview(readRequest(orderId)), deps.client.preview(patch(orderId, [{ line: 1, quantity: 1 }]))];
    },
  };
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
