// A connector as the composition root sees it: its manifest, and what it can build from settings.
// Each src/connectors/<vendor>/index.ts exports one; src/app/connectors.ts lists them.

import type { ConnectorManifest, DeliveryTarget, HttpClient } from './connector.ts';
import type { InboundSource } from './inbound.ts';

/** What building a target may use. */
export interface TargetDeps {
  http: HttpClient;
}

/** A connector: manifest plus factories. A factory throws a ConfigError naming each bad setting. */
export interface ConnectorModule {
  manifest: ConnectorManifest;
  /** Builds a target Weft delivers to, from `targets.<name>` settings. */
  createTarget?(name: string, settings: unknown, deps: TargetDeps): DeliveryTarget;
  /** Builds a source Weft receives from, from `sources.<name>` settings. */
  createSource?(name: string, settings: unknown): InboundSource;
}
