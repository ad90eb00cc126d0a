import { ConfigError, InputError } from '../../errors/index.ts';
import type { ActionCommand } from '../sdk/index.ts';

// Placeholders in paths and header values: `{payload.lines.0.sku}`, `{command.id}`, `{command.key}`,
// `{key}`, `{idempotencyKey}`. Templates are parsed once when the target is built, so a typo fails
// the start-up (ConfigError) instead of every delivery; a value the command lacks fails only that
// command, terminally (`command_invalid`), so it dead-letters with a reason instead of retrying.

/** What a template is filled from. */
export interface TemplateValues {
  command: ActionCommand;
  /** The key the target should deduplicate on (the same for every attempt). */
  idempotencyKey: string;
}

/** Where a template's values go: `path` percent-encodes them, `header` inserts them raw. */
export type TemplateKind = 'path' | 'header';

/** A parsed template. */
export interface Template {
  /** The template as configured. */
  readonly source: string;
  /** Whether it has no placeholder (its value never changes). */
  readonly constant: boolean;
  /** The text for one command; throws InputError `command_invalid` when a value is missing or unusable. */
  render(values: TemplateValues): string;
}

const COMMAND_FIELDS = ['id', 'key', 'target', 'action', 'attempt', 'createdAt', 'causationId', 'traceparent'] as const;
const LINE_BREAK = /[\r\n\0]/;
const HELP = 'use {payload.<field>.<field>}, {command.id}, {command.key}, {key} or {idempotencyKey}';

type Getter = (values: TemplateValues) => unknown;

function payloadGetter(segments: readonly string[]): Getter {
  return ({ command }) => {
    let node: unknown = command.payload;
    for (const segment of segments) {
      // Own properties only: `{payload.constructor}` must not reach into prototypes.
      if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return undefined;
      node = (node as Record<string, unknown>)[segment];
    }
    return node;
  };
}

function getterOf(expression: string, where: string): Getter {
  if (expression === 'key') return ({ command }) => command.key;
  if (expression === 'idempotencyKey') return ({ idempotencyKey }) => idempotencyKey;
  const [root, ...rest] = expression.split('.');
  if (root === 'payload' && rest.every((segment) => segment !== '')) return payloadGetter(rest);
  if (root === 'command' && rest.length === 1) {
    const field = COMMAND_FIELDS.find((name) => name === rest[0]);
    if (field !== undefined) return ({ command }) => command[field];
  }
  throw new ConfigError('invalid_config', `Invalid configuration: ${where}: unknown placeholder {${expression}}; ${HELP}.`);
}

function text(value: unknown, placeholder: string, kind: TemplateKind, where: string): string {
  let out: string;
  if (typeof value === 'string') out = value;
  else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean' || typeof value === 'bigint') out = String(value);
  else if (value === undefined || value === null) throw new InputError('command_invalid', `${where}: placeholder ${placeholder} has no value in this command.`);
  else throw new InputError('command_invalid', `${where}: placeholder ${placeholder} is ${Array.isArray(value) ? 'an array' : 'an object'}; a ${kind} needs a single value.`);
  if (kind === 'path') return encodeURIComponent(out);
  if (LINE_BREAK.test(out)) throw new InputError('command_invalid', `${where}: placeholder ${placeholder} contains a line break, which a header value cannot carry.`);
  return out;
}

/**
 * Parses a template. `where` names it in messages (`targets.erp.actions.createOrder.path`). An
 * unknown placeholder or an unclosed `{` is a ConfigError; so is a line break in a header template.
 */
export function compileTemplate(source: string, kind: TemplateKind, where: string): Template {
  const parts: (string | { placeholder: string; get: Getter })[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('{', at);
    if (open === -1) {
      parts.push(source.slice(at));
      break;
    }
    const close = source.indexOf('}', open);
    if (close === -1) throw new ConfigError('invalid_config', `Invalid configuration: ${where}: "{" at position ${open} is never closed; ${HELP}.`);
    if (open > at) parts.push(source.slice(at, open));
    const expression = source.slice(open + 1, close).trim();
    parts.push({ placeholder: `{${expression}}`, get: getterOf(expression, where) });
    at = close + 1;
  }
  if (kind === 'header' && parts.some((part) => typeof part === 'string' && LINE_BREAK.test(part))) {
    throw new ConfigError('invalid_config', `Invalid configuration: ${where}: a header value cannot contain a line break.`);
  }
  const constant = parts.every((part) => typeof part === 'string');
  const fixed = constant ? parts.join('') : '';
  return {
    source,
    constant,
    render(values) {
      if (constant) return fixed;
      let out = '';
      for (const part of parts) out += typeof part === 'string' ? part : text(part.get(values), part.placeholder, kind, where);
      return out;
    },
  };
}
