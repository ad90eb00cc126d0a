import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig, redactConfig } from '../../src/config/load.ts';
import { exampleEvent } from '../../src/domain/events/examples.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { startFakeTarget, type FakeTarget } from '../support/fake-target.ts';

// The dead-letter admin API over a real hub: scopes, filters, the full record of a dead letter,
// dry runs that show today's request with secrets masked, audited replay and discard, and the
// refusals (no reason, not a dead letter, unknown command). Also the start-up checks of targets
// and routes, which must name the offending field.

const dir = mkdtempSync(join(tmpdir(), 'weft-dlq-api-'));
const ids = createIdGenerator();
let hub: Hub;
let fake: FakeTarget;
let admin = '';

function config(dataDir: string, targets: Record<string, unknown>, routes: unknown[]) {
  return loadConfig({
    env: { WEFT_DATA_DIR: dataDir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_DELIVERY_POLL_MS: '20' },
    overrides: { targets, routes },
  });
}

async function call(method: string, path: string, body?: unknown, token = admin): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

before(async () => {
  fake = await startFakeTarget();
  const targets = {
    erp: {
      connector: 'http',
      baseUrl: fake.url,
      auth: { type: 'bearer', token: 'erp-secret-token' },
      actions: { createOrder: { path: '/nowhere/{payload.data.orderNumber}' } },
    },
  };
  hub = await startHub(config(dir, targets, [{ name: 'orders', events: ['weft.order.captured.v1'], target: 'erp', action: 'createOrder' }]), {
    announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin),
  });
});

after(async () => {
  await hub?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dead letters over the API', () => {
  let dead: { id: string; key: string }[] = [];

  it('lists dead letters with filters, and shows one with its attempts and payload', async () => {
    const example = exampleEvent('weft.order.captured.v1');
    const orders = [ids.next('order'), ids.next('order')];
    const events = orders.map((order, i) => ({ ...example, id: ids.next('event'), subject: order, data: { ...(example.data as object), id: order, orderNumber: `DE-${i}` } }));
    const posted = await call('POST', '/v1/events', events);
    assert.equal(posted.status, 201);
    await until(async () => ((await call('GET', '/v1/dead-letters')).body.deadLetters as unknown[]).length === 2, 'two dead letters');

    const listed = await call('GET', '/v1/dead-letters?target=erp&code=target_rejected&limit=1');
    dead = listed.body.deadLetters as typeof dead;
    assert.equal(dead.length, 1);
    assert.equal(typeof listed.body.nextBeforeSeq, 'number', 'a full page points at the next');
    const next = await call('GET', `/v1/dead-letters?limit=1&beforeSeq=${listed.body.nextBeforeSeq as number}`);
    dead = [...dead, ...(next.body.deadLetters as typeof dead)];
    assert.deepEqual(dead.map((d) => d.key).sort(), [...orders].sort());
    assert.deepEqual((await call('GET', '/v1/dead-letters?code=attempts_exhausted')).body.deadLetters, []);
    assert.deepEqual(((await call('GET', `/v1/dead-letters?key=${orders[0]}`)).body.deadLetters as { key: string }[]).map((d) => d.key), [orders[0]]);

    const shown = await call('GET', `/v1/dead-letters/${dead[0]?.id}`);
    assert.equal(shown.status, 200);
    const command = shown.body.command as { status: string; lastError: { code: string; message: string }; payload: { type: string } };
    assert.equal(command.status, 'dead');
    assert.equal(command.lastError.code, 'target_rejected');
    assert.match(command.lastError.message, /404/);
    assert.equal(command.payload.type, 'weft.order.captured.v1');
    const attempts = shown.body.attempts as { attempt: number; outcome: string; targetStatus: number }[];
    assert.deepEqual(attempts.map((a) => [a.attempt, a.outcome, a.targetStatus]), [[1, 'dead', 404]]);
  });

  it('lists every command of a business key across targets and statuses, and shows one', async () => {
    const listed = await call('GET', `/v1/commands?key=${dead[0]?.key}`);
    assert.equal(listed.status, 200);
    const commands = listed.body.commands as { id: string; key: string; status: string; target: string }[];
    assert.deepEqual(commands.map((c) => [c.id, c.key, c.status, c.target]), [[dead[0]?.id, dead[0]?.key, 'dead', 'erp']]);
    assert.deepEqual((await call('GET', '/v1/commands?status=done')).body.commands, []);
    const one = await call('GET', `/v1/commands/${dead[0]?.id}`);
    assert.equal((one.body.attempts as unknown[]).length, 1);
    assert.equal(one.body.receipt, null);
    assert.equal((await call('GET', '/v1/commands/cmd_01JD8X3ZQ4N9V6W2T5R7K0M1AB')).status, 404);
    assert.equal((await call('GET', '/v1/commands?status=lost')).status, 400);
  });

  it('needs deliveries:read to read and deliveries:manage to act', async () => {
    const created = await call('POST', '/v1/keys', { name: 'reader', scopes: ['deliveries:read'] });
    const reader = (created.body as { token: string }).token;
    assert.equal((await call('GET', '/v1/dead-letters', undefined, reader)).status, 200);
    const refused = await call('POST', `/v1/dead-letters/${dead[0]?.id}/replay`, { reason: 'try' }, reader);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'insufficient_scope');
    assert.equal((await call('GET', '/v1/targets', undefined, reader)).status, 200);
  });

  it('dry-runs a replay with today\'s request and masked secrets, changing nothing', async () => {
    const dry = await call('POST', `/v1/dead-letters/${dead[0]?.id}/replay`, { reason: 'check the request', dryRun: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.dryRun, true);
    const [preview] = dry.body.previews as { requests: { method: string; url: string; headers: Record<string, string> }[] }[];
    assert.match(preview?.requests[0]?.url ?? '', /\/nowhere\/DE-/);
    assert.equal(preview?.requests[0]?.headers.authorization, 'Bearer ***');
    assert.doesNotMatch(JSON.stringify(dry.body), /erp-secret-token/);
    const still = await call('GET', `/v1/dead-letters/${dead[0]?.id}`);
    assert.equal((still.body.command as { status: string }).status, 'dead');
    assert.deepEqual(still.body.audit, []);
  });

  it('refuses a replay without a reason, of an unknown command, and of one that is not dead', async () => {
    const noReason = await call('POST', `/v1/dead-letters/${dead[0]?.id}/replay`, { reason: '   ' });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.code, 'malformed_request');
    const unknown = await call('POST', '/v1/dead-letters/cmd_01JD8X3ZQ4N9V6W2T5R7K0M1AB/replay', { reason: 'x' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'not_found');
    const both = await call('POST', '/v1/dead-letters/replay', { reason: 'x', ids: [dead[0]?.id], filter: { target: 'erp' } });
    assert.equal(both.status, 400);
  });

  it('discards one with an audited reason, unparking its key, and replays by filter', async () => {
    const discarded = await call('POST', `/v1/dead-letters/${dead[0]?.id}/discard`, { reason: 'order cancelled in the shop' });
    assert.equal(discarded.status, 200);
    assert.deepEqual(discarded.body.discarded, [dead[0]?.id]);
    const again = await call('POST', `/v1/dead-letters/${dead[0]?.id}/discard`, { reason: 'twice' });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'not_dead_letter');
    const shown = await call('GET', `/v1/dead-letters/${dead[0]?.id}`);
    assert.equal((shown.body.command as { status: string }).status, 'discarded');
    const audit = shown.body.audit as { action: string; reason: string; actor: string }[];
    assert.deepEqual(audit.map((a) => [a.action, a.reason]), [['dlq.discard', 'order cancelled in the shop']]);
    assert.match(audit[0]?.actor ?? '', /^key_/);

    const replayed = await call('POST', '/v1/dead-letters/replay', { reason: 'ERP path fixed', filter: { target: 'erp' } });
    assert.deepEqual(replayed.body.replayed, [dead[1]?.id]);
    // The path is still wrong, so it dies again: a second attempt round, recorded.
    await until(async () => ((await call('GET', `/v1/dead-letters/${dead[1]?.id}`)).body.attempts as unknown[]).length === 2, 'replayed attempt');
    const replayedOne = await call('GET', `/v1/dead-letters/${dead[1]?.id}`);
    assert.equal((replayedOne.body.command as { replays: number }).replays, 1);
    const targets = await call('GET', '/v1/targets');
    const erp = (targets.body.targets as { target: string; breaker: string; configured: boolean; outbox: Record<string, { count: number }> }[])[0];
    assert.deepEqual([erp?.target, erp?.configured, erp?.breaker], ['erp', true, 'closed']);
    assert.equal(erp?.outbox.discarded?.count, 1);

    const metrics = await (await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
    assert.match(metrics, /weft_outbox_commands\{target="erp",status="discarded"\} 1/);
    assert.match(metrics, /weft_outbox_oldest_age_seconds\{target="erp",status="(dead|pending)"\} \d/);
    assert.match(metrics, /weft_delivery_breaker_state\{target="erp",state="closed"\} 1/);
    assert.match(metrics, /weft_delivery_attempt_duration_seconds_count\{target="erp",action="createOrder",outcome="dead"\} [1-9]/);
  });
});

describe('targets and routes at start-up', () => {
  const fail = (targets: Record<string, unknown>, routes: unknown[], pattern: RegExp) =>
    assert.rejects(
      startHub(config(join(dir, 'bad'), targets, routes), { announce: () => undefined }),
      (error: Error & { code?: string }) => error.code === 'invalid_config' && pattern.test(error.message),
    );
  const erp = { connector: 'http', baseUrl: 'http://127.0.0.1:9', actions: { send: { path: '/x' } } };

  it('names an unknown connector, a bad connector setting, and a route to nowhere', async () => {
    await fail({ erp: { ...erp, connector: 'sap' } }, [], /targets\.erp\.connector "sap"/);
    await fail({ erp: { ...erp, timeoutMs: 5 } }, [], /targets\.erp\.timeoutMs/);
    await fail({ erp }, [{ name: 'r', events: ['weft.order.captured.v1'], target: 'crm', action: 'send' }], /routes\.0 \(r\)\.target "crm"/);
    await fail({ erp }, [{ name: 'r', events: ['weft.order.captured.v1'], target: 'erp', action: 'nope' }], /routes\.0 \(r\)\.action "nope"/);
    await fail({ erp }, [{ name: 'r', events: ['weft.order.invented.v1'], target: 'erp', action: 'send' }], /weft\.order\.invented\.v1/);
  });

  it('never prints target secrets in the redacted configuration', () => {
    const redacted = redactConfig(config(dir, { erp: { ...erp, auth: { type: 'basic', username: 'weft', password: 'pa55' } } }, []));
    assert.doesNotMatch(JSON.stringify(redacted), /pa55/);
    assert.match(JSON.stringify(redacted), /"username":"weft"/);
  });
});
