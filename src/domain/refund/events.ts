import Type, { type Static } from 'typebox';
import { Instant } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';
import { addProblem, type Problems } from '../shared/problems.ts';
import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { Refund } from './refund.schema.ts';
import { refundProblems } from './rules.ts';

// Refund events. Subject: the refund id. A refund is requested whole (the returns process decides
// the amounts) and issued whole once the provider confirms; a failure names the refund only.

/** Data of `weft.refund.failed.v1`. */
export const RefundFailed = Type.Object(
  {
    refundId: CanonicalId('refund'),
    orderId: CanonicalId('order', 'The order the refund is for.'),
    paymentId: CanonicalId('payment', 'The order payment the money was to go back through.'),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'The provider\'s reason, as given.' }),
    retryable: Type.Boolean({ description: 'Whether trying again may succeed (provider outage) or needs a person (card closed).' }),
    occurredAt: Instant('When the provider reported the failure'),
  },
  objectOptions('RefundFailed', 'The payment provider could not pay a refund back.'),
);
/** Data of `weft.refund.failed.v1`. */
export type RefundFailed = Static<typeof RefundFailed>;

/** `weft.refund.requested.v1`. */
export const refundRequested = defineEvent({
  type: 'weft.refund.requested.v1',
  area: 'refund',
  description: 'A refund was decided and sent to the payment provider; the data is the whole refund (status pending).',
  data: Refund,
  subjectOf: (data) => data.id,
});

/** `weft.refund.issued.v1`. */
export const refundIssued = defineEvent({
  type: 'weft.refund.issued.v1',
  area: 'refund',
  description: 'The payment provider paid a refund back; the data is the whole refund (status succeeded).',
  data: Refund,
  subjectOf: (data) => data.id,
});

/** `weft.refund.failed.v1`. */
export const refundFailed = defineEvent({
  type: 'weft.refund.failed.v1',
  area: 'refund',
  description: 'The payment provider could not pay a refund back.',
  data: RefundFailed,
  subjectOf: (data) => data.refundId,
});

/** The refund area's catalogue entries. */
export const refundEvents = [refundRequested, refundIssued, refundFailed] as const;

function withStatus(status: Refund['status']) {
  return (refund: Refund): Problems => {
    const problems = refundProblems(refund);
    return refund.status === status ? problems : addProblem([...problems], '/status', `must be ${status} for this event, not ${refund.status}`);
  };
}

/** Business rules of the refund area's events. */
export const refundEventRules = [eventRule(refundRequested, withStatus('pending')), eventRule(refundIssued, withStatus('succeeded'))] as const;
