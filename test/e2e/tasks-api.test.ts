import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { ProcessDefinition } from '../../src/processes/engine/definition.ts';
import { GROUP, LOCATION, ORDER, pickup } from '../../src/processes/engine/test-pickup.ts';

// The exceptions queue over HTTP, with a test process running in a real hub: an event appended
// through the API moves the process, which opens a task; a person lists, claims and resolves it
// under the tasks scopes; the process follows the decision; a second claim or resolution is a 409.

const dir = mkdtempSync(join(tmpdir(), 'weft-tasks-'));
let hub: Hub;
let admin = '';

async function call(method: string, path: string, body?: unknown, token = admin): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

before(async () => {
  const config = loadConfig({ env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent' } });
  hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin), processes: [pickup as ProcessDefinition<unknown>] });
});
after(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('/v1/tasks', () => {
  it('lists the task a process opened, lets a person claim and resolve it, and the process follows', async () => {
    const data = { orderId: ORDER, fulfilmentGroupId: GROUP, locationId: LOCATION, occurredAt: '2026-11-23T12:00:00.000Z' };
    const appended = await call('POST', '/v1/events', [
      { type: 'weft.order.ready_for_pickup.v1', subject: ORDER, data },
      { type: 'weft.order.held.v1', subject: ORDER, data: { orderId: ORDER, reason: 'manual', note: 'the parcel is damaged', occurredAt: '2026-11-23T12:01:00.000Z' } },
    ]);
    assert.equal(appended.status, 201, JSON.stringify(appended.body));
    const task = await until(async () => ((await call('GET', `/v1/tasks?status=open&key=${ORDER}`)).body.tasks as { id: string; kind: string; options: string[] }[])[0], 'the task');
    assert.deepEqual([task.kind, task.options], ['pickup_problem', ['wait', 'cancel']]);

    const reader = (await call('POST', '/v1/keys', { name: 'store manager (read)', scopes: ['tasks:read'] })).body.token as string;
    assert.equal((await call('GET', `/v1/tasks/${task.id}`, undefined, reader)).status, 200);
    assert.equal((await call('POST', `/v1/tasks/${task.id}/claim`, undefined, reader)).status, 403, 'claiming needs tasks:manage');

    const claimed = await call('POST', `/v1/tasks/${task.id}/claim`);
    assert.equal((claimed.body.task as { status: string }).status, 'claimed');
    assert.equal((await call('POST', `/v1/tasks/${task.id}/claim`)).status, 409);
    const wrong = await call('POST', `/v1/tasks/${task.id}/resolve`, { decision: 'ignore' });
    assert.deepEqual([wrong.status, wrong.body.code], [422, 'schema_violation']);
    const resolved = await call('POST', `/v1/tasks/${task.id}/resolve`, { decision: 'cancel', note: 'parcel damaged, customer refunded' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.equal((await hub.store.processInstance('store-pickup', ORDER))?.state, 'cancelled');
    const again = await call('POST', `/v1/tasks/${task.id}/resolve`, { decision: 'wait' });
    assert.deepEqual([again.status, again.body.code], [409, 'task_not_open']);
  });
});
