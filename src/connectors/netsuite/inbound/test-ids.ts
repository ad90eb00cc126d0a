import { createIdGenerator } from '../../../ports/clock.ts';
import type { IdKind } from '../../../domain/shared/ids.ts';
import type { IdResolver } from '../../sdk/index.ts';

// A Map-backed IdResolver for tests: the same (kind, vendor id) always gives the same canonical
// id; `link` records what the hub's cross-reference map would hold after an action's receipt.

/** The test resolver and a way to pre-link ids. */
export function testIds(): IdResolver & { link(kind: IdKind, externalId: string, canonicalId: string): void } {
  const generator = createIdGenerator();
  const map = new Map<string, string>();
  return {
    async ref(kind, externalId) {
      const key = `${kind}:${externalId}`;
      let id = map.get(key);
      if (id === undefined) map.set(key, (id = generator.next(kind)));
      return id;
    },
    async find(kind, externalId) {
      return map.get(`${kind}:${externalId}`);
    },
    async findIn() {
      return undefined;
    },
    link(kind, externalId, canonicalId) {
      map.set(`${kind}:${externalId}`, canonicalId);
    },
  };
}
