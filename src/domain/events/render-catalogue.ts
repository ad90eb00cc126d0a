import type { TSchema } from 'typebox';
import {
  Address,
  CountryCode,
  CurrencyCode,
  ExternalRef,
  Gtin,
  LanguageTag,
  LocalTime,
  Money,
  PhoneE164,
  Sku,
  SystemName,
  TimeZone,
} from '../shared/primitives.ts';
import type { EventArea, EventDefinition } from './define-event.ts';
import { eventCatalogue } from './catalogue.ts';
import { exampleEventData } from './examples.ts';

// Renders the event catalogue as Markdown (docs/events.md), from the schemas themselves, so the docs
// cannot drift from what Weft accepts. Pure: the caller decides where the text goes.

const areaTitles: Readonly<Record<EventArea, string>> = {
  customer: 'Customer',
  product: 'Product',
  location: 'Location',
  price: 'Price',
  promotion: 'Promotion',
  inventory: 'Inventory',
  order: 'Order',
  shipment: 'Shipment',
  return: 'Return',
  refund: 'Refund',
  invoice: 'Invoice',
  posting: 'Posting (journal entries)',
  case: 'Service case',
  xref: 'Cross-references',
};

interface SchemaLike {
  readonly type?: string;
  readonly title?: string;
  readonly description?: string;
  readonly format?: string;
  readonly pattern?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly SchemaLike[];
  readonly items?: SchemaLike;
  readonly properties?: Readonly<Record<string, SchemaLike>>;
  readonly required?: readonly string[];
  readonly patternProperties?: unknown;
}

const patternOf = (schema: TSchema): string => (schema as SchemaLike).pattern ?? '';
const namedPatterns = new Map<string, string>([
  [patternOf(CurrencyCode), 'CurrencyCode'],
  [patternOf(CountryCode), 'CountryCode'],
  [patternOf(PhoneE164), 'PhoneE164'],
  [patternOf(Sku), 'Sku'],
  [patternOf(Gtin), 'Gtin'],
  [patternOf(SystemName), 'SystemName'],
  [patternOf(LanguageTag), 'LanguageTag'],
  [patternOf(TimeZone), 'TimeZone'],
  [patternOf(LocalTime), 'LocalTime'],
]);

// Shared value objects have no title; they are recognised by their property names.
const signature = (schema: SchemaLike): string => Object.keys(schema.properties ?? {}).sort().join(',');
const namedObjects = new Map<string, string>([
  [signature(Money as SchemaLike), 'Money'],
  [signature(Address as SchemaLike), 'Address'],
  [signature(ExternalRef as SchemaLike), 'ExternalRef'],
]);

/** A short, readable name for a schema's type, as shown in the catalogue's field tables. */
export function schemaTypeLabel(schema: TSchema): string {
  return label(schema as SchemaLike);
}

function label(schema: SchemaLike): string {
  if (schema.anyOf !== undefined) return schema.anyOf.map(label).join(' | ');
  if (schema.enum !== undefined) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  switch (schema.type) {
    case 'array': {
      const items = schema.items === undefined ? 'unknown' : label(schema.items);
      return items.includes(' | ') ? `(${items})[]` : `${items}[]`;
    }
    case 'object':
      if (schema.title !== undefined) return schema.title;
      if (schema.patternProperties !== undefined) return 'Attributes';
      return namedObjects.get(signature(schema)) ?? 'object';
    case 'string': {
      if (schema.format === 'date-time') return 'Timestamp';
      if (schema.format === 'date') return 'LocalDate';
      if (schema.format === 'email') return 'Email';
      if (schema.format === 'uri') return 'URI';
      const pattern = schema.pattern;
      if (pattern === undefined) return 'string';
      const id = /^\^([a-z]{3})_\[/.exec(pattern);
      if (id !== null) return `${id[1]}_ id`;
      if (pattern.startsWith('^(?:')) return 'canonical id';
      return namedPatterns.get(pattern) ?? 'string';
    }
    default:
      return schema.type ?? 'unknown';
  }
}

/** Describes the subject rule of a catalogue entry by finding the data fields its example subject is made of. */
export function subjectRule(definition: EventDefinition): string | undefined {
  const data = exampleEventData[definition.type];
  if (typeof data !== 'object' || data === null) return undefined;
  const subject = definition.subjectOf(data);
  const fields = Object.entries(data).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  for (const [name, value] of fields) if (value === subject) return `\`data.${name}\``;
  for (const [a, va] of fields) {
    for (const [b, vb] of fields) if (`${va}@${vb}` === subject) return `\`data.${a}\` + \`@\` + \`data.${b}\` (the SKU × location key)`;
  }
  return undefined;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const anchor = (text: string): string => text.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replaceAll(' ', '-');

function renderDefinition(definition: EventDefinition): string[] {
  const schema = definition.data as SchemaLike;
  const example = exampleEventData[definition.type];
  const subject = subjectRule(definition);
  const lines = [
    `### \`${definition.type}\``,
    '',
    definition.description,
    '',
    `- **Subject:** ${subject ?? 'see `subjectOf` in the catalogue'}${example === undefined ? '' : ` (e.g. \`${definition.subjectOf(example)}\`)`}`,
    `- **Data:** \`${schema.title ?? 'object'}\`${schema.description === undefined ? '' : ` — ${schema.description}`}`,
    '',
    '| Field | Type | Required | Description |',
    '|---|---|---|---|',
  ];
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const type = cell(label(property));
    // A list of objects is described by what one element is.
    const description = property.description ?? property.items?.description ?? '';
    lines.push(`| \`${name}\` | ${type} | ${required.has(name) ? 'yes' : 'no'} | ${cell(description)} |`);
  }
  lines.push('');
  return lines;
}

/** The event catalogue as a Markdown page: one section per area, one entry per event type. */
export function renderEventCatalogueMarkdown(): string {
  const areas: EventArea[] = [];
  for (const definition of eventCatalogue) if (!areas.includes(definition.area)) areas.push(definition.area);

  const lines = [
    '# Event catalogue',
    '',
    '<!-- Generated from src/domain/events/catalogue.ts by renderEventCatalogueMarkdown(); do not edit by hand. -->',
    '',
    'Every Weft event is a CloudEvents 1.0 event. Its `type` is `weft.<area>.<change>.v<version>`, its `subject`',
    'is the aggregate key the event belongs to (events of one subject are applied in order), and its `data`',
    'follows the schema below. Events that record a whole object (captured, created, upserted, issued, ...)',
    'carry the whole canonical object; events that record a change carry the aggregate id, what changed and',
    '`occurredAt`. Money is integer minor units plus an ISO 4217 currency, quantities are integers, instants',
    'are ISO 8601 UTC ending in `Z`, and ids in other systems are strings.',
    '',
    `${eventCatalogue.length} event types in ${areas.length} areas:`,
    '',
  ];
  for (const area of areas) {
    const count = eventCatalogue.filter((d) => d.area === area).length;
    lines.push(`- [${areaTitles[area]}](#${anchor(areaTitles[area])}) (${count})`);
  }
  lines.push('');
  for (const area of areas) {
    lines.push(`## ${areaTitles[area]}`, '');
    for (const definition of eventCatalogue) if (definition.area === area) lines.push(...renderDefinition(definition));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
