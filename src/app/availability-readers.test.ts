import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { createApiKeyService } from '../access/api-keys.ts';
import { loadConfig } from '../config/load.ts';
import { inventoryKey } from '../domain/inventory/inventory-key.ts';
import { createIdGenerator, systemClock } from '../ports/clock.ts';
import type { Store } from '../ports/store.ts';
import { createLogger } from '../telemetry/logger.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { until } from '../../test/support/wait.ts';
import { startAvailabilityReaders } from './availability-readers.ts';
import { openStore } from './open-store.ts';

// The reader threads on their own, beside a store opened as the hub opens it: woken by the hub after
// a commit (not only by their poll), started again when one ends unasked, and refusing a port that
// something else holds rather than sharing it.

const dir = mkdtempSync(join(tmpdir(), 'weft-readers-unit-'));
const ids = createIdGenerator();
const DC = ids.next('location');
// A poll far beyond any wait below: a change that shows came through the wake.
const config = loadConfig({ env: { WEFT_DATA_DIR: dir, WEFT_LOG_LEVEL: 'silent', WEFT_INVENTORY_POLL_MS: '600000' }, overrides: { 'inventory.channels': { web: { locations: [DC] } } } });
const logger = createLogger({ level: 'silent' });
let store: Store;
let token = '';

before(async () => {
  store = await openStore(config);
  token = (await createApiKeyService({ store, clock: systemClock, ids }, { cacheMs: 1000 }).create('test', ['inventory:read'])).token;
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function onHand(port: number, sku: string): Promise<number | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/availability?sku=${sku}&channel=web`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) return undefined;
  return ((await response.json()) as { items: { locations: { onHand: number }[] }[] }).items[0]?.locations[0]?.onHand;
}

async function report(sku: string, units: number): Promise<void> {
  const result = await store.commit({
    events: [{ id: ids.next('event'), source: '/test', type: 'weft.inventory.position_reported.v1', subject: inventoryKey(sku, DC), time: new Date().toISOString(), data: { sku, locationId: DC, onHand: units, reserved: 0, inTransit: 0, safetyStock: 0, available: units, asOf: new Date().toISOString() } }],
  });
  assert.equal(result.status, 'committed');
}

describe('availability readers', () => {
  it('fold the log before they listen, and follow it when the hub wakes them', async () => {
    await report('UNIT-1', 4);
    const metrics = createMetrics({ defaultMetrics: false });
    const readers = await startAvailabilityReaders({ config, logger, metrics }, { threads: 2, host: '127.0.0.1', port: 0, shutdownGraceMs: 1000 });
    try {
      assert.equal(await onHand(readers.port, 'UNIT-1'), 4, 'the log so far is folded before the first check');
      await report('UNIT-1', 9);
      readers.wake();
      // Each new connection may reach either thread: ask until several answers agree.
      await until(async () => (await Promise.all(Array.from({ length: 6 }, () => onHand(readers.port, 'UNIT-1')))).every((units) => units === 9), 'every reader shows the new count');
    } finally {
      await readers.close();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${readers.port}/health/live`), 'closed readers listen no more');
  });

  it('start a thread that ended unasked again, and keep its counts in the metrics', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const threads: Worker[] = [];
    const readers = await startAvailabilityReaders(
      { config, logger, metrics, onThread: (worker) => threads.push(worker) },
      { threads: 1, host: '127.0.0.1', port: 0, shutdownGraceMs: 1000, restartDelayMs: 20, metricsIntervalMs: 20 },
    );
    try {
      assert.equal((await fetch(`http://127.0.0.1:${readers.port}/health/live`)).status, 200);
      const checks = async (): Promise<number> => Number(/^weft_http_request_duration_seconds_count\{route="\/health\/live",method="GET",status="200"\} (\d+)$/m.exec(await metrics.render())?.[1] ?? 0);
      await until(async () => (await checks()) === 1, 'the thread\'s count reaches the hub');
      await threads[0]?.terminate();
      await until(() => threads.length === 2, 'a second thread starts');
      await until(async () => (await fetch(`http://127.0.0.1:${readers.port}/health/live`).catch(() => undefined))?.status === 200, 'the port answers again');
      await until(async () => (await checks()) === 2, 'the ended thread\'s count is kept beside the new one\'s');
      assert.match(await metrics.render(), /^weft_availability_reader_restarts_total 1$/m);
    } finally {
      await readers.close();
    }
  });

  it('refuse a port something else listens on', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen({ host: '127.0.0.1', port: 0 }, resolve));
    try {
      const port = (other.address() as AddressInfo).port;
      await assert.rejects(startAvailabilityReaders({ config, logger, metrics: createMetrics({ defaultMetrics: false }) }, { threads: 1, host: '127.0.0.1', port, shutdownGraceMs: 1000 }), { code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
