import { table } from './markdown.ts';

// The opening of docs/events.md: what an event is, how to send one, and the conventions every field
// follows. Written for the integration engineer who meets Weft through this page.

/** The page's title and introduction, up to the table of contents. */
export function introduction(): string[] {
  return [
    '# Event catalogue',
    '',
    '<!-- Generated from src/domain/events/catalogue.ts by renderEventCatalogueMarkdown(); do not edit by hand. -->',
    '',
    'An event records one business change (an order captured, stock counted, a refund issued) in the terms of',
    'Weft\'s canonical model. Connectors and your own systems send events to Weft; Weft keeps them, in order, in',
    'its log. This page lists every event type Weft accepts: what it means, the fields of its data, and an',
    'example you can send as it is.',
    '',
    '## Sending an event',
    '',
    'Every event is a [CloudEvents 1.0](https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md) event',
    'in JSON. Three attributes carry it:',
    '',
    ...table(['Attribute', 'What it holds'], [
      ['`type`', 'What happened: `weft.<area>.<change>.v<version>`, one of the types below.'],
      ['`subject`', 'The aggregate key: the order, customer, SKU at a location, ... the event belongs to. Events of one subject are applied in the order they were appended. Each type below says which data fields make its subject.'],
      ['`data`', 'The change itself, with the fields listed for its type.'],
    ]),
    '',
    'Weft fills in `id`, `source`, `time` and `specversion` when they are left out. Set `id` (or send an',
    '`Idempotency-Key` header) when you may send the same event again: Weft then appends it only once.',
    '',
    'Send events with `POST /v1/events` and an API key: one event, or a JSON array of events that is appended',
    'all or nothing. Weft checks the data against the schema and the business rules of its type before it',
    'appends anything; a problem comes back as `422` with a JSON Pointer to each field at fault. The',
    '[README](../README.md#run-it) walks through a first request; error codes are listed in [errors.md](errors.md).',
    '',
    'Events that record a whole object (captured, created, upserted, issued, ...) carry the whole canonical',
    'object. Events that record a change carry the id of the object, what changed, and `occurredAt`.',
    '',
    '## Conventions',
    '',
    '- **Money** is an object: an integer `amount` in the currency\'s minor units and an ISO 4217 `currency`.',
    '  `{"amount": 1999, "currency": "EUR"}` is EUR 19.99; `{"amount": 500, "currency": "JPY"}` is JPY 500 (the yen',
    '  has no minor unit). Never a float.',
    '- **Quantities** are integers. Goods sold by weight or length count in grams, millilitres or millimetres.',
    '- **Times** are ISO 8601 instants in UTC, ending in `Z` (`2026-11-23T19:49:39.123Z`); calendar dates are',
    '  `YYYY-MM-DD`.',
    '- **Ids in other systems** are strings, even where that system uses numbers: Shopify\'s ids are too large',
    '  for a JSON number to hold exactly.',
    '- **Weft ids** are a prefix saying what they name, an underscore and a ULID: `ord_01JDY1JX4WHRDD459GQ8H7QEZZ`.',
    '  The tables show them as `ord_ id`; [Weft ids](#weft-ids) lists the prefixes.',
    '- **Objects are closed:** a field that is not listed for its type is rejected, so a typo cannot pass',
    '  silently. Leave out an optional field rather than sending `null`.',
    '- Scalar types such as `Timestamp` or `Sku` are explained under [Value types](#value-types); object types',
    '  link to their own fields table.',
    '',
  ];
}
