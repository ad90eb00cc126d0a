import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { idPattern } from '../../../../domain/shared/ids.ts';
import { InputError } from '../../../../errors/index.ts';
import type { AvailabilityQuery as Query, SkuAvailability } from '../../../../inventory/availability.ts';

// `GET /v1/availability`: what a channel may sell, answered from memory (a projection the log keeps).
// Registered by the hub's API and by each availability reader thread (../../../reader-server.ts), so
// both answer the same query with the same body and the same errors.

/** A SKU as the inventory routes take it. */
export const Sku = Type.String({ minLength: 1, maxLength: 64 });
const AvailabilityQuery = Type.Object(
  {
    sku: Type.Union([Sku, Type.Array(Sku, { minItems: 1, maxItems: 200 })], { description: 'SKU(s): repeat the parameter or separate them with commas (at most 200).' }),
    location: Type.Optional(Type.String({ pattern: idPattern('loc'), description: 'One location (`loc_…`); without it, the channel\'s locations.' })),
    channel: Type.Optional(Type.String({ maxLength: 64, description: 'The channel whose rules (safety stock, locations, in-transit) apply.' })),
  },
  { additionalProperties: false },
);
const StockView = Type.Object({
  sku: Type.String(),
  locationId: Type.String(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  inTransit: Type.Integer(),
  safetyStock: Type.Integer(),
  available: Type.Integer({ description: 'Units the channel may promise here.' }),
  updatedAt: Type.Optional(Type.String({ description: 'When the stock last changed; absent when Weft never heard of it.' })),
});
// Declared so Fastify serialises the answer with a compiled serialiser: checks are the hot path.
const AvailabilityAnswer = Type.Object({
  channel: Type.Union([Type.String(), Type.Null()]),
  items: Type.Array(Type.Object({ sku: Type.String(), available: Type.Integer({ description: 'Units that may be promised across the locations asked about.' }), locations: Type.Array(StockView) })),
});

/** The items of a list parameter given repeated, comma-separated, or both; blanks dropped. */
export function listOf(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return (typeof value === 'string' ? [value] : value).flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

/** What answers the checks: the hub's inventory service, or a reader thread's own view. */
export interface AvailabilitySource {
  check(query: Query): SkuAvailability[];
}

/** Registers `GET /v1/availability` (inventory:read). */
export function registerAvailabilityRoute(app: FastifyInstance, deps: { availability: AvailabilitySource }): void {
  app.get<{ Querystring: Static<typeof AvailabilityQuery> }>(
    '/v1/availability',
    { config: { scope: 'inventory:read' }, schema: { summary: 'What may be sold: SKUs at a location or across a channel\'s locations', tags: ['inventory'], querystring: AvailabilityQuery, response: { 200: AvailabilityAnswer } } },
    async (request) => {
      const skus = [...new Set(listOf(request.query.sku))];
      if (skus.length > 200) throw new InputError('malformed_request', `At most 200 SKUs per check; ${skus.length} were asked.`);
      return { channel: request.query.channel ?? null, items: deps.availability.check({ skus, locationId: request.query.location, channel: request.query.channel }) };
    },
  );
}
