import Type, { type Static } from 'typebox';
import { ExternalRefs, Instant } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// A customer service case (ticket) from the help desk. Weft links it to the customer and the order so
// an agent sees the order's timeline, and the customer record sees the case.

/** Where a case was raised. */
export const CaseChannel = Type.Enum(['email', 'phone', 'chat', 'social', 'store', 'web_form'], { description: 'Where the customer raised the case.' });
/** Where a case was raised. */
export type CaseChannel = Static<typeof CaseChannel>;

/** Where a case stands. */
export const CaseStatus = Type.Enum(['new', 'open', 'pending', 'solved', 'closed'], {
  description: 'pending = waiting for the customer or a third party; solved cases can reopen, closed ones cannot.',
});
/** Where a case stands. */
export type CaseStatus = Static<typeof CaseStatus>;

/** How urgent a case is. */
export const CasePriority = Type.Enum(['low', 'normal', 'high', 'urgent'], { description: 'How urgent the case is.' });
/** How urgent a case is. */
export type CasePriority = Static<typeof CasePriority>;

/** The agent or team working a case, by the help desk's ids. */
export const CaseAssignee = Type.Object(
  {
    agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'The agent\'s id in the help desk.' })),
    name: Type.Optional(Type.String({ maxLength: 200, description: 'The agent\'s display name.' })),
    team: Type.Optional(Type.String({ maxLength: 100, description: 'The team or queue the case is assigned to.' })),
  },
  { ...objectOptions('CaseAssignee', 'The agent or team working a case.'), minProperties: 1 },
);
/** The agent or team working a case. */
export type CaseAssignee = Static<typeof CaseAssignee>;

/** A customer service case. */
export const ServiceCase = Type.Object(
  {
    id: CanonicalId('serviceCase'),
    customerId: CanonicalId('customer', 'The customer who raised the case.'),
    orderId: Type.Optional(CanonicalId('order', 'The order the case is about, when it is about one.')),
    channel: CaseChannel,
    // Not `subject`: in an event, `/subject` is the CloudEvents subject, and a problem pointer must not be ambiguous.
    summary: Type.String({ minLength: 1, maxLength: 500, description: 'One-line summary (the ticket subject line).' }),
    category: Type.String({ pattern: '^[a-z][a-z0-9_]{0,49}$', description: 'Retailer-defined category code.', examples: ['delivery', 'return', 'product_question'] }),
    priority: CasePriority,
    status: CaseStatus,
    assignee: Type.Optional(CaseAssignee),
    openedAt: Instant('When the customer raised the case'),
    updatedAt: Instant('When the case last changed in the help desk'),
    solvedAt: Type.Optional(Instant('When the case was solved, if it is')),
    externalRefs: ExternalRefs,
  },
  objectOptions('ServiceCase', 'A customer service case.'),
);
/** A customer service case. */
export type ServiceCase = Static<typeof ServiceCase>;
