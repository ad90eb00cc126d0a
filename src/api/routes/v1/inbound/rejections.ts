import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import type { Inbound } from '../../../../ingest/inbound.ts';
import { principalOf } from '../../../principal.ts';

// `/v1/inbound/rejections`: webhooks and polled changes Weft could not take in, with their reason
// (and body, once the signature held). Reading needs inbound:read; replay (with today's mappings)
// and discard need inbound:manage, take a reason, and are audited under the caller's key id.

const ListQuery = Type.Object(
  {
    source: Type.Optional(Type.String({ maxLength: 64, description: 'Source system name.' })),
    status: Type.Optional(Type.Enum(['open', 'replayed', 'discarded'], { description: 'open until replayed or discarded.' })),
    code: Type.Optional(Type.String({ maxLength: 64, description: 'Error code (webhook_signature_invalid, mapping_failed, ...).' })),
    before: Type.Optional(Type.String({ maxLength: 64, description: 'Page: rejections older than this one (take `nextBefore`).' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Why: kept in the audit log.' }) }, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Registers the inbound rejection routes. */
export function registerInboundRejectionRoutes(app: FastifyInstance, inbound: Inbound): void {
  const tags = ['inbound'];
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/inbound/rejections',
    { config: { scope: 'inbound:read' }, schema: { summary: 'List inbound rejections, newest first', tags, querystring: ListQuery } },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const list = await inbound.listRejections({ ...request.query, limit });
      // The listing leaves bodies out: they can be large; GET one to read it.
      return { rejections: list.map(({ body, ...rest }) => ({ ...rest, hasBody: body !== undefined })), nextBefore: list.length === limit ? (list.at(-1)?.id ?? null) : null };
    },
  );
  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/inbound/rejections/:id',
    { config: { scope: 'inbound:read' }, schema: { summary: 'One inbound rejection with its body and problems', tags, params: IdParams } },
    async (request) => ({ rejection: await inbound.rejection(request.params.id) }),
  );
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof Reason> }>(
    '/v1/inbound/rejections/:id/replay',
    { config: { scope: 'inbound:manage' }, schema: { summary: 'Take a rejection in again with today\'s mappings, audited', tags, params: IdParams, body: Reason } },
    async (request) => ({ outcome: await inbound.replayRejection(request.params.id, principalOf(request).keyId, request.body.reason) }),
  );
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof Reason> }>(
    '/v1/inbound/rejections/:id/discard',
    { config: { scope: 'inbound:manage' }, schema: { summary: 'Let a rejection go, audited', tags, params: IdParams, body: Reason } },
    async (request, reply) => {
      await inbound.discardRejection(request.params.id, principalOf(request).keyId, request.body.reason);
      return reply.code(204).send();
    },
  );
}
