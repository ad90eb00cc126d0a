import { httpConnector } from '../connectors/http/index.ts';
import { netsuiteConnector } from '../connectors/netsuite/index.ts';
import { salesforceConnector } from '../connectors/salesforce/index.ts';
import { shipstationConnector } from '../connectors/shipstation/index.ts';
import { shopifyConnector } from '../connectors/shopify/index.ts';
import { squareConnector } from '../connectors/square/index.ts';
import type { ConnectorModule } from '../ports/connector-module.ts';

// Every connector Weft ships, by the name `targets.<x>.connector` and `sources.<x>.connector` use.

/** The connectors, by name. */
export const connectorModules: ReadonlyMap<string, ConnectorModule> = new Map([httpConnector, netsuiteConnector, salesforceConnector, shipstationConnector, shopifyConnector, squareConnector].map((module) => [module.manifest.name, module]));
