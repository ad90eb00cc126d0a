import { TargetError } from '../../../errors/index.ts';
import type { ActionCommand } from '../../sdk/index.ts';

// What an action reads from a command: routes feed either the whole event ({type, subject, data})
// or its data alone; both are accepted, and the event type (when given) is checked against the
// types the action handles, so a mis-routed event fails as `command_invalid` instead of writing junk.

/** The canonical data of a command, and its event type when the payload is a whole event. */
export function commandData(command: ActionCommand, accepts: readonly string[]): { type: string | undefined; data: Record<string, unknown> } {
  const payload = command.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid(command, 'the payload is not an object');
  const record = payload as Record<string, unknown>;
  const isEvent = typeof record.type === 'string' && typeof record.data === 'object' && record.data !== null;
  const type = isEvent ? (record.type as string) : undefined;
  if (type !== undefined && !accepts.includes(type)) throw invalid(command, `it carries ${type}; this action takes ${accepts.join(', ')}`);
  return { type, data: (isEvent ? record.data : record) as Record<string, unknown> };
}

/** A TargetError `command_invalid` (not retried) naming the command and the action. */
export function invalid(command: ActionCommand, problem: string): TargetError {
  return new TargetError('command_invalid', `Command ${command.id} for ${command.target}.${command.action} cannot be sent to Square: ${problem}.`);
}
