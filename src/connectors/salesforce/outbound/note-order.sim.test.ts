import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { exampleEvent } from '../../../domain/events/examples.ts';
import { InputError, TargetError } from '../../../errors/index.ts';
import { createHttpClient, type ActionCommand, type ActionContext, type ActionResult, type DeliveryTarget, type HttpClient } from '../../sdk/index.ts';
import { memoryXrefs } from '../../sdk/testing.ts';
import { startSalesforceSimulator, type SalesforceSimulator } from '../simulator.ts';
import { createSalesforceTarget } from '../target.ts';

// noteOrder against the simulated org over loopback HTTP: the token flow, the read-then-upsert and
// every failure the delivery engine must tell apart (retry, refresh, dead-letter).

const ORDER = 'ord_01JDY1JX4WHRDD459GQ8H7QEZZ';
const CLIENT_ID = '3MVG9-sim-consumer-key';
const SECRET = 'sim-consumer-secret-7c1e';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function command(type: string, data: Record<string, unknown> = {}, id = 'cmd_01JDZ0000000000000000000AA'): ActionCommand {
  const event = structuredClone(exampleEvent(type)) as { type: string; subject: string; data: Record<string, unknown> };
  return {
    id,
    target: 'crm',
    action: 'noteOrder',
    key: ORDER,
    payload: { type: event.type, subject: ORDER, data: { ...event.data, orderId: ORDER, ...data } },
    attempt: 1,
    createdAt: '2026-11-20T09:40:00.000Z',
    causationId: undefined,
    traceparent: undefined,
  };
}

describe('Salesforce noteOrder', () => {
  let sim: SalesforceSimulator;
  let http: HttpClient;
  let target: DeliveryTarget;
  const settings = (url: string, more: Record<string, unknown> = {}) => ({ connector: 'salesforce', loginUrl: url, clientId: CLIENT_ID, clientSecret: SECRET, ...more });
  const context = (cmd: ActionCommand): ActionContext => ({ command: cmd, idempotencyKey: `weft-${cmd.id}`, http, xrefs: memoryXrefs(), log: quiet, clock: { now: Date.now }, signal: new AbortController().signal });
  const run = (cmd: ActionCommand, on: DeliveryTarget = target): Promise<ActionResult> => (on.actions.noteOrder as DeliveryTarget['actions'][string]).run(context(cmd));
  const held = () => command('weft.order.held.v1');
  const lifted = () => command('weft.order.hold_lifted.v1');

  before(async () => {
    sim = await startSalesforceSimulator({ clientId: CLIENT_ID, clientSecret: SECRET });
    http = createHttpClient();
  });
  after(async () => {
    await http.close();
    await sim.close();
  });
  beforeEach(async () => {
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    Object.assign(sim.faults, { down: false, errorRate: 0, requestLimitExceeded: false, retryAfterSeconds: undefined });
    // A new target per test: its token cache starts empty.
    target = createSalesforceTarget('crm', settings(sim.url), { http });
  });

  it('upserts the order\'s status into a new record keyed by the Weft order id', async () => {
    const result = await run(held());
    const [record, ...others] = sim.records();
    assert.ok(record);
    assert.equal(others.length, 0);
    assert.deepEqual(result, { targetId: record.Id, status: 'created', xref: { entity: 'order', canonicalId: ORDER } });
    assert.equal(record.Weft_Order_Id__c, ORDER);
    assert.equal(record.Status__c, 'held');
    assert.equal(record.Status_Reason__c, 'fraud review');
    assert.equal(record.Status_Note__c, 'Score 71, manual review');
    assert.equal(record.Status_Changed_At__c, '2026-11-20T09:14:05.000+0000');
  });

  it('changes nothing when the same command comes again: one read, no write', async () => {
    await run(held());
    const [before] = sim.records();
    const requests = sim.requests();
    const again = await run(held());
    assert.deepEqual([again.status, again.targetId], ['unchanged', before?.Id]);
    assert.equal(sim.requests() - requests, 1, 'only the GET');
    assert.deepEqual(sim.records(), [before]);
  });

  it('updates the record to a newer status and clears the reason the hold left', async () => {
    await run(held());
    const result = await run(lifted());
    assert.equal(result.status, 'updated');
    const [record, ...others] = sim.records();
    assert.equal(others.length, 0);
    assert.equal(result.targetId, record?.Id);
    assert.deepEqual([record?.Status__c, record?.Status_Reason__c, record?.Status_Note__c, record?.Status_Changed_At__c], ['released from hold', null, 'Reviewed: known customer', '2026-11-20T09:31:00.000+0000']);
  });

  it('skips an older status after a newer one as stale, writing nothing', async () => {
    await run(lifted());
    const [before] = sim.records();
    const requests = sim.requests();
    const result = await run(held());
    assert.deepEqual([result.status, result.targetId], ['stale', before?.Id]);
    assert.equal(sim.requests() - requests, 1, 'the read only');
    assert.deepEqual(sim.records(), [before]);
  });

  it('writes cancellations and completion with the status wording of the README', async () => {
    await run(command('weft.order.cancelled.v1'));
    assert.deepEqual([sim.records()[0]?.Status__c, sim.records()[0]?.Status_Reason__c], ['cancelled', 'customer request']);
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    await run(command('weft.order.completed.v1'));
    assert.deepEqual([sim.records()[0]?.Status__c, sim.records()[0]?.Status_Reason__c, sim.records()[0]?.Status_Note__c], ['completed', null, null]);
  });

  it('takes the org\'s validation rule refusing an older change (written between read and upsert) as stale', async () => {
    const guarded = await startSalesforceSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, staleRuleField: 'Status_Changed_At__c' });
    try {
      const t = createSalesforceTarget('crm', settings(guarded.url), { http });
      await run(held(), t);
      // Someone else records a later change after noteOrder read the record and before it writes.
      guarded.beforeNextUpsert(() => guarded.edit('Weft_Order__c', 'Weft_Order_Id__c', ORDER, { Status__c: 'cancelled', Status_Changed_At__c: '2026-11-20T10:00:00Z' }));
      const result = await run(lifted(), t);
      assert.equal(result.status, 'stale');
      assert.deepEqual([guarded.records()[0]?.Status__c, guarded.records()[0]?.Status_Changed_At__c], ['cancelled', '2026-11-20T10:00:00.000+0000']);
    } finally {
      await guarded.close();
    }
  });

  it('without that rule the same race lets the older change through (the window README.md describes)', async () => {
    await run(held());
    sim.beforeNextUpsert(() => sim.edit('Weft_Order__c', 'Weft_Order_Id__c', ORDER, { Status__c: 'cancelled', Status_Changed_At__c: '2026-11-20T10:00:00Z' }));
    assert.equal((await run(lifted())).status, 'updated');
    assert.equal(sim.records()[0]?.Status__c, 'released from hold');
  });

  it('keeps the token across commands, and after the session ends fetches one new token and succeeds', async () => {
    await run(held());
    await run(lifted());
    assert.equal(sim.tokensIssued(), 1, 'one token for both commands');
    sim.expireTokens();
    const result = await run(command('weft.order.completed.v1'));
    assert.equal(result.status, 'updated');
    assert.equal(sim.tokensIssued(), 2, 'exactly one refresh');
    assert.equal(sim.records()[0]?.Status__c, 'completed');
  });

  it('answers a wrong secret with target_auth_failed, not retried, without the secret in the message', async () => {
    const wrong = createSalesforceTarget('crm', settings(sim.url, { clientSecret: 'not-the-secret-9f3' }), { http });
    await assert.rejects(run(held(), wrong), (error: unknown) => {
      assert.ok(error instanceof TargetError);
      assert.deepEqual([error.code, error.retryable, error.targetStatus], ['target_auth_failed', false, 400]);
      assert.match(error.message, /invalid_client \(invalid client credentials\)/);
      assert.doesNotMatch(error.message, /not-the-secret|sim-consumer-secret|3MVG9/);
      return true;
    });
    assert.equal(sim.records().length, 0);
  });

  it('answers REQUEST_LIMIT_EXCEEDED (403) as retryable target_throttled, honouring Retry-After when Salesforce sends one', async () => {
    sim.faults.requestLimitExceeded = true;
    sim.faults.retryAfterSeconds = 120;
    await assert.rejects(run(held()), (error: unknown) => {
      assert.ok(error instanceof TargetError);
      assert.deepEqual([error.code, error.retryable, error.retryAfterSeconds, error.targetStatus], ['target_throttled', true, 120, 403]);
      assert.match(error.message, /REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded\./);
      return true;
    });
    sim.faults.retryAfterSeconds = undefined;
    await assert.rejects(run(held()), (error: unknown) => error instanceof TargetError && error.code === 'target_throttled' && error.retryable && error.retryAfterSeconds === undefined);
    sim.faults.requestLimitExceeded = false;
    assert.equal((await run(held())).status, 'created', 'fine again once the allowance is back');
  });

  it('counts data requests against the org\'s daily allowance, and past it answers REQUEST_LIMIT_EXCEEDED', async () => {
    const small = await startSalesforceSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, dailyApiRequests: 3 });
    try {
      const t = createSalesforceTarget('crm', settings(small.url), { http });
      await run(held(), t);
      await run(held(), t);
      await assert.rejects(run(lifted(), t), (error: unknown) => error instanceof TargetError && error.code === 'target_throttled' && error.retryable);
    } finally {
      await small.close();
    }
  });

  it('answers maintenance (503) and failures (500) as retryable target_unavailable', async () => {
    sim.faults.down = true;
    await assert.rejects(run(held()), (error: unknown) => error instanceof TargetError && error.code === 'target_unavailable' && error.retryable && error.targetStatus === 503);
    sim.faults.down = false;
    sim.faults.errorRate = 1;
    await assert.rejects(run(held()), (error: unknown) => error instanceof TargetError && error.code === 'target_unavailable' && error.retryable && error.targetStatus === 500);
  });

  it('tells that the custom object is missing: terminal, with what to create', async () => {
    const missing = createSalesforceTarget('crm', settings(sim.url, { orderObject: 'Order_Status__c' }), { http });
    await assert.rejects(run(held(), missing), (error: unknown) => {
      assert.ok(error instanceof TargetError);
      assert.deepEqual([error.code, error.retryable, error.targetStatus], ['target_rejected', false, 404]);
      assert.match(error.message, /no custom object Order_Status__c with the External ID field Weft_Order_Id__c/);
      assert.match(error.message, /README/);
      return true;
    });
  });

  it('names the field Salesforce does not know (400 INVALID_FIELD): terminal target_rejected, nothing created', async () => {
    const misnamed = createSalesforceTarget('crm', settings(sim.url, { fields: { note: 'Weft_Note__c' } }), { http });
    await assert.rejects(run(held(), misnamed), (error: unknown) => {
      assert.ok(error instanceof TargetError);
      assert.deepEqual([error.code, error.retryable, error.targetStatus], ['target_rejected', false, 400]);
      assert.match(error.message, /INVALID_FIELD: No such column 'Weft_Note__c' on sobject of type Weft_Order__c \(field Weft_Note__c\)/);
      return true;
    });
    assert.equal(sim.records().length, 0);
  });

  it('refuses an event it does not take, sending nothing', async () => {
    await assert.rejects(run(command('weft.order.released.v1')), (error: unknown) => error instanceof InputError && error.code === 'command_invalid' && /weft\.order\.held\.v1/.test(error.message));
    assert.equal(sim.requests(), 0);
  });

  it('answers an update with 204 on API versions before 46.0, and still reports it as updated', async () => {
    const old = createSalesforceTarget('crm', settings(sim.url, { apiVersion: '45.0' }), { http });
    await run(held(), old);
    const result = await run(lifted(), old);
    assert.deepEqual([result.status, result.targetId], ['updated', sim.records()[0]?.Id]);
  });

  it('previews the read and the upsert with the token masked, fetching no token and sending nothing', async () => {
    const previews = await (target.actions.noteOrder as DeliveryTarget['actions'][string]).preview(held());
    assert.equal(sim.requests(), 0);
    assert.equal(sim.tokensIssued(), 0);
    assert.deepEqual(previews.map((p) => `${p.method} ${p.url}`), [`GET ${sim.url}/services/data/v62.0/sobjects/Weft_Order__c/Weft_Order_Id__c/${ORDER}`, `PATCH ${sim.url}/services/data/v62.0/sobjects/Weft_Order__c/Weft_Order_Id__c/${ORDER}`]);
    assert.ok(previews.every((p) => p.headers.authorization === 'Bearer ***'));
    assert.deepEqual(JSON.parse(previews[1]?.body ?? '{}'), { Status__c: 'held', Status_Reason__c: 'fraud review', Status_Note__c: 'Score 71, manual review', Status_Changed_At__c: '2026-11-20T09:14:05.000Z' });
    // After a real run the preview still shows no token: it masks the one it has.
    await run(held());
    const after = await (target.actions.noteOrder as DeliveryTarget['actions'][string]).preview(lifted());
    assert.doesNotMatch(JSON.stringify(after), /00DSIM|sim-consumer-secret|3MVG9/);
  });
});
