import Type, { type Static } from 'typebox';
import { Timestamp } from '../shared/primitives.ts';

// CloudEvents 1.0 (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md), structured
// JSON mode. Weft stores every event in this envelope; `subject` is the aggregate key, and the W3C
// `traceparent` extension carries the trace across systems.

/** The `type` of a Weft event: `weft.<area>.<change>.v<N>`. */
export const EventType = Type.String({
  pattern: '^weft\\.[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.v[1-9][0-9]*$',
  maxLength: 200,
  description: 'CloudEvents type: weft.<area>.<change>.v<version>.',
  examples: ['weft.order.captured.v1'],
});

/** A W3C Trace Context `traceparent` value. */
export const TraceParent = Type.String({
  pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
  description: 'W3C Trace Context traceparent (CloudEvents distributed tracing extension).',
});

const EventId = Type.String({ minLength: 1, maxLength: 200, description: 'Unique per source; a re-sent event keeps its id.' });
const Source = Type.String({
  minLength: 1,
  maxLength: 500,
  format: 'uri-reference',
  description: 'CloudEvents source: the system or context that produced the event (URI reference).',
});
const Subject = Type.String({ minLength: 1, maxLength: 300, description: 'The aggregate key the event belongs to.' });

/**
 * What a client sends to append one event. Only `type`, `subject` and `data` are required: Weft fills
 * in `id`, `source`, `time` and `specversion` when they are absent. A client that may re-send must
 * set `id` (or use an `Idempotency-Key` for the request): an event with a (source, id) already in the
 * log is a duplicate and is not appended twice.
 */
export const EventInput = Type.Object(
  {
    specversion: Type.Optional(Type.Literal('1.0')),
    id: Type.Optional(EventId),
    source: Type.Optional(Source),
    type: EventType,
    subject: Subject,
    time: Type.Optional(Timestamp),
    datacontenttype: Type.Optional(Type.Literal('application/json')),
    dataschema: Type.Optional(Type.String({ format: 'uri', maxLength: 500 })),
    traceparent: Type.Optional(TraceParent),
    tracestate: Type.Optional(Type.String({ maxLength: 512 })),
    data: Type.Unknown({ description: 'The event data; its schema is given by `type` in the event catalogue.' }),
  },
  { additionalProperties: false, description: 'A canonical event to append (CloudEvents 1.0, structured mode).' },
);
/** A canonical event as a client sends it. */
export type EventInput = Static<typeof EventInput>;

/** A canonical event as the log holds it: a complete CloudEvent plus its coordinates in the log. */
export const StoredEventSchema = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: EventId,
    source: Source,
    type: EventType,
    subject: Subject,
    time: Timestamp,
    datacontenttype: Type.Literal('application/json'),
    dataschema: Type.Optional(Type.String()),
    traceparent: Type.Optional(TraceParent),
    tracestate: Type.Optional(Type.String()),
    data: Type.Unknown(),
    position: Type.Integer({ minimum: 1, description: 'Global position in the log (Weft extension, read-only).' }),
    sequence: Type.Integer({ minimum: 1, description: 'Order of the event within its subject (Weft extension, read-only).' }),
    recordedtime: Timestamp,
  },
  { additionalProperties: false, description: 'A canonical event in the log.' },
);
