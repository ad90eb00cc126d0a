import type { TSchema } from 'typebox';
import { idLabels, idPrefixes, type IdKind } from '../shared/ids.ts';
import type { EventArea, EventDefinition } from './define-event.ts';
import { eventCatalogue } from './catalogue.ts';
import { exampleEvent, exampleEventData } from './examples.ts';
import { details, headingSlug, readableJson, table } from './markdown.ts';
import { introduction } from './render-intro.ts';
import {
  collectNamedTypes,
  fieldRows,
  typeLabel,
  unusedFields,
  valueTypes,
  type NamedType,
  type NameStyle,
  type SchemaLike,
} from './render-schema.ts';

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
  command: 'Command results',
};

// Headings of the per-area type sections; short, and distinct from every other heading.
const areaTypeTitles: Readonly<Record<EventArea, string>> = {
  customer: 'Customer types',
  product: 'Product types',
  location: 'Location types',
  price: 'Price types',
  promotion: 'Promotion types',
  inventory: 'Inventory types',
  order: 'Order types',
  shipment: 'Shipment types',
  return: 'Return types',
  refund: 'Refund types',
  invoice: 'Invoice types',
  posting: 'Journal entry types',
  case: 'Service case types',
  xref: 'Cross-reference types',
  command: 'Command result types',
};

const jsonTypes = new Set(['string', 'integer', 'number', 'boolean']);

/** A short, readable name for a schema's type, as shown in the catalogue's field tables (without links). */
export function schemaTypeLabel(schema: TSchema): string {
  return typeLabel(schema as SchemaLike);
}

/** Describes the subject rule of a catalogue entry by finding the data fields its example subject is made of. */
export function subjectRule(definition: EventDefinition): string | undefined {
  const data = exampleEventData[definition.type];
  if (typeof data !== 'object' || data === null) return undefined;
  const subject = definition.subjectOf(data);
  const fields = Object.entries(data).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  for (const [name, value] of fields) if (value === subject) return `\`data.${name}\``;
  for (const [a, va] of fields) {
    for (const [b, vb] of fields) if (`${va}@${vb}` === subject) return `the SKU × location key, \`data.${a}\` + \`@\` + \`data.${b}\``;
  }
  return undefined;
}

/** The parts of the page: which types each area documents, which are shared, and how names link. */
interface Plan {
  readonly areas: readonly EventArea[];
  readonly areaTypes: ReadonlyMap<EventArea, readonly NamedType[]>;
  readonly sharedTypes: readonly NamedType[];
  readonly link: NameStyle;
}

const typeHeading = (name: string): string => `\`${name}\``;

// A type used by one area's events is documented in that area; one used by several, once under Shared types.
function plan(): Plan {
  const areas: EventArea[] = [];
  for (const definition of eventCatalogue) if (!areas.includes(definition.area)) areas.push(definition.area);
  // First across the whole catalogue (which also checks that a name means one shape everywhere), then per event.
  const all = new Map<string, NamedType>();
  for (const definition of eventCatalogue) collectNamedTypes(definition.data as SchemaLike, all);
  const usedBy = new Map<string, Set<EventArea>>();
  for (const definition of eventCatalogue) {
    const found = new Map<string, NamedType>();
    collectNamedTypes(definition.data as SchemaLike, found);
    for (const name of found.keys()) {
      const users = usedBy.get(name) ?? new Set<EventArea>();
      users.add(definition.area);
      usedBy.set(name, users);
    }
  }
  const areaTypes = new Map<EventArea, NamedType[]>(areas.map((area) => [area, []]));
  const sharedTypes: NamedType[] = [];
  for (const [name, type] of all) {
    const users = [...usedBy.get(name)!];
    if (users.length === 1) areaTypes.get(users[0]!)!.push(type);
    else sharedTypes.push(type);
  }
  const link: NameStyle = (name) => `[${name}](#${headingSlug(typeHeading(name))})`;
  return { areas, areaTypes, sharedTypes, link };
}

function fieldsTable(schema: SchemaLike, link: NameStyle): string[] {
  const rows = fieldRows(schema).map((row) => [
    `\`${row.name}\``,
    typeLabel(row.schema, link),
    row.required ? 'yes' : 'no',
    row.description,
  ]);
  return table(['Field', 'Type', 'Required', 'Description'], rows);
}

function renderEvent(definition: EventDefinition, link: NameStyle): string[] {
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
    ...fieldsTable(schema, link),
    '',
  ];
  const unused = unusedFields(schema);
  if (unused.length > 0) {
    const list = unused.map((field) => `\`${field.name}\` (${field.why})`).join(', ');
    const rejected = unused.length === 1 ? 'when it is present' : 'when any of them is present';
    lines.push(`Not used by this event: ${list}. Weft rejects the event ${rejected}.`, '');
  }
  if (example !== undefined) {
    lines.push(...details('Example', 'json', readableJson(exampleEvent(definition.type))), '');
  }
  return lines;
}

function renderType(type: NamedType, level: string, link: NameStyle): string[] {
  return [`${level} ${typeHeading(type.name)}`, '', type.description, '', ...fieldsTable(type.schema, link), ''];
}

// Every label a field type is made of: scalars, enum values, object and id names.
function leafLabels(schema: SchemaLike, into: Set<string>): void {
  if (schema.anyOf !== undefined) for (const member of schema.anyOf) leafLabels(member, into);
  else if (schema.type === 'array' && schema.items !== undefined) leafLabels(schema.items, into);
  else into.add(typeLabel(schema));
}

function usedLabels(schemas: readonly SchemaLike[]): Set<string> {
  const labels = new Set<string>();
  for (const schema of schemas) for (const row of fieldRows(schema)) leafLabels(row.schema, labels);
  return labels;
}

function renderValueTypes(labels: ReadonlySet<string>, objectNames: ReadonlySet<string>): string[] {
  const known = new Set(valueTypes.map((type) => type.name));
  for (const label of labels) {
    const explained = known.has(label) || jsonTypes.has(label) || objectNames.has(label) || label.startsWith('"') || label.endsWith('_ id') || label === 'any Weft id';
    if (!explained) throw new TypeError(`The field type ${label} is not explained on the page; name the object or add it to the value types.`);
  }
  const rows = valueTypes.filter((type) => labels.has(type.name)).map((type) => [type.name, type.description, type.example === '' ? '' : `\`${type.example}\``]);
  return [
    '### Value types',
    '',
    'Strings (and one map) with a format of their own. Plain `string`, `integer` and `boolean` are JSON\'s own types;',
    'a list of quoted values is the complete set of values the field accepts.',
    '',
    ...table(['Type', 'Format', 'Example'], rows),
    '',
  ];
}

function renderIds(labels: ReadonlySet<string>): string[] {
  const kindOf = new Map(Object.entries(idPrefixes).map(([kind, prefix]) => [prefix as string, kind as IdKind]));
  const rows: string[][] = [];
  for (const [prefix, kind] of kindOf) if (labels.has(`${prefix}_ id`)) rows.push([`\`${prefix}_\``, idLabels[kind]]);
  return [
    '### Weft ids',
    '',
    'Weft names every object it keeps with a prefix, an underscore and a ULID (26 characters, sorting by creation',
    'time), for example `ord_01JDY1JX4WHRDD459GQ8H7QEZZ`. The tables show such a field as `ord_ id`; `any Weft id`',
    'accepts any of these prefixes. Each object\'s ids in other systems are in its `externalRefs` and in the',
    '[cross-references](#cross-references).',
    '',
    ...table(['Prefix', 'Id of'], rows),
    '',
  ];
}

function contents(p: Plan): string[] {
  const lines = [`${eventCatalogue.length} event types in ${p.areas.length} areas:`, ''];
  for (const area of p.areas) {
    const events = eventCatalogue
      .filter((definition) => definition.area === area)
      .map((definition) => {
        const [, , change, version] = definition.type.split('.');
        const text = version === 'v1' ? change : `${change} ${version}`;
        return `[${text}](#${headingSlug(`\`${definition.type}\``)})`;
      });
    const types = p.areaTypes.get(area)!.length > 0 ? ` · [types](#${headingSlug(areaTypeTitles[area])})` : '';
    lines.push(`- [${areaTitles[area]}](#${headingSlug(areaTitles[area])}): ${events.join(', ')}${types}`);
  }
  const shared = p.sharedTypes.map((type) => p.link(type.name));
  lines.push(`- [Shared types](#shared-types): ${[...shared, '[value types](#value-types)', '[Weft ids](#weft-ids)'].join(', ')}`, '');
  return lines;
}

/** The event catalogue as a Markdown page: an introduction, one section per area with its events and types, then shared types. */
export function renderEventCatalogueMarkdown(): string {
  const p = plan();
  const lines = [...introduction(), '## Contents', '', ...contents(p)];
  for (const area of p.areas) {
    lines.push(`## ${areaTitles[area]}`, '');
    for (const definition of eventCatalogue) if (definition.area === area) lines.push(...renderEvent(definition, p.link));
    const types = p.areaTypes.get(area)!;
    if (types.length === 0) continue;
    lines.push(`### ${areaTypeTitles[area]}`, '', `The object types the ${areaTitles[area].toLowerCase()} events above are made of.`, '');
    for (const type of types) lines.push(...renderType(type, '####', p.link));
  }
  lines.push('## Shared types', '', 'Object types used in several areas, then the formats of scalar fields and the Weft id prefixes.', '');
  for (const type of p.sharedTypes) lines.push(...renderType(type, '###', p.link));

  const allTypes = [...p.sharedTypes, ...[...p.areaTypes.values()].flat()];
  const labels = usedLabels([...eventCatalogue.map((definition) => definition.data as SchemaLike), ...allTypes.map((type) => type.schema)]);
  lines.push(...renderValueTypes(labels, new Set(allTypes.map((type) => type.name))), ...renderIds(labels));

  const text = `${lines.join('\n').trimEnd()}\n`;
  assertUniqueHeadings(text);
  return text;
}

// Two headings with one anchor would make links land on the first; GitHub's -1 suffixes are not worth relying on.
function assertUniqueHeadings(markdown: string): void {
  const seen = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = headingSlug(match[1]!);
    if (seen.has(slug)) throw new TypeError(`Two headings have the anchor #${slug}.`);
    seen.add(slug);
  }
}
