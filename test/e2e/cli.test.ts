// The `weft` CLI as an operator runs it: a real child process with a controlled environment,
// judged only by its exit code, stdout, stderr and what a running hub then does.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { commands } from '../../src/cli/main.ts';
import { exampleEvent } from '../../src/domain/events/examples.ts';
import { spawnHub, type HubProcess } from '../support/hub-process.ts';

const entry = fileURLToPath(new URL('../../src/app/weft.ts', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const TOKEN = /^weft_(key_[0-9A-Z]{26})_([A-Za-z0-9_-]{43})$/;
const STACK_FRAME = /^\s+at .+[:(]/m;
const CHILD_TIMEOUT_MS = 15_000;

const children = new Set<ChildProcess>();
const hubs: HubProcess[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-cli-e2e-'));
  dirs.push(dir);
  return dir;
}

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(hubs.map((hub) => hub.stop('SIGKILL')));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<Result>;
}

/** Starts `weft <args>` on the data dir; a child still running after the timeout is killed and fails. */
function start(dataDir: string, args: string[], env: Record<string, string> = {}, timeoutMs = CHILD_TIMEOUT_MS): Running {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', WEFT_DATA_DIR: dataDir, WEFT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Result>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`weft ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

const weft = (dataDir: string, args: string[], env: Record<string, string> = {}): Promise<Result> => start(dataDir, args, env).done;

function assertReadableFailure(result: Result, code: number, message: RegExp): void {
  assert.equal(result.code, code, `exit code; stderr: ${result.stderr}`);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, STACK_FRAME, 'no stack trace');
}

/** Polls until the condition holds; fails after the deadline. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function createKey(dataDir: string, name: string, scope: string): Promise<{ id: string; token: string; secret: string; result: Result }> {
  const result = await weft(dataDir, ['keys', 'create', '--name', name, '--scope', scope]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `exactly one line on stdout, got: ${result.stdout}`);
  const match = TOKEN.exec(lines[0] as string);
  assert.ok(match, `token format: ${lines[0]}`);
  return { id: match[1] as string, secret: match[2] as string, token: lines[0] as string, result };
}

describe('weft: help, version and argument errors', () => {
  const dir = tempDir();

  it('--help lists every command and exits 0', async () => {
    const result = await weft(dir, ['--help']);
    assert.equal(result.code, 0);
    const names = new Set(['start', 'events tail', 'events show', 'keys create', 'keys list', 'keys revoke', ...commands.map((command) => command.name)]);
    for (const command of names) {
      assert.match(result.stdout, new RegExp(`^\\s+${command}\\s+\\S`, 'm'), command);
    }
  });

  it('no command prints the help and exits 2', async () => {
    const result = await weft(dir, []);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /Usage: weft/);
    assert.match(result.stdout, /keys revoke/);
  });

  it('--version prints the version of package.json', async () => {
    const result = await weft(dir, ['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), version);
  });

  it('an unknown command exits 2 with a message on stderr', async () => {
    const result = await weft(dir, ['nope']);
    assertReadableFailure(result, 2, /Unknown command "nope".*weft --help/);
    assert.equal(result.stdout, '');
  });

  it('a command group alone lists its subcommands', async () => {
    const result = await weft(dir, ['keys']);
    assert.equal(result.code, 2);
    for (const sub of ['create', 'list', 'revoke']) assert.match(result.stderr, new RegExp(`weft keys ${sub}\\s+\\S`));
  });

  it('<command> --help shows its usage', async () => {
    const result = await weft(dir, ['keys', 'create', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: weft keys create --name <name> --scope/);
    assert.match(result.stdout, /events:write/);
  });

  it('an unknown option exits 2 naming the option, without a stack trace', async () => {
    assertReadableFailure(await weft(dir, ['keys', 'list', '--bogus']), 2, /--bogus/);
  });
});

describe('weft keys', () => {
  const dir = tempDir();
  let key: Awaited<ReturnType<typeof createKey>>;

  it('create prints one token on stdout and the confirmation on stderr', async () => {
    key = await createKey(dir, 'ci', 'events:write,events:read');
    assert.match(key.result.stderr, new RegExp(`Created ${key.id} "ci" with scopes events:write, events:read`));
    assert.ok(!key.result.stderr.includes(key.secret), 'the secret appears on stdout only');
  });

  it('create without --name or --scope exits 2', async () => {
    assertReadableFailure(await weft(dir, ['keys', 'create', '--scope', 'admin']), 2, /needs --name/);
    assertReadableFailure(await weft(dir, ['keys', 'create', '--name', 'x']), 2, /at least one --scope/);
  });

  it('create with an unknown scope exits 1 with a readable message', async () => {
    const result = await weft(dir, ['keys', 'create', '--name', 'x', '--scope', 'events:write,events:delete']);
    assertReadableFailure(result, 1, /Unknown scope events:delete/);
    assert.equal(result.stdout, '');
  });

  it('list shows id, state, scopes and name but no secret', async () => {
    const result = await weft(dir, ['keys', 'list']);
    assert.equal(result.code, 0);
    const row = result.stdout.split('\n').find((line) => line.startsWith(key.id));
    assert.ok(row, result.stdout);
    assert.match(row, /\sactive\s.*events:write,events:read\s+ci$/);
    assert.ok(!result.stdout.includes(key.secret) && !result.stderr.includes(key.secret), 'no secret in the listing');
    assert.doesNotMatch(result.stdout, /[0-9a-f]{64}/, 'no hash in the listing');
  });

  it('list --json prints one JSON object per key and line', async () => {
    await createKey(dir, 'second', 'metrics:read');
    const result = await weft(dir, ['keys', 'list', '--json']);
    assert.equal(result.code, 0);
    const rows = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(rows.length, 2);
    const row = rows.find((candidate) => candidate.id === key.id);
    assert.deepEqual([row?.name, row?.scopes, row?.revokedAt], ['ci', ['events:write', 'events:read'], null]);
    assert.ok(!result.stdout.includes(key.secret));
    for (const row of rows) assert.equal(row.secretHash, undefined);
  });

  it('revoke revokes once; a second revoke exits 1; no id exits 2', async () => {
    const revoked = await weft(dir, ['keys', 'revoke', key.id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    const list = await weft(dir, ['keys', 'list']);
    assert.match(list.stdout.split('\n').find((line) => line.startsWith(key.id)) ?? '', /\srevoked\s/);
    assertReadableFailure(await weft(dir, ['keys', 'revoke', key.id]), 1, new RegExp(`No active API key ${key.id}`));
    assertReadableFailure(await weft(dir, ['keys', 'revoke']), 2, /needs exactly one key id/);
  });
});

describe('weft events and keys beside a running hub', () => {
  const dir = tempDir();
  let hub: HubProcess;
  let admin: string;
  const posted: { position: number; id: string; type: string; subject: string; data: unknown }[] = [];

  /** A request to the hub; if it cannot be made, the failure says what became of the hub. */
  async function request(path: string, token: string, body?: unknown): Promise<Response> {
    const init: RequestInit = { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
    if (body !== undefined) Object.assign(init, { method: 'POST', body: JSON.stringify(body) });
    try {
      return await fetch(`${hub.url}${path}`, init);
    } catch (error) {
      const state = hub.child.exitCode ?? hub.child.signalCode ?? 'running';
      throw new Error(`${path}: ${(error as Error).message} (hub: ${state})\n${hub.output()}`, { cause: error });
    }
  }
  const post = (token: string, body: unknown) => request('/v1/events', token, body);

  async function postExample(type: string): Promise<void> {
    const event = exampleEvent(type);
    const response = await post(admin, event);
    assert.equal(response.status, 201, await response.clone().text());
    const [appended] = ((await response.json()) as { events: { position: number; id: string }[] }).events;
    assert.ok(appended);
    posted.push({ ...event, position: appended.position, id: appended.id });
  }

  before(async () => {
    hub = await spawnHub({ WEFT_DATA_DIR: dir });
    hubs.push(hub);
    assert.ok(hub.token, 'first start prints an admin key');
    admin = hub.token;
    for (const type of ['weft.inventory.adjusted.v1', 'weft.order.held.v1', 'weft.customer.created.v1']) await postExample(type);
  });

  it('events tail -n 2 prints the last two events', async () => {
    const result = await weft(dir, ['events', 'tail', '-n', '2']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 2, result.stdout);
    posted.slice(-2).forEach((event, index) => {
      const line = lines[index] as string;
      assert.match(line, new RegExp(`^\\s*${event.position}\\s`));
      assert.ok(line.includes(event.type) && line.includes(event.subject) && line.includes(event.id), line);
    });
  });

  it('events tail --json prints full CloudEvents, one per line', async () => {
    const result = await weft(dir, ['events', 'tail', '-n', '2', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      events.map((event) => [event.specversion, event.position, event.id, event.type, event.subject, event.data]),
      posted.slice(-2).map((event) => ['1.0', event.position, event.id, event.type, event.subject, event.data]),
    );
    for (const event of events) assert.equal(typeof event.source, 'string');
  });

  it('events show prints one event in full, by position or by id; an unknown position exits 1', async () => {
    const target = posted[1];
    assert.ok(target);
    const byPosition = await weft(dir, ['events', 'show', String(target.position)]);
    assert.equal(byPosition.code, 0, byPosition.stderr);
    const event = JSON.parse(byPosition.stdout) as Record<string, unknown>;
    assert.deepEqual([event.id, event.type, event.subject, event.data], [target.id, target.type, target.subject, target.data]);
    const byId = await weft(dir, ['events', 'show', target.id]);
    assert.equal(byId.code, 0, byId.stderr);
    assert.deepEqual(JSON.parse(byId.stdout), event);
    const missing = await weft(dir, ['events', 'show', '999999']);
    assertReadableFailure(missing, 1, /No event at position or with id "999999"/);
    assert.equal(missing.stdout, '');
  });

  it('events tail -f prints events appended after it started and stops on SIGINT with 0', async () => {
    const tail = start(dir, ['events', 'tail', '-f', '-n', '1', '--poll-ms', '50']);
    const last = posted.at(-1);
    assert.ok(last);
    await waitFor('the initial event', () => tail.stdout().includes(last.id));
    await postExample('weft.shipment.delivered.v1');
    const appended = posted.at(-1);
    assert.ok(appended);
    await waitFor('the followed event', () => tail.stdout().includes(appended.id));
    assert.match(tail.stdout(), new RegExp(`^\\s*${appended.position}\\s.*weft\\.shipment\\.delivered\\.v1`, 'm'));
    tail.child.kill('SIGINT');
    const result = await tail.done;
    assert.equal(result.code, 0, `exit ${result.code ?? result.signal}; stderr: ${result.stderr}`);
    assert.equal(result.stdout.trim().split('\n').length, 2);
  });

  it('a key created with the CLI works at once against the running hub', async () => {
    const key = await createKey(dir, 'beside-the-hub', 'events:write');
    const response = await post(key.token, exampleEvent('weft.order.validated.v1'));
    assert.equal(response.status, 201, await response.text());
    const read = await request('/v1/events', key.token);
    assert.equal(read.status, 403, 'the key holds only the scopes it was given');
  });

  it('a key revoked with the CLI stops working within auth.keyCacheMs, with 401 credentials_revoked', async () => {
    const key = await createKey(dir, 'to-revoke', 'events:read');
    const get = () => request('/v1/events?limit=1', key.token);
    const ok = await get();
    assert.equal(ok.status, 200, await ok.text());
    const revoked = await weft(dir, ['keys', 'revoke', key.id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    const revokedAt = Date.now();
    let response = await get();
    await waitFor('the hub to refuse the revoked key', async () => (response = await get()).status !== 200, 3_000);
    assert.ok(Date.now() - revokedAt < 3_000);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(((await response.json()) as { code: string }).code, 'credentials_revoked');
  });
});

describe('weft start: configuration and startup errors', () => {
  const dir = tempDir();

  it('an out-of-range WEFT_HTTP_PORT names the field, the value and the variable', async () => {
    const result = await weft(dir, ['start'], { WEFT_HTTP_PORT: '70000' });
    assert.ok(result.code !== 0 && result.code !== null, `exit ${result.code ?? result.signal}`);
    assert.match(result.stderr, /http\.port.*70000.*WEFT_HTTP_PORT/);
    assert.doesNotMatch(result.stderr, STACK_FRAME, 'no stack trace');
  });

  it('an unknown WEFT_ variable is rejected by name', async () => {
    const result = await weft(dir, ['start'], { WEFT_HTTP_PORT: '0', WEFT_HTTP_PROT: '1' });
    assertReadableFailure(result, 1, /unknown environment variable WEFT_HTTP_PROT/);
  });

  it('a --config file with invalid JSON is reported readably', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"http": {"port": 8080,');
    const result = await weft(dir, ['--config', file, 'start'], { WEFT_HTTP_PORT: '0' });
    assertReadableFailure(result, 1, /config file .*broken\.json is not valid JSON/);
  });

  it('a port already in use exits 1 with a readable message', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const result = await weft(dir, ['start'], { WEFT_HTTP_PORT: String(port) });
      assertReadableFailure(result, 1, /port is already in use/);
      assert.match(result.stderr, new RegExp(`:${port}\\b`));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a hub stopped with SIGTERM exits 0', async () => {
    const hub = await spawnHub({ WEFT_DATA_DIR: tempDir() });
    hubs.push(hub);
    const health = await fetch(`${hub.url}/health/ready`);
    assert.equal(health.status, 200);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([hub.stop('SIGTERM'), new Promise((resolve) => (timer = setTimeout(resolve, CHILD_TIMEOUT_MS, 'no exit in time')))]);
    clearTimeout(timer);
    assert.equal(code, 0, hub.output());
    assert.match(hub.output(), /Received SIGTERM/);
  });
});

describe('weft start and weft demo: the demo estate', () => {
  it('weft start with nothing configured runs the demo estate; SIGTERM stops it and exits 0', async () => {
    const dir = tempDir();
    const running = start(dir, ['start', '--rate', '0'], { WEFT_HTTP_PORT: '0' }, 30_000);
    await waitFor('the demo estate', () => running.stdout().includes('Demo estate of Harbor & Pine Outfitters'), 20_000);
    assert.match(running.stdout(), /web store\s+Shopify simulator\s+http:\/\/127\.0\.0\.1:\d+\s+-> http:\/\/127\.0\.0\.1:\d+\/webhooks\/webshop/);
    running.child.kill('SIGTERM');
    const result = await running.done;
    assert.equal(result.code, 0, result.stderr);
  });

  it('weft start --no-demo runs the hub alone', async () => {
    const hub = await spawnHub({ WEFT_DATA_DIR: tempDir() });
    hubs.push(hub);
    assert.doesNotMatch(hub.output(), /Demo estate/);
    assert.equal(await hub.stop('SIGTERM'), 0);
  });

  it('a bad --rate or both --demo and --no-demo exit 2 with a readable message', async () => {
    const dir = tempDir();
    assertReadableFailure(await weft(dir, ['demo', '--rate', 'fast']), 2, /--rate must be a number of events per second from 0 to 1000, got "fast"/);
    assertReadableFailure(await weft(dir, ['start', '--demo', '--no-demo']), 2, /Give --demo or --no-demo, not both/);
  });
});
