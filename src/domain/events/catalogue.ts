import type { EventDefinition } from './define-event.ts';
import type { EventRule } from './event-rules.ts';
import { customerEventRules, customerEvents } from '../customer/events.ts';
import { productEventRules, productEvents } from '../product/events.ts';
import { locationEventRules, locationEvents } from '../location/events.ts';
import { pricingEventRules, pricingEvents } from '../pricing/events.ts';
import { inventoryEventRules, inventoryEvents } from '../inventory/events.ts';
import { orderEventRules, orderEvents } from '../order/events.ts';
import { shipmentEventRules, shipmentEvents } from '../shipment/events.ts';
import { returnEventRules, returnEvents } from '../return/events.ts';
import { refundEventRules, refundEvents } from '../refund/events.ts';
import { financeEventRules, financeEvents } from '../finance/events.ts';
import { caseEventRules, caseEvents } from '../service/events.ts';
import { xrefEvents } from '../xref/events.ts';
import { commandEvents } from '../command/events.ts';

// The event catalogue: every CloudEvents type Weft accepts, its data schema and its aggregate key.
// Areas define their events next to their schemas; this file only assembles them, in the order the
// docs list them.

/** Every event type Weft knows, grouped by area. */
export const eventCatalogue: readonly EventDefinition[] = Object.freeze([
  ...customerEvents,
  ...productEvents,
  ...locationEvents,
  ...pricingEvents,
  ...inventoryEvents,
  ...orderEvents,
  ...shipmentEvents,
  ...returnEvents,
  ...refundEvents,
  ...financeEvents,
  ...caseEvents,
  ...xrefEvents,
  ...commandEvents,
]);

/** Business rules per event type, for the types that have rules beyond their schema. */
export const eventRules: ReadonlyMap<string, EventRule['check']> = new Map(
  [
    ...customerEventRules,
    ...productEventRules,
    ...locationEventRules,
    ...pricingEventRules,
    ...inventoryEventRules,
    ...orderEventRules,
    ...shipmentEventRules,
    ...returnEventRules,
    ...refundEventRules,
    ...financeEventRules,
    ...caseEventRules,
  ].map((rule): [string, EventRule['check']] => [rule.type, rule.check]),
);

const byType: ReadonlyMap<string, EventDefinition> = new Map(eventCatalogue.map((definition) => [definition.type, definition]));

/** The catalogue entry of a CloudEvents type, or undefined when Weft does not know the type. */
export function findEventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}
