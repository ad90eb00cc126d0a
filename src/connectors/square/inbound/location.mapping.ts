import type { Location } from '../../../domain/location/location.schema.ts';
import { MappingError } from '../../../errors/index.ts';
import { toUtc, type InboundMapping } from '../../sdk/index.ts';
import { envelopeOf, isObject, obj, optStr, str } from './read.ts';

// Square location.created / location.updated (enriched with RetrieveLocation) →
// weft.location.upserted.v1: a store as the POS knows it. Square says nothing of the omnichannel
// services a store offers (pick-up, ship from store), so capabilities and pick-up hours stay empty
// for the location master (or another source) to fill; its channel is pos.

const STATUS: Record<string, Location['status']> = { ACTIVE: 'active', INACTIVE: 'inactive' };

/** The mapping of Square location webhooks. */
export const locationMapping: InboundMapping = {
  description: 'location.created / location.updated (enriched with RetrieveLocation) → weft.location.upserted.v1',
  async map(payload, context) {
    const { envelope, enrichment } = envelopeOf(payload);
    if (enrichment?.location === undefined) {
      throw new MappingError('/data/id: the location was not fetched (RetrieveLocation); the webhook carries only its id', [{ pointer: '/data/id', message: 'needs the enrichment of the Square source' }]);
    }
    const at = '/location';
    const location = obj(enrichment.location, at);
    const squareId = str(location.id, `${at}/id`);
    const id = await context.ids.ref('location', squareId);
    const timezone = optStr(location.timezone);
    if (timezone === undefined) throw new MappingError(`${at}/timezone is missing: pick-up hours and business dates need the store's time zone`, [{ pointer: `${at}/timezone`, message: 'is required' }]);
    const status = STATUS[str(location.status, `${at}/status`)];
    if (status === undefined) throw new MappingError(`${at}/status must be ACTIVE or INACTIVE`, [{ pointer: `${at}/status`, message: `got ${JSON.stringify(location.status)}` }]);
    const data: Location = {
      id,
      code: squareId.slice(0, 50),
      name: str(location.name, `${at}/name`).slice(0, 200),
      kind: 'store',
      status,
      timezone,
      capabilities: [],
      pickupHours: [],
      channels: ['pos'],
      externalRefs: [{ system: context.system, id: squareId }],
    };
    const address = isObject(location.address) ? location.address : undefined;
    const line1 = optStr(address?.address_line_1);
    const city = optStr(address?.locality);
    const country = optStr(address?.country);
    if (address !== undefined && line1 !== undefined && city !== undefined && country !== undefined && /^[A-Z]{2}$/.test(country)) {
      const region = optStr(address.administrative_district_level_1);
      const postalCode = optStr(address.postal_code);
      const line2 = optStr(address.address_line_2);
      data.address = { line1, city, country, ...(line2 === undefined ? {} : { line2 }), ...(region === undefined ? {} : { region }), ...(postalCode === undefined ? {} : { postalCode }) };
    }
    const time = toUtc(envelope.created_at, '/created_at');
    return { kind: 'events', events: [{ type: 'weft.location.upserted.v1', subject: id, time, data }] };
  },
};
