import type { ConnectorManifest } from '../sdk/index.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, ShipStationTargetSettings } from './settings.ts';

// What the ShipStation connector is, declared once: `weft connectors` and the docs read it.

/** Manifest of the ShipStation (API V1) connector. */
export const shipStationManifest: ConnectorManifest = {
  name: 'shipstation',
  displayName: 'ShipStation (API V1, ssapi.shipstation.com)',
  systemType: 'wms',
  reads: ['shipment'],
  writes: ['order'],
  auth: {
    method: 'HTTP Basic: API key as user name, API secret as password',
    webhooks: 'not signed by ShipStation: a shared token in the registered URL (?token=), compared in constant time; the body is fetched back from resource_url with Basic auth',
  },
  settings: ShipStationTargetSettings,
  rateLimit: DEFAULT_RATE_LIMIT,
  retry: DEFAULT_RETRY,
  breaker: DEFAULT_BREAKER,
  topics: { SHIP_NOTIFY: 'weft.shipment.dispatched.v1' },
  actions: {
    releaseOrder: {
      description: 'weft.order.captured.v1 → POST /orders/createorder (awaiting_shipment), one ShipStation order per shipping fulfilment group, orderKey = Weft order id',
      writes: 'order',
      idempotency: 'natural',
      priority: 'urgent',
    },
    cancelOrder: {
      description: 'weft.order.cancelled.v1 → the open ShipStation order(s) with our orderKey, sent back with orderStatus cancelled',
      writes: 'order',
      idempotency: 'natural',
      priority: 'urgent',
    },
  },
};
