// The Square connector (store POS): what the composition root lists, and the simulator the tests
// and the demo start.

import type { ConnectorModule } from '../sdk/index.ts';
import { createSquareSource, createSquareTarget } from './connector.ts';
import { squareManifest } from './manifest.ts';

/** The Square connector: sources (webhooks in) and targets (stock and customers out). */
export const squareConnector: ConnectorModule = {
  manifest: squareManifest,
  createSource: createSquareSource,
  createTarget: createSquareTarget,
};

export { startSquareSimulator, type SquareSimulator, type SquareSimulatorOptions } from './simulator.ts';
export { mapSquareOrder } from './inbound/order.mapping.ts';
export { mapSquareCustomer } from './inbound/customer.mapping.ts';
