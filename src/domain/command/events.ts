import Type, { type Static } from 'typebox';
import { Instant, SystemName, VendorId } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';
import { defineEvent } from '../events/define-event.ts';

// What became of a command to a system, for the processes that wait on it: the ERP took the sales
// order (and its id there), or the command is dead and needs a person. Appended by the delivery
// engine in the same transaction as the command's settlement, for the commands that ask for it
// (a process's commands do). Subject: the command's business key (an order id), so the result sits
// in the order's timeline and moves the order's process.

const CommandFields = {
  commandId: CanonicalId('command', 'The command the result is of.'),
  target: Type.With(SystemName, { description: 'The system the command went to, by its configured name.' }),
  action: Type.String({ minLength: 1, maxLength: 128, description: 'The connector action it ran (`upsertSalesOrder`).' }),
  key: Type.String({ minLength: 1, maxLength: 512, description: 'The command\'s business key (an order id, `sku@location`, a customer id).' }),
};

/** Data of `weft.command.delivered.v1`. */
export const CommandDelivered = Type.Object(
  {
    ...CommandFields,
    targetId: Type.Optional(Type.With(VendorId, { description: 'The id of the record in the target system, when it gave one.' })),
    status: Type.String({ minLength: 1, maxLength: 100, description: 'What the target did (`created`, `updated`, `already_exists`, ...).' }),
    attempts: Type.Integer({ minimum: 1, description: 'Attempts it took, the successful one included.' }),
    occurredAt: Instant('When the delivery succeeded'),
  },
  objectOptions('CommandDelivered', 'A command took effect in its target system.'),
);
/** Data of `weft.command.delivered.v1`. */
export type CommandDelivered = Static<typeof CommandDelivered>;

/** Data of `weft.command.failed.v1`. */
export const CommandFailed = Type.Object(
  {
    ...CommandFields,
    code: Type.String({ minLength: 1, maxLength: 64, description: 'Error code it died with (docs/errors.md).' }),
    message: Type.String({ maxLength: 1000, description: 'What went wrong, as the target or the engine said it.' }),
    attempts: Type.Integer({ minimum: 1, description: 'Attempts made.' }),
    occurredAt: Instant('When the command was dead-lettered'),
  },
  objectOptions('CommandFailed', 'A command was dead-lettered: it will not take effect unless someone replays it.'),
);
/** Data of `weft.command.failed.v1`. */
export type CommandFailed = Static<typeof CommandFailed>;

/** `weft.command.delivered.v1`. */
export const commandDelivered = defineEvent({
  type: 'weft.command.delivered.v1',
  area: 'command',
  description: 'A command took effect in its target system (appended with its settlement, for commands that ask for their result, such as a process\'s).',
  data: CommandDelivered,
  subjectOf: (data) => data.key,
});

/** `weft.command.failed.v1`. */
export const commandFailed = defineEvent({
  type: 'weft.command.failed.v1',
  area: 'command',
  description: 'A command was dead-lettered (terminal error, attempts exhausted or too old); a replay may still deliver it.',
  data: CommandFailed,
  subjectOf: (data) => data.key,
});

/** The command area's catalogue entries. */
export const commandEvents = [commandDelivered, commandFailed] as const;
