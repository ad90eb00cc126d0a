import type { TSchema } from 'typebox';
import {
  Address,
  Attributes,
  CountryCode,
  CurrencyCode,
  Email,
  ExternalRef,
  Gtin,
  LanguageTag,
  LocalDate,
  LocalTime,
  Money,
  NonNegativeMoney,
  PhoneE164,
  Sku,
  SystemName,
  Timestamp,
  TimeZone,
} from '../shared/primitives.ts';
import { requiredByRuleKey, typeDescriptionKey, unusedFieldKey } from '../shared/schema-options.ts';
import { readableJson } from './markdown.ts';

// Reads the catalogue's schemas for the docs: a short label per field type, the named object types a
// schema is built from, and the rows of a fields table. Pure; the page itself is render-catalogue.ts.

/** The JSON Schema keywords the docs read. */
export interface SchemaLike {
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
  readonly examples?: readonly unknown[];
  readonly [typeDescriptionKey]?: string;
  readonly [unusedFieldKey]?: string;
  readonly [requiredByRuleKey]?: boolean;
}

const asLike = (schema: TSchema): SchemaLike => schema as SchemaLike;
const patternOf = (schema: TSchema): string => asLike(schema).pattern ?? '';

/** A scalar type with a name of its own: documented once in the page's value types table. */
export interface ValueType {
  readonly name: string;
  readonly description: string;
  readonly example: string;
}

const uri: SchemaLike = { description: 'Absolute URI (RFC 3986).', examples: ['https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557'] };
// In the order the value types table lists them.
const valueTypeSchemas: ReadonlyArray<readonly [string, SchemaLike]> = [
  ['Timestamp', asLike(Timestamp)],
  ['LocalDate', asLike(LocalDate)],
  ['LocalTime', asLike(LocalTime)],
  ['TimeZone', asLike(TimeZone)],
  ['CurrencyCode', asLike(CurrencyCode)],
  ['CountryCode', asLike(CountryCode)],
  ['PhoneE164', asLike(PhoneE164)],
  ['Email', asLike(Email)],
  ['URI', uri],
  ['Sku', asLike(Sku)],
  ['Gtin', asLike(Gtin)],
  ['LanguageTag', asLike(LanguageTag)],
  ['SystemName', asLike(SystemName)],
  ['Attributes', asLike(Attributes)],
];

const exampleText = (value: unknown): string => (value === undefined ? '' : typeof value === 'string' ? value : readableJson(value));

/** Every scalar type the labels can name, with its format and an example. */
export const valueTypes: readonly ValueType[] = valueTypeSchemas.map(([name, schema]) => ({
  name,
  description: schema.description ?? '',
  example: exampleText(schema.examples?.[0]),
}));

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

// Shared value objects have no title (they are not versioned model objects); they are recognised by
// their property names, and documented from their own definition rather than from a field's copy.
const signature = (schema: SchemaLike): string => Object.keys(schema.properties ?? {}).sort().join(',');
const sharedObjects = new Map<string, readonly [string, SchemaLike]>([
  [signature(asLike(Money)), ['Money', asLike(Money)]],
  [signature(asLike(Address)), ['Address', asLike(Address)]],
  [signature(asLike(ExternalRef)), ['ExternalRef', asLike(ExternalRef)]],
]);
const sharedTitled = new Map<string, SchemaLike>([['NonNegativeMoney', asLike(NonNegativeMoney)]]);

/** The label of an id field: its prefix (`ord_ id`), or `any Weft id` for the cross-reference's union of prefixes. */
function idLabel(pattern: string): string | undefined {
  const id = /^\^([a-z]{3})_\[/.exec(pattern);
  if (id !== null) return `${id[1]}_ id`;
  if (pattern.startsWith('^(?:')) return 'any Weft id';
  return undefined;
}

/** The name of an object type, when it has one: its title or, for shared value objects, their known name. */
export function objectTypeName(schema: SchemaLike): string | undefined {
  if (schema.type !== 'object' || schema.properties === undefined) return undefined;
  return schema.title ?? sharedObjects.get(signature(schema))?.[0];
}

/** Turns an object type's name into what the page shows for it, e.g. a link to its fields table. */
export type NameStyle = (name: string) => string;
const plainName: NameStyle = (name) => name;

/** A short, readable label of a schema's type; object type names pass through `style`. */
export function typeLabel(schema: SchemaLike, style: NameStyle = plainName): string {
  if (schema.anyOf !== undefined) return schema.anyOf.map((member) => typeLabel(member, style)).join(' | ');
  if (schema.enum !== undefined) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  switch (schema.type) {
    case 'array': {
      const items = schema.items === undefined ? 'unknown' : typeLabel(schema.items, style);
      return items.includes(' | ') ? `(${items})[]` : `${items}[]`;
    }
    case 'object': {
      if (schema.patternProperties !== undefined) return 'Attributes';
      const name = objectTypeName(schema);
      return name === undefined ? 'object' : style(name);
    }
    case 'string': {
      if (schema.format === 'date-time') return 'Timestamp';
      if (schema.format === 'date') return 'LocalDate';
      if (schema.format === 'email') return 'Email';
      if (schema.format === 'uri') return 'URI';
      if (schema.pattern === undefined) return 'string';
      return idLabel(schema.pattern) ?? namedPatterns.get(schema.pattern) ?? 'string';
    }
    default:
      return schema.type ?? 'unknown';
  }
}

/** One row of a fields table. */
export interface FieldRow {
  readonly name: string;
  readonly schema: SchemaLike;
  /** Required by the schema, or by the object's business rules (which reject the data without it). */
  readonly required: boolean;
  /** The field's own description: what it means in this object, not what its type is in general. */
  readonly description: string;
}

/** The rows of an object's fields table, in schema order, without the fields the object does not use. */
export function fieldRows(schema: SchemaLike): FieldRow[] {
  const required = new Set(schema.required ?? []);
  const rows: FieldRow[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (property[unusedFieldKey] !== undefined) continue;
    const requiredHere = required.has(name) || property[requiredByRuleKey] === true;
    rows.push({ name, schema: property, required: requiredHere, description: property.description ?? '' });
  }
  return rows;
}

/** The fields an object admits but does not use (the rules reject them), each with why. */
export function unusedFields(schema: SchemaLike): { readonly name: string; readonly why: string }[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const why = property[unusedFieldKey];
    return why === undefined ? [] : [{ name, why }];
  });
}

/** A named object type: documented once, linked from every field that has it. */
export interface NamedType {
  readonly name: string;
  /** What the type is, in general (a field of this type may say more). */
  readonly description: string;
  readonly schema: SchemaLike;
}

// What a named type is, independent of the field it was met in: shared objects from their definition,
// titled ones from the description a field copy keeps aside (see asField), or their own.
function namedType(name: string, met: SchemaLike): NamedType {
  const definition = sharedTitled.get(name) ?? [...sharedObjects.values()].find(([shared]) => shared === name)?.[1] ?? met;
  return { name, description: definition[typeDescriptionKey] ?? definition.description ?? '', schema: definition };
}

const shape = (schema: SchemaLike): string => `${signature(schema)}|${[...(schema.required ?? [])].sort().join(',')}`;

/**
 * Adds to `found` every named object type a schema's fields are built from, depth-first in field order,
 * so a type is listed right after the first type that uses it. Throws when two different object shapes
 * share a name, or an object has no name: the docs would describe one of them wrongly, or not at all.
 */
export function collectNamedTypes(schema: SchemaLike, found: Map<string, NamedType>): void {
  for (const property of Object.values(schema.properties ?? {})) visit(property, found);
}

function visit(schema: SchemaLike, found: Map<string, NamedType>): void {
  if (schema.anyOf !== undefined) {
    for (const member of schema.anyOf) visit(member, found);
    return;
  }
  if (schema.items !== undefined) {
    visit(schema.items, found);
    return;
  }
  if (schema.type !== 'object' || schema.patternProperties !== undefined) return;
  const name = objectTypeName(schema);
  if (name === undefined) throw new TypeError(`An object type without a title has fields ${signature(schema)}; give it a title.`);
  const known = found.get(name);
  if (known !== undefined) {
    if (shape(known.schema) !== shape(schema)) throw new TypeError(`Two different object types are both called ${name}.`);
    const description = namedType(name, schema).description;
    if (description !== known.description) throw new TypeError(`${name} is described two ways ("${known.description}", "${description}"); use asField for a field's own description.`);
    return;
  }
  const type = namedType(name, schema);
  found.set(name, type);
  collectNamedTypes(type.schema, found);
}
