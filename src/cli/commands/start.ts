import type { Command } from '../command.ts';

/** The demo rate from `--rate` (default 2), or undefined when it is not a number from 0 to 1000. */
export function parseRate(value: string | boolean | string[] | undefined): number | undefined {
  if (value === undefined) return 2;
  const rate = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(rate) && rate >= 0 && rate <= 1000 ? rate : undefined;
}

/** `weft start`: run the hub until SIGINT/SIGTERM, then stop gracefully. */
export const startCommand: Command = {
  name: 'start',
  summary: 'Run the hub (API on the configured store) until stopped',
  usage: `weft start [--port <n>] [--host <addr>] [--store sqlite|postgres] [--data-dir <dir>] [--demo | --no-demo] [--rate <n>]

Runs Weft's API on the configured store. On first start it creates the data directory and prints
the URL and an admin API key (shown once). Ctrl-C or SIGTERM stops it gracefully: in-flight
requests finish and everything accepted is on disk before the process exits.

When no source, target or route is configured it runs the demo estate (a web store, three store
tills, an ERP and a warehouse, each a local simulator of its vendor's API, with shoppers), on a
fresh embedded store of its own. --no-demo runs the hub alone against the configured systems.

Options:
  --port <n>         TCP port (config http.port, env WEFT_HTTP_PORT; default 8080)
  --host <addr>      Interface to listen on (http.host; default 127.0.0.1)
  --store <kind>     sqlite (embedded, default) or postgres (store.kind)
  --data-dir <dir>   Where the embedded store lives (dataDir; default .weft)
  --demo             Run the demo estate even though systems are configured
  --no-demo          Never run the demo estate
  --rate <n>         Demo traffic in business events per second (default 2)`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    store: { type: 'string' },
    'data-dir': { type: 'string' },
    demo: { type: 'boolean' },
    'no-demo': { type: 'boolean' },
    rate: { type: 'string' },
  },
  async run(context, { values }) {
    const overrides: Record<string, unknown> = {};
    if (typeof values.port === 'string') {
      const port = Number(values.port);
      overrides['http.port'] = Number.isInteger(port) ? port : values.port;
    }
    if (typeof values.host === 'string') overrides['http.host'] = values.host;
    if (typeof values.store === 'string') overrides['store.kind'] = values.store;
    if (typeof values['data-dir'] === 'string') overrides.dataDir = values['data-dir'];
    if (values.demo === true && values['no-demo'] === true) {
      context.err('Give --demo or --no-demo, not both.');
      return 2;
    }
    const rate = parseRate(values.rate);
    if (rate === undefined) {
      context.err(`--rate must be a number of events per second from 0 to 1000, got "${String(values.rate)}".`);
      return 2;
    }
    const demo = values.demo === true ? true : values['no-demo'] === true ? false : undefined;
    const stopping = context.stopRequested();
    const hub = await context.startHub(overrides, { ...(demo === undefined ? {} : { demo }), rate });
    const signal = await stopping;
    context.err(`Received ${signal}; stopping (in-flight requests finish first)...`);
    await hub.close();
    return 0;
  },
};
