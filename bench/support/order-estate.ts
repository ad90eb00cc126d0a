// The systems of the orders benchmark, in one child process so they neither share the hub's event
// loop nor count in its CPU: the NetSuite simulator (the ERP) and the ShipStation simulator (the
// warehouse), which ships every order released to it at once and notifies the hub.
//   node bench/support/order-estate.ts --hub <url> --token <webhook token>
// prints {"erp": url, "warehouse": url, "guestCustomerId": id} once listening; exits on SIGTERM.
import { parseArgs } from 'node:util';
import { startNetSuiteSimulator } from '../../src/connectors/netsuite/index.ts';
import { startShipStationSimulator } from '../../src/connectors/shipstation/index.ts';

const { values } = parseArgs({ options: { hub: { type: 'string' }, token: { type: 'string' }, sku: { type: 'string', default: 'HP-WOOL-BNE-OS-GRY' } } });
if (!values.hub || !values.token) {
  process.stderr.write('--hub and --token are required\n');
  process.exit(2);
}
// The credentials bench/orders.ts configures its hub with.
const BENCH_CREDENTIALS = { consumerKey: 'ck-bench', consumerSecret: 'cs-bench-secret', tokenId: 'tok-bench', tokenSecret: 'ts-bench-secret' };
const erp = await startNetSuiteSimulator({ credentials: BENCH_CREDENTIALS, concurrencyLimit: 64 });
erp.seed('inventoryItem', { itemId: values.sku, displayName: 'Bench item', externalId: 'itm:bench' });
const guest = erp.seed('customer', { entityId: 'Web guest', externalId: 'guest' });
const warehouse = await startShipStationSimulator({ apiKey: 'ss-bench', apiSecret: 'ss-bench-secret', requestsPerMinute: 10_000_000 });
warehouse.subscribe(`${values.hub}/webhooks/warehouse?token=${values.token}`, 'SHIP_NOTIFY');

// The warehouse ships what it was given as soon as it sees it; a notification the hub did not take is sent again.
const shipped = new Set<string>();
let retry: { url: string; body: string }[] = [];
let running = true;
void (async () => {
  while (running) {
    for (const order of warehouse.state().orders) {
      if (order.orderStatus !== 'awaiting_shipment' || shipped.has(order.orderKey)) continue;
      shipped.add(order.orderKey);
      const { deliveries } = await warehouse.shipOrder(order.orderKey, { carrierCode: 'ups', trackingNumber: `1Z${order.orderId}` });
      for (const delivery of deliveries) if (delivery.status !== 200) retry.push({ url: delivery.url, body: delivery.body });
    }
    const again = retry;
    retry = [];
    for (const delivery of again) if ((await warehouse.sendWebhook(delivery.url, JSON.parse(delivery.body) as unknown)).status !== 200) retry.push(delivery);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
})();

process.stdout.write(`${JSON.stringify({ erp: erp.url, warehouse: warehouse.url, guestCustomerId: guest.id })}\n`);
const stop = (): void => {
  running = false;
  void Promise.all([erp.close(), warehouse.close()]).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
