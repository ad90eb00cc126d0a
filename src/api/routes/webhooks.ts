import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Inbound } from '../../ingest/inbound.ts';
import type { Clock } from '../../ports/clock.ts';

// `POST /webhooks/:source`: where vendors deliver. It needs no API key (vendors cannot send one);
// the source's connector verifies the vendor's signature over the raw bytes, so the body is read
// as bytes whatever its content type, inside this plugin only. Answers: 200 once the webhook is
// durable (taken in, a duplicate, ignored, or kept as a rejection the vendor need not retry),
// 401/400 when it does not verify, 503 when a retry can help (the vendor retries).

function notificationUrl(request: FastifyRequest, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const host = request.headers['x-forwarded-host'] ?? request.headers.host ?? 'localhost';
  const proto = request.headers['x-forwarded-proto'] ?? request.protocol;
  return `${String(proto)}://${String(host)}${request.url}`;
}

/** Registers the webhook receiver. `notificationUrls` holds each source's URL as configured at the vendor, when set. */
export function registerWebhookRoute(app: FastifyInstance, deps: { inbound: Inbound; clock: Clock; notificationUrls: ReadonlyMap<string, string> }): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post<{ Params: { source: string } }>(
      '/webhooks/:source',
      {
        config: { scope: 'public' },
        schema: {
          summary: 'Receive a vendor webhook',
          description:
            'Vendors post here (Shopify, Square, ShipStation, ...). The source named in the path verifies the signature over the raw body; ' +
            'the webhook is mapped to canonical events and appended before the answer. A redelivery (same vendor delivery id) is a duplicate. ' +
            'A webhook that cannot be mapped is kept as an inbound rejection and answered 200 so the vendor does not retry it in vain.',
          tags: ['webhooks'],
          params: Type.Object({ source: Type.String({ maxLength: 64 }) }),
        },
      },
      async (request, reply) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        const outcome = await deps.inbound.receiveWebhook(request.params.source, {
          headers,
          rawBody,
          notificationUrl: notificationUrl(request, deps.notificationUrls.get(request.params.source)),
          requestUrl: request.url,
          receivedAtMs: deps.clock.now(),
        });
        if (outcome.status === 'accepted' || outcome.status === 'duplicate') return reply.code(200).send({ status: outcome.status, events: outcome.events.map((e) => ({ id: e.id, subject: e.subject, position: e.position })) });
        if (outcome.status === 'ignored') return reply.code(200).send({ status: 'ignored', reason: outcome.reason });
        return reply.code(200).send({ status: 'rejected', rejectionId: outcome.rejectionId, code: outcome.code, message: outcome.message });
      },
    );
  });
}
