import type { ConnectorModule } from '../sdk/index.ts';
import { netsuiteManifest } from './manifest.ts';
import { createNetSuiteSource } from './source.ts';
import { createNetSuiteTarget } from './target.ts';

// The NetSuite connector as the composition root sees it.

/** Oracle NetSuite: sales orders, fulfilments, invoices, returns, refunds and stock out; fulfilments and invoices in by polling. */
export const netsuiteConnector: ConnectorModule = {
  manifest: netsuiteManifest,
  createTarget: (name, settings, deps) => createNetSuiteTarget(name, settings, { http: deps.http }),
  createSource: (name, settings) => createNetSuiteSource(name, settings),
};

export { startNetSuiteSimulator, type NetSuiteSimulator, type NetSuiteSimulatorOptions } from './simulator.ts';
