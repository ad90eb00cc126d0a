import type { Command } from '../command.ts';

/** `weft start`: run the hub until SIGINT/SIGTERM, then stop gracefully. */
export const startCommand: Command = {
  name: 'start',
  summary: 'Run the hub (API on the configured store) until stopped',
  usage: `weft start [--port <n>] [--host <addr>] [--store sqlite|postgres] [--data-dir <dir>]

Runs Weft's API on the configured store. On first start it creates the data directory and prints
the URL and an admin API key (shown once). Ctrl-C or SIGTERM stops it gracefully: in-flight
requests finish and everything accepted is on disk before the process exits.

Options:
  --port <n>         TCP port (config http.port, env WEFT_HTTP_PORT; default 8080)
  --host <addr>      Interface to listen on (http.host; default 127.0.0.1)
  --store <kind>     sqlite (embedded, default) or postgres (store.kind)
  --data-dir <dir>   Where the embedded store lives (dataDir; default .weft)`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    store: { type: 'string' },
    'data-dir': { type: 'string' },
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
    const stopping = context.stopRequested();
    const hub = await context.startHub(overrides);
    const signal = await stopping;
    context.err(`Received ${signal}; stopping (in-flight requests finish first)...`);
    await hub.close();
    return 0;
  },
};
