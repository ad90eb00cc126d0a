import { mkdirSync, readFileSync } from 'node:fs';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { Store, StoreOptions } from '../ports/store.ts';
import { createPostgresStore } from '../store/postgres/store.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';

// The store and the version, apart from the rest of the composition root: the availability reader
// threads need both and nothing else the hub wires (connectors, processes, delivery), so they load
// this module, not hub.ts.

/** Weft's version, from package.json. */
export const version: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Opens the store the configuration names. The only place that picks a store adapter. */
export async function openStore(config: Config, options: StoreOptions & { clock?: Clock } = {}): Promise<Store> {
  if (config.store.kind === 'postgres') {
    return createPostgresStore({ ...options, ...config.store.postgres, maxBatchUnits: config.store.maxBatchUnits });
  }
  if (options.readOnly !== true) mkdirSync(config.dataDir, { recursive: true });
  return createSqliteStore({ ...options, path: config.store.sqlite.path, busyTimeoutMs: config.store.sqlite.busyTimeoutMs, maxBatchUnits: config.store.maxBatchUnits });
}
