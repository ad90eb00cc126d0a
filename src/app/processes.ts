import type { ProcessDefinition } from '../processes/engine/definition.ts';

// Every process the hub runs, every version of each still needed by instances in flight. The
// order-to-cash process (issue 5) is registered here once it lands.

/** The processes, all versions. */
export const processDefinitions: readonly ProcessDefinition<unknown>[] = [];
