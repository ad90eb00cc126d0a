import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { isCanonicalId } from '../../../../domain/shared/ids.ts';
import { InputError } from '../../../../errors/index.ts';
import type { Store } from '../../../../ports/store.ts';
import { orderView } from '../../../../processes/order-view.ts';

// `GET /v1/orders/{id}`: one order across every system, by Weft's id (`ord_…`) or by any system's id
// of it (a Shopify order number id, a NetSuite internal id, a ShipStation order id): its state, each
// system's view and whether it is in step, the history of what happened with its causes, and the
// tasks open on it. A system's id is looked up in the cross-reference map of every configured
// system, or of the one named by `?system=`.

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) });
const Query = Type.Object({ system: Type.Optional(Type.String({ maxLength: 64, description: 'The system the id is from, when it is not a Weft id.' })) }, { additionalProperties: false });

/** Registers the order routes (orders:read). */
export function registerOrderRoutes(app: FastifyInstance, deps: { store: Store; systems: () => readonly string[] }): void {
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/v1/orders/:id',
    { config: { scope: 'orders:read' }, schema: { summary: 'One order across every system: state, each system\'s view, history, open tasks', tags: ['orders'], params: Params, querystring: Query } },
    async (request) => {
      const { id } = request.params;
      let orderId: string | undefined = isCanonicalId('order', id) ? id : undefined;
      if (orderId === undefined) {
        const systems = request.query.system === undefined ? deps.systems() : [request.query.system];
        const found = new Set<string>();
        for (const system of systems) {
          const canonical = await deps.store.resolveXref('order', system, id);
          if (canonical !== undefined) found.add(canonical);
        }
        if (found.size > 1) {
          throw new InputError('malformed_request', `"${id}" names different orders in different systems (${[...found].join(', ')}); say which system with ?system=.`);
        }
        orderId = [...found][0];
      }
      const view = orderId === undefined ? undefined : await orderView(deps.store, orderId);
      if (view === undefined) throw new InputError('not_found', `No order ${id}${isCanonicalId('order', id) ? '' : ' in any configured system'}.`);
      return view;
    },
  );
}
