import { memoryIdResolver, memoryXrefs } from '../sdk/testing.ts';
import type { ActionCommand, ActionContext, HttpClient, IdResolver, MappingContext } from '../sdk/index.ts';
import { idempotencyKeyOf } from '../sdk/index.ts';
import { parseSquareSourceSettings, type SquareSourceSettings } from './settings.ts';

// Test support for the Square connector's tests (not used by the connector): a Map-backed
// IdResolver that links like the hub's cross-reference map, source settings, and action contexts.

/** A Map-backed IdResolver (the SDK's): the same (kind, vendor id) always gives the same canonical id. */
export const memoryIds = memoryIdResolver;

/** Source settings for tests; `overrides` replace single fields. */
export function testSourceSettings(overrides: Record<string, unknown> = {}): SquareSourceSettings {
  return parseSquareSourceSettings('pos-us', {
    connector: 'square',
    accessToken: 'EAAAtest-token',
    signatureKey: 'test-signature-key',
    ...overrides,
  });
}

/** A mapping context over `ids` (a fresh resolver by default). */
export function mappingContext(settings: SquareSourceSettings = testSourceSettings(), ids: IdResolver = memoryIds()): MappingContext {
  return { system: 'pos-us', ids, settings };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A command of `action` carrying `payload`. */
export function command(action: string, payload: unknown, id = 'cmd_01JDZZZZZZZZZZZZZZZZZZZZZZ'): ActionCommand {
  return { id, target: 'pos-us', action, key: 'k', payload, attempt: 1, createdAt: '2026-11-20T09:00:00.000Z', causationId: undefined, traceparent: undefined };
}

/** The context the delivery engine would hand an action for `cmd`. */
export function actionContext(cmd: ActionCommand, http: HttpClient): ActionContext {
  return { command: cmd, idempotencyKey: idempotencyKeyOf(cmd.id), http, xrefs: memoryXrefs(), log: silent, clock: { now: () => Date.now() }, signal: new AbortController().signal };
}
