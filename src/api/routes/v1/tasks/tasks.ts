import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { InputError } from '../../../../errors/index.ts';
import type { ProcessRunner } from '../../../../processes/engine/runner.ts';
import type { Store } from '../../../../ports/store.ts';
import { principalOf } from '../../../principal.ts';

// `/v1/tasks`: the exceptions queue. Processes open a task when a person must decide (a stock
// mismatch at release, a payment under review); people list them, claim one, and resolve it with
// one of its options; the process follows the decision in the same commit. Reading needs
// tasks:read; claiming and resolving need tasks:manage and are audited under the caller's key.

const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(['open', 'claimed', 'resolved', 'cancelled'])),
    process: Type.Optional(Type.String({ maxLength: 64 })),
    key: Type.Optional(Type.String({ maxLength: 300, description: 'Business key (an order id).' })),
    kind: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ResolveBody = Type.Object(
  {
    decision: Type.String({ minLength: 1, maxLength: 64, description: 'One of the task\'s options.' }),
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'Why: kept with the task and in the audit log.' })),
    values: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.String({ minLength: 1, maxLength: 200 }), {
        maxProperties: 100,
        description: 'What some decisions need, checked by the process before anything is done: e.g. stock_short\'s substitute takes {"<order line id>": "<substitute SKU>"}.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Registers the task routes. */
export function registerTaskRoutes(app: FastifyInstance, deps: { store: Store; processes: ProcessRunner }): void {
  const tags = ['tasks'];
  app.get<{ Querystring: Static<typeof ListQuery> }>('/v1/tasks', { config: { scope: 'tasks:read' }, schema: { summary: 'The exceptions queue: tasks for people, newest first', tags, querystring: ListQuery } }, async (request) => ({
    tasks: await deps.store.listTasks({ ...request.query, limit: request.query.limit ?? 100 }),
  }));
  app.get<{ Params: Static<typeof IdParams> }>('/v1/tasks/:id', { config: { scope: 'tasks:read' }, schema: { summary: 'One task', tags, params: IdParams } }, async (request) => {
    const task = await deps.store.task(request.params.id);
    if (!task) throw new InputError('not_found', `No task ${request.params.id}.`);
    return { task };
  });
  app.post<{ Params: Static<typeof IdParams> }>('/v1/tasks/:id/claim', { config: { scope: 'tasks:manage' }, schema: { summary: 'Claim an open task', tags, params: IdParams } }, async (request) => ({
    task: await deps.processes.claimTask(request.params.id, principalOf(request).keyId),
  }));
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ResolveBody> }>(
    '/v1/tasks/:id/resolve',
    { config: { scope: 'tasks:manage' }, schema: { summary: 'Resolve a task with one of its options; the process follows it', tags, params: IdParams, body: ResolveBody } },
    async (request) => ({
      task: await deps.processes.resolveTask(request.params.id, { decision: request.body.decision, ...(request.body.note === undefined ? {} : { note: request.body.note }), ...(request.body.values === undefined ? {} : { values: request.body.values }), actor: principalOf(request).keyId }),
    }),
  );
}
