import Type, { type Static } from 'typebox';
import { Instant } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';
import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { CaseAssignee, CasePriority, ServiceCase } from './service-case.schema.ts';
import { serviceCaseProblems } from './rules.ts';

// Service case events. Subject: the case id.

const CaseId = CanonicalId('serviceCase');
const OccurredAt = Instant('When the change happened in the help desk');

/** The case fields an update changes; absent fields stay as they are. */
export const CaseChanges = Type.Object(
  {
    status: Type.Optional(Type.Enum(['new', 'open', 'pending'], { description: 'Solving is weft.case.resolved.v1.' })),
    priority: Type.Optional(CasePriority),
    category: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,49}$', description: 'The new retailer-defined category code.' })),
    summary: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'The new one-line summary.' })),
    assignee: Type.Optional(CaseAssignee),
    orderId: Type.Optional(CanonicalId('order', 'The order the case turned out to be about.')),
  },
  { ...objectOptions('CaseChanges', 'The case fields an update changes.'), minProperties: 1 },
);
/** The case fields an update changes. */
export type CaseChanges = Static<typeof CaseChanges>;

/** Data of `weft.case.updated.v1`. */
export const CaseUpdated = Type.Object(
  { caseId: CaseId, changes: CaseChanges, occurredAt: OccurredAt },
  objectOptions('CaseUpdated', 'Fields of a service case changed.'),
);
/** Data of `weft.case.updated.v1`. */
export type CaseUpdated = Static<typeof CaseUpdated>;

/** Data of `weft.case.resolved.v1`. */
export const CaseResolved = Type.Object(
  {
    caseId: CaseId,
    status: Type.Enum(['solved', 'closed'], { description: 'solved (may reopen) or closed (final).' }),
    resolution: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,49}$', description: 'Resolution code.', examples: ['refund_issued', 'information_given'] })),
    occurredAt: OccurredAt,
  },
  objectOptions('CaseResolved', 'A service case was solved or closed.'),
);
/** Data of `weft.case.resolved.v1`. */
export type CaseResolved = Static<typeof CaseResolved>;

/** `weft.case.opened.v1`. */
export const caseOpened = defineEvent({
  type: 'weft.case.opened.v1',
  area: 'case',
  description: 'A customer service case was opened; the data is the whole case.',
  data: ServiceCase,
  subjectOf: (data) => data.id,
});

/** `weft.case.updated.v1`. */
export const caseUpdated = defineEvent({
  type: 'weft.case.updated.v1',
  area: 'case',
  description: 'Fields of a service case changed (status, priority, assignee, ...).',
  data: CaseUpdated,
  subjectOf: (data) => data.caseId,
});

/** `weft.case.resolved.v1`. */
export const caseResolved = defineEvent({
  type: 'weft.case.resolved.v1',
  area: 'case',
  description: 'A service case was solved or closed.',
  data: CaseResolved,
  subjectOf: (data) => data.caseId,
});

/** The service case area's catalogue entries. */
export const caseEvents = [caseOpened, caseUpdated, caseResolved] as const;

/** Business rules of the service case area's events. */
export const caseEventRules = [eventRule(caseOpened, serviceCaseProblems)] as const;
