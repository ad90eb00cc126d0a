import type { StoredEvent } from '../../ports/store.ts';
import type { Command } from '../command.ts';

/** One event as a line for humans. */
export function eventLine(event: StoredEvent): string {
  return `${String(event.position).padStart(8)}  ${event.recordedtime}  ${event.type.padEnd(36)}  ${event.subject}#${event.sequence}  ${event.id}`;
}

/** `weft events tail`: the newest events of the log (or of one subject), optionally following new ones. */
export const eventsTailCommand: Command = {
  name: 'events tail',
  summary: 'Print the newest events; -f follows new ones',
  usage: `weft events tail [-n <count>] [-f] [--subject <key>] [--type <type>]... [--after <position>] [--json]

  -n, --lines <count>   How many of the newest events to print first (default 20)
  -f, --follow          Keep printing new events as they are appended (Ctrl-C stops)
  --subject <key>       Only events of one subject (order id, SKU@location, ...)
  --type <type>         Only events of this type (repeatable)
  --after <position>    Start after this global position instead of the newest events
  --json                One CloudEvent per line (JSON) instead of a table
  --poll-ms <ms>        With -f: how often to look for new events (default 250)`,
  options: {
    lines: { type: 'string', short: 'n' },
    follow: { type: 'boolean', short: 'f' },
    subject: { type: 'string' },
    type: { type: 'string', multiple: true },
    after: { type: 'string' },
    json: { type: 'boolean' },
    'poll-ms': { type: 'string' },
  },
  async run(context, { values }) {
    const lines = values.lines === undefined ? 20 : Number(values.lines);
    const after = values.after === undefined ? undefined : Number(values.after);
    const pollMs = values['poll-ms'] === undefined ? 250 : Number(values['poll-ms']);
    if (!Number.isInteger(lines) || lines < 0 || (after !== undefined && (!Number.isInteger(after) || after < 0))) {
      context.err('--lines and --after take non-negative whole numbers. See: weft events tail --help');
      return 2;
    }
    if (!Number.isInteger(pollMs) || pollMs < 10) {
      context.err('--poll-ms takes a whole number of milliseconds, at least 10. See: weft events tail --help');
      return 2;
    }
    const subject = typeof values.subject === 'string' ? values.subject : undefined;
    const types = Array.isArray(values.type) ? values.type : undefined;
    if (subject && types) {
      context.err('--subject and --type cannot be combined: a subject is read in its own order.');
      return 2;
    }
    const print = (event: StoredEvent) => context.out(values.json ? JSON.stringify(event) : eventLine(event));
    const store = await context.openStore();
    try {
      let cursor: number;
      if (subject) cursor = after ?? Math.max(0, (await store.subjectVersion(subject)) - lines);
      else cursor = after ?? Math.max(0, (await store.lastPosition()) - lines);
      // Without a type filter the window above is exact; with one, print what the window holds.
      const page = async (): Promise<StoredEvent[]> =>
        subject ? store.readSubject(subject, { afterSequence: cursor, limit: 1000 }) : store.readAll({ after: cursor, limit: 1000, ...(types ? { types } : {}) });
      const drain = async (): Promise<void> => {
        for (let events = await page(); events.length > 0; events = await page()) {
          for (const event of events) print(event);
          const last = events.at(-1) as StoredEvent;
          cursor = subject ? last.sequence : last.position;
        }
      };
      await drain();
      if (!values.follow) return 0;
      let stop = false;
      void context.stopRequested().then(() => (stop = true));
      while (!stop) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        await drain();
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
