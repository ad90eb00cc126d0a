import type { InboundMapping } from '../../sdk/index.ts';

// ORDER_NOTIFY says orders were imported into ShipStation (from its store integrations). With Weft,
// orders reach ShipStation from Weft, which already holds them: nothing to take. Recorded as ignored
// (not left unmapped) so the timeline says why, and enrich does not spend the 40-a-minute budget on it.

/** The ORDER_NOTIFY mapping of a ShipStation source: always ignored, with the reason. */
export const orderNotifyMapping: InboundMapping = {
  description: 'ORDER_NOTIFY is ignored: orders reach ShipStation from Weft, which already has them.',
  async map() {
    return { kind: 'ignored', reason: 'ORDER_NOTIFY reports orders imported into ShipStation; Weft sent those orders and already has them' };
  },
};
