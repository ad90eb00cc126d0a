import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import type { DeadLetterFilter, DeadLetters } from '../../../../delivery/dead-letters.ts';
import type { StoredCommand } from '../../../../ports/store.ts';
import { principalOf } from '../../../principal.ts';

// `/v1/dead-letters`: the admin API of the dead-letter queue. Reading needs deliveries:read; replay
// and discard need deliveries:manage, take a reason, and are audited under the caller's key id.

const FilterQuery = Type.Object(
  {
    target: Type.Optional(Type.String({ maxLength: 64, description: 'Target system name.' })),
    code: Type.Optional(Type.String({ maxLength: 64, description: 'Error code the command died with.' })),
    key: Type.Optional(Type.String({ maxLength: 512, description: 'Business key (order id, sku@location, customer id).' })),
    action: Type.Optional(Type.String({ maxLength: 128, description: 'Connector action.' })),
    olderThanSeconds: Type.Optional(Type.Integer({ minimum: 0, description: 'Only commands enqueued at least this long ago.' })),
    newerThanSeconds: Type.Optional(Type.Integer({ minimum: 0, description: 'Only commands enqueued at most this long ago.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Most commands returned or acted on.' })),
    beforeSeq: Type.Optional(Type.Integer({ minimum: 1, description: 'Page: commands enqueued before this seq (take `nextBeforeSeq` of the previous page).' })),
  },
  { additionalProperties: false },
);

const ActionBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Why: kept in the audit log.' }),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Show what would happen (for a replay: the requests that would be sent today) without changing anything.' })),
    ids: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 1000, description: 'Commands to act on; or give `filter`.' })),
    filter: Type.Optional(FilterQuery),
  },
  { additionalProperties: false },
);

const SingleBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Why: kept in the audit log.' }),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Show what would happen without changing anything.' })),
  },
  { additionalProperties: false },
);

function toFilter(query: Static<typeof FilterQuery>): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  if (query.target !== undefined) filter.target = query.target;
  if (query.code !== undefined) filter.code = query.code;
  if (query.key !== undefined) filter.key = query.key;
  if (query.action !== undefined) filter.action = query.action;
  if (query.olderThanSeconds !== undefined) filter.olderThanMs = query.olderThanSeconds * 1000;
  if (query.newerThanSeconds !== undefined) filter.newerThanMs = query.newerThanSeconds * 1000;
  if (query.limit !== undefined) filter.limit = query.limit;
  if (query.beforeSeq !== undefined) filter.beforeSeq = query.beforeSeq;
  return filter;
}

/** A command as the API shows it. */
export function commandView(command: StoredCommand) {
  return {
    id: command.id,
    seq: command.seq,
    target: command.target,
    action: command.action,
    key: command.key,
    status: command.status,
    priority: command.priority,
    attempts: command.attempts,
    replays: command.replays,
    lastError: command.lastError ?? null,
    createdAt: command.createdAt,
    updatedAt: command.updatedAt,
    availableAt: command.availableAt,
    causationId: command.causationId ?? null,
    payload: command.payload,
  };
}

/** Registers the dead-letter routes. */
export function registerDeadLetterRoutes(app: FastifyInstance, deadLetters: DeadLetters): void {
  const read = { scope: 'deliveries:read' } as const;
  const manage = { scope: 'deliveries:manage' } as const;
  const tags = ['dead letters'];

  app.get<{ Querystring: Static<typeof FilterQuery> }>(
    '/v1/dead-letters',
    { config: read, schema: { summary: 'List dead letters, newest first', tags, querystring: FilterQuery } },
    async (request) => {
      const filter = toFilter(request.query);
      const commands = await deadLetters.list(filter);
      const limit = filter.limit ?? 100;
      return { deadLetters: commands.map(commandView), nextBeforeSeq: commands.length === limit ? (commands.at(-1)?.seq ?? null) : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/dead-letters/:id',
    { config: read, schema: { summary: 'A command with its payload, every attempt, its receipt and audit trail', tags, params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } },
    async (request) => {
      const detail = await deadLetters.show(request.params.id);
      return { command: commandView(detail.command), attempts: detail.attempts, receipt: detail.receipt ?? null, audit: detail.audit };
    },
  );

  const act = (kind: 'replay' | 'discard') => async (request: { body: Static<typeof ActionBody> }, actor: string) => {
    const { reason, dryRun, ids, filter } = request.body;
    const selection = { ...(ids ? { ids } : {}), ...(filter ? { filter: toFilter(filter) } : {}) };
    const result = await deadLetters[kind]({ ...selection, reason, actor, dryRun: dryRun === true });
    return { [kind === 'replay' ? 'replayed' : 'discarded']: result.commandIds, dryRun: result.dryRun, ...(result.previews ? { previews: result.previews } : {}) };
  };
  for (const kind of ['replay', 'discard'] as const) {
    app.post<{ Body: Static<typeof ActionBody> }>(
      `/v1/dead-letters/${kind}`,
      { config: manage, schema: { summary: `${kind === 'replay' ? 'Replay' : 'Discard'} several dead letters (by ids or filter), audited`, tags, body: ActionBody } },
      async (request) => act(kind)(request, principalOf(request).keyId),
    );
    app.post<{ Params: { id: string }; Body: Static<typeof SingleBody> }>(
      `/v1/dead-letters/:id/${kind}`,
      {
        config: manage,
        schema: { summary: `${kind === 'replay' ? 'Replay' : 'Discard'} one dead letter, audited`, tags, params: Type.Object({ id: Type.String({ maxLength: 64 }) }), body: SingleBody },
      },
      async (request) => act(kind)({ body: { ...request.body, ids: [request.params.id] } }, principalOf(request).keyId),
    );
  }
}
