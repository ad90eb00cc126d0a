import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Default } from 'typebox/value';

// Readable problems of a connector's settings. A schema validator's own error list reports every
// branch of every union ("must be equal to constant" five times); an operator fixing a config file
// wants one line per field, naming it by its path in weft.config.json.

interface Node {
  type?: string;
  properties?: Record<string, Node>;
  required?: string[];
  patternProperties?: Record<string, Node>;
  anyOf?: Node[];
  const?: unknown;
  additionalProperties?: unknown;
  description?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// The property whose constant tells the branches of a union of objects apart (`type`).
function discriminator(branches: readonly Node[]): string | undefined {
  const first = branches[0]?.properties;
  if (first === undefined) return undefined;
  return Object.keys(first).find((key) => branches.every((branch) => branch.properties?.[key]?.const !== undefined));
}

function leafProblems(schema: Node, value: unknown, at: string): string[] {
  const errors = [...Compile(schema as TSchema).Errors(value)];
  // A regular expression alone rarely tells an operator what to write; the description does.
  const hint = (keyword: string) => (keyword === 'pattern' && schema.description ? ` (${schema.description})` : '');
  return [...new Set(errors.map((error) => `${at}${error.instancePath.replaceAll('/', '.')} ${error.message}${hint(error.keyword)}`))];
}

function objectProblems(schema: Node, value: unknown, at: string): string[] {
  if (!isObject(value)) return [`${at} must be an object`];
  const properties = schema.properties ?? {};
  const lines: string[] = [];
  const closed = schema.additionalProperties === false;
  for (const key of Object.keys(value)) if (closed && !Object.hasOwn(properties, key)) lines.push(`${at}.${key} is not a known field`);
  for (const [key, property] of Object.entries(properties)) {
    if (value[key] === undefined) {
      if (schema.required?.includes(key)) lines.push(`${at}.${key} is required`);
    } else {
      lines.push(...settingsProblems(property as TSchema, value[key], `${at}.${key}`));
    }
  }
  return lines;
}

function recordProblems(schema: Node, value: unknown, at: string): string[] {
  if (!isObject(value)) return [`${at} must be an object`];
  const [pattern, item] = Object.entries(schema.patternProperties ?? {})[0] ?? ['', {}];
  const lines: string[] = [];
  for (const [key, entry] of Object.entries(value)) {
    if (!new RegExp(pattern).test(key)) lines.push(`${at}: "${key}" is not an allowed name (${pattern})`);
    else lines.push(...settingsProblems(item as TSchema, entry, `${at}.${key}`));
  }
  return lines;
}

function unionProblems(schema: Node, value: unknown, at: string): string[] {
  const branches = schema.anyOf ?? [];
  if (branches.every((branch) => branch.const !== undefined)) {
    return branches.some((branch) => branch.const === value) ? [] : [`${at} must be one of ${branches.map((branch) => String(branch.const)).join(', ')}`];
  }
  const key = discriminator(branches);
  if (key === undefined) return leafProblems(schema, value, at);
  const tag = isObject(value) ? value[key] : undefined;
  const branch = branches.find((candidate) => candidate.properties?.[key]?.const === tag);
  if (branch === undefined) return [`${at}.${key} must be one of ${branches.map((candidate) => String(candidate.properties?.[key]?.const)).join(', ')}`];
  return objectProblems(branch, Default(branch as TSchema, structuredClone(value)), at);
}

/**
 * One line per problem of `value` against `schema`, each naming the field by its dotted path from
 * `at` (`targets.erp.auth.secret is required`). Empty when the value is valid.
 */
export function settingsProblems(schema: TSchema, value: unknown, at: string): string[] {
  const node = schema as Node;
  if (node.anyOf) return unionProblems(node, value, at);
  if (node.type === 'object' && node.properties) return objectProblems(node, value, at);
  if (node.type === 'object' && node.patternProperties) return recordProblems(node, value, at);
  return leafProblems(node, value, at);
}
