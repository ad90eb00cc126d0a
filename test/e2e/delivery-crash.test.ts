import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { exampleEvent } from '../../src/domain/events/examples.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { spawnHub, type HubProcess } from '../support/hub-process.ts';
import { startFakeTarget, type FakeTarget } from '../support/fake-target.ts';

// The whole system as an operator runs it: `weft start` as a child process with routes from event
// types to a target, a fake target counting effects by idempotency key, SIGKILL in the middle of
// deliveries, and the dead-letter queue driven through `weft dlq`.

const dir = mkdtempSync(join(tmpdir(), 'weft-delivery-e2e-'));
const hubs: HubProcess[] = [];
const fakes: FakeTarget[] = [];
after(async () => {
  for (const hub of hubs) await hub.stop('SIGKILL');
  for (const fake of fakes) await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
const ids = createIdGenerator();
const weft = fileURLToPath(new URL('../../src/app/weft.ts', import.meta.url));
const run = promisify(execFile);

function orderEvent(subject: string, note: string) {
  const example = exampleEvent('weft.order.captured.v1');
  return { ...example, id: ids.next('event'), subject, data: { ...(example.data as object), id: subject, orderNumber: note } };
}

function stockEvent() {
  return { ...exampleEvent('weft.inventory.adjusted.v1'), id: ids.next('event') };
}

function writeConfig(file: string, fake: FakeTarget, orderPath: string): void {
  const config = {
    targets: {
      erp: {
        connector: 'http',
        baseUrl: fake.url,
        timeoutMs: 2000,
        rateLimit: { requestsPerSecond: 2000, burst: 50, maxConcurrency: 16 },
        retry: { maxAttempts: 20, baseDelayMs: 20, maxDelayMs: 200 },
        actions: {
          createOrder: { path: orderPath, targetIdPointer: '/id', priority: 'urgent' },
          adjustStock: { path: '/effects/stock', priority: 'normal' },
        },
      },
    },
    routes: [
      { name: 'orders to erp', events: ['weft.order.captured.v1'], target: 'erp', action: 'createOrder' },
      { name: 'stock to erp', events: ['weft.inventory.adjusted.v1'], target: 'erp', action: 'adjustStock' },
    ],
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
}

async function post(hub: HubProcess, token: string, events: unknown[]): Promise<void> {
  const response = await fetch(`${hub.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  assert.equal(response.status, 201, await response.text());
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('delivery, end to end', () => {
  it('loses no command and duplicates no effect when the hub is killed mid-delivery', { timeout: 120_000 }, async () => {
    const fake = await startFakeTarget({ faults: { slowMs: { ms: 40, p: 0.5 } } });
    fakes.push(fake);
    const data = join(dir, 'crash');
    const config = join(dir, 'crash.json');
    writeConfig(config, fake, '/effects/orders');
    const env = { WEFT_DATA_DIR: data, WEFT_CONFIG: config };
    const first = await spawnHub(env);
    hubs.push(first);
    const token = first.token as string;
    const events = Array.from({ length: 600 }, (_, i) => orderEvent(ids.next('order'), `order ${i}`));
    for (let i = 0; i < events.length; i += 100) await post(first, token, events.slice(i, i + 100));
    await until(() => fake.stats().applied >= 100, 'deliveries under way');
    assert.equal(await first.stop('SIGKILL'), 'SIGKILL');
    const appliedAtKill = fake.stats().applied;
    assert.ok(appliedAtKill < events.length, `killed mid-delivery (${appliedAtKill} of ${events.length} delivered)`);

    const second = await spawnHub(env);
    hubs.push(second);
    await until(() => fake.stats().applied >= events.length, 'every command delivered after restart', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stats = fake.stats();
    assert.equal(stats.applied, events.length, 'one effect per routed event');
    assert.equal(stats.maxEffectsPerKey, 1, 'no command took effect twice');
    const targets = (await (await fetch(`${second.url}/v1/targets`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      targets: { target: string; outbox: Record<string, { count: number }> }[];
    };
    assert.deepEqual(Object.fromEntries(Object.entries(targets.targets[0]?.outbox ?? {}).map(([status, s]) => [status, s.count])), { done: events.length });
    await second.stop();
  });

  it('dead-letters a poison command, parks its key, and delivers it in order after the config is fixed and it is replayed', { timeout: 120_000 }, async () => {
    const fake = await startFakeTarget();
    fakes.push(fake);
    const data = join(dir, 'dlq');
    const config = join(dir, 'dlq.json');
    writeConfig(config, fake, '/wrong/orders');
    const env = { WEFT_DATA_DIR: data, WEFT_CONFIG: config };
    const cli = (...args: string[]) => run(process.execPath, [weft, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });

    const hub = await spawnHub(env);
    hubs.push(hub);
    const token = hub.token as string;
    const order = ids.next('order');
    await post(hub, token, [orderEvent(order, 'first')]);
    await until(async () => (await cli('dlq', 'list', '--json')).stdout.trim() !== '', 'the poison command dead-lettered');
    await post(hub, token, [orderEvent(order, 'second'), stockEvent(), stockEvent()]);
    await until(() => fake.stats().applied === 2, 'the other key delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(fake.stats().applied, 2, 'the second command of the poisoned key waits behind it');

    const [dead] = (await cli('dlq', 'list', '--json')).stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; key: string; attempts: number; lastError: { code: string } });
    assert.equal(dead?.key, order);
    assert.equal(dead?.attempts, 1, 'a terminal error is not retried');
    assert.equal(dead?.lastError.code, 'target_rejected');
    const shown = (await cli('dlq', 'show', dead?.id as string)).stdout;
    assert.match(shown, /HTTP 404/);
    assert.match(shown, /"orderNumber": "first"/);

    await hub.stop();
    writeConfig(config, fake, '/effects/orders');
    const dry = await cli('dlq', 'replay', dead?.id as string, '--reason', 'order path fixed', '--dry-run');
    assert.match(dry.stdout, new RegExp(`POST ${fake.url}/effects/orders`));
    assert.match(dry.stderr, /Dry run: would replay 1/);
    const replayed = await cli('dlq', 'replay', '--target', 'erp', '--code', 'target_rejected', '--reason', 'order path fixed');
    assert.match(replayed.stderr, /Replayed 1 command/);

    const restarted = await spawnHub(env);
    hubs.push(restarted);
    await until(() => fake.stats().applied === 4, 'the replayed command and the one behind it delivered');
    const notes = fake
      .effects()
      .filter((effect) => effect.resource === 'orders')
      .map((effect) => ((effect.body as { data: { orderNumber: string } }).data.orderNumber));
    assert.deepEqual(notes, ['first', 'second'], 'in order');
    const audit = JSON.parse((await cli('dlq', 'show', dead?.id as string, '--json')).stdout) as { command: { status: string; replays: number }; audit: { action: string; reason: string; actor: string }[] };
    assert.equal(audit.command.status, 'done');
    assert.equal(audit.command.replays, 1);
    assert.deepEqual(audit.audit.map((entry) => [entry.action, entry.reason]), [['dlq.replay', 'order path fixed']]);
    assert.match(audit.audit[0]?.actor ?? '', /^cli:/);
    await restarted.stop();
  });
});
