import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Default } from 'typebox/value';
import { ConfigError } from '../errors/index.ts';
import { ConfigSchema, type Config } from './schema.ts';

/** One configurable field, as documented and as read from the environment. */
export interface ConfigField {
  /** Dotted path in the config file (`http.port`). */
  path: string;
  /** Environment variable that sets it (`WEFT_HTTP_PORT`). */
  env: string;
  /** JSON type, or the list of allowed values. */
  type: string;
  /** Value used when nothing sets the field. */
  defaultValue: unknown;
  /** What the field does. */
  description: string;
  /** Whether the value is a secret (never printed or logged). */
  secret: boolean;
}

/** Where configuration comes from; everything is optional and has a sensible default. */
export interface LoadConfigOptions {
  /** The environment; defaults to `process.env`. This module is the only reader of `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Config file (JSON). Defaults to `$WEFT_CONFIG`, else `./weft.config.json` if it exists. */
  file?: string;
  /** Directory relative paths are resolved against; defaults to the working directory. */
  cwd?: string;
  /** Values set on the command line; they win over the file and the environment. */
  overrides?: Readonly<Record<string, unknown>>;
}

const CONFIG_FILE_ENV = 'WEFT_CONFIG';
const DEFAULT_FILE = 'weft.config.json';
const validator = Compile(ConfigSchema);

function snake(segment: string): string {
  return segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  anyOf?: { const?: unknown }[];
  default?: unknown;
  description?: string;
  'x-weft-secret'?: boolean;
}

function walk(node: SchemaNode, path: string[], out: ConfigField[]): void {
  if (node.type === 'object' && node.properties) {
    for (const [key, child] of Object.entries(node.properties)) walk(child, [...path, key], out);
    return;
  }
  const type = node.anyOf ? node.anyOf.map((option) => String(option.const)).join(' | ') : (node.type ?? 'string');
  out.push({
    path: path.join('.'),
    env: `WEFT_${path.map(snake).join('_')}`,
    type,
    defaultValue: node.default,
    description: node.description ?? '',
    secret: node['x-weft-secret'] === true,
  });
}

/** Every leaf field of the configuration, in schema order. */
export function configFields(): ConfigField[] {
  const out: ConfigField[] = [];
  walk(ConfigSchema as unknown as SchemaNode, [], out);
  return out;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}

function getPath(source: unknown, path: string): unknown {
  let node = source;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function parseEnvValue(field: ConfigField, raw: string): unknown {
  if (field.type === 'integer' || field.type === 'number') {
    const value = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(value)) {
      throw new ConfigError('invalid_config', `Invalid configuration: ${field.env} must be a number (for ${field.path}), got "${field.secret ? '***' : raw}".`);
    }
    return value;
  }
  if (field.type === 'object' || field.type === 'array') {
    try {
      return JSON.parse(raw);
    } catch {
      throw new ConfigError('invalid_config', `Invalid configuration: ${field.env} must be JSON (for ${field.path}).`);
    }
  }
  if (field.type === 'boolean') {
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    throw new ConfigError('invalid_config', `Invalid configuration: ${field.env} must be true or false (for ${field.path}), got "${raw}".`);
  }
  return raw;
}

function readFileConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('invalid_config', `Invalid configuration: cannot read config file ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the top level must be an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError('invalid_config', `Invalid configuration: config file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Builds the configuration: defaults, then the config file, then `WEFT_*` environment variables,
 * then command-line overrides. Fails with a message naming the field and where its value came from.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const fields = configFields();
  const origin = new Map<string, string>();

  const explicitFile = options.file ?? env[CONFIG_FILE_ENV];
  const file = explicitFile ? resolve(cwd, explicitFile) : existsSync(resolve(cwd, DEFAULT_FILE)) ? resolve(cwd, DEFAULT_FILE) : undefined;
  const raw: Record<string, unknown> = file ? readFileConfig(file) : {};
  if (file) for (const field of fields) if (getPath(raw, field.path) !== undefined) origin.set(field.path, `config file ${file}`);

  const known = new Set(fields.map((field) => field.env).concat(CONFIG_FILE_ENV));
  for (const name of Object.keys(env)) {
    if (name.startsWith('WEFT_') && !known.has(name)) {
      throw new ConfigError('invalid_config', `Invalid configuration: unknown environment variable ${name}. Known: ${[...known].sort().join(', ')}.`);
    }
  }
  for (const field of fields) {
    const value = env[field.env];
    if (value === undefined) continue;
    setPath(raw, field.path, parseEnvValue(field, value));
    origin.set(field.path, `environment variable ${field.env}`);
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(raw, path, value);
    origin.set(path, 'command line');
  }

  const config = Default(ConfigSchema as TSchema, raw) as unknown;
  const errors = [...validator.Errors(config)];
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const path = error.instancePath.slice(1).replaceAll('/', '.');
      const additional = (error.params as { additionalProperties?: string[] }).additionalProperties;
      if (additional) return `${additional.map((key) => (path ? `${path}.${key}` : key)).join(', ')}: unknown field`;
      const from = origin.get(path);
      const field = fields.find((candidate) => candidate.path === path);
      const shown = field?.secret ? '***' : JSON.stringify(getPath(config, path));
      return `${path || '(root)'} ${error.message} (got ${shown}${from ? ` from ${from}` : ''})`;
    });
    throw new ConfigError('invalid_config', `Invalid configuration:\n  ${[...new Set(lines)].join('\n  ')}`);
  }
  const result = config as Config;
  result.dataDir = resolve(cwd, result.dataDir);
  if (result.store.sqlite.path === '') result.store.sqlite.path = resolve(result.dataDir, 'weft.db');
  else result.store.sqlite.path = resolve(cwd, result.store.sqlite.path);
  return result;
}

/** Field names that hold secrets inside connector settings, which the top-level schema does not describe. */
const SECRET_NAMES = /(token|password|passphrase|secret|apiKey|api_key|privateKey|signatureKey)$/i;

function redactSecrets(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (SECRET_NAMES.test(key) && typeof child === 'string' && child !== '') (value as Record<string, unknown>)[key] = '***';
    else redactSecrets(child);
  }
}

/** A copy of the configuration with every secret replaced by `***`, safe to print. */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config);
  for (const field of configFields()) {
    if (field.secret && getPath(copy, field.path)) setPath(copy as unknown as Record<string, unknown>, field.path, '***');
  }
  redactSecrets(copy.targets);
  redactSecrets(copy.sources);
  return copy;
}
