import { memoryIdResolver, memoryXrefs } from '../sdk/testing.ts';
import type { ActionCommand, ActionContext, ConnectorLog, HttpClient } from '../sdk/index.ts';

// What the connector's tests share: a Map-backed IdResolver (the same vendor id always gets the
// same canonical id, as the hub's cross-reference map does), commands shaped as the router makes
// them, and an action context over a real HTTP client. Used by *.test.ts only.

/** A Map-backed IdResolver for tests (the SDK's), with the map to inspect. */
export const memoryIds = memoryIdResolver;

/** A command as the router makes it from an event: the payload is the event. */
export function commandOf(action: string, type: string, subject: string, data: unknown, id = 'cmd_01JDZ0000000000000000000AA'): ActionCommand {
  return {
    id,
    target: 'warehouse',
    action,
    key: subject,
    payload: { id: 'evt_01JDZ0000000000000000000AA', source: 'weft', type, subject, time: '2026-11-20T09:20:00.000Z', data },
    attempt: 1,
    createdAt: '2026-11-20T09:20:00.000Z',
    causationId: undefined,
    traceparent: undefined,
  };
}

/** A logger that keeps nothing. */
export const quietLog: ConnectorLog = { debug() {}, info() {}, warn() {}, error() {} };

/** The context an action runs in, over `http`. */
export function actionContext(http: HttpClient, command: ActionCommand, now = () => Date.now(), xrefs: ActionContext['xrefs'] = memoryXrefs()): ActionContext {
  return { command, idempotencyKey: `weft-${command.id}`, http, xrefs, log: quietLog, clock: { now }, signal: new AbortController().signal };
}
