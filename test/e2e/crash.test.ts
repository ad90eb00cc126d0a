import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exampleEvent } from '../../src/domain/events/examples.ts';
import { spawnHub, type HubProcess } from '../support/hub-process.ts';

// Durability: events acknowledged before a SIGKILL are all in the log after restart, exactly once,
// and re-sending the ones whose answer was lost does not duplicate them.

const dir = mkdtempSync(join(tmpdir(), 'weft-crash-'));
const hubs: HubProcess[] = [];
after(async () => {
  for (const hub of hubs) await hub.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const stock = exampleEvent('weft.inventory.adjusted.v1');
const CLIENTS = 8;
const BATCH_CLIENTS = 2;

async function readLog(url: string, token: string): Promise<{ id: string; position: number; subject: string; sequence: number }[]> {
  const events: { id: string; position: number; subject: string; sequence: number }[] = [];
  for (let next = 'after=0&limit=1000'; ; ) {
    const page = (await (await fetch(`${url}/v1/events?${next}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { events: typeof events; next: string };
    events.push(...page.events);
    if (page.events.length < 1000) return events;
    next = page.next;
  }
}

test('every acknowledged event survives SIGKILL exactly once, and retries do not duplicate', { timeout: 120_000 }, async () => {
  const first = await spawnHub({ WEFT_DATA_DIR: dir });
  hubs.push(first);
  const token = first.token;
  assert.ok(token);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const acked = new Set<string>();
  const attempted = new Map<string, unknown>();
  let killed = false;
  const client = async (index: number): Promise<void> => {
    for (let n = 0; !killed; n++) {
      const size = index < BATCH_CLIENTS ? 10 : 1;
      const events = Array.from({ length: size }, (_, k) => ({ ...stock, id: `c${index}-${n}-${k}`, data: { ...(stock.data as object), note: `client ${index} request ${n}` } }));
      for (const event of events) attempted.set(event.id, event);
      try {
        const response = await fetch(`${first.url}/v1/events`, { method: 'POST', headers, body: JSON.stringify(size === 1 ? events[0] : events) });
        if (response.status === 201) {
          const body = (await response.json()) as { events: { id: string }[] };
          for (const event of body.events) acked.add(event.id);
        } else {
          await response.body?.cancel();
        }
      } catch {
        return; // the hub is gone
      }
    }
  };
  const running = Array.from({ length: CLIENTS }, (_, index) => client(index));
  // Kill mid-stream: once a good number of writes were acknowledged, with requests still in flight.
  while (acked.size < 3000) await new Promise((resolve) => setTimeout(resolve, 20));
  await first.stop('SIGKILL');
  killed = true;
  await Promise.all(running);
  assert.ok(attempted.size > acked.size, 'some requests were in flight when the hub died');

  const second = await spawnHub({ WEFT_DATA_DIR: dir });
  hubs.push(second);
  assert.equal(second.token, undefined, 'a restart creates no new admin key');
  const log = await readLog(second.url, token);
  const ids = log.map((event) => event.id);
  assert.equal(new Set(ids).size, ids.length, 'no event is in the log twice');
  const present = new Set(ids);
  const missing = [...acked].filter((id) => !present.has(id));
  assert.deepEqual(missing, [], 'every acknowledged event survived');
  assert.deepEqual(log.map((event) => event.position), log.map((_, i) => i + 1), 'positions have no gaps');
  assert.deepEqual(log.map((event) => event.sequence), log.map((_, i) => i + 1), 'one subject, sequences without gaps');

  // Retry everything whose answer was lost: the log already holds some of them; none is added twice.
  const lost = [...attempted.keys()].filter((id) => !acked.has(id));
  for (let i = 0; i < lost.length; i += 100) {
    const response = await fetch(`${second.url}/v1/events`, { method: 'POST', headers, body: JSON.stringify(lost.slice(i, i + 100).map((id) => attempted.get(id))) });
    assert.equal(response.status, 201, await response.text());
  }
  const after = await readLog(second.url, token);
  assert.equal(after.length, attempted.size, 'every attempted event is in the log once');
  assert.deepEqual(new Set(after.map((event) => event.id)), new Set(attempted.keys()));
  assert.equal(await second.stop('SIGTERM'), 0);
});
