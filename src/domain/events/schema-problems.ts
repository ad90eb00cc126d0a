import type { TLocalizedValidationError } from 'typebox/error';
import type { TSchema } from 'typebox';
import { escapePointerToken, type Problem } from '../shared/problems.ts';

// TypeBox reports what failed in JSON Schema terms: a missing property at its parent, an unknown
// property twice, every branch of a union. Integrators need one problem per wrong value, pointing at
// that value, in words. This runs only for data that already failed, so it may take its time.

/** Turns TypeBox validation errors into problems that point at the offending values, one per problem. */
export function schemaProblems(schema: TSchema, errors: readonly TLocalizedValidationError[]): Problem[] {
  const dropped = new Set<number>();
  const unionTags = resolveUnions(errors, dropped);

  const out: Problem[] = [];
  const seen = new Set<string>();
  const push = (pointer: string, message: string): void => {
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ pointer, message });
  };

  for (let i = 0; i < errors.length; i++) {
    if (dropped.has(i)) continue;
    const error = errors[i]!;
    const at = error.instancePath;
    switch (error.keyword) {
      case 'anyOf': {
        const tag = unionTags.get(i);
        push(tag?.pointer ?? at, tag?.message ?? 'matches none of the allowed shapes');
        break;
      }
      case 'additionalProperties':
        for (const name of error.params.additionalProperties) push(`${at}/${escapePointerToken(name)}`, `unknown property "${name}"`);
        break;
      case 'boolean':
        // `additionalProperties: false` also reports each extra property as "schema is false"; said above.
        if (error.schemaPath.endsWith('/additionalProperties')) break;
        push(at, error.message);
        break;
      case 'required':
        for (const name of error.params.requiredProperties) push(`${at}/${escapePointerToken(name)}`, 'is required');
        break;
      case 'enum':
        push(at, `must be one of ${error.params.allowedValues.map((value) => JSON.stringify(value)).join(', ')}`);
        break;
      case 'const':
        push(at, `must be ${JSON.stringify(error.params.allowedValue)}`);
        break;
      case 'type':
      case 'pattern':
      case 'format':
      case 'minimum':
      case 'maximum':
        push(at, valueMessage(schemaAt(schema, error.schemaPath), error.message));
        break;
      default:
        push(at, error.message);
    }
  }
  return out;
}

// A union of objects tagged by a `kind` constant fails in every branch. Keep the errors of the branch
// whose tag matched; when none matched, report the tag alone with the allowed values (or the one type
// every branch wanted, when the value is not even an object).
function resolveUnions(errors: readonly TLocalizedValidationError[], dropped: Set<number>): Map<number, Problem> {
  const tags = new Map<number, Problem>();
  const unions: number[] = [];
  for (let i = 0; i < errors.length; i++) if (errors[i]!.keyword === 'anyOf') unions.push(i);
  // Outer unions first: dropping a branch drops the nested unions inside it.
  unions.sort((a, b) => errors[a]!.schemaPath.length - errors[b]!.schemaPath.length);

  for (const u of unions) {
    if (dropped.has(u)) continue;
    const union = errors[u]!;
    const prefix = `${union.schemaPath}/anyOf/`;
    const branches = new Map<number, number[]>();
    const tagMismatch = new Set<number>();
    const allowedTags: unknown[] = [];
    let tagPointer: string | undefined;
    const expectedTypes = new Set<string>();
    for (let i = 0; i < errors.length; i++) {
      const error = errors[i]!;
      if (dropped.has(i) || !error.schemaPath.startsWith(prefix)) continue;
      const rest = error.schemaPath.slice(prefix.length);
      const branch = Number.parseInt(rest, 10);
      let list = branches.get(branch);
      if (list === undefined) branches.set(branch, (list = []));
      list.push(i);
      if (error.keyword === 'type' && error.instancePath === union.instancePath) expectedTypes.add(String(error.params.type));
      // A tag is a constant on a direct property of the branch: `<n>/properties/<name>`.
      if (error.keyword === 'const' && /^\d+\/properties\/[^/]+$/.test(rest)) {
        tagMismatch.add(branch);
        allowedTags.push(error.params.allowedValue);
        tagPointer = error.instancePath;
      }
    }
    const matching = [...branches.keys()].filter((branch) => !tagMismatch.has(branch));
    if (matching.length === 1) {
      for (const [branch, indexes] of branches) if (branch !== matching[0]) for (const i of indexes) dropped.add(i);
      dropped.add(u);
      continue;
    }
    // No branch (or several) fits: one problem for the union, not one per branch.
    for (const indexes of branches.values()) for (const i of indexes) dropped.add(i);
    if (tagPointer !== undefined && matching.length === 0) {
      tags.set(u, { pointer: tagPointer, message: `must be one of ${allowedTags.map((value) => JSON.stringify(value)).join(', ')}` });
    } else if (expectedTypes.size === 1) {
      tags.set(u, { pointer: union.instancePath, message: `must be ${[...expectedTypes][0]}` });
    }
  }
  return tags;
}

interface SchemaNode {
  readonly type?: unknown;
  readonly format?: unknown;
  readonly description?: unknown;
}

// Timestamps fail both their format and their pattern; one message says what is wanted. Otherwise the
// schema's description says what the value should be (`ISO 4217 alphabetic currency code.`) far
// better than a bare pattern does.
function valueMessage(node: SchemaNode | undefined, fallback: string): string {
  if (node?.type === 'string' && node.format === 'date-time') return 'must be an ISO 8601 timestamp in UTC, ending in Z (2026-11-23T19:49:39.123Z)';
  if (node?.type === 'string' && node.format === 'date') return 'must be a calendar date, YYYY-MM-DD';
  return typeof node?.description === 'string' ? `${fallback} (${node.description})` : fallback;
}

// The schema a failing keyword belongs to, found by the error's schemaPath (`#/properties/a/items`).
function schemaAt(schema: TSchema, schemaPath: string): SchemaNode | undefined {
  let node: unknown = schema;
  const tokens = schemaPath.split('/');
  for (let i = 1; i < tokens.length; i++) {
    if (typeof node !== 'object' || node === null) return undefined;
    const token = tokens[i]!.replaceAll('~1', '/').replaceAll('~0', '~');
    node = (node as Record<string, unknown>)[token];
  }
  return typeof node === 'object' && node !== null ? (node as SchemaNode) : undefined;
}
