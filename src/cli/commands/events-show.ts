import type { Command } from '../command.ts';

/** `weft events show`: one event in full, by position or id. */
export const eventsShowCommand: Command = {
  name: 'events show',
  summary: 'Print one event in full, by global position or event id',
  usage: `weft events show <position | event id>

Prints the complete CloudEvent as JSON. An id used by several sources prints each event.`,
  options: {},
  positionals: true,
  async run(context, { positionals }) {
    const [ref, ...rest] = positionals;
    if (!ref || rest.length > 0) {
      context.err('weft events show needs one position or event id.');
      return 2;
    }
    const store = await context.openStore();
    try {
      const events = /^\d+$/.test(ref) ? [await store.eventAt(Number(ref))].filter((event) => event !== undefined) : [];
      if (events.length === 0) events.push(...(await store.eventsWithId(ref)));
      if (events.length === 0) {
        context.err(`No event at position or with id "${ref}".`);
        return 1;
      }
      for (const event of events) context.out(JSON.stringify(event, null, 2));
      return 0;
    } finally {
      await store.close();
    }
  },
};
