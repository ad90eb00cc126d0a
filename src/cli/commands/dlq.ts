import { userInfo } from 'node:os';
import type { DeadLetterFilter, DeadLetters, ReplayPreview } from '../../delivery/dead-letters.ts';
import type { StoredCommand } from '../../ports/store.ts';
import type { CliContext, Command, CommandArgs } from '../command.ts';

// `weft dlq list|show|replay|discard`: the dead-letter queue from the command line. It works on the
// store directly, so it also works while the hub is down; a running hub picks replayed commands up
// within delivery.pollMs. Replays and discards are audited as `cli:<user>`.

const filterOptions = {
  target: { type: 'string' },
  code: { type: 'string' },
  key: { type: 'string' },
  action: { type: 'string' },
  'older-than': { type: 'string' },
  'newer-than': { type: 'string' },
  limit: { type: 'string' },
} as const;

const filterUsage = `Filters (combine freely):
  --target <name>       target system
  --code <error code>   code the command died with (target_rejected, attempts_exhausted, ...)
  --key <key>           business key (order id, sku@location, customer id)
  --action <name>       connector action
  --older-than <age>    enqueued at least this long ago (90s, 15m, 4h, 2d)
  --newer-than <age>    enqueued at most this long ago
  --limit <n>           at most n commands (default 100, at most 1000)`;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseAge(flag: string, value: string): number {
  const match = /^(\d+)([smhd])$/.exec(value.trim());
  if (!match) throw new UsageError(`--${flag} takes an age like 90s, 15m, 4h or 2d, not "${value}".`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

class UsageError extends Error {}

function filterOf(values: CommandArgs['values']): { filter: DeadLetterFilter; narrowed: boolean } {
  const filter: DeadLetterFilter = {};
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  if (text('target')) filter.target = text('target') as string;
  if (text('code')) filter.code = text('code') as string;
  if (text('key')) filter.key = text('key') as string;
  if (text('action')) filter.action = text('action') as string;
  if (text('older-than')) filter.olderThanMs = parseAge('older-than', text('older-than') as string);
  if (text('newer-than')) filter.newerThanMs = parseAge('newer-than', text('newer-than') as string);
  const narrowed = Object.keys(filter).length > 0;
  if (text('limit')) {
    const limit = Number(text('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit takes an integer from 1 to 1000.');
    filter.limit = limit;
  }
  return { filter, narrowed };
}

function age(from: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(from)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

function printList(context: CliContext, commands: readonly StoredCommand[]): void {
  const now = context.clock.now();
  context.out(['ID'.padEnd(30), 'TARGET'.padEnd(14), 'ACTION'.padEnd(20), 'KEY'.padEnd(30), 'CODE'.padEnd(20), 'TRIES'.padEnd(5), 'AGE'].join(' '));
  for (const c of commands) {
    context.out([c.id.padEnd(30), c.target.padEnd(14), c.action.padEnd(20), c.key.padEnd(30), (c.lastError?.code ?? '').padEnd(20), String(c.attempts).padEnd(5), age(c.createdAt, now)].join(' '));
  }
}

function printPreviews(context: CliContext, previews: readonly ReplayPreview[]): void {
  for (const preview of previews) {
    context.out(`${preview.commandId} → ${preview.target}.${preview.action} (key ${preview.key})`);
    if (preview.problem) context.out(`  would fail before sending: ${preview.problem.message} [${preview.problem.code}]`);
    for (const request of preview.requests) {
      context.out(`  ${request.method} ${request.url}`);
      for (const [name, value] of Object.entries(request.headers)) context.out(`  ${name}: ${value}`);
      if (request.body !== undefined) context.out(`  ${request.body.length > 2000 ? `${request.body.slice(0, 2000)}… (${request.body.length} bytes)` : request.body}`);
    }
  }
}

async function withDeadLetters(context: CliContext, fn: (deadLetters: DeadLetters) => Promise<number>): Promise<number> {
  const { deadLetters, close } = await context.openDeadLetters();
  try {
    return await fn(deadLetters);
  } catch (error) {
    if (error instanceof UsageError) {
      context.err(error.message);
      return 2;
    }
    throw error;
  } finally {
    await close();
  }
}

/** `weft dlq list`. */
export const dlqListCommand: Command = {
  name: 'dlq list',
  summary: 'List dead letters (commands delivery gave up on), newest first',
  usage: `weft dlq list [filters] [--json]

${filterUsage}`,
  options: { ...filterOptions, json: { type: 'boolean' } },
  run: (context, { values }) =>
    withDeadLetters(context, async (deadLetters) => {
      const commands = await deadLetters.list(filterOf(values).filter);
      if (values.json) for (const command of commands) context.out(JSON.stringify(command));
      else if (commands.length === 0) context.out('No dead letters match.');
      else printList(context, commands);
      return 0;
    }),
};

/** `weft dlq show`. */
export const dlqShowCommand: Command = {
  name: 'dlq show',
  summary: 'Show a dead letter: payload, every attempt, receipt, audit trail',
  usage: 'weft dlq show <command id> [--json]',
  options: { json: { type: 'boolean' } },
  positionals: true,
  run: (context, { values, positionals }) =>
    withDeadLetters(context, async (deadLetters) => {
      if (positionals.length !== 1) throw new UsageError('weft dlq show needs exactly one command id (see: weft dlq list).');
      const detail = await deadLetters.show(positionals[0] as string);
      if (values.json) {
        context.out(JSON.stringify(detail, null, 2));
        return 0;
      }
      const c = detail.command;
      context.out(`${c.id}  ${c.status}  ${c.target}.${c.action}  key ${c.key}  priority ${c.priority}`);
      context.out(`enqueued ${c.createdAt}  attempts ${c.attempts}  replays ${c.replays}${c.causationId ? `  caused by event ${c.causationId}` : ''}`);
      if (c.lastError) context.out(`reason: ${c.lastError.message} [${c.lastError.code}]`);
      context.out('payload:');
      context.out(JSON.stringify(c.payload, null, 2));
      context.out('attempts:');
      for (const a of detail.attempts) {
        context.out(`  #${a.attempt} ${a.startedAt} ${a.durationMs.toFixed(1)} ms ${a.outcome}${a.targetStatus ? ` HTTP ${a.targetStatus}` : ''}${a.errorCode ? ` ${a.errorCode}: ${a.errorMessage ?? ''}` : ''} (${a.owner})`);
      }
      if (detail.receipt) context.out(`receipt: ${detail.receipt.status}${detail.receipt.targetId ? ` ${detail.receipt.targetId}` : ''} at ${detail.receipt.at}`);
      for (const entry of detail.audit) context.out(`audit: ${entry.at} ${entry.actor} ${entry.action}: ${entry.reason}`);
      return 0;
    }),
};

function actionCommand(kind: 'replay' | 'discard'): Command {
  return {
    name: `dlq ${kind}`,
    summary: kind === 'replay' ? 'Replay dead letters (--dry-run shows what would be sent today)' : 'Discard dead letters for good, unparking their keys',
    usage: `weft dlq ${kind} (<command id>... | filters | --all) --reason "<why>" [--dry-run]

${kind === 'replay' ? 'Puts the commands back in the queue; they are delivered with today\'s mapping and configuration, in\norder per key. --dry-run prints the requests that would be sent, with secrets masked, and changes nothing.' : 'Lets the commands go (they are kept, marked discarded) so the commands queued behind them on the\nsame key can go. --dry-run lists what would be discarded.'}
Every ${kind} is recorded in the audit log with your user name and the reason.

${filterUsage}`,
    options: { ...filterOptions, reason: { type: 'string' }, 'dry-run': { type: 'boolean' }, all: { type: 'boolean' } },
    positionals: true,
    run: (context, { values, positionals }) =>
      withDeadLetters(context, async (deadLetters) => {
        const reason = typeof values.reason === 'string' ? values.reason : '';
        if (reason.trim() === '') throw new UsageError(`weft dlq ${kind} needs --reason "<why>": it goes in the audit log.`);
        const { filter, narrowed } = filterOf(values);
        if (positionals.length > 0 && narrowed) throw new UsageError('Give command ids or filters, not both.');
        if (positionals.length === 0 && !narrowed && !values.all) throw new UsageError(`Name the dead letters to ${kind}: command ids, filters, or --all.`);
        const selection = positionals.length > 0 ? { ids: positionals } : { filter };
        const result = await deadLetters[kind]({ ...selection, reason, actor: `cli:${userInfo().username}`, dryRun: values['dry-run'] === true });
        if (result.previews) printPreviews(context, result.previews);
        const verb = kind === 'replay' ? 'replay' : 'discard';
        context.err(result.dryRun ? `Dry run: would ${verb} ${result.commandIds.length} command(s); nothing changed.` : `${kind === 'replay' ? 'Replayed' : 'Discarded'} ${result.commandIds.length} command(s).`);
        if (!result.dryRun) for (const id of result.commandIds) context.out(id);
        return 0;
      }),
  };
}

/** `weft dlq replay`. */
export const dlqReplayCommand = actionCommand('replay');
/** `weft dlq discard`. */
export const dlqDiscardCommand = actionCommand('discard');
