import { randomBytes } from 'node:crypto';
import { startNetSuiteSimulator, type NetSuiteSimulator } from '../../connectors/netsuite/index.ts';
import { startShipStationSimulator, type ShipStationSimulator } from '../../connectors/shipstation/index.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../connectors/shopify/index.ts';
import { startSquareSimulator, type SquareSimulator } from '../../connectors/square/index.ts';
import { startSalesforceSimulator, type SalesforceSimulator } from '../../connectors/salesforce/index.ts';
import type { CrossReference, Store } from '../../ports/store.ts';
import { CATALOGUE, STORES, WAREHOUSE } from './retailer.ts';

// The demo estate of a fictional retailer, Harbor & Pine Outfitters: a Shopify web store, three
// stores with Square POS, NetSuite as the ERP and a ShipStation warehouse, each a local simulator
// speaking its vendor's API. The estate gives the hub its sources, targets and routes (the same
// config a retailer writes for the real systems), and once the hub listens it subscribes the
// hub's webhook URLs at the simulators and links the stores' ids in each system to one Weft
// location, as a retailer's location master data would.

/** The running simulators of the estate. */
export interface DemoSimulators {
  webshop: ShopifySimulator;
  pos: SquareSimulator;
  erp: NetSuiteSimulator;
  warehouse: ShipStationSimulator;
  crm: SalesforceSimulator;
}

/** A running estate. */
export interface DemoEstate {
  simulators: DemoSimulators;
  /** Config the hub starts with: sources, targets, routes (merged over the user's config). */
  config: { sources: Record<string, unknown>; targets: Record<string, unknown>; routes: unknown[]; processes: Record<string, unknown> };
  /** Subscribes the hub's webhook URLs and links the estate's locations; call once the hub listens. */
  attach(hub: { url: string; store: Store }): Promise<void>;
  /** The Shopify location id of each store (pick-up) and the Square location id of each till. */
  storeIds: { shopify: Record<string, string>; square: Record<string, string> };
  close(): Promise<void>;
}

const secret = (): string => randomBytes(24).toString('base64url');

/** Starts the simulators and returns the estate; nothing is sent to the hub until attach(). */
export async function startDemoEstate(): Promise<DemoEstate> {
  // Fresh credentials per run: the hub proves it signs and verifies exactly as the vendors do.
  const shopifySecret = secret();
  const shopifyToken = `shpat_${secret()}`;
  const squareToken = `EAAA${secret()}`;
  const squareKey = secret();
  const netsuite = { consumerKey: secret(), consumerSecret: secret(), tokenId: secret(), tokenSecret: secret() };
  const shipstation = { apiKey: secret(), apiSecret: secret(), webhookToken: secret() };
  const salesforce = { clientId: secret(), clientSecret: secret() };

  const started: { close(): Promise<void> }[] = [];
  try {
    const webshop = await startShopifySimulator({ accessToken: shopifyToken, clientSecret: shopifySecret, shop: 'harbor-and-pine' });
    started.push(webshop);
    const pos = await startSquareSimulator({
      accessToken: squareToken,
      signatureKey: squareKey,
      merchantId: 'MLHARBORPINE',
      locations: STORES.map((store) => ({ id: store.squareId, name: store.name, currency: 'USD' })),
      catalog: CATALOGUE.map((item) => ({ id: item.squareVariationId, sku: item.sku, name: item.name, price: { amount: item.priceCents, currency: 'USD' } })),
      // A retail chain's POS at a busy hour: well above the demo's rates.
      rateLimit: { requestsPerSecond: 500, burst: 500 },
    });
    started.push(pos);
    // NetSuite accounts buy SuiteCloud Plus licences for integrations: 15 concurrent requests.
    const erp = await startNetSuiteSimulator({ credentials: netsuite, concurrencyLimit: 15 });
    started.push(erp);
    // A ShipStation account with its API limit raised (they raise it on request).
    const warehouse = await startShipStationSimulator({ apiKey: shipstation.apiKey, apiSecret: shipstation.apiSecret, requestsPerMinute: 6_000 });
    started.push(warehouse);
    // The CRM service agents work in: order-to-cash writes each order's holds, cancellation or completion there.
    const crm = await startSalesforceSimulator(salesforce);
    started.push(crm);

    // The ERP's master data: one item per SKU, a discount item, a guest customer, and locations.
    for (const item of CATALOGUE) erp.seed('inventoryItem', { itemId: item.sku, displayName: item.name, externalId: `itm:${item.sku}` });
    const discountItem = erp.seed('inventoryItem', { itemId: 'DISCOUNT', displayName: 'Order discount', externalId: 'discount' });
    const guest = erp.seed('customer', { entityId: 'Web guest', companyName: 'Web guest checkouts', externalId: 'guest' });
    const erpLocations: Record<string, string> = { [WAREHOUSE.id]: '1' };
    STORES.forEach((store, index) => (erpLocations[store.id] = String(index + 2)));

    const shopifyStoreIds: Record<string, string> = {};
    for (const store of STORES) shopifyStoreIds[store.id] = webshop.addLocation(store.name);
    const shopifyWarehouseId = webshop.addLocation(WAREHOUSE.name);
    for (const item of CATALOGUE) webshop.addInventoryItem(item.sku, 500);
    const pickupShippingCodes = Object.fromEntries(STORES.map((store) => [store.pickupCode, shopifyStoreIds[store.id] as string]));

    const config = {
      sources: {
        webshop: { connector: 'shopify', clientSecret: shopifySecret, pickupShippingCodes },
        pos: { connector: 'square', baseUrl: pos.url, accessToken: squareToken, signatureKey: squareKey, taxJurisdiction: 'US-OR', defaultCountry: 'US' },
        warehouse: { connector: 'shipstation', baseUrl: warehouse.url, apiKey: shipstation.apiKey, apiSecret: shipstation.apiSecret, webhookToken: shipstation.webhookToken, locationId: WAREHOUSE.id },
        erp: {
          connector: 'netsuite',
          accountId: '1234567_SB1',
          baseUrl: erp.url,
          auth: netsuite,
          locations: erpLocations,
          subsidiaryId: '1',
          locationId: '1',
          defaultCustomerId: guest.id,
          discountItemId: discountItem.id,
          pollIntervalMs: 5_000,
        },
      },
      targets: {
        erp: {
          connector: 'netsuite',
          accountId: '1234567_SB1',
          baseUrl: erp.url,
          auth: netsuite,
          maxConcurrency: 15,
          requestsPerSecond: 100,
          locations: erpLocations,
          subsidiaryId: '1',
          locationId: '1',
          defaultCustomerId: guest.id,
          discountItemId: discountItem.id,
        },
        warehouse: {
          connector: 'shipstation',
          baseUrl: warehouse.url,
          apiKey: shipstation.apiKey,
          apiSecret: shipstation.apiSecret,
          rateLimit: { requestsPerSecond: 50, burst: 50, maxConcurrency: 8 },
        },
        webshop: {
          connector: 'shopify',
          shop: 'harbor-and-pine',
          accessToken: shopifyToken,
          baseUrl: webshop.url,
          locations: { [WAREHOUSE.id]: shopifyWarehouseId, ...shopifyStoreIds },
        },
        crm: { connector: 'salesforce', loginUrl: crm.url, clientId: salesforce.clientId, clientSecret: salesforce.clientSecret },
      },
      // Order-to-cash takes every order into the ERP, releases ship groups to the warehouse and bills
      // what shipped or was sold at the till; routes carry what needs no process.
      processes: { orderToCash: { enabled: true, erp: 'erp', warehouse: 'warehouse', channels: { webshop: 'webshop' }, crm: 'crm', capturePayments: true, recordPayments: true } },
      routes: [
        { name: 'customers to the ERP', events: ['weft.customer.created.v1'], target: 'erp', action: 'upsertCustomer' },
        { name: 'web orders tagged in the web store', events: ['weft.order.captured.v1'], target: 'webshop', action: 'tagOrder', where: [{ pointer: '/source', in: ['urn:weft:source:webshop'] }] },
        { name: 'shipments to the web store', events: ['weft.shipment.dispatched.v1'], target: 'webshop', action: 'createFulfillment', where: [{ pointer: '/source', in: ['urn:weft:source:warehouse'] }] },
        { name: 'shipments to the ERP', events: ['weft.shipment.dispatched.v1'], target: 'erp', action: 'fulfilSalesOrder', where: [{ pointer: '/source', in: ['urn:weft:source:warehouse'] }] },
      ],
    };

    return {
      simulators: { webshop, pos, erp, warehouse, crm },
      config,
      storeIds: { shopify: shopifyStoreIds, square: Object.fromEntries(STORES.map((store) => [store.id, store.squareId])) },
      async attach(hub) {
        // One Weft location per store, whichever system names it.
        const xrefs: CrossReference[] = [
          ...STORES.flatMap((store) => [
            { entity: 'location', system: 'pos', externalId: store.squareId, canonicalId: store.id },
            { entity: 'location', system: 'webshop', externalId: shopifyStoreIds[store.id] as string, canonicalId: store.id },
          ]),
          { entity: 'location', system: 'webshop', externalId: shopifyWarehouseId, canonicalId: WAREHOUSE.id },
        ];
        const result = await hub.store.commit({ xrefs });
        if (result.status !== 'committed') throw new Error(`linking the demo locations failed: ${result.status}`);
        for (const topic of ['orders/create', 'orders/cancelled', 'customers/create', 'refunds/create']) webshop.subscribe(topic, `${hub.url}/webhooks/webshop`);
        pos.subscribe({ url: `${hub.url}/webhooks/pos` });
        warehouse.subscribe(`${hub.url}/webhooks/warehouse?token=${shipstation.webhookToken}`, 'SHIP_NOTIFY');
      },
      async close() {
        await Promise.all(started.map((simulator) => simulator.close()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((simulator) => simulator.close()));
    throw error;
  }
}
