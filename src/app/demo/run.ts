import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/schema.ts';
import type { Clock } from '../../ports/clock.ts';
import { startHub, type Announce, type Hub } from '../hub.ts';
import { startDemoEstate, type DemoEstate } from './estate.ts';
import { startTraffic, type Traffic } from './traffic.ts';

// The hub together with the demo estate: what `npm start` runs on a machine with nothing
// configured, so a newcomer sees orders flow from a web store and three tills into an ERP and a
// warehouse within a minute. The demo's store starts empty each time, because its simulated
// systems do: a hub that remembered orders the systems had forgotten would show nonsense.

/** Whether `weft start` runs the demo when not told: only when no real system is configured. */
export function demoByDefault(config: Config): boolean {
  return Object.keys(config.sources).length === 0 && Object.keys(config.targets).length === 0 && config.routes.length === 0;
}

/** A running demo: hub, estate and traffic. */
export interface DemoHub {
  /** Base URL of the hub's API. */
  url: string;
  hub: Hub;
  estate: DemoEstate;
  traffic: Traffic;
  close(): Promise<void>;
}

/** Starts the estate, the hub on a fresh embedded store wired to it, and the traffic at `rate` events/s. */
export async function startDemoHub(config: Config, options: { rate: number; announce?: Announce; clock?: Clock; seed?: number }): Promise<DemoHub> {
  const estate = await startDemoEstate();
  const path = join(config.dataDir, 'demo.db');
  for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
  const demoConfig: Config = {
    ...config,
    store: { ...config.store, kind: 'sqlite', sqlite: { ...config.store.sqlite, path } },
    sources: { ...config.sources, ...estate.config.sources } as Config['sources'],
    targets: { ...config.targets, ...estate.config.targets } as Config['targets'],
    routes: [...config.routes, ...(estate.config.routes as Config['routes'])],
    processes: { ...config.processes, orderToCash: { ...config.processes.orderToCash, ...(estate.config.processes.orderToCash as object) } },
  };
  let hub: Hub;
  try {
    hub = await startHub(demoConfig, { ...(options.announce ? { announce: options.announce } : {}), ...(options.clock ? { clock: options.clock } : {}) });
  } catch (error) {
    await estate.close();
    throw error;
  }
  try {
    await estate.attach(hub);
  } catch (error) {
    await hub.close();
    await estate.close();
    throw error;
  }
  const traffic = startTraffic(estate.simulators, { perSecond: options.rate, ...(options.seed === undefined ? {} : { seed: options.seed }), onError: (message) => hub.logger.warn({ demo: true }, `demo traffic: ${message}`) });
  const { webshop, pos, erp, warehouse, crm } = estate.simulators;
  (options.announce ?? ((text: string) => process.stdout.write(`${text}\n`)))(
    [
      `Demo estate of Harbor & Pine Outfitters, ${options.rate} business events/s (weft demo --rate N to change):`,
      `  web store  Shopify simulator    ${webshop.url}   -> ${hub.url}/webhooks/webshop`,
      `  3 stores   Square POS simulator ${pos.url}   -> ${hub.url}/webhooks/pos`,
      `  ERP        NetSuite simulator   ${erp.url}   (orders, customers, fulfilments; polled)`,
      `  warehouse  ShipStation simulator ${warehouse.url}   -> ${hub.url}/webhooks/warehouse`,
      `  CRM        Salesforce simulator ${crm.url}   (order status for service agents)`,
      `  Each simulator shows its records at <url>/_sim/state and takes faults at POST <url>/_sim/faults`,
      `  ({"latencyMs": 500, "errorRate": 0.2, "down": true}). The demo's store (${path}) starts empty each run.`,
      `  Watch the log: curl -H "Authorization: Bearer <admin key>" '${hub.url}/v1/events?limit=20'`,
    ].join('\n'),
  );
  // What a newcomer wants to see: the systems filling up, in step. A line every 10 s.
  const say = options.announce ?? ((text: string) => process.stdout.write(`${text}\n`));
  const summary = setInterval(() => {
    const made = traffic.stats();
    void Promise.all([hub.store.lastPosition(), hub.store.listCommands({ status: 'dead', limit: 100 }), hub.store.listRejections({ status: 'open', limit: 100 })]).then(
      ([events, dead, rejected]) =>
        say(
          `demo: shoppers made ${made.webOrders} web orders (+${made.pickupOrders} pick-up), ${made.posSales} till sales, ${made.customers} sign-ups (${made.duplicateCustomers} twice) | ` +
            `hub: ${events} events, ${dead.length} dead letters, ${rejected.length} rejections | ` +
            `ERP: ${erp.records('salesOrder').length} sales orders, ${erp.records('customer').length - 1} customers, ${erp.records('itemFulfillment').length} fulfilments | ` +
            `warehouse: ${warehouse.state().orders.length} orders, ${warehouse.state().shipments.length} shipped | ` +
            `web store: ${webshop.state().orders.filter((order) => order.fulfillments.length > 0).length} fulfilled`,
        ),
      () => undefined,
    );
  }, 10_000);
  summary.unref();
  let closing: Promise<void> | undefined;
  return {
    url: hub.url,
    hub,
    estate,
    traffic,
    close() {
      closing ??= (async () => {
        clearInterval(summary);
        await traffic.stop();
        await hub.close();
        await estate.close();
      })();
      return closing;
    },
  };
}
