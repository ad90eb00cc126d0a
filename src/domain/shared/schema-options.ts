import Type, { type TSchema } from 'typebox';

// One place for the options every canonical object schema carries, so none can forget to close itself
// or to say which model version it belongs to; and for the annotations the generated docs read.

/** The canonical model version the schemas in `src/domain` describe; bump per object when it breaks. */
export const schemaVersion = 1;

/** Options for a canonical object schema: a title for docs and OpenAPI, closed properties, and its version. */
export function objectOptions(title: string, description: string) {
  return { title, description, additionalProperties: false, 'x-weft-schema-version': schemaVersion } as const;
}

/** Annotation keeping a named type's own description on a field copy that describes the field instead. */
export const typeDescriptionKey = 'x-weft-type-description';

/** Annotation on a field an object admits but does not use (its rules reject it), saying why. */
export const unusedFieldKey = 'x-weft-unused';

/** Annotation on an optional field that the business rules of this object require; the docs list it as required. */
export const requiredByRuleKey = 'x-weft-required-by-rule';

/**
 * A named object type used as a field, described as that field: what the type means here. The type's
 * own description is kept aside for the docs, which document each type once. Annotations only.
 */
export function asField<T extends TSchema>(type: T, description: string): T {
  const own = (type as { description?: unknown }).description;
  return Type.With(type, { description, [typeDescriptionKey]: typeof own === 'string' ? own : description }) as T;
}

/** An optional field the object's rules require, described as that field; the docs list it as required. Annotations only. */
export function requiredByRule<T extends TSchema>(field: T, description: string): T {
  return Type.With(field, { description, [requiredByRuleKey]: true }) as T;
}

/** A field the object admits but does not use in this context, with why; the docs list it apart. Annotations only. */
export function unusedField<T extends TSchema>(field: T, why: string): T {
  return Type.With(field, { description: `Not used here: ${why}.`, [unusedFieldKey]: why }) as T;
}
