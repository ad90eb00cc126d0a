import type { Config } from '../config/schema.ts';
import { findEventDefinition } from '../domain/events/catalogue.ts';
import type { Route } from '../delivery/router.ts';
import { ConfigError } from '../errors/index.ts';
import type { DeliveryTarget, HttpClient } from '../ports/connector.ts';
import type { InboundSource } from '../ports/inbound.ts';
import { connectorModules } from './connectors.ts';
import { withOverrides, type MappingModule, type MappingOverride } from '../ingest/mapping-overrides.ts';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The composition root's choice of connectors: each configured target becomes a DeliveryTarget of
// its connector, and every route is checked against them before anything starts.

function known(kind: 'createTarget' | 'createSource'): string {
  return [...connectorModules.values()].filter((module) => module[kind] !== undefined).map((module) => module.manifest.name).join(', ');
}

/** The configured targets by name; a ConfigError names any bad field. */
export function buildTargets(config: Config, deps: { http: HttpClient }): Map<string, DeliveryTarget> {
  const targets = new Map<string, DeliveryTarget>();
  for (const [name, settings] of Object.entries(config.targets)) {
    if (name.startsWith('weft-')) throw new ConfigError('invalid_config', `Invalid configuration:\n  targets.${name}: names starting with "weft-" are Weft's own targets (weft-inventory); choose another name.`);
    const make = connectorModules.get(settings.connector)?.createTarget;
    if (!make) {
      throw new ConfigError('invalid_config', `Invalid configuration:\n  targets.${name}.connector "${settings.connector}" is not a connector Weft can deliver to (known: ${known('createTarget')}).`);
    }
    targets.set(name, make(name, settings, deps));
  }
  return targets;
}

/** Loads a mapping module named in config; a ConfigError says what is wrong with it. */
async function loadMappingModule(path: string, where: string, cwd: string): Promise<MappingModule> {
  let loaded: unknown;
  try {
    loaded = await import(pathToFileURL(resolve(cwd, path)).href);
  } catch (error) {
    throw new ConfigError('invalid_config', `Invalid configuration:\n  ${where}.module "${path}" cannot be loaded: ${(error as Error).message}`);
  }
  const module = loaded as Partial<MappingModule> & { default?: Partial<MappingModule> };
  const candidate = typeof module.map === 'function' ? module : module.default;
  if (typeof candidate?.map !== 'function') throw new ConfigError('invalid_config', `Invalid configuration:\n  ${where}.module "${path}" does not export map(payload, context, builtIn).`);
  return candidate as MappingModule;
}

/** The configured sources by name, with their mapping overrides; a ConfigError names any bad field. */
export async function buildSources(config: Config, cwd: string = process.cwd()): Promise<Map<string, InboundSource>> {
  const sources = new Map<string, InboundSource>();
  for (const [name, settings] of Object.entries(config.sources)) {
    const make = connectorModules.get(settings.connector)?.createSource;
    if (!make) {
      throw new ConfigError('invalid_config', `Invalid configuration:\n  sources.${name}.connector "${settings.connector}" is not a connector Weft can receive from (known: ${known('createSource') || 'none'}).`);
    }
    // notificationUrl and mappings are Weft's, not the connector's.
    const { notificationUrl: _url, mappings, ...connectorSettings } = settings;
    const overrides: Record<string, MappingOverride> = {};
    for (const [topic, override] of Object.entries(mappings ?? {})) {
      const where = `sources.${name}.mappings.${topic}`;
      overrides[topic] = 'jsonata' in override ? override : { module: await loadMappingModule(override.module, where, cwd), path: override.module };
    }
    sources.set(name, withOverrides(make(name, connectorSettings), overrides, `sources.${name}`));
  }
  return sources;
}

/** The configured routes, checked against the targets and the event catalogue. */
export function buildRoutes(config: Config, targets: ReadonlyMap<string, DeliveryTarget>): Route[] {
  const problems: string[] = [];
  config.routes.forEach((route, index) => {
    const at = `routes.${index} (${route.name})`;
    const target = targets.get(route.target);
    if (!target) problems.push(`${at}.target "${route.target}" is not a configured target (targets: ${[...targets.keys()].join(', ') || 'none'}).`);
    else if (!target.actions[route.action]) problems.push(`${at}.action "${route.action}" is not an action of target ${route.target} (actions: ${Object.keys(target.actions).join(', ')}).`);
    for (const type of route.events) if (!findEventDefinition(type)) problems.push(`${at}.events: "${type}" is not an event type of the catalogue (docs/events.md).`);
  });
  if (problems.length > 0) throw new ConfigError('invalid_config', `Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config.routes.map((route) => ({
    name: route.name,
    events: route.events,
    target: route.target,
    action: route.action,
    ...(route.priority ? { priority: route.priority } : {}),
    ...(route.where ? { where: route.where } : {}),
  }));
}
