import { ConflictError, InputError, WeftError } from '../errors/index.ts';
import type { DeliveryTarget, RequestPreview } from '../ports/connector.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { AuditEntry, DeliveryAttempt, DeliveryReceipt, Store, StoredAuditEntry, StoredCommand } from '../ports/store.ts';
import { classifyFailure } from './classify.ts';

// Dead letters: commands delivery gave up on, each parking its key. Operators list and filter them,
// read one with its payload and every attempt, replay (after a dry run that shows what would be sent
// with today's mapping and config) or discard them with a reason. Every replay and discard is
// audited with who, when and why. Served by `weft dlq ...` and by /v1/dead-letters.

/** Which dead letters an operation is about; every field narrows. */
export interface DeadLetterFilter {
  target?: string;
  /** Code of the error it died with. */
  code?: string;
  /** Business key (an order id, `sku@location`). */
  key?: string;
  action?: string;
  /** Only those enqueued at least this long ago, in ms. */
  olderThanMs?: number;
  /** Only those enqueued at most this long ago, in ms. */
  newerThanMs?: number;
  /** Most to return or act on (default 100, at most 1000). */
  limit?: number;
  /** Page: only commands enqueued before the one with this seq. */
  beforeSeq?: number;
}

/** A dead letter in full. */
export interface DeadLetterDetail {
  command: StoredCommand;
  attempts: DeliveryAttempt[];
  receipt: DeliveryReceipt | undefined;
  audit: StoredAuditEntry[];
}

/** What a replay would send for one command, or why it would fail before sending. */
export interface ReplayPreview {
  commandId: string;
  target: string;
  action: string;
  key: string;
  requests: RequestPreview[];
  /** Set when today's config cannot deliver it (unknown target or action, a mapping error). */
  problem?: { code: string; message: string };
}

/** The outcome of a replay or discard of several dead letters. */
export interface DeadLetterActionResult {
  /** Commands acted on (or, for a dry run, that would be). */
  commandIds: string[];
  dryRun: boolean;
  /** For a dry-run replay: what would be sent. */
  previews?: ReplayPreview[];
}

/** The dead-letter operations. `actor` names who acts (an API key id, `cli:<user>`). */
export interface DeadLetters {
  list(filter: DeadLetterFilter): Promise<StoredCommand[]>;
  /** One command with its attempts, receipt and audit trail; any status (a replayed one too). */
  show(id: string): Promise<DeadLetterDetail>;
  /** Previews what a replay of these commands would send today, without changing anything. */
  preview(commands: readonly StoredCommand[]): Promise<ReplayPreview[]>;
  replay(request: { ids?: readonly string[]; filter?: DeadLetterFilter; reason: string; actor: string; dryRun?: boolean }): Promise<DeadLetterActionResult>;
  discard(request: { ids?: readonly string[]; filter?: DeadLetterFilter; reason: string; actor: string; dryRun?: boolean }): Promise<DeadLetterActionResult>;
}

/** What the service needs. `targets` is the configuration in force (for dry runs). */
export interface DeadLettersDeps {
  store: Store;
  targets: ReadonlyMap<string, DeliveryTarget>;
  clock: Clock;
  ids: IdGenerator;
  /** Called after a replay so the running engine looks at once. */
  onReplayed?: (targets: ReadonlySet<string>) => void;
}

const MAX_LIMIT = 1000;

/** Creates the dead-letter service. */
export function createDeadLetters(deps: DeadLettersDeps): DeadLetters {
  const { store, clock } = deps;

  async function list(filter: DeadLetterFilter): Promise<StoredCommand[]> {
    const limit = filter.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InputError('malformed_request', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
    const now = clock.now();
    return store.listCommands({
      status: 'dead',
      limit,
      ...(filter.target === undefined ? {} : { target: filter.target }),
      ...(filter.code === undefined ? {} : { errorCode: filter.code }),
      ...(filter.key === undefined ? {} : { key: filter.key }),
      ...(filter.action === undefined ? {} : { action: filter.action }),
      ...(filter.olderThanMs === undefined ? {} : { createdBefore: new Date(now - filter.olderThanMs).toISOString() }),
      ...(filter.newerThanMs === undefined ? {} : { createdAfter: new Date(now - filter.newerThanMs).toISOString() }),
      ...(filter.beforeSeq === undefined ? {} : { beforeSeq: filter.beforeSeq }),
    });
  }

  /** The dead letters a request names: by ids (each must be dead) or by filter. */
  async function select(request: { ids?: readonly string[]; filter?: DeadLetterFilter }): Promise<StoredCommand[]> {
    if ((request.ids === undefined) === (request.filter === undefined)) throw new InputError('malformed_request', 'Name the dead letters either by ids or by a filter, not both and not neither.');
    if (request.filter) return list(request.filter);
    const ids = [...new Set(request.ids)];
    if (ids.length === 0 || ids.length > MAX_LIMIT) throw new InputError('malformed_request', `Give 1 to ${MAX_LIMIT} command ids.`);
    const commands: StoredCommand[] = [];
    for (const id of ids) {
      const command = await store.command(id);
      if (!command) throw new WeftError('not_found', `No command ${id}.`);
      if (command.status !== 'dead') throw new ConflictError('not_dead_letter', `Command ${id} is ${command.status}, not a dead letter; nothing was changed.`);
      commands.push(command);
    }
    return commands;
  }

  function requireReason(reason: string): string {
    const trimmed = reason.trim();
    if (trimmed.length === 0) throw new InputError('malformed_request', 'A reason is required: it goes in the audit log.');
    if (trimmed.length > 1000) throw new InputError('malformed_request', 'The reason is longer than 1,000 characters.');
    return trimmed;
  }

  async function preview(commands: readonly StoredCommand[]): Promise<ReplayPreview[]> {
    const previews: ReplayPreview[] = [];
    for (const command of commands) {
      const base = { commandId: command.id, target: command.target, action: command.action, key: command.key, requests: [] as RequestPreview[] };
      const target = deps.targets.get(command.target);
      if (!target) {
        previews.push({ ...base, problem: { code: 'unknown_target', message: `No target named ${command.target} is configured.` } });
        continue;
      }
      const action = target.actions[command.action];
      if (!action) {
        previews.push({ ...base, problem: { code: 'unknown_action', message: `Target ${target.name} (connector ${target.connector}) has no action "${command.action}".` } });
        continue;
      }
      try {
        const requests = await action.preview({
          id: command.id,
          target: command.target,
          action: command.action,
          key: command.key,
          payload: command.payload,
          attempt: 1,
          createdAt: command.createdAt,
          causationId: command.causationId,
          traceparent: command.traceparent,
        });
        previews.push({ ...base, requests });
      } catch (error) {
        const failure = classifyFailure(error);
        previews.push({ ...base, problem: { code: failure.code, message: failure.message } });
      }
    }
    return previews;
  }

  function auditEntries(commands: readonly StoredCommand[], action: string, actor: string, reason: string): AuditEntry[] {
    return commands.map((command) => ({
      id: deps.ids.next('auditEntry'),
      actor,
      action,
      subject: command.id,
      reason,
      details: { target: command.target, action: command.action, key: command.key, lastError: command.lastError ?? null, attempts: command.attempts },
    }));
  }

  return {
    list,
    async show(id) {
      const command = await store.command(id);
      if (!command) throw new WeftError('not_found', `No command ${id}.`);
      const [attempts, receipt, audit] = await Promise.all([store.commandAttempts(id), store.receipt(id), store.auditLog({ subject: id, limit: 100 })]);
      return { command, attempts, receipt, audit };
    },
    preview,
    async replay(request) {
      const reason = requireReason(request.reason);
      const commands = await select(request);
      const ids = commands.map((command) => command.id);
      if (request.dryRun) return { commandIds: ids, dryRun: true, previews: await preview(commands) };
      if (commands.length > 0) {
        const result = await store.commit({ requeue: ids.map((id) => ({ id })), audit: auditEntries(commands, 'dlq.replay', request.actor, reason) });
        if (result.status !== 'committed') throw new Error(`replay not committed: ${result.status}`);
        deps.onReplayed?.(new Set(commands.map((command) => command.target)));
      }
      return { commandIds: ids, dryRun: false };
    },
    async discard(request) {
      const reason = requireReason(request.reason);
      const commands = await select(request);
      const ids = commands.map((command) => command.id);
      if (request.dryRun || commands.length === 0) return { commandIds: ids, dryRun: request.dryRun === true };
      const result = await store.commit({ discard: ids.map((id) => ({ id, reason })), audit: auditEntries(commands, 'dlq.discard', request.actor, reason) });
      if (result.status !== 'committed') throw new Error(`discard not committed: ${result.status}`);
      // Discarding unparks keys: commands queued behind them may go now.
      deps.onReplayed?.(new Set(commands.map((command) => command.target)));
      return { commandIds: ids, dryRun: false };
    },
  };
}
