import type { Command } from '../command.ts';
import { parseRate } from './start.ts';

/** `weft demo`: the hub with the demo estate, at a chosen load. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run the hub with the demo estate (simulated web store, tills, ERP, warehouse) and shoppers',
  usage: `weft demo [--rate <n>] [--port <n>] [--host <addr>] [--data-dir <dir>]

Starts the simulators of a fictional retailer's systems (Shopify web store, Square tills in three
stores, NetSuite ERP, ShipStation warehouse), the hub wired to them, and shoppers: web orders (some
for pick-up in a store), till sales, new customers (some of them signing up twice). Orders reach the
ERP and the warehouse; shipments come back to the web store and the ERP. Ctrl-C stops everything.
The demo keeps its own store (<data-dir>/demo.db), emptied at each start like its simulators.

Options:
  --rate <n>         Business events per second (default 2; 0 starts the estate without shoppers)
  --port <n>         TCP port of the hub (http.port; default 8080)
  --host <addr>      Interface to listen on (http.host; default 127.0.0.1)
  --data-dir <dir>   Where the demo's store lives (dataDir; default .weft)`,
  options: {
    rate: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
  },
  async run(context, { values }) {
    const rate = parseRate(values.rate);
    if (rate === undefined) {
      context.err(`--rate must be a number of events per second from 0 to 1000, got "${String(values.rate)}".`);
      return 2;
    }
    const overrides: Record<string, unknown> = {};
    if (typeof values.port === 'string') {
      const port = Number(values.port);
      overrides['http.port'] = Number.isInteger(port) ? port : values.port;
    }
    if (typeof values.host === 'string') overrides['http.host'] = values.host;
    if (typeof values['data-dir'] === 'string') overrides.dataDir = values['data-dir'];
    const stopping = context.stopRequested();
    const hub = await context.startHub(overrides, { demo: true, rate });
    const signal = await stopping;
    context.err(`Received ${signal}; stopping the demo (in-flight requests finish first)...`);
    await hub.close();
    return 0;
  },
};
