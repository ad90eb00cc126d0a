import { inventoryKey, parseInventoryKey } from '../domain/inventory/inventory-key.ts';
import { WeftError } from '../errors/index.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { ConnectorLog } from '../ports/connector.ts';
import type { OutboxCommand, Store, StoredEvent } from '../ports/store.ts';
import { createStepLoop } from '../delivery/step-loop.ts';
import { INVENTORY_EVENT_TYPES } from './projection.ts';
import { INVENTORY_SOURCE, type Inventory } from './service.ts';

// Availability pushed to the channels: each rule sends what a channel may sell at each of its
// locations to a storefront or marketplace target (Shopify's setInventory). Coalesced: a SKU ×
// location has at most one command waiting for its target; changes while it waits only mark it
// dirty, and when it is delivered the latest value goes next, so a slow target gets the newest
// value, not every value in between. Changes to or from zero go first (urgent); the others are bulk.
// The delivery engine keeps each target within its rate budget. The rule's checkpoint never passes
// a change that is not in the outbox yet, so after a crash what was dirty is found again in the log.

/** What a rule publishes where. */
export interface PublishRule {
  /** The inventory channel whose view is published (inventory.channels). */
  channel: string;
  /** The target system (a storefront or marketplace). */
  target: string;
  /** Its action taking weft.inventory.position_reported.v1 (setInventory). */
  action: string;
}

/** A running publisher. */
export interface AvailabilityPublisher {
  /** Learns what is still waiting in the outbox, then follows the log. */
  start(): Promise<void>;
  wake(): void;
  stop(): Promise<void>;
  /** Publishes everything the log says up to now (tests). */
  drain(): Promise<void>;
}

/** The consumer a rule keeps its checkpoint under. */
export function publishConsumer(rule: PublishRule): string {
  return `publish:${rule.channel}:${rule.target}`;
}

/** The command key of a SKU × location at a target: not the stock's own subject (results are appended under it). */
export function publishKey(sku: string, locationId: string): string {
  return `avail:${inventoryKey(sku, locationId)}`;
}

const RESULT_TYPES = ['weft.command.delivered.v1', 'weft.command.failed.v1'];

interface RuleState {
  rule: PublishRule;
  locations: ReadonlySet<string>;
  /** Keys with a command not settled yet. */
  waiting: Set<string>;
  /** Keys changed and not sent since: the log position of their first unsent change. */
  dirty: Map<string, number>;
  /** The value last sent per key. */
  sent: Map<string, number>;
  /** Where the rule has read the log to. */
  position: number;
}

/** Creates the publisher for the rules (each checked by the caller against channels and targets). */
export function createAvailabilityPublisher(
  deps: { store: Store; ids: IdGenerator; clock: Clock; log: ConnectorLog; inventory: Inventory; onCommands?: (targets: ReadonlySet<string>) => void },
  options: { rules: readonly PublishRule[]; channelLocations: (channel: string) => readonly string[]; pollMs?: number; batchSize?: number; maxCommandsPerStep?: number },
): AvailabilityPublisher {
  const { store, ids, clock, inventory } = deps;
  const batchSize = options.batchSize ?? 2000;
  const maxCommands = options.maxCommandsPerStep ?? 500;
  const types = [...INVENTORY_EVENT_TYPES, ...RESULT_TYPES];
  const states: RuleState[] = options.rules.map((rule) => ({ rule, locations: new Set(options.channelLocations(rule.channel)), waiting: new Set(), dirty: new Map(), sent: new Map(), position: 0 }));

  function note(state: RuleState, event: StoredEvent): void {
    if (event.type === 'weft.command.delivered.v1' || event.type === 'weft.command.failed.v1') {
      const data = event.data as { target?: string; action?: string; key?: string };
      if (data.target !== state.rule.target || data.action !== state.rule.action || typeof data.key !== 'string') return;
      const key = data.key.slice('avail:'.length);
      state.waiting.delete(key);
      // A dead command left the target's value unknown: the next change is sent whatever it is.
      if (event.type === 'weft.command.failed.v1') state.sent.delete(key);
      return;
    }
    const data = event.data as { sku?: string; locationId?: string; counterpartLocationId?: string };
    for (const locationId of [data.locationId, data.counterpartLocationId]) {
      if (typeof data.sku !== 'string' || locationId === undefined || !state.locations.has(locationId)) continue;
      const key = inventoryKey(data.sku, locationId);
      if (!state.dirty.has(key)) state.dirty.set(key, event.position);
    }
  }

  /** Sends what is dirty and not waiting, urgent first; resolves to whether there may be more. */
  async function send(state: RuleState): Promise<boolean> {
    const consumer = publishConsumer(state.rule);
    const candidates: { key: string; sku: string; locationId: string; value: number; urgent: boolean }[] = [];
    const unchanged: string[] = [];
    for (const key of state.dirty.keys()) {
      if (state.waiting.has(key)) continue;
      const parsed = parseInventoryKey(key);
      if (!parsed) continue;
      const view = inventory.check({ skus: [parsed.sku], locationId: parsed.locationId, channel: state.rule.channel })[0]?.locations[0];
      const value = view?.available ?? 0;
      const before = state.sent.get(key);
      if (before === value) unchanged.push(key);
      else candidates.push({ key, ...parsed, value, urgent: before === undefined ? value === 0 : (before === 0) !== (value === 0) });
    }
    for (const key of unchanged) state.dirty.delete(key);
    candidates.sort((a, b) => Number(b.urgent) - Number(a.urgent));
    const chosen = candidates.slice(0, maxCommands);
    const at = new Date(clock.now()).toISOString();
    const outbox: OutboxCommand[] = chosen.map((c) => {
      const view = inventory.check({ skus: [c.sku], locationId: c.locationId, channel: state.rule.channel })[0]?.locations[0];
      return {
        id: ids.next('command'),
        target: state.rule.target,
        action: state.rule.action,
        key: publishKey(c.sku, c.locationId),
        priority: c.urgent ? 'urgent' : 'bulk',
        report: true,
        payload: {
          id: ids.next('event'),
          source: INVENTORY_SOURCE,
          type: 'weft.inventory.position_reported.v1',
          subject: inventoryKey(c.sku, c.locationId),
          time: at,
          // What the channel may sell there: its rules applied (safety stock, in transit).
          data: { sku: c.sku, locationId: c.locationId, onHand: view?.onHand ?? 0, reserved: view?.reserved ?? 0, inTransit: view?.inTransit ?? 0, safetyStock: view?.safetyStock ?? 0, available: c.value, asOf: view?.updatedAt ?? at },
        },
      };
    });
    const remaining = new Map(state.dirty);
    for (const c of chosen) remaining.delete(c.key);
    // Never past a change not in the outbox: the first unsent change's position, less one.
    let upTo = state.position;
    for (const first of remaining.values()) upTo = Math.min(upTo, first - 1);
    const before = await store.checkpoint(consumer);
    if (outbox.length === 0 && upTo === before) return false;
    const result = await store.commit({ outbox, expectCheckpoints: [{ consumer, position: before }], checkpoints: [{ consumer, position: Math.max(0, upTo) }] });
    if (result.status === 'checkpoint_conflict') throw new WeftError('internal', `publisher ${consumer}: another hub moved the checkpoint; run one publisher per rule`);
    if (result.status !== 'committed') throw new WeftError('internal', `publisher ${consumer}: not committed: ${result.status}`);
    for (const c of chosen) {
      state.dirty.delete(c.key);
      state.waiting.add(c.key);
      state.sent.set(c.key, c.value);
    }
    if (outbox.length > 0) deps.onCommands?.(new Set([state.rule.target]));
    return candidates.length > chosen.length;
  }

  async function step(): Promise<boolean> {
    let more = false;
    // The values sent are the view's: the rules read no further than the view has folded, or a change
    // read here but not yet there would be sent as the old value and then taken as sent.
    await inventory.drain();
    const folded = inventory.position();
    for (const state of states) {
      const read = folded > state.position ? await store.readAll({ after: state.position, limit: batchSize, types }) : [];
      const events = read.filter((event) => event.position <= folded);
      for (const event of events) note(state, event);
      const full = read.length === batchSize && events.length === read.length;
      state.position = Math.max(state.position, full ? (events.at(-1)?.position ?? folded) : folded);
      if (full) more = true;
      more = (await send(state)) || more;
    }
    return more;
  }

  const loop = createStepLoop(step, { pollMs: options.pollMs ?? 250, enabled: states.length > 0, onError: (error) => deps.log.error({ err: error }, 'availability publishing failed; retrying') });

  return {
    async start() {
      for (const state of states) {
        // Read again from the last change the outbox does not have; what waits there still waits.
        state.position = await store.checkpoint(publishConsumer(state.rule));
        for (let beforeSeq: number | undefined; ; ) {
          const page = await store.listCommands({ target: state.rule.target, action: state.rule.action, status: 'pending', limit: 1000, ...(beforeSeq === undefined ? {} : { beforeSeq }) });
          for (const command of page) if (command.key.startsWith('avail:')) state.waiting.add(command.key.slice('avail:'.length));
          if (page.length < 1000) break;
          beforeSeq = page.at(-1)?.seq;
        }
      }
      loop.start();
    },
    wake: () => loop.wake(),
    stop: () => loop.stop(),
    async drain() {
      while (await step());
    },
  };
}
