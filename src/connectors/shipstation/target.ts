import type { DeliveryTarget, TargetDeps } from '../sdk/index.ts';
import { cancelOrderAction } from './outbound/cancel-order.action.ts';
import { releaseOrderAction } from './outbound/release-order.action.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, parseShipStationTargetSettings } from './settings.ts';

// A ShipStation account as a delivery target: its settings checked once, its two actions built.

/** Builds a ShipStation target from `targets.<name>`; throws a ConfigError naming each bad field. */
export function createShipStationTarget(name: string, input: unknown, _deps: TargetDeps): DeliveryTarget {
  const settings = parseShipStationTargetSettings(name, input);
  const account = { baseUrl: settings.baseUrl, apiKey: settings.apiKey, apiSecret: settings.apiSecret };
  return {
    name,
    connector: 'shipstation',
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...settings.rateLimit },
    retry: { ...DEFAULT_RETRY, ...settings.retry },
    breaker: { ...DEFAULT_BREAKER, ...settings.breaker },
    // A cancellation may page through open orders before it posts: several requests per attempt.
    timeoutMs: settings.timeoutMs * (2 + settings.cancelScanPages * 3),
    actions: {
      releaseOrder: releaseOrderAction({ account, storeId: settings.storeId, kinds: settings.fulfilmentKinds, timeZone: settings.timeZone }),
      cancelOrder: cancelOrderAction({ account, storeId: settings.storeId, scanPages: settings.cancelScanPages }),
    },
    async close() {
      // The HTTP client belongs to the hub; nothing of the target's own to release.
    },
  };
}
