import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Type from 'typebox';
import { eventCatalogue } from './catalogue.ts';
import { exampleEvent } from './examples.ts';
import { validateEventData } from './validate.ts';
import { collectNamedTypes, fieldRows, typeLabel, unusedFields, type NamedType, type SchemaLike } from './render-schema.ts';
import { asField, objectOptions, requiredByRuleKey, unusedFieldKey } from '../shared/schema-options.ts';
import { Address, Instant, NonNegativeMoney } from '../shared/primitives.ts';
import { PersonName } from '../customer/customer.schema.ts';

const like = (schema: unknown): SchemaLike => schema as SchemaLike;

describe('collectNamedTypes', () => {
  it('finds named types depth-first in field order, through lists and unions, each once', () => {
    const Inner = Type.Object({ x: Type.Integer({ description: 'x' }) }, objectOptions('Inner', 'An inner thing.'));
    const Outer = Type.Object({ inner: Inner, total: NonNegativeMoney }, objectOptions('Outer', 'An outer thing.'));
    const Other = Type.Object({ shipTo: Address }, objectOptions('Other', 'Another thing.'));
    const found = new Map<string, NamedType>();
    collectNamedTypes(like(Type.Object({ outers: Type.Array(Outer), either: Type.Union([Other, Inner]) })), found);
    assert.deepEqual([...found.keys()], ['Outer', 'Inner', 'NonNegativeMoney', 'Other', 'Address']);
  });

  it('documents a type by its own description, not by a field copy that describes the field', () => {
    const found = new Map<string, NamedType>();
    collectNamedTypes(like(Type.Object({
      name: asField(PersonName, 'The buyer\'s name.'),
      price: Type.With(NonNegativeMoney, { description: 'What one unit costs.' }),
      at: Type.With(Address, { description: 'Where it goes.' }),
    })), found);
    assert.equal(found.get('PersonName')!.description, 'A person\'s name.');
    assert.equal(found.get('NonNegativeMoney')!.description, like(NonNegativeMoney).description);
    assert.equal(found.get('Address')!.description, like(Address).description);
  });

  it('refuses untitled objects, two shapes under one name, and one type described two ways', () => {
    assert.throws(() => collectNamedTypes(like(Type.Object({ a: Type.Object({ q: Type.String() }) })), new Map()), /without a title/);
    const A1 = Type.Object({ x: Type.String() }, objectOptions('A', 'An A.'));
    const A2 = Type.Object({ y: Type.String() }, objectOptions('A', 'An A.'));
    assert.throws(() => collectNamedTypes(like(Type.Object({ a: A1, b: A2 })), new Map()), /Two different object types are both called A/);
    const A3 = Type.With(A1, { description: 'A field.' });
    assert.throws(() => collectNamedTypes(like(Type.Object({ a: A1, b: A3 })), new Map()), /described two ways/);
  });
});

describe('fieldRows', () => {
  it('lists fields with their own descriptions and leaves out the unused ones', () => {
    const schema = like(Type.Object({
      at: Instant('When it happened'),
      maybe: Type.Optional(Type.With(Type.String(), { description: 'Needed here.', [requiredByRuleKey]: true })),
      never: Type.Optional(Type.With(Type.String(), { description: 'Not here.', [unusedFieldKey]: 'only elsewhere' })),
      list: Type.Array(Type.Object({ x: Type.String() }, objectOptions('Thing', 'One thing.'))),
    }));
    assert.deepEqual(fieldRows(schema).map((row) => [row.name, typeLabel(row.schema), row.required, row.description]), [
      ['at', 'Timestamp', true, 'When it happened (ISO 8601 UTC).'],
      ['maybe', 'string', true, 'Needed here.'],
      // An array without a description of its own shows none, rather than the element's: the docs test catches it.
      ['list', 'Thing[]', true, ''],
    ]);
    assert.deepEqual(unusedFields(schema), [{ name: 'never', why: 'only elsewhere' }]);
  });
});

// The docs call a field required or unused from annotations; the business rules are what decide. They must agree.
describe('doc annotations of the catalogue', () => {
  const sample = (schema: SchemaLike, data: Record<string, unknown>): unknown => {
    const example = schema.examples?.[0];
    if (typeof example === 'string' && !Object.values(data).includes(example)) return example;
    return schema.type === 'integer' ? 1 : 'x';
  };

  for (const definition of eventCatalogue) {
    const properties = Object.entries(like(definition.data).properties ?? {});
    const requiredByRule = properties.filter(([, p]) => p[requiredByRuleKey] === true);
    const unused = properties.filter(([, p]) => p[unusedFieldKey] !== undefined);
    if (requiredByRule.length + unused.length === 0) continue;

    it(`${definition.type}: rule-required fields are required, unused fields are rejected`, () => {
      for (const [name] of requiredByRule) {
        const event = exampleEvent(definition.type);
        const data = { ...(event.data as Record<string, unknown>) };
        assert.ok(name in data, `the example of ${definition.type} has no ${name}`);
        delete data[name];
        const verdict = validateEventData(event.type, event.subject, data);
        assert.ok(!verdict.ok && verdict.problems.some((p) => p.pointer === `/${name}`), `${name} is not required by the rules`);
      }
      for (const [name, property] of unused) {
        const event = exampleEvent(definition.type);
        const data = event.data as Record<string, unknown>;
        const verdict = validateEventData(event.type, event.subject, { ...data, [name]: sample(property, data) });
        assert.ok(!verdict.ok && verdict.problems.some((p) => p.pointer === `/${name}`), `${name} is accepted though marked unused`);
      }
    });
  }
});
