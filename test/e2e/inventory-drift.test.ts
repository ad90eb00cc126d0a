import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { inventoryKey } from '../../src/domain/inventory/inventory-key.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { apiCaller } from '../support/wait.ts';

// Drift through the API: the ERP's position is Weft's stock, the tills' counts are observed; a till
// counting less than Weft is a finding with its cause and proposed correction, which a person applies
// (POST /v1/inventory/drift/apply, inventory:manage); then the two agree and availability follows.

const dir = mkdtempSync(join(tmpdir(), 'weft-drift-'));
const ids = createIdGenerator();
const STORE = ids.next('location');
let hub: Hub;
let admin = '';
const call = apiCaller(() => hub.url, () => admin);

const position = (system: string, sku: string, onHand: number) => ({
  id: ids.next('event'),
  source: `urn:weft:source:${system}`,
  type: 'weft.inventory.position_reported.v1',
  subject: inventoryKey(sku, STORE),
  data: { sku, locationId: STORE, onHand, reserved: 0, inTransit: 0, safetyStock: 0, available: onHand, asOf: new Date(Date.now() - 60_000).toISOString() },
});

before(async () => {
  const config = loadConfig({
    env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent' },
    overrides: { inventory: { channels: { store: { locations: [STORE] } }, drift: { observe: ['pos'], mode: 'report', intervalSeconds: 0, settleSeconds: 0 } } },
  });
  hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
});

after(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('inventory drift through the API', () => {
  it('reports a till counting less than Weft, and applies the count a person accepts', async () => {
    assert.equal((await call('POST', '/v1/events', [position('erp', 'DRIFT-1', 12), position('pos', 'DRIFT-1', 9), position('erp', 'DRIFT-2', 5), position('pos', 'DRIFT-2', 5)])).status, 201);
    const report = (await call('GET', '/v1/inventory/drift')).body as { findings: { id: string; cause: string; weft: number; counted: number; correction: unknown }[] };
    assert.deepEqual(report.findings.map((f) => [f.cause, f.weft, f.counted, f.correction]), [['missed_event', 12, 9, { kind: 'set_on_hand', onHand: 9 }]], 'DRIFT-2 agrees');
    const availability = async () => ((await call('GET', `/v1/availability?sku=DRIFT-1&location=${STORE}`)).body.items as { available: number }[])[0]?.available;
    assert.equal(await availability(), 12, 'a till\'s count is not taken as stock');

    const applied = await call('POST', '/v1/inventory/drift/apply', { ids: [report.findings[0]?.id, 'count:NOPE'] });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.deepEqual((applied.body as { applied: string[] }).applied, [report.findings[0]?.id]);
    assert.equal((applied.body as { skipped: { id: string }[] }).skipped[0]?.id, 'count:NOPE');
    assert.equal(await availability(), 9);
    assert.deepEqual(((await call('GET', '/v1/inventory/drift')).body as { findings: unknown[] }).findings, []);
    const events = (await call('GET', `/v1/events?subject=${encodeURIComponent(inventoryKey('DRIFT-1', STORE))}`)).body.events as { type: string; data: { reason?: string; countedQuantity?: number } }[];
    assert.deepEqual(events.map((e) => e.type).at(-1), 'weft.inventory.counted.v1');
    assert.deepEqual([events.at(-1)?.data.reason, events.at(-1)?.data.countedQuantity], ['drift_correction', 9]);
  });

  it('lets only inventory:manage keys apply corrections', async () => {
    const key = await call('POST', '/v1/keys', { name: 'reader', scopes: ['inventory:read'] });
    const token = (key.body as { token: string }).token;
    const response = await fetch(`${hub.url}/v1/inventory/drift/apply`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 403);
  });
});
