import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { idempotencyKey } from '../../../idempotency.ts';
import type { AppendEvents, BodyShape } from '../../../../ingest/append-events.ts';
import { principalOf } from '../../../principal.ts';
import { AppendResponseSchema, EventsRequestBodySchema } from '../../../schemas.ts';

const shapes: Record<string, BodyShape> = {
  'application/json': 'either',
  'application/cloudevents+json': 'single',
  'application/cloudevents-batch+json': 'batch',
};

/** `POST /v1/events`: append one canonical event or a batch, durably, before answering. */
export function registerPostEvents(app: FastifyInstance, appendEvents: AppendEvents): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // Only JSON is accepted anywhere; text/plain would otherwise reach handlers as a string.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(Object.keys(shapes), { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    parseJson(request, body as string, done);
  });

  app.post(
    '/v1/events',
    {
      config: { scope: 'events:write' },
      schema: {
        summary: 'Append canonical events',
        description:
          'Appends one CloudEvent (application/json or application/cloudevents+json) or a batch (a JSON array, or application/cloudevents-batch+json). ' +
          'The answer comes after the events are durable. A batch is all or nothing. Send an Idempotency-Key to make retries safe; ' +
          'an event whose (source, id) the log already holds is reported as a duplicate and not appended twice.',
        tags: ['events'],
        body: EventsRequestBodySchema,
        response: { 201: AppendResponseSchema },
      },
      // The body is validated against the event catalogue by the ingest service, which reports every problem with a pointer.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const key = idempotencyKey(request.headers['idempotency-key']);
      const contentType = (request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? 'application/json';
      const shape = shapes[contentType] ?? 'either';
      const fingerprint = key === undefined ? undefined : createHash('sha256').update(`${shape}\n`).update(request.rawBody ?? '').digest('hex');
      const result = await appendEvents({
        body: request.body,
        shape,
        callerId: principal.keyId,
        ...(request.rawBody !== null ? { bodyText: request.rawBody } : {}),
        ...(key !== undefined && fingerprint !== undefined ? { idempotency: { key, fingerprint } } : {}),
      });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ events: result.events });
    },
  );
}
