import assert from 'node:assert/strict';
import type { IdKind } from '../../domain/shared/ids.ts';
import { TargetError } from '../../errors/index.ts';
import { createIdGenerator } from '../../ports/clock.ts';
import type { XrefLookup } from '../../ports/connector.ts';
import type { IdResolver } from '../../ports/inbound.ts';

// For connectors' tests: a cross-reference map in memory that resolves like the hub's, so a mapping
// can be tested without a store. Not used at run time.

/** A Map-backed IdResolver: the same (kind, vendor id) always gives the same canonical id. */
export interface MemoryIdResolver extends IdResolver {
  /** Every link, by `<kind>:<vendor id>`. */
  links: Map<string, string>;
  /** Links a vendor id (to `canonicalId`, or to a new id) as if the hub had seen it; returns the canonical id. */
  link(kind: IdKind, externalId: string, canonicalId?: string): string;
}

/** A fresh in-memory resolver. */
export function memoryIdResolver(): MemoryIdResolver {
  const generator = createIdGenerator();
  const links = new Map<string, string>();
  const link = (kind: IdKind, externalId: string, canonicalId?: string): string => {
    const key = `${kind}:${externalId}`;
    const id = canonicalId ?? links.get(key) ?? generator.next(kind);
    links.set(key, id);
    return id;
  };
  return {
    links,
    link,
    ref: async (kind, externalId) => link(kind, externalId),
    find: async (kind, externalId) => links.get(`${kind}:${externalId}`),
    findIn: async () => undefined,
  };
}

/** A cross-reference lookup for action tests: links given as [canonical id, system, entity, external id]. */
export function memoryXrefs(links: readonly (readonly [canonicalId: string, system: string, entity: string, externalId: string])[] = []): XrefLookup & { add(canonicalId: string, system: string, entity: string, externalId: string): void } {
  const all = [...links];
  return {
    add: (canonicalId, system, entity, externalId) => void all.push([canonicalId, system, entity, externalId]),
    externalIds: async (canonicalId, system) => all.filter(([c, s]) => c === canonicalId && s === system).map(([, , , externalId]) => externalId),
    canonicalId: async (entity, system, externalId) => all.find(([, s, e, x]) => s === system && e === entity && x === externalId)?.[0],
  };
}

/** Awaits a delivery that must fail with a TargetError of this code and retryability; answers the error for further checks. */
export async function rejectsWith(promise: Promise<unknown>, code: string, retryable: boolean): Promise<TargetError> {
  let caught: unknown;
  await promise.catch((error: unknown) => (caught = error));
  assert.ok(caught instanceof TargetError, `expected a TargetError, got ${String(caught)}`);
  assert.deepEqual([caught.code, caught.retryable], [code, retryable], caught.message);
  return caught;
}
