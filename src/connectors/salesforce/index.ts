import type { ConnectorModule } from '../sdk/index.ts';
import { salesforceManifest } from './manifest.ts';
import { createSalesforceTarget } from './target.ts';

// The Salesforce connector as the composition root sees it (src/app/connectors.ts lists it).

/** Salesforce CRM: keeps one record per order showing where it stands in Weft, for service agents. */
export const salesforceConnector: ConnectorModule = {
  manifest: salesforceManifest,
  createTarget: createSalesforceTarget,
};

export { startSalesforceSimulator, type SalesforceSimulator, type SalesforceSimulatorOptions, type SimSObject } from './simulator.ts';
