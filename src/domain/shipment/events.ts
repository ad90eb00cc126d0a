import Type, { type Static } from 'typebox';
import { Instant } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';
import { addProblem, type Problems } from '../shared/problems.ts';
import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { Shipment } from './shipment.schema.ts';
import { shipmentProblems } from './rules.ts';

// Shipment events. Subject: the shipment id. They carry the order id too, because the order's
// status (partially shipped, shipped) is projected from them.

/** Data of `weft.shipment.delivered.v1`. */
export const ShipmentDelivered = Type.Object(
  {
    shipmentId: CanonicalId('shipment'),
    orderId: CanonicalId('order', 'The order the shipment belongs to.'),
    occurredAt: Instant('When the carrier delivered the shipment'),
  },
  objectOptions('ShipmentDelivered', 'The carrier delivered a shipment.'),
);
/** Data of `weft.shipment.delivered.v1`. */
export type ShipmentDelivered = Static<typeof ShipmentDelivered>;

/** Data of `weft.shipment.delivery_failed.v1`. */
export const ShipmentDeliveryFailed = Type.Object(
  {
    shipmentId: CanonicalId('shipment'),
    orderId: CanonicalId('order', 'The order the shipment belongs to.'),
    reason: Type.Enum(['recipient_absent', 'address_not_found', 'refused', 'damaged', 'lost', 'other'], { description: 'The carrier\'s reason, mapped.' }),
    returningToSender: Type.Boolean({ description: 'Whether the carrier is sending it back.' }),
    occurredAt: Instant('When the carrier reported the failure'),
  },
  objectOptions('ShipmentDeliveryFailed', 'The carrier could not deliver a shipment.'),
);
/** Data of `weft.shipment.delivery_failed.v1`. */
export type ShipmentDeliveryFailed = Static<typeof ShipmentDeliveryFailed>;

/** `weft.shipment.dispatched.v1`. */
export const shipmentDispatched = defineEvent({
  type: 'weft.shipment.dispatched.v1',
  area: 'shipment',
  description: 'A shipment left its location with a carrier; the data is the whole shipment.',
  data: Shipment,
  subjectOf: (data) => data.id,
});

/** `weft.shipment.delivered.v1`. */
export const shipmentDelivered = defineEvent({
  type: 'weft.shipment.delivered.v1',
  area: 'shipment',
  description: 'The carrier delivered a shipment.',
  data: ShipmentDelivered,
  subjectOf: (data) => data.shipmentId,
});

/** `weft.shipment.delivery_failed.v1`. */
export const shipmentDeliveryFailed = defineEvent({
  type: 'weft.shipment.delivery_failed.v1',
  area: 'shipment',
  description: 'The carrier could not deliver a shipment (absent, refused, lost).',
  data: ShipmentDeliveryFailed,
  subjectOf: (data) => data.shipmentId,
});

/** The shipment area's catalogue entries. */
export const shipmentEvents = [shipmentDispatched, shipmentDelivered, shipmentDeliveryFailed] as const;

function dispatchedProblems(shipment: Shipment): Problems {
  const problems = shipmentProblems(shipment);
  if (shipment.status !== 'pending') return problems;
  return addProblem([...problems], '/status', 'a dispatched shipment is no longer pending');
}

/** Business rules of the shipment area's events. */
export const shipmentEventRules = [eventRule(shipmentDispatched, dispatchedProblems)] as const;
