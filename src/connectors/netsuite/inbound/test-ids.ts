import { memoryIdResolver } from '../../sdk/testing.ts';

// The NetSuite tests' resolver: the SDK's in-memory cross-reference map; `link` records what the
// hub's map would hold after an action's receipt.

/** The test resolver and a way to pre-link ids. */
export const testIds = memoryIdResolver;
