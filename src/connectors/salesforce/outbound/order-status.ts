import { InputError } from '../../../errors/index.ts';
import type { ActionCommand } from '../../sdk/index.ts';

// What noteOrder reads from its command (the routed order event) and the status it writes: the
// same four events and the same inputs as the Shopify connector's noteOrder, so order-to-cash can
// send one event to a shop and to the CRM alike. Kept structured here (one field per fact) because
// agents filter and report on it in Salesforce, where Shopify only has a free-text note.

/** Event types noteOrder takes. */
export const NOTE_ORDER_EVENTS = ['weft.order.held.v1', 'weft.order.hold_lifted.v1', 'weft.order.cancelled.v1', 'weft.order.completed.v1'] as const;

/** Where the order stands, as written to the status field (the picklist values README.md lists). */
export const STATUS_BY_EVENT: Readonly<Record<(typeof NOTE_ORDER_EVENTS)[number], string>> = {
  'weft.order.held.v1': 'held',
  'weft.order.hold_lifted.v1': 'released from hold',
  'weft.order.cancelled.v1': 'cancelled',
  'weft.order.completed.v1': 'completed',
};

/** A status change of one order, as the CRM should show it. */
export interface StatusChange {
  /** Weft order id (`ord_…`): the external id of the record. */
  orderId: string;
  status: string;
  /** Why (held, cancelled) in words (`fraud review`); null clears an earlier reason. */
  reason: string | null;
  /** The note of the change; null clears an earlier note. */
  note: string | null;
  /** When it happened, ms since the epoch. */
  changedAtMs: number;
}

// Weft's ids are safe in a URL path; anything else is refused before it reaches Salesforce.
const ORDER_ID = /^ord_[0-9A-HJKMNP-TV-Z]{26}$/;

function invalid(command: ActionCommand, message: string): InputError {
  return new InputError('command_invalid', `${command.target}.${command.action} (command ${command.id}): ${message}`);
}

/** The status change a command asks for; an InputError (terminal) when the route sent something else. */
export function statusChangeOf(command: ActionCommand): StatusChange {
  const payload = command.payload as { type?: unknown; data?: unknown } | null | undefined;
  const type = payload?.type;
  if (typeof type !== 'string' || !(NOTE_ORDER_EVENTS as readonly string[]).includes(type) || typeof payload?.data !== 'object' || payload.data === null) {
    throw invalid(command, `takes ${NOTE_ORDER_EVENTS.join(' or ')} events, not ${JSON.stringify(type ?? null)}: check the route`);
  }
  const data = payload.data as Record<string, unknown>;
  if (typeof data.orderId !== 'string' || !ORDER_ID.test(data.orderId)) throw invalid(command, `/data/orderId must be a Weft order id (ord_…), got ${JSON.stringify(data.orderId) ?? 'nothing'}`);
  const changedAtMs = typeof data.occurredAt === 'string' ? Date.parse(data.occurredAt) : Number.NaN;
  if (Number.isNaN(changedAtMs)) throw invalid(command, `/data/occurredAt must be an ISO 8601 time, got ${JSON.stringify(data.occurredAt) ?? 'nothing'}`);
  const reason = (type === 'weft.order.held.v1' || type === 'weft.order.cancelled.v1') && typeof data.reason === 'string' ? data.reason.replaceAll('_', ' ') : null;
  const note = typeof data.note === 'string' && data.note !== '' ? data.note : null;
  return { orderId: data.orderId, status: STATUS_BY_EVENT[type as keyof typeof STATUS_BY_EVENT], reason, note, changedAtMs };
}

/**
 * A Salesforce Date/Time value as ms since the epoch: the REST API writes `2026-11-20T09:14:05.000+0000`
 * (no colon in the offset, which Date.parse does not take everywhere). Undefined when empty or not a time.
 */
export function salesforceTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Whether a change at `incomingMs` is older than the one the record shows. Compared in whole
 * seconds: Date/Time fields keep seconds for sure, so two changes within one second count as
 * the same moment and the later-delivered one is written (Weft delivers one order's commands in order).
 */
export function isOlder(incomingMs: number, storedMs: number | undefined): boolean {
  return storedMs !== undefined && Math.floor(incomingMs / 1000) < Math.floor(storedMs / 1000);
}
