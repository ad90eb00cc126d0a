import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { InputError, WeftError } from '../../../../errors/index.ts';
import type { AppendEvents } from '../../../../ingest/append-events.ts';
import type { IdGenerator } from '../../../../ports/clock.ts';
import { idempotencyKey } from '../../../idempotency.ts';
import { principalOf } from '../../../principal.ts';

// `POST /v1/orders`: order capture for channels without a connector (a call centre, a kiosk, a
// marketplace integration a partner wrote). The body is a canonical order (docs/events.md, Order);
// without an id Weft gives it one. The order is appended as weft.order.captured.v1, durably, before
// the answer, and order-to-cash takes it from there like any other. An Idempotency-Key is required:
// a retry with the same key and body answers the first order again, with the same id, and captures
// nothing twice.

const Answer = Type.Object({
  orderId: Type.String({ description: 'The order\'s Weft id (`ord_…`).' }),
  eventId: Type.String({ description: 'The id of the weft.order.captured.v1 event.' }),
  position: Type.Integer({ description: 'Where the capture sits in the log.' }),
  duplicate: Type.Boolean({ description: 'True when the log held this capture already (same event id and source).' }),
});

/** Registers `POST /v1/orders` (orders:write). */
export function registerPostOrders(app: FastifyInstance, deps: { appendEvents: AppendEvents; ids: IdGenerator }): void {
  app.post(
    '/v1/orders',
    {
      config: { scope: 'orders:write' },
      schema: {
        summary: 'Capture an order (a canonical Order; Idempotency-Key required)',
        description: 'Appends weft.order.captured.v1 with the order, durably, before answering; order-to-cash takes it from there. Without `id`, Weft gives the order one.',
        tags: ['orders'],
        body: Type.Object({}, { additionalProperties: true, description: 'A canonical Order (docs/events.md); `id` optional.' }),
        response: { 201: Answer },
      },
      // The order is validated against the catalogue's Order schema and rules by the ingest service, which names every problem.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const key = idempotencyKey(request.headers['idempotency-key']);
      if (key === undefined) throw new InputError('malformed_request', 'POST /v1/orders needs an Idempotency-Key header, so that a retry never captures an order twice.');
      const body = request.body as Record<string, unknown> | null;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InputError('malformed_request', 'The body must be one order (a JSON object).');
      const order = { ...body, id: body.id ?? deps.ids.next('order') };
      const subject = typeof order.id === 'string' ? order.id : String(order.id);
      const fingerprint = createHash('sha256').update('orders\n').update(request.rawBody ?? JSON.stringify(body)).digest('hex');
      let result;
      try {
        result = await deps.appendEvents({ body: { type: 'weft.order.captured.v1', subject, data: order }, shape: 'single', callerId: principalOf(request).keyId, idempotency: { key, fingerprint } });
      } catch (error) {
        // Problems point into the order the caller sent, not into the event Weft wrapped it in.
        if (error instanceof WeftError && error.problems.length > 0) {
          const problems = error.problems.map((problem) => ({ pointer: problem.pointer.replace(/^\/data(?=\/|$)/, '') || '/', message: problem.message }));
          throw new InputError(error.code === 'schema_violation' ? 'schema_violation' : 'malformed_request', `The order is not valid: ${problems.slice(0, 5).map((p) => `${p.pointer} ${p.message}`).join('; ')}.`, { problems });
        }
        throw error;
      }
      const appended = result.events[0];
      if (!appended) throw new WeftError('internal', 'the capture was not appended');
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      reply.header('location', `/v1/orders/${appended.subject}`);
      return reply.code(201).send({ orderId: appended.subject, eventId: appended.id, position: appended.position, duplicate: appended.duplicate });
    },
  );
}
