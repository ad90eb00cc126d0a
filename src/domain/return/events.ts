import Type, { type Static } from 'typebox';
import { Instant, Sku } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';
import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { ItemCondition, Return, ReturnDisposition } from './return.schema.ts';
import { returnProblems } from './rules.ts';

// Return events. Subject: the return id. Each carries the order id, because refunds and the order's
// status follow from them. Receipt and inspection list lines, as parcels arrive incomplete.

const ReturnId = CanonicalId('return');
const OrderId = CanonicalId('order', 'The order the items were bought on.');
const OccurredAt = Instant('When the change happened in the source system');

/** Data of `weft.return.authorized.v1`. */
export const ReturnAuthorized = Type.Object(
  {
    returnId: ReturnId,
    orderId: OrderId,
    rmaNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Return authorisation (RMA) number the customer writes on the parcel or quotes in store.' })),
    returnLocationId: Type.Optional(CanonicalId('location', 'Where the customer should send or bring the items.')),
    occurredAt: OccurredAt,
  },
  objectOptions('ReturnAuthorized', 'A return was authorised; the customer may send the items.'),
);
/** Data of `weft.return.authorized.v1`. */
export type ReturnAuthorized = Static<typeof ReturnAuthorized>;

/** Data of `weft.return.rejected.v1`. */
export const ReturnRejected = Type.Object(
  {
    returnId: ReturnId,
    orderId: OrderId,
    reason: Type.Enum(['outside_return_window', 'not_returnable', 'condition', 'other'], { description: 'Why the return was refused.' }),
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'Free text for people, e.g. what the customer was told; never parsed.' })),
    occurredAt: OccurredAt,
  },
  objectOptions('ReturnRejected', 'A return was refused.'),
);
/** Data of `weft.return.rejected.v1`. */
export type ReturnRejected = Static<typeof ReturnRejected>;

/** Units of one order line that arrived. */
export const ReceivedLine = Type.Object(
  {
    orderLineId: CanonicalId('orderLine', 'The order line the units were bought on.'),
    sku: Sku,
    quantity: Type.Integer({ minimum: 1, description: 'Units that arrived (integer).' }),
  },
  objectOptions('ReceivedLine', 'Units of one order line that arrived.'),
);

/** Data of `weft.return.received.v1`. */
export const ReturnReceived = Type.Object(
  {
    returnId: ReturnId,
    orderId: OrderId,
    locationId: CanonicalId('location', 'Where the items arrived.'),
    lines: Type.Array(ReceivedLine, { minItems: 1, description: 'What arrived, per order line; a parcel may hold less than was announced.' }),
    occurredAt: OccurredAt,
  },
  objectOptions('ReturnReceived', 'Returned items arrived at a location.'),
);
/** Data of `weft.return.received.v1`. */
export type ReturnReceived = Static<typeof ReturnReceived>;

/** The inspection result for units of one order line. */
export const InspectedLine = Type.Object(
  {
    orderLineId: CanonicalId('orderLine', 'The order line the units were bought on.'),
    sku: Sku,
    quantity: Type.Integer({ minimum: 1, description: 'Units inspected with this result (integer).' }),
    condition: ItemCondition,
    disposition: ReturnDisposition,
  },
  objectOptions('InspectedLine', 'The inspection result for units of one order line.'),
);

/** Data of `weft.return.inspected.v1`. */
export const ReturnInspected = Type.Object(
  {
    returnId: ReturnId,
    orderId: OrderId,
    locationId: CanonicalId('location', 'Where the inspection happened.'),
    lines: Type.Array(InspectedLine, { minItems: 1, description: 'The inspection results; units of one line in different states are separate entries.' }),
    occurredAt: OccurredAt,
  },
  objectOptions('ReturnInspected', 'Returned items were inspected and given a disposition.'),
);
/** Data of `weft.return.inspected.v1`. */
export type ReturnInspected = Static<typeof ReturnInspected>;

/** Data of `weft.return.closed.v1`. */
export const ReturnClosed = Type.Object(
  {
    returnId: ReturnId,
    orderId: OrderId,
    resolution: Type.Enum(['refunded', 'exchanged', 'store_credit', 'no_refund'], { description: 'How the return ended for the customer.' }),
    occurredAt: OccurredAt,
  },
  objectOptions('ReturnClosed', 'A return was closed.'),
);
/** Data of `weft.return.closed.v1`. */
export type ReturnClosed = Static<typeof ReturnClosed>;

/** `weft.return.requested.v1`. */
export const returnRequested = defineEvent({
  type: 'weft.return.requested.v1',
  area: 'return',
  description: 'A customer asked to return order lines; the data is the whole return.',
  data: Return,
  subjectOf: (data) => data.id,
});

const byReturnId = (data: { returnId: string }): string => data.returnId;

/** `weft.return.authorized.v1`. */
export const returnAuthorized = defineEvent({
  type: 'weft.return.authorized.v1',
  area: 'return',
  description: 'A return was authorised; the customer may send or bring the items.',
  data: ReturnAuthorized,
  subjectOf: byReturnId,
});

/** `weft.return.rejected.v1`. */
export const returnRejected = defineEvent({
  type: 'weft.return.rejected.v1',
  area: 'return',
  description: 'A return was refused (outside the return window, not returnable, condition).',
  data: ReturnRejected,
  subjectOf: byReturnId,
});

/** `weft.return.received.v1`. */
export const returnReceived = defineEvent({
  type: 'weft.return.received.v1',
  area: 'return',
  description: 'Returned items arrived at a returns centre or store.',
  data: ReturnReceived,
  subjectOf: byReturnId,
});

/** `weft.return.inspected.v1`. */
export const returnInspected = defineEvent({
  type: 'weft.return.inspected.v1',
  area: 'return',
  description: 'Returned items were inspected: their condition and what happens to them (restock, destroy, ...).',
  data: ReturnInspected,
  subjectOf: byReturnId,
});

/** `weft.return.closed.v1`. */
export const returnClosed = defineEvent({
  type: 'weft.return.closed.v1',
  area: 'return',
  description: 'A return was closed: refunded, exchanged, settled with store credit or without refund.',
  data: ReturnClosed,
  subjectOf: byReturnId,
});

/** The return area's catalogue entries. */
export const returnEvents = [returnRequested, returnAuthorized, returnRejected, returnReceived, returnInspected, returnClosed] as const;

/** Business rules of the return area's events. */
export const returnEventRules = [eventRule(returnRequested, returnProblems)] as const;
