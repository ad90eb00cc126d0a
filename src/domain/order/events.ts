import Type, { type Static } from 'typebox';
import { Instant, NonNegativeMoney, Sku, VendorId } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';
import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { Order } from './order.schema.ts';
import { orderProblems } from './rules.ts';

// Order events. Subject: the order id, for every event about the order, its payments, lines and
// fulfilment groups, so order-to-cash sees them in the order they happened. Shipments, returns,
// refunds and invoices have their own aggregates and refer back to the order.

const OrderId = CanonicalId('order');
const OccurredAt = Instant('When the change happened in the source system');
const Note = Type.String({ maxLength: 1000, description: 'Free text for people; never parsed.' });

/** Data of `weft.order.validated.v1`. */
export const OrderValidated = Type.Object(
  {
    orderId: OrderId,
    customerId: Type.Optional(CanonicalId('customer', 'The customer a guest order was resolved to (by its email) or created for, when the order came without one.')),
    occurredAt: OccurredAt,
  },
  objectOptions('OrderValidated', 'An order passed validation (address, fraud, payment checks) and may proceed.'),
);
/** Data of `weft.order.validated.v1`. */
export type OrderValidated = Static<typeof OrderValidated>;

/** Why an order is on hold. */
export const HoldReason = Type.Enum(['fraud_review', 'payment_pending', 'address_check', 'stock_check', 'customer_request', 'manual'], {
  description: 'Why the order is on hold.',
});

/** Data of `weft.order.held.v1`. */
export const OrderHeld = Type.Object(
  {
    orderId: OrderId,
    reason: HoldReason,
    note: Type.Optional(Note),
    customerId: Type.Optional(CanonicalId('customer', 'The customer Weft knows this guest order\'s shopper as, when the order checks found one (none is created for a held order).')),
    occurredAt: OccurredAt,
  },
  objectOptions('OrderHeld', 'An order was put on hold and will not be fulfilled until the hold is lifted.'),
);
/** Data of `weft.order.held.v1`. */
export type OrderHeld = Static<typeof OrderHeld>;

/** Data of `weft.order.hold_lifted.v1`. */
export const OrderHoldLifted = Type.Object(
  { orderId: OrderId, note: Type.Optional(Note), occurredAt: OccurredAt },
  objectOptions('OrderHoldLifted', 'The hold on an order was lifted.'),
);
/** Data of `weft.order.hold_lifted.v1`. */
export type OrderHoldLifted = Static<typeof OrderHoldLifted>;

/** One order line's reservation at one location. */
export const LineReservation = Type.Object(
  {
    lineId: CanonicalId('orderLine', 'The order line the units are reserved for.'),
    sku: Sku,
    locationId: CanonicalId('location', 'The location holding the reserved units.'),
    quantity: Type.Integer({ minimum: 1, description: 'Units reserved there (integer); one entry per line and location.' }),
  },
  objectOptions('LineReservation', 'Units of an order line reserved at one location.'),
);

/** Data of `weft.order.reserved.v1`. */
export const OrderReserved = Type.Object(
  {
    orderId: OrderId,
    reservations: Type.Array(LineReservation, { minItems: 1, description: 'What was reserved where: one entry per order line and location.' }),
    occurredAt: OccurredAt,
  },
  objectOptions('OrderReserved', 'Stock was reserved for the order\'s lines.'),
);
/** Data of `weft.order.reserved.v1`. */
export type OrderReserved = Static<typeof OrderReserved>;

// What every payment event says: which payment changed, by how much, and the provider's reference.
function paymentChangeFields() {
  return {
    orderId: OrderId,
    paymentId: CanonicalId('payment', 'The order payment that changed.'),
    amount: Type.With(NonNegativeMoney, { description: 'The amount of this authorisation, capture or decline.' }),
    providerReference: Type.Optional(Type.With(VendorId, { description: 'The provider\'s id of this authorisation, capture or decline.' })),
    occurredAt: OccurredAt,
  };
}

function paymentChange(title: string, description: string) {
  return Type.Object(paymentChangeFields(), objectOptions(title, description));
}

/** Data of `weft.order.payment_authorized.v1`. */
export const OrderPaymentAuthorized = paymentChange('OrderPaymentAuthorized', 'The payment provider authorised an amount for the order.');
/** Data of `weft.order.payment_authorized.v1`. */
export type OrderPaymentAuthorized = Static<typeof OrderPaymentAuthorized>;

/** Data of `weft.order.payment_captured.v1`. */
export const OrderPaymentCaptured = paymentChange('OrderPaymentCaptured', 'The payment provider captured (charged) an amount of the order.');
/** Data of `weft.order.payment_captured.v1`. */
export type OrderPaymentCaptured = Static<typeof OrderPaymentCaptured>;

/** Data of `weft.order.payment_declined.v1`. */
export const OrderPaymentDeclined = Type.Object(
  {
    ...paymentChangeFields(),
    reason: Type.String({ minLength: 1, maxLength: 200, description: 'The provider\'s decline reason, as given.', examples: ['insufficient_funds'] }),
  },
  objectOptions('OrderPaymentDeclined', 'The payment provider declined an authorisation or capture.'),
);
/** Data of `weft.order.payment_declined.v1`. */
export type OrderPaymentDeclined = Static<typeof OrderPaymentDeclined>;

/** Data of `weft.order.released.v1`. */
export const OrderReleased = Type.Object(
  {
    orderId: OrderId,
    fulfilmentGroupIds: Type.Array(CanonicalId('fulfillmentGroup'), { minItems: 1, uniqueItems: true, description: 'The groups handed to their warehouse or store.' }),
    occurredAt: OccurredAt,
  },
  objectOptions('OrderReleased', 'Fulfilment groups of an order were released to their warehouse or store for picking.'),
);
/** Data of `weft.order.released.v1`. */
export type OrderReleased = Static<typeof OrderReleased>;

/** Why an order or a line was cancelled. */
export const CancellationReason = Type.Enum(
  ['customer_request', 'fraud', 'payment_declined', 'out_of_stock', 'not_collected', 'address_invalid', 'other'],
  { description: 'Why it was cancelled.' },
);

/** Data of `weft.order.cancelled.v1`. */
export const OrderCancelled = Type.Object(
  { orderId: OrderId, reason: CancellationReason, note: Type.Optional(Note), occurredAt: OccurredAt },
  objectOptions('OrderCancelled', 'The whole order was cancelled.'),
);
/** Data of `weft.order.cancelled.v1`. */
export type OrderCancelled = Static<typeof OrderCancelled>;

/** Data of `weft.order.line_cancelled.v1`. */
export const OrderLineCancelled = Type.Object(
  {
    orderId: OrderId,
    lineId: CanonicalId('orderLine', 'The order line whose units were cancelled.'),
    quantity: Type.Integer({ minimum: 1, description: 'Units cancelled by this event (part of the line or all of it).' }),
    reason: CancellationReason,
    occurredAt: OccurredAt,
  },
  objectOptions('OrderLineCancelled', 'Units of one order line were cancelled.'),
);
/** Data of `weft.order.line_cancelled.v1`. */
export type OrderLineCancelled = Static<typeof OrderLineCancelled>;

/** Data of `weft.order.line_substituted.v1`. */
export const OrderLineSubstituted = Type.Object(
  {
    orderId: OrderId,
    lineId: CanonicalId('orderLine', 'The order line that now carries another SKU.'),
    fromSku: Type.String({ minLength: 1, maxLength: 64, description: 'The SKU ordered, which could not be had.' }),
    toSku: Type.String({ minLength: 1, maxLength: 64, description: 'The SKU sent instead, at the line\'s price.' }),
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'Why, as the person who decided wrote it.' })),
    occurredAt: OccurredAt,
  },
  objectOptions('OrderLineSubstituted', 'An order line is fulfilled with another SKU, at the price the customer paid.'),
);
/** Data of `weft.order.line_substituted.v1`. */
export type OrderLineSubstituted = Static<typeof OrderLineSubstituted>;

/** Data of `weft.order.release_rejected.v1`. */
export const OrderReleaseRejected = Type.Object(
  {
    orderId: OrderId,
    fulfilmentGroupId: CanonicalId('fulfillmentGroup', 'The parcel the store (or warehouse) will not ship.'),
    locationId: Type.Optional(CanonicalId('location', 'Where it was to ship from.')),
    reason: Type.Enum(['out_of_stock', 'damaged', 'cannot_ship', 'other'], { description: 'Why, as far as the system says: out_of_stock (not found on the shelf), damaged, cannot_ship (no one to pack it, no carrier), other.' }),
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'The system\'s own words, when it gives any.' })),
    occurredAt: OccurredAt,
  },
  objectOptions('OrderReleaseRejected', 'A store or warehouse turned down a parcel released to it: it will not ship it.'),
);
/** Data of `weft.order.release_rejected.v1`. */
export type OrderReleaseRejected = Static<typeof OrderReleaseRejected>;

/** Data of `weft.order.ready_for_pickup.v1`. */
export const OrderReadyForPickup = Type.Object(
  {
    orderId: OrderId,
    fulfilmentGroupId: CanonicalId('fulfillmentGroup', 'The pickup group that is ready.'),
    locationId: CanonicalId('location', 'The store where the customer collects.'),
    collectBy: Type.Optional(Instant('Collect by: after this the order may be cancelled as not collected')),
    occurredAt: OccurredAt,
  },
  objectOptions('OrderReadyForPickup', 'A pickup group was picked and waits at the store for the customer.'),
);
/** Data of `weft.order.ready_for_pickup.v1`. */
export type OrderReadyForPickup = Static<typeof OrderReadyForPickup>;

/** Data of `weft.order.collected.v1`. */
export const OrderCollected = Type.Object(
  {
    orderId: OrderId,
    fulfilmentGroupId: CanonicalId('fulfillmentGroup', 'The pickup group that was collected.'),
    locationId: CanonicalId('location', 'The store where it was collected.'),
    occurredAt: OccurredAt,
  },
  objectOptions('OrderCollected', 'The customer collected a pickup group at the store.'),
);
/** Data of `weft.order.collected.v1`. */
export type OrderCollected = Static<typeof OrderCollected>;

/** Data of `weft.order.completed.v1`. */
export const OrderCompleted = Type.Object(
  { orderId: OrderId, occurredAt: OccurredAt },
  objectOptions('OrderCompleted', 'Everything on the order is fulfilled, paid and invoiced; nothing more will happen but returns.'),
);
/** Data of `weft.order.completed.v1`. */
export type OrderCompleted = Static<typeof OrderCompleted>;

/** `weft.order.captured.v1`. */
export const orderCaptured = defineEvent({
  type: 'weft.order.captured.v1',
  area: 'order',
  description: 'An order was captured from a channel; the data is the whole order.',
  data: Order,
  subjectOf: (data) => data.id,
});

const byOrderId = (data: { orderId: string }): string => data.orderId;

/** `weft.order.validated.v1`. */
export const orderValidated = defineEvent({
  type: 'weft.order.validated.v1',
  area: 'order',
  description: 'An order passed validation (address, fraud and payment checks).',
  data: OrderValidated,
  subjectOf: byOrderId,
});

/** `weft.order.held.v1`. */
export const orderHeld = defineEvent({
  type: 'weft.order.held.v1',
  area: 'order',
  description: 'An order was put on hold; it is not fulfilled until the hold is lifted.',
  data: OrderHeld,
  subjectOf: byOrderId,
});

/** `weft.order.hold_lifted.v1`. */
export const orderHoldLifted = defineEvent({
  type: 'weft.order.hold_lifted.v1',
  area: 'order',
  description: 'The hold on an order was lifted; the order continues where it stopped.',
  data: OrderHoldLifted,
  subjectOf: byOrderId,
});

/** `weft.order.reserved.v1`. */
export const orderReserved = defineEvent({
  type: 'weft.order.reserved.v1',
  area: 'order',
  description: 'Stock was reserved for the order\'s lines at the locations that will fulfil them.',
  data: OrderReserved,
  subjectOf: byOrderId,
});

/** `weft.order.payment_authorized.v1`. */
export const orderPaymentAuthorized = defineEvent({
  type: 'weft.order.payment_authorized.v1',
  area: 'order',
  description: 'The payment provider authorised an amount for the order.',
  data: OrderPaymentAuthorized,
  subjectOf: byOrderId,
});

/** `weft.order.payment_captured.v1`. */
export const orderPaymentCaptured = defineEvent({
  type: 'weft.order.payment_captured.v1',
  area: 'order',
  description: 'The payment provider captured (charged) an amount of the order.',
  data: OrderPaymentCaptured,
  subjectOf: byOrderId,
});

/** `weft.order.payment_declined.v1`. */
export const orderPaymentDeclined = defineEvent({
  type: 'weft.order.payment_declined.v1',
  area: 'order',
  description: 'The payment provider declined an authorisation or capture.',
  data: OrderPaymentDeclined,
  subjectOf: byOrderId,
});

/** `weft.order.released.v1`. */
export const orderReleased = defineEvent({
  type: 'weft.order.released.v1',
  area: 'order',
  description: 'Fulfilment groups were released to their warehouse or store for picking.',
  data: OrderReleased,
  subjectOf: byOrderId,
});

/** `weft.order.cancelled.v1`. */
export const orderCancelled = defineEvent({
  type: 'weft.order.cancelled.v1',
  area: 'order',
  description: 'The whole order was cancelled.',
  data: OrderCancelled,
  subjectOf: byOrderId,
});

/** `weft.order.line_cancelled.v1`. */
export const orderLineCancelled = defineEvent({
  type: 'weft.order.line_cancelled.v1',
  area: 'order',
  description: 'Some or all units of one order line were cancelled.',
  data: OrderLineCancelled,
  subjectOf: byOrderId,
});

/** `weft.order.line_substituted.v1`. */
export const orderLineSubstituted = defineEvent({
  type: 'weft.order.line_substituted.v1',
  area: 'order',
  description: 'An order line short of stock is fulfilled with another SKU, at the price paid (a person decided it).',
  data: OrderLineSubstituted,
  subjectOf: byOrderId,
});

/** `weft.order.release_rejected.v1`. */
export const orderReleaseRejected = defineEvent({
  type: 'weft.order.release_rejected.v1',
  area: 'order',
  description: 'A store (ship from store) or warehouse turned down a parcel released to it; order-to-cash asks a person what to do.',
  data: OrderReleaseRejected,
  subjectOf: byOrderId,
});

/** `weft.order.ready_for_pickup.v1`. */
export const orderReadyForPickup = defineEvent({
  type: 'weft.order.ready_for_pickup.v1',
  area: 'order',
  description: 'A pickup group is picked and waiting at the store.',
  data: OrderReadyForPickup,
  subjectOf: byOrderId,
});

/** `weft.order.collected.v1`. */
export const orderCollected = defineEvent({
  type: 'weft.order.collected.v1',
  area: 'order',
  description: 'The customer collected a pickup group at the store.',
  data: OrderCollected,
  subjectOf: byOrderId,
});

/** `weft.order.completed.v1`. */
export const orderCompleted = defineEvent({
  type: 'weft.order.completed.v1',
  area: 'order',
  description: 'The order is fulfilled, paid and invoiced; only returns can follow.',
  data: OrderCompleted,
  subjectOf: byOrderId,
});

/** The order area's catalogue entries. */
export const orderEvents = [
  orderCaptured,
  orderValidated,
  orderHeld,
  orderHoldLifted,
  orderReserved,
  orderPaymentAuthorized,
  orderPaymentCaptured,
  orderPaymentDeclined,
  orderReleased,
  orderCancelled,
  orderLineCancelled,
  orderLineSubstituted,
  orderReleaseRejected,
  orderReadyForPickup,
  orderCollected,
  orderCompleted,
] as const;

function reservationProblems(data: OrderReserved): Problems {
  let out: Problem[] | undefined;
  const reservations = data.reservations;
  for (let i = 0; i < reservations.length; i++) {
    const r = reservations[i]!;
    for (let j = 0; j < i; j++) {
      const other = reservations[j]!;
      if (other.lineId === r.lineId && other.locationId === r.locationId) {
        out = addProblem(out, `/reservations/${i}`, `line ${r.lineId} is reserved at ${r.locationId} twice (see /reservations/${j}); send one entry with the total`);
      }
    }
  }
  return out ?? noProblems;
}

/** Business rules of the order area's events. */
export const orderEventRules = [eventRule(orderCaptured, orderProblems), eventRule(orderReserved, reservationProblems)] as const;
