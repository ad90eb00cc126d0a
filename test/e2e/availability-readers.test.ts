import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startHub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { availabilityReadersScenario } from '../support/availability-readers.ts';

// Channels' availability checks answered by reader threads (inventory.readers) on the embedded store:
// the same answers and errors as the API, writes made through the API visible on the readers' port,
// and the threads gone once the hub closes. The same scenario runs on PostgreSQL in
// postgres-availability-readers.int.test.ts.

const dir = mkdtempSync(join(tmpdir(), 'weft-readers-'));
availabilityReadersScenario('sqlite', () => ({ WEFT_DATA_DIR: join(dir, 'hub') }), async () => rmSync(dir, { recursive: true, force: true }));

// Anything such a failed start left running (a follower's poll, a reader thread) would keep this
// file's process from ending.
test('a hub whose readers\' port is taken does not start; the next start on the same store does', async () => {
  const other = createServer();
  await new Promise<void>((resolve) => other.listen({ host: '127.0.0.1', port: 0 }, resolve));
  try {
    const port = (other.address() as AddressInfo).port;
    const config = loadConfig({ env: { WEFT_DATA_DIR: join(dir, 'taken'), WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_INVENTORY_READERS_THREADS: '1', WEFT_INVENTORY_READERS_PORT: String(port) } });
    await assert.rejects(startHub(config, { announce: () => undefined }), { code: 'EADDRINUSE' });
    const hub = await startHub({ ...config, inventory: { ...config.inventory, readers: { ...config.inventory.readers, port: 0 } } }, { announce: () => undefined });
    await hub.close();
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});
