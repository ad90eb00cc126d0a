import type { InboundSource } from '../sdk/index.ts';
import { orderNotifyMapping } from './inbound/order-notify.mapping.ts';
import { shipNotifyMapping } from './inbound/ship-notify.mapping.ts';
import { parseShipStationSourceSettings, type ShipStationSourceSettings } from './settings.ts';
import { enrichShipStationDelivery, verifyShipStationWebhook } from './webhooks.ts';

// A ShipStation account as a source: its webhooks verified by the URL token, completed from
// resource_url, and mapped.

/** Builds a ShipStation source from `sources.<name>`; throws a ConfigError naming each bad field. */
export function createShipStationSource(name: string, input: unknown): InboundSource {
  const settings = parseShipStationSourceSettings(name, input);
  const account = { baseUrl: settings.baseUrl, apiKey: settings.apiKey, apiSecret: settings.apiSecret };
  return {
    name,
    connector: 'shipstation',
    verify: (request) => verifyShipStationWebhook(request, settings),
    enrich: (delivery, context) => enrichShipStationDelivery(delivery, context, { account, maxPages: settings.maxPages }),
    mappings: {
      SHIP_NOTIFY: shipNotifyMapping((context) => context.settings as ShipStationSourceSettings),
      ORDER_NOTIFY: orderNotifyMapping,
    },
    settings,
  };
}
