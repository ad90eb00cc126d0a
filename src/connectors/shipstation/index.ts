import type { ConnectorModule } from '../sdk/index.ts';
import { shipStationManifest } from './manifest.ts';
import { createShipStationSource } from './source.ts';
import { createShipStationTarget } from './target.ts';

// The ShipStation connector as the composition root sees it (src/app/connectors.ts lists it).

/** ShipStation (API V1): releases orders to the warehouse, brings shipments back. */
export const shipstationConnector: ConnectorModule = {
  manifest: shipStationManifest,
  createTarget: createShipStationTarget,
  createSource: createShipStationSource,
};

export { startShipStationSimulator, type ShipStationSimulator, type ShipStationSimulatorOptions } from './simulator.ts';
