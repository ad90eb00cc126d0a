import { validateEventData } from '../../../domain/events/validate.ts';
import type { Order } from '../../../domain/order/order.schema.ts';
import { isCanonicalId } from '../../../domain/shared/ids.ts';
import { WeftError } from '../../../errors/index.ts';
import type { ActionCommand } from '../../sdk/index.ts';

// What the ShipStation actions read from a routed command: its payload is the event
// ({ type, subject, data }). Creating a ShipStation order needs the whole Order (lines, addresses,
// amounts); an event that carries only ids cannot be turned into one.

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(command: ActionCommand, message: string): WeftError {
  return new WeftError('command_invalid', `${command.target}.${command.action} (command ${command.id}): ${message}`);
}

function dataOf(command: ActionCommand): Record<string, unknown> {
  const payload = command.payload;
  if (!isObject(payload) || !isObject(payload.data)) throw invalid(command, 'the payload is not an event with a `data` object');
  return payload.data;
}

/** The event type of a command's payload, when it names one. */
export function eventTypeOf(command: ActionCommand): string | undefined {
  const payload = command.payload;
  return isObject(payload) && typeof payload.type === 'string' ? payload.type : undefined;
}

/**
 * The whole Order a command carries (`weft.order.captured.v1`, or any event whose data is an
 * Order), checked against the Order schema and rules. Throws WeftError `command_invalid` otherwise.
 */
export function orderOf(command: ActionCommand): Order {
  const data = dataOf(command);
  const type = eventTypeOf(command) ?? 'an event';
  if (!Array.isArray(data.lines) && typeof data.orderId === 'string') {
    throw invalid(
      command,
      `${type} carries only ids (orderId ${data.orderId}); a ShipStation order needs the whole Order (lines, ship-to, amounts). Route weft.order.captured.v1 to this action.`,
    );
  }
  const verdict = validateEventData('weft.order.captured.v1', typeof data.id === 'string' ? data.id : '', data);
  if (!verdict.ok) {
    const problems = verdict.problems.slice(0, 5).map((problem) => `/data${problem.pointer}: ${problem.message}`);
    throw invalid(command, `the data of ${type} is not a valid Order: ${problems.join('; ')}`);
  }
  return data as unknown as Order;
}

/** The order a cancellation is for: its id, and its number when the payload has the whole Order. */
export function cancellationOf(command: ActionCommand): { orderId: string; orderNumber: string | undefined } {
  const data = dataOf(command);
  if (isCanonicalId('order', data.orderId)) return { orderId: data.orderId, orderNumber: undefined };
  if (isCanonicalId('order', data.id) && typeof data.orderNumber === 'string') return { orderId: data.id, orderNumber: data.orderNumber };
  throw invalid(command, 'the data names no order: expected weft.order.cancelled.v1 (data.orderId) or a whole Order (data.id, data.orderNumber)');
}
