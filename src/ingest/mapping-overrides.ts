import jsonata from 'jsonata';
import { ConfigError, MappingError, WeftError } from '../errors/index.ts';
import type { IdKind } from '../domain/shared/ids.ts';
import { idPrefixes } from '../domain/shared/ids.ts';
import type { InboundMapping, InboundSource, MappedEvent, MappingContext, MappingOutcome } from '../ports/inbound.ts';

// A retailer's own mapping for a topic, from config, so custom fields need no fork:
//   sources.<name>.mappings.<topic> = { "jsonata": "<expression>" }  or  { "module": "./my-mapping.ts" }
// A JSONata expression gets the vendor payload as its input and these bindings:
//   $events   the connector's own mapping's events for this payload ([] when it has none)
//   $builtInError   why the connector's own mapping failed on this payload, if it did
//   $system   the source's name
//   $ref(kind, vendorId)   the canonical id of a vendor id (minted on first sight), like the built-in mappings
//   $find(kind, vendorId)  the canonical id, or undefined when never seen
// and returns an array of events ({type, subject, time, data}), one event, or {"ignored": "why"}.
// A module exports `map(payload, context, builtIn)`; builtIn() runs the connector's own mapping.
// Whatever an override returns is checked against the event catalogue like any mapping.

/** A module override: the same as a mapping, plus the connector's own mapping to build on. */
export interface MappingModule {
  map(payload: unknown, context: MappingContext, builtIn: () => Promise<MappingOutcome>): Promise<MappingOutcome> | MappingOutcome;
}

/** One configured override of a topic. */
export type MappingOverride = { jsonata: string } | { module: MappingModule; path: string };

const EVALUATION_TIMEOUT_MS = 1000;
const MAX_DEPTH = 500;

function builtInOutcome(builtIn: InboundMapping | undefined, payload: unknown, context: MappingContext): Promise<MappingOutcome> {
  return builtIn ? builtIn.map(payload, context) : Promise.resolve({ kind: 'events', events: [] });
}

function isKind(value: unknown): value is IdKind {
  return typeof value === 'string' && Object.hasOwn(idPrefixes, value);
}

/** Reads what an expression or module returned as a mapping outcome, or says what is wrong with it. */
function outcomeOf(result: unknown, where: string): MappingOutcome {
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'ignored' in result) {
    return { kind: 'ignored', reason: String((result as { ignored: unknown }).ignored) };
  }
  if (typeof result === 'object' && result !== null && 'kind' in result) return result as MappingOutcome;
  const list = result === undefined ? [] : Array.isArray(result) ? result : [result];
  const events: MappedEvent[] = list.map((item: unknown, index) => {
    const event = item as Partial<MappedEvent> | null;
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string' || typeof event.subject !== 'string' || typeof event.time !== 'string' || !('data' in event)) {
      throw new MappingError(`${where} returned something that is not an event at index ${index}: each needs type, subject, time and data`, [{ pointer: `/events/${index}`, message: 'needs type, subject, time and data' }]);
    }
    // Plain JSON: JSONata's results carry its own array and object markers.
    return { type: event.type, subject: event.subject, time: event.time, data: event.data === undefined ? undefined : (JSON.parse(JSON.stringify(event.data)) as unknown) };
  });
  return { kind: 'events', events };
}

/** A mapping that evaluates a JSONata expression; a syntax error is a ConfigError at start, naming `where`. */
export function jsonataMapping(expression: string, builtIn: InboundMapping | undefined, where: string): InboundMapping {
  let compiled: jsonata.Expression;
  try {
    // Compiled once; each evaluate() gets its own environment, so concurrent webhooks share it safely.
    compiled = jsonata(expression, { timeout: EVALUATION_TIMEOUT_MS, stack: MAX_DEPTH });
  } catch (error) {
    const detail = error as { message?: string; position?: number };
    throw new ConfigError('invalid_config', `Invalid configuration:\n  ${where}.jsonata does not compile: ${detail.message ?? String(error)}${detail.position === undefined ? '' : ` (at character ${detail.position})`}`);
  }
  return {
    description: `JSONata override (${where})`,
    async map(payload, context) {
      // An override often exists because the connector's mapping fails on the retailer's data: then
      // $events is empty and $builtInError says why.
      let base: MappingOutcome;
      let builtInError: string | undefined;
      try {
        base = await builtInOutcome(builtIn, payload, context);
      } catch (error) {
        if (!(error instanceof MappingError)) throw error;
        base = { kind: 'events', events: [] };
        builtInError = error.message;
      }
      const bindings = {
        events: base.kind === 'events' ? base.events : [],
        builtInError,
        system: context.system,
        ref: (kind: unknown, id: unknown) => {
          if (!isKind(kind)) throw new MappingError(`${where}: $ref needs an id kind (${Object.keys(idPrefixes).join(', ')}), got ${JSON.stringify(kind)}`);
          return context.ids.ref(kind, String(id));
        },
        find: (kind: unknown, id: unknown) => {
          if (!isKind(kind)) throw new MappingError(`${where}: $find needs an id kind, got ${JSON.stringify(kind)}`);
          return context.ids.find(kind, String(id));
        },
      };
      let result: unknown;
      try {
        // The timeout and depth limits keep a bad expression from hanging the hub.
        result = await compiled.evaluate(payload, bindings);
      } catch (error) {
        if (error instanceof WeftError) throw error;
        const detail = error as { message?: string; code?: string };
        throw new MappingError(`${where}: the JSONata expression failed: ${detail.message ?? String(error)}`, [{ pointer: '', message: `${detail.code ?? 'error'}: ${detail.message ?? String(error)}` }], { cause: error });
      }
      return outcomeOf(result, `${where}.jsonata`);
    },
  };
}

/** A mapping from a user's module. */
export function moduleMapping(module: MappingModule, builtIn: InboundMapping | undefined, where: string): InboundMapping {
  return {
    description: `module override (${where})`,
    async map(payload, context) {
      return outcomeOf(await module.map(payload, context, () => builtInOutcome(builtIn, payload, context)), `${where}.module`);
    },
  };
}

/** The source with its configured overrides in place of (or beside) its connector's mappings. */
export function withOverrides(source: InboundSource, overrides: Readonly<Record<string, MappingOverride>>, where: string): InboundSource {
  const mappings: Record<string, InboundMapping> = { ...source.mappings };
  for (const [topic, override] of Object.entries(overrides)) {
    const at = `${where}.mappings.${topic}`;
    mappings[topic] = 'jsonata' in override ? jsonataMapping(override.jsonata, source.mappings[topic], at) : moduleMapping(override.module, source.mappings[topic], at);
  }
  return { ...source, mappings };
}
