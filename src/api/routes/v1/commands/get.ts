import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { InputError } from '../../../../errors/index.ts';
import type { Store } from '../../../../ports/store.ts';
import { commandView } from '../dead-letters/dead-letters.ts';

// `/v1/commands`: what Weft sent (or is sending) to which system, whatever the outcome. The usual
// question is "what happened to order X": `?key=ord_…` lists every command of that business key
// across targets, and `/v1/commands/{id}` shows one with its attempts and receipt.

const Query = Type.Object(
  {
    key: Type.Optional(Type.String({ maxLength: 512, description: 'Business key (order id, sku@location, customer id).' })),
    target: Type.Optional(Type.String({ maxLength: 64, description: 'Target system name.' })),
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('dead'), Type.Literal('discarded')], { description: 'Command status.' })),
    action: Type.Optional(Type.String({ maxLength: 128, description: 'Connector action.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Most commands returned.' })),
    beforeSeq: Type.Optional(Type.Integer({ minimum: 1, description: 'Page: commands enqueued before this seq (take `nextBeforeSeq` of the previous page).' })),
  },
  { additionalProperties: false },
);

/** Registers the command routes (deliveries:read). */
export function registerCommandRoutes(app: FastifyInstance, store: Store): void {
  const config = { scope: 'deliveries:read' } as const;
  app.get<{ Querystring: Static<typeof Query> }>(
    '/v1/commands',
    { config, schema: { summary: 'Commands to target systems, newest first, by business key, target or status', tags: ['deliveries'], querystring: Query } },
    async (request) => {
      const { key, target, status, action, beforeSeq } = request.query;
      const limit = request.query.limit ?? 100;
      const commands = await store.listCommands({
        limit,
        ...(key === undefined ? {} : { key }),
        ...(target === undefined ? {} : { target }),
        ...(status === undefined ? {} : { status }),
        ...(action === undefined ? {} : { action }),
        ...(beforeSeq === undefined ? {} : { beforeSeq }),
      });
      return { commands: commands.map(commandView), nextBeforeSeq: commands.length === limit ? (commands.at(-1)?.seq ?? null) : null };
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1/commands/:id',
    { config, schema: { summary: 'One command with every attempt and its receipt', tags: ['deliveries'], params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } },
    async (request) => {
      const command = await store.command(request.params.id);
      if (!command) throw new InputError('not_found', `No command ${request.params.id}.`);
      const [attempts, receipt] = await Promise.all([store.commandAttempts(command.id), store.receipt(command.id)]);
      return { command: commandView(command), attempts, receipt: receipt ?? null };
    },
  );
}
