import Type from 'typebox';
import { EventInput, StoredEventSchema } from '../domain/events/envelope.ts';

// Schemas of what the API sends and receives, beyond the canonical model. They drive response
// serialisation and the OpenAPI document.

/** Where one appended event sits in the log. */
export const AppendedEventSchema = Type.Object(
  {
    id: Type.String(),
    source: Type.String(),
    subject: Type.String(),
    position: Type.Integer({ description: 'Global position in the log.' }),
    sequence: Type.Integer({ description: 'Position within the subject.' }),
    duplicate: Type.Boolean({ description: 'The log already held this (source, id); nothing new was appended.' }),
  },
  { additionalProperties: false },
);

/** Answer of POST /v1/events. */
export const AppendResponseSchema = Type.Object({ events: Type.Array(AppendedEventSchema) }, { additionalProperties: false, title: 'AppendResponse' });

/** Body of POST /v1/events: one event or a batch. */
export const EventsRequestBodySchema = Type.Union([EventInput, Type.Array(EventInput, { minItems: 1 })], { title: 'EventsRequest' });

/** Answer of GET /v1/events. */
export const EventsPageSchema = Type.Object(
  {
    events: Type.Array(StoredEventSchema),
    next: Type.String({
      description: 'Query string of the next page. A page shorter than limit means the log holds nothing more yet; request next again to follow new events.',
    }),
  },
  { additionalProperties: false, title: 'EventsPage' },
);

/** Query of GET /v1/events. */
export const EventsQuerySchema = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'Return events after this global position (log order). Not with subject.' })),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Only events of this subject (aggregate key), in subject order.' })),
    afterSequence: Type.Optional(Type.Integer({ minimum: 0, description: 'With subject: return events after this sequence number.' })),
    type: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50, description: 'Only these event types (repeat the parameter). Not with subject.' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);

/** An RFC 9457 problem document. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String({ description: 'Stable error code, listed in docs/errors.md.' }),
    retryable: Type.Boolean(),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }))),
  },
  { title: 'Problem' },
);

/** An API key as listed (never its secret). */
export const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    createdAt: Type.String(),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false, title: 'ApiKey' },
);

/** Body of POST /v1/keys. */
export const CreateKeySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(Type.String(), { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);

/** Answer of POST /v1/keys: the token appears here once. */
export const CreatedKeySchema = Type.Object(
  { key: ApiKeySchema, token: Type.String({ description: 'The bearer token. Shown once; Weft keeps only its hash.' }) },
  { additionalProperties: false },
);
