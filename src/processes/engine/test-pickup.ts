import type { ProcessDefinition } from './definition.ts';

// A small pick-up process for the engine's tests: started by a ready-for-pickup order, waiting for
// collection with a durable timer, cancelled (with its compensations) when not collected, and a
// task for a person when the store reports a problem. Not a production process.

export const ORDER = 'ord_01JDS0000000000000000000AA';
export const LOCATION = 'loc_01JDEMPDX00000000000000001';
export const GROUP = 'ful_01JDS0000000000000000000AB';

export interface PickupData {
  orderId: string;
  reminders: number;
}

export const pickup: ProcessDefinition<PickupData> = {
  name: 'store-pickup',
  version: 1,
  description: 'A pick-up order waits for collection; uncollected ones are cancelled after 3 days.',
  states: ['awaiting_collection', 'collected', 'cancelled', 'needs_decision'],
  final: ['collected', 'cancelled'],
  keyOf: (event) => (event.type.startsWith('weft.order.') ? event.subject : undefined),
  start: {
    on: ['weft.order.ready_for_pickup.v1'],
    state: 'awaiting_collection',
    data: (event) => ({ orderId: event.subject, reminders: 0 }),
    actions: ({ now }) => [
      { kind: 'timer', name: 'collect_by', dueAt: new Date(Date.parse(now) + 3 * 86_400_000).toISOString() },
      { kind: 'command', target: 'pos', action: 'holdStock', event: { type: 'weft.order.ready_for_pickup.v1', data: { hold: true } }, compensation: { target: 'pos', action: 'releaseStock', event: { type: 'weft.order.cancelled.v1', data: { release: true } } } },
    ],
  },
  transitions: [
    { from: 'awaiting_collection', on: 'weft.order.collected.v1', to: 'collected', actions: () => [{ kind: 'cancelTimer', name: 'collect_by' }] },
    {
      from: 'awaiting_collection',
      on: 'timer:collect_by',
      to: 'cancelled',
      note: 'not collected in time',
      actions: ({ data, now }) => [
        { kind: 'compensate' },
        { kind: 'emit', type: 'weft.order.cancelled.v1', subject: data.orderId, data: { orderId: data.orderId, reason: 'not_collected', occurredAt: now } },
      ],
    },
    { from: 'awaiting_collection', on: 'weft.order.held.v1', to: 'needs_decision', actions: () => [{ kind: 'task', taskKind: 'pickup_problem', title: 'The store reports a problem with a pick-up order', options: ['wait', 'cancel'] }] },
    { from: 'needs_decision', on: 'task:pickup_problem', when: ({ input }) => input.kind === 'task' && input.decision === 'wait', to: 'awaiting_collection', data: ({ data }) => ({ ...data, reminders: data.reminders + 1 }) },
    { from: 'needs_decision', on: 'task:pickup_problem', to: 'cancelled', actions: () => [{ kind: 'compensate' }] },
  ],
};

