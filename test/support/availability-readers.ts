import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { inventoryKey } from '../../src/domain/inventory/inventory-key.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { until } from './wait.ts';

// The availability readers as a channel meets them, on whichever store the caller configures: a hub
// with two reader threads, its writes made through the main API, its checks read on the readers'
// port. Shared by the SQLite (test/e2e/availability-readers.test.ts) and PostgreSQL
// (test/e2e/postgres-availability-readers.int.test.ts) runs.

interface Answer {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

/** Runs the readers scenario against a hub configured by `env` (the store's settings) on top of the defaults here. */
export function availabilityReadersScenario(name: string, env: () => Record<string, string>, cleanUp: () => Promise<void> = async () => undefined): void {
  const ids = createIdGenerator();
  const DC = ids.next('location');
  const STORE = ids.next('location');
  let hub: Hub;
  let admin = '';
  let readersUrl = '';

  async function call(base: string, method: string, path: string, options: { token?: string | undefined; body?: unknown } = {}): Promise<Answer> {
    const token = 'token' in options ? options.token : admin;
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
  }
  const main = (method: string, path: string, options?: { token?: string | undefined; body?: unknown }) => call(hub.url, method, path, options);
  const reader = (path: string, options?: { token?: string | undefined }) => call(readersUrl, 'GET', path, options);
  type Items = { sku: string; available: number; locations: { locationId: string; onHand: number; reserved: number; available: number }[] }[];
  const items = (answer: Answer): Items => answer.body.items as Items;

  const position = (sku: string, locationId: string, onHand: number) => ({
    type: 'weft.inventory.position_reported.v1',
    subject: inventoryKey(sku, locationId),
    data: { sku, locationId, onHand, reserved: 0, inTransit: 0, safetyStock: 0, available: onHand, asOf: new Date().toISOString() },
  });
  const received = (sku: string, locationId: string, units: number) => ({
    type: 'weft.inventory.received.v1',
    subject: inventoryKey(sku, locationId),
    data: { id: ids.next('inventoryMovement'), sku, locationId, kind: 'receipt', quantityDelta: units, occurredAt: new Date().toISOString(), externalRefs: [] },
  });
  async function post(events: unknown): Promise<void> {
    const answer = await main('POST', '/v1/events', { body: events });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
  }
  /** Waits until the readers answer `path` exactly as the main API does (both follow the log in their own time). */
  async function readersAgree(path: string, what: string): Promise<Answer> {
    let last: { reader: Answer; api: Answer } | undefined;
    try {
      await until(async () => {
        last = { api: await main('GET', path), reader: await reader(path) };
        return last.reader.status === 200 && JSON.stringify(last.reader.body) === JSON.stringify(last.api.body);
      }, `${what}: the readers to answer ${path} as the API does`);
    } catch (error) {
      assert.fail(`${(error as Error).message}; last answers: readers ${JSON.stringify(last?.reader.body)}, API ${JSON.stringify(last?.api.body)}`);
    }
    return (last as { reader: Answer }).reader;
  }
  /** Waits until `check` holds for the answer of `base` to `path`. */
  async function shows(base: () => string, path: string, check: (answer: Answer) => boolean, what: string): Promise<void> {
    await until(async () => check(await call(base(), 'GET', path)), what);
  }

  describe(`availability reader threads (${name})`, () => {
    before(async () => {
      const config = loadConfig({
        env: { WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_INVENTORY_READERS_THREADS: '2', WEFT_INVENTORY_READERS_PORT: '0', ...env() },
        overrides: { 'inventory.channels': { webshop: { locations: [DC, STORE], safetyStock: 1 } } },
      });
      hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
      assert.ok(hub.readersUrl, 'the hub reports where its readers listen');
      readersUrl = hub.readersUrl;
      assert.notEqual(new URL(readersUrl).port, new URL(hub.url).port);
    });
    after(async () => {
      await hub?.close();
      await cleanUp();
    });

    it('answers a check exactly as the API does, once both have the stock', async () => {
      await post([position('RD-1', DC, 10), position('RD-1', STORE, 4), position('RD-2', DC, 7)]);
      await shows(() => hub.url, '/v1/availability?sku=RD-2&channel=webshop', (answer) => items(answer)[0]?.available === 6, 'the API shows the stock reported');
      const answer = await readersAgree('/v1/availability?sku=RD-1&sku=RD-2,RD-NONE&channel=webshop', 'three SKUs across the channel');
      assert.deepEqual(items(answer).map((item) => [item.sku, item.available]), [['RD-1', 12], ['RD-2', 6], ['RD-NONE', 0]], 'the safety stock is held back at each location');
      await readersAgree(`/v1/availability?sku=RD-1&location=${STORE}`, 'one SKU at one location, no channel');
      const health = await reader('/health/ready', { token: undefined });
      assert.equal(health.status, 200);
    });

    it('shows a stock event posted to the API', async () => {
      await post(received('RD-2', DC, 5));
      await shows(() => readersUrl, '/v1/availability?sku=RD-2&channel=webshop', (answer) => items(answer)[0]?.locations[0]?.onHand === 12, 'the readers show the 5 units received');
      await readersAgree('/v1/availability?sku=RD-2&channel=webshop', 'after the receipt');
    });

    it('shows a reservation made through the API', async () => {
      const reserved = await main('POST', '/v1/reservations', { body: { orderId: ids.next('order'), channel: 'webshop', lines: [{ sku: 'RD-1', quantity: 3 }] } });
      assert.equal(reserved.status, 201, JSON.stringify(reserved.body));
      await shows(() => readersUrl, '/v1/availability?sku=RD-1&channel=webshop', (answer) => items(answer)[0]?.available === 9, 'the readers show 3 units fewer');
      const answer = await readersAgree('/v1/availability?sku=RD-1&channel=webshop', 'after the reservation');
      assert.equal(items(answer)[0]?.locations.find((location) => location.locationId === DC)?.reserved, 3);
    });

    it('refuses what the API refuses, with the same problem+json', async () => {
      const created = await main('POST', '/v1/keys', { body: { name: 'events reader', scopes: ['events:read'] } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const narrow = created.body.token as string;
      const cases: [string, string | undefined, number, string][] = [
        ['/v1/availability?sku=RD-1&channel=webshop', undefined, 401, 'unauthenticated'],
        ['/v1/availability?sku=RD-1&channel=webshop', 'weft_key_not-a-key', 401, 'invalid_credentials'],
        ['/v1/availability?sku=RD-1&channel=webshop', narrow, 403, 'insufficient_scope'],
        ['/v1/availability?sku=RD-1', admin, 400, 'malformed_request'],
        ['/v1/availability?sku=RD-1&channel=nowhere', admin, 422, 'unknown_channel'],
        ['/v1/availability?sku=RD-1&channel=webshop&extra=1', admin, 400, 'malformed_request'],
      ];
      for (const [path, token, status, code] of cases) {
        const fromReader = await reader(path, { token });
        const fromApi = await main('GET', path, { token });
        assert.equal(fromReader.status, status, `${path}: ${JSON.stringify(fromReader.body)}`);
        assert.equal(fromReader.body.code, code);
        assert.match(fromReader.type ?? '', /^application\/problem\+json/);
        const { requestId: _r, ...readerProblem } = fromReader.body;
        const { requestId: _a, ...apiProblem } = fromApi.body;
        assert.deepEqual(readerProblem, apiProblem, `${path}: the readers answer as the API does`);
      }
      const elsewhere = await reader('/v1/events');
      assert.equal(elsewhere.status, 404, 'the readers serve checks only');
      assert.match(String(elsewhere.body.detail), /main port/, 'and say where the rest of the API is');
    });

    it('stops honouring a key revoked through the API', async () => {
      const created = await main('POST', '/v1/keys', { body: { name: 'storefront', scopes: ['inventory:read'] } });
      const token = created.body.token as string;
      assert.equal((await reader('/v1/availability?sku=RD-1&channel=webshop', { token })).status, 200);
      assert.ok((await main('DELETE', `/v1/keys/${(created.body.key as { id: string }).id}`)).status < 300);
      await until(async () => (await reader('/v1/availability?sku=RD-1&channel=webshop', { token })).body.code === 'credentials_revoked', 'the readers refuse the revoked key (within auth.keyCacheMs)');
    });

    it('counts the readers\' checks in the hub\'s /metrics', async () => {
      const count = async (): Promise<number> => {
        const text = await (await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
        return Number(/^weft_http_request_duration_seconds_count\{route="\/v1\/availability",method="GET",status="200"\} (\d+)$/m.exec(text)?.[1] ?? 0);
      };
      const before = await count();
      for (let n = 0; n < 20; n++) assert.equal((await reader('/v1/availability?sku=RD-1&channel=webshop')).status, 200);
      await until(async () => (await count()) >= before + 20, 'the 20 checks the readers answered reach /metrics');
    });

    it('stops the reader threads when the hub closes', async () => {
      await hub.close();
      await assert.rejects(fetch(`${readersUrl}/health/live`), 'nothing listens on the readers\' port any more');
    });
  });
}
