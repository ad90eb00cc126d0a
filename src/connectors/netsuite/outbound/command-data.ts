import { InputError } from '../../../errors/index.ts';
import { currencyExponent, type ActionCommand } from '../../sdk/index.ts';

// What every action reads from its command: the canonical data (a route hands either the event
// or its data), fields checked with a message naming the command and the field, and money as
// the decimal strings NetSuite takes. A command that cannot be turned into a request fails with
// `command_invalid`: it is not retried, it goes to the dead letters saying which field.

/** The canonical event data of a command: `payload.data` when the payload is an event, else the payload. */
export function commandData(command: ActionCommand): Record<string, unknown> {
  const payload = command.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid(command, '', 'the payload is not an object');
  const record = payload as Record<string, unknown>;
  if (typeof record.type === 'string' && typeof record.data === 'object' && record.data !== null) return record.data as Record<string, unknown>;
  return record;
}

/** The event type of a command whose payload is an event, else undefined. */
export function commandEventType(command: ActionCommand): string | undefined {
  const payload = command.payload as Record<string, unknown> | null;
  return typeof payload?.type === 'string' ? payload.type : undefined;
}

/** A `command_invalid` error naming the command, the action and the field (a JSON Pointer into the data). */
export function invalid(command: ActionCommand, pointer: string, message: string): InputError {
  return new InputError('command_invalid', `Command ${command.id} (${command.action}): ${pointer === '' ? 'data' : pointer} ${message}`, { problems: [{ pointer, message }] });
}

/** A non-empty string at `data[key]`, or a command_invalid error. */
export function stringAt(command: ActionCommand, data: Record<string, unknown>, key: string, pointer = `/${key}`): string {
  const value = data[key];
  if (typeof value !== 'string' || value === '') throw invalid(command, pointer, `must be a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

/** An array at `data[key]`, or a command_invalid error. */
export function arrayAt(command: ActionCommand, data: Record<string, unknown>, key: string, pointer = `/${key}`): Record<string, unknown>[] {
  const value = data[key];
  if (!Array.isArray(value)) throw invalid(command, pointer, 'must be an array');
  return value as Record<string, unknown>[];
}

/**
 * An id usable as a NetSuite external id in a URL (`eid:<id>`): NetSuite allows letters, digits,
 * `_` and `-`. Weft's canonical ids always are; anything else is refused here rather than by NetSuite.
 */
export function externalIdAt(command: ActionCommand, data: Record<string, unknown>, key: string): string {
  const value = stringAt(command, data, key);
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw invalid(command, `/${key}`, `"${value}" cannot be a NetSuite external id (letters, digits, _ and - only)`);
  return value;
}

/** Integer minor units of `currency` as a decimal string (12999 EUR → "129.99", 500 JPY → "500"), without floats. */
export function decimalOf(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** The amount (minor units) of a canonical Money at `data[key]`, or a command_invalid error. */
export function moneyAt(command: ActionCommand, data: Record<string, unknown>, key: string, pointer = `/${key}`): { amount: number; currency: string } {
  const value = data[key] as { amount?: unknown; currency?: unknown } | undefined;
  if (typeof value?.amount !== 'number' || !Number.isSafeInteger(value.amount) || typeof value.currency !== 'string') throw invalid(command, pointer, 'must be Money {amount, currency}');
  return { amount: value.amount, currency: value.currency };
}
