// The Shopify connector as the composition root sees it: manifest, target and source factories,
// and the simulator for tests and the demo.

import type { ConnectorModule } from '../sdk/index.ts';
import { createShopifySource, createShopifyTarget } from './connector.ts';
import { shopifyManifest } from './manifest.ts';
import { parseShopifySourceSettings, parseShopifyTargetSettings } from './settings.ts';

/** The Shopify connector. */
export const shopifyConnector: ConnectorModule = {
  manifest: shopifyManifest,
  createTarget: (name, settings, deps) => createShopifyTarget(name, parseShopifyTargetSettings(name, settings), { http: deps.http }),
  createSource: (name, settings) => createShopifySource(name, parseShopifySourceSettings(name, settings)),
};

export { startShopifySimulator, type ShopifySimulator, type ShopifySimulatorOptions } from './simulator.ts';
export { verifyShopifyWebhook, shopifySignature } from './webhooks.ts';
