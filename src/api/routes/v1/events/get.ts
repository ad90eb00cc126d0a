import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { InputError } from '../../../../errors/index.ts';
import type { Store } from '../../../../ports/store.ts';
import { EventsPageSchema, EventsQuerySchema } from '../../../schemas.ts';

/** `GET /v1/events`: read the log in order, or one subject's events in order. */
export function registerGetEvents(app: FastifyInstance, store: Store): void {
  app.get<{ Querystring: Static<typeof EventsQuerySchema> }>(
    '/v1/events',
    {
      config: { scope: 'events:read' },
      schema: {
        summary: 'Read events',
        description: 'Pages through the whole log by global position (`after`), or through one subject by sequence (`subject`, `afterSequence`).',
        tags: ['events'],
        querystring: EventsQuerySchema,
        response: { 200: EventsPageSchema },
      },
    },
    async (request) => {
      const { after, subject, afterSequence, type, limit } = request.query;
      if (subject !== undefined) {
        if (after !== undefined || type !== undefined) {
          throw new InputError('malformed_request', 'With subject, page by afterSequence (not after) and do not filter by type.', {
            problems: [{ pointer: after !== undefined ? '/querystring/after' : '/querystring/type', message: 'not allowed with subject' }],
          });
        }
        const events = await store.readSubject(subject, { afterSequence: afterSequence ?? 0, limit });
        const last = events.at(-1);
        const next = `subject=${encodeURIComponent(subject)}&afterSequence=${last?.sequence ?? afterSequence ?? 0}&limit=${limit}`;
        return { events, next };
      }
      if (afterSequence !== undefined) {
        throw new InputError('malformed_request', 'afterSequence pages within one subject; add subject, or page the log with after.', {
          problems: [{ pointer: '/querystring/afterSequence', message: 'needs subject' }],
        });
      }
      const events = await store.readAll({ after: after ?? 0, limit, ...(type ? { types: type } : {}) });
      const last = events.at(-1);
      const types = (type ?? []).map((t) => `&type=${encodeURIComponent(t)}`).join('');
      const next = `after=${last?.position ?? after ?? 0}&limit=${limit}${types}`;
      return { events, next };
    },
  );
}
