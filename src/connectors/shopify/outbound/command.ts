// What the actions read from a command: the routed event ({type, subject, time, data}), Shopify's
// global ids and Shopify's decimal money. Checked once here, so each action names the event types
// it takes and nothing else.

import { InputError } from '../../../errors/index.ts';
import { currencyExponent, type ActionCommand } from '../../sdk/index.ts';

/** The event a route put in a command's payload. */
export interface RoutedEvent {
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

/** The routed event of a command, if its type is one the action takes; an InputError (terminal) otherwise. */
export function eventOf(command: ActionCommand, accepts: readonly string[], what: string): RoutedEvent {
  const payload = command.payload as Partial<RoutedEvent> | null | undefined;
  const type = payload?.type;
  if (typeof type !== 'string' || !accepts.includes(type) || typeof payload?.data !== 'object' || payload.data === null) {
    throw new InputError('command_invalid', `${what} takes ${accepts.join(' or ')} events, not ${JSON.stringify(type ?? null)}: check the route`);
  }
  return { type, subject: String(payload.subject ?? ''), data: payload.data };
}

/** A Shopify global id: gid://shopify/<Type>/<id>. */
export function gid(type: string, id: string): string {
  return id.startsWith('gid://') ? id : `gid://shopify/${type}/${id}`;
}

/** The tag that links a Shopify order to its Weft order (set by the tagOrder action, found by createFulfillment). */
export function weftOrderTag(orderId: string): string {
  return `weft:${orderId}`;
}

/**
 * Minor units as Shopify's Money scalar takes them: a decimal string with the currency's ISO 4217
 * decimals (12999 USD → "129.99", 500 JPY → "500"), built from digits so no float rounds it.
 */
export function moneyAmount(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const sign = minor < 0 ? '-' : '';
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
