import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { idPattern } from '../../../../domain/shared/ids.ts';
import { ConflictError } from '../../../../errors/index.ts';
import type { IdGenerator } from '../../../../ports/clock.ts';
import type { Inventory } from '../../../../inventory/service.ts';
import type { DriftWatch } from '../../../../inventory/drift-watch.ts';
import { listOf, registerAvailabilityRoute, Sku } from './availability.ts';

// The availability experience API. `GET /v1/availability` (./availability.ts) answers from the hub's
// memory (the projection the log keeps), one or many SKUs at a location or across a channel's locations.
// `/v1/reservations` sets units aside for an order, atomically: all lines or none (unless partial),
// and two callers racing for the last unit cannot both get it. The order id makes a reservation
// idempotent: reserving for an order that holds reservations answers them again.

const ReserveBody = Type.Object(
  {
    orderId: Type.String({ pattern: idPattern('ord'), description: 'The order the units are for (`ord_…`); reserving again for it answers what it holds.' }),
    channel: Type.Optional(Type.String({ maxLength: 64, description: 'The channel whose locations and rules apply to lines without a location.' })),
    partial: Type.Optional(Type.Boolean({ description: 'Reserve what there is and report the rest, instead of all or nothing.' })),
    lines: Type.Array(
      Type.Object(
        {
          lineId: Type.Optional(Type.String({ pattern: idPattern('oln'), description: 'The order line (`oln_…`); one is minted when absent.' })),
          sku: Sku,
          quantity: Type.Integer({ minimum: 1, maximum: 100_000 }),
          location: Type.Optional(Type.String({ pattern: idPattern('loc'), description: 'Where the units must come from (a pick-up store).' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
const ApplyBody = Type.Object({ ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 1000, description: 'Finding ids; all current findings when absent.' })) }, { additionalProperties: false });
const OrderParams = Type.Object({ orderId: Type.String({ pattern: idPattern('ord') }) });
const ReleaseQuery = Type.Object({ lineId: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 500 })])) }, { additionalProperties: false });

/** Registers the availability and reservation routes (inventory:read, inventory:reserve). */
export function registerInventoryRoutes(app: FastifyInstance, deps: { inventory: Inventory; driftWatch: DriftWatch; ids: IdGenerator }): void {
  const tags = ['inventory'];
  app.get('/v1/inventory/drift', { config: { scope: 'inventory:read' }, schema: { summary: 'Where Weft\'s stock and the systems\' counts disagree, the likely cause, and the correction proposed', tags } }, async () => deps.driftWatch.check());
  app.post<{ Body: Static<typeof ApplyBody> }>(
    '/v1/inventory/drift/apply',
    { config: { scope: 'inventory:manage' }, schema: { summary: 'Apply the proposed corrections (of the findings named, or all)', tags, body: ApplyBody } },
    async (request) => deps.driftWatch.apply(request.body.ids),
  );
  registerAvailabilityRoute(app, { availability: deps.inventory });
  app.post<{ Body: Static<typeof ReserveBody> }>(
    '/v1/reservations',
    { config: { scope: 'inventory:reserve' }, schema: { summary: 'Reserve units for an order: every line or none (unless partial)', tags, body: ReserveBody } },
    async (request, reply) => {
      const body = request.body;
      const lines = body.lines.map((line) => ({ lineId: line.lineId ?? deps.ids.next('orderLine'), sku: line.sku, quantity: line.quantity, locationId: line.location }));
      const outcome = await deps.inventory.reserve({ orderId: body.orderId, lines, channel: body.channel, partial: body.partial ?? false });
      if (outcome.status === 'short' && outcome.reservations.length === 0) {
        throw new ConflictError('insufficient_stock', `Not enough stock for ${outcome.shortfall.length} of ${lines.length} line(s); nothing was reserved.`, {
          problems: outcome.shortfall.map((short) => ({
            pointer: `/lines/${lines.findIndex((line) => line.lineId === short.lineId)}/quantity`,
            message: `${short.requested} of ${short.sku} asked; not that many free at the line's location(s)`,
          })),
        });
      }
      reply.code(outcome.status === 'reserved' && outcome.existing ? 200 : 201);
      return {
        orderId: body.orderId,
        status: outcome.status === 'reserved' ? 'reserved' : 'partial',
        existing: outcome.status === 'reserved' && outcome.existing,
        reservations: outcome.reservations,
        shortfall: outcome.status === 'short' ? outcome.shortfall : [],
      };
    },
  );
  app.get<{ Params: Static<typeof OrderParams> }>(
    '/v1/reservations/:orderId',
    { config: { scope: 'inventory:read' }, schema: { summary: 'The units an order holds, per line and location', tags, params: OrderParams } },
    async (request) => ({ orderId: request.params.orderId, reservations: deps.inventory.reservationsOf(request.params.orderId) }),
  );
  app.delete<{ Params: Static<typeof OrderParams>; Querystring: Static<typeof ReleaseQuery> }>(
    '/v1/reservations/:orderId',
    { config: { scope: 'inventory:reserve' }, schema: { summary: 'Release an order\'s reservations (all, or of the lines named by lineId)', tags, params: OrderParams, querystring: ReleaseQuery } },
    async (request) => {
      const lineIds = listOf(request.query.lineId);
      const released = await deps.inventory.release(request.params.orderId, lineIds.length > 0 ? { lineIds } : {});
      return { orderId: request.params.orderId, released };
    },
  );
}
