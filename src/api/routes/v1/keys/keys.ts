import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import type { ApiKeyService } from '../../../../access/api-keys.ts';
import type { ApiKeyRecord } from '../../../../ports/store.ts';
import { InputError } from '../../../../errors/index.ts';
import { ApiKeySchema, CreateKeySchema, CreatedKeySchema } from '../../../schemas.ts';

function view(record: ApiKeyRecord) {
  return { id: record.id, name: record.name, scopes: record.scopes, createdAt: record.createdAt, revokedAt: record.revokedAt ?? null };
}

/** `/v1/keys`: list, create and revoke API keys (scope keys:manage). Revocation here takes effect at once. */
export function registerKeyRoutes(app: FastifyInstance, keys: ApiKeyService): void {
  const config = { scope: 'keys:manage' } as const;
  app.get('/v1/keys', { config, schema: { summary: 'List API keys', tags: ['keys'], response: { 200: Type.Object({ keys: Type.Array(ApiKeySchema) }) } } }, async () => ({
    keys: (await keys.list()).map(view),
  }));
  app.post<{ Body: Static<typeof CreateKeySchema> }>(
    '/v1/keys',
    { config, schema: { summary: 'Create an API key', tags: ['keys'], body: CreateKeySchema, response: { 201: CreatedKeySchema } } },
    async (request, reply) => {
      const issued = await keys.create(request.body.name, request.body.scopes);
      return reply.code(201).header('cache-control', 'no-store').send({ key: view(issued.record), token: issued.token });
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/keys/:id',
    { config, schema: { summary: 'Revoke an API key', tags: ['keys'], params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } },
    async (request, reply) => {
      if (!(await keys.revoke(request.params.id))) {
        throw new InputError('not_found', `No active API key ${request.params.id}.`);
      }
      return reply.code(204).send();
    },
  );
}
