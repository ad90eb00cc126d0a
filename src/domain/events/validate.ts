import { Compile } from 'typebox/compile';
import type { Validator } from 'typebox/compile';
import { Settings } from 'typebox/system';
import type { Problem } from '../shared/problems.ts';
import { eventCatalogue, eventRules, findEventDefinition } from './catalogue.ts';
import type { EventDefinition } from './define-event.ts';
import { schemaProblems } from './schema-problems.ts';

// Runs for every ingested event, so the valid path does one map lookup, one compiled check, the
// area's rules and one string comparison, and returns a shared result. Validators are compiled on
// first use of a type and kept. Problem pointers point into `data`, except `/type` and `/subject`,
// which point at the envelope attribute.

/** The verdict on one event: valid, or why not. */
export type EventVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** `unknown_event_type`: no catalogue entry for the type; `schema_violation`: data or subject is wrong. */
      readonly code: 'unknown_event_type' | 'schema_violation';
      /** Every problem found; pointers are relative to `data`, except `/type` and `/subject`. */
      readonly problems: Problem[];
    };

const valid: EventVerdict = Object.freeze({ ok: true });

interface Entry {
  readonly definition: EventDefinition;
  readonly validator: Validator;
  readonly check: ((data: unknown) => readonly Problem[]) | undefined;
}

const compiled = new Map<string, Entry>();

function entryFor(type: string): Entry | undefined {
  const cached = compiled.get(type);
  if (cached !== undefined) return cached;
  const definition = findEventDefinition(type);
  if (definition === undefined) return undefined;
  const entry: Entry = { definition, validator: Compile(definition.data), check: eventRules.get(type) };
  compiled.set(type, entry);
  return entry;
}

/** Validates an event's data against its catalogue entry and business rules, and its subject against its data. */
export function validateEventData(type: string, subject: string, data: unknown): EventVerdict {
  const entry = entryFor(type);
  if (entry === undefined) return { ok: false, code: 'unknown_event_type', problems: [{ pointer: '/type', message: unknownTypeMessage(type) }] };

  if (!entry.validator.Check(data)) {
    // Subject is not checked: subjectOf may not even find its field in malformed data.
    const problems = schemaProblems(entry.definition.data, collectErrors(entry.validator, data));
    if (problems.length === 0) problems.push({ pointer: '', message: `does not match the data schema of ${type}` });
    return { ok: false, code: 'schema_violation', problems };
  }
  const ruleProblems = entry.check === undefined ? undefined : entry.check(data);
  const expected = entry.definition.subjectOf(data);
  if (subject === expected && (ruleProblems === undefined || ruleProblems.length === 0)) return valid;

  const problems: Problem[] = ruleProblems === undefined ? [] : [...ruleProblems];
  if (subject !== expected) problems.push({ pointer: '/subject', message: `must be the aggregate key "${expected}" for ${type}, not "${subject}"` });
  return { ok: false, code: 'schema_violation', problems };
}

/** Compiles every catalogue entry now, so the first event of each type pays no compile time (startup, benchmarks). */
export function precompileEventValidators(): void {
  for (const definition of eventCatalogue) entryFor(definition.type);
}

// TypeBox buffers at most `maxErrors` (default 8) errors, and each branch of a union spends some, so
// a wrong promotion benefit would hide the rest. Raise the cap for this synchronous call only: other
// users of TypeBox keep their setting, and the cap still bounds the work malicious input can cause.
const maxCollectedErrors = 200;

function collectErrors(validator: Validator, data: unknown) {
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: maxCollectedErrors });
  try {
    return validator.Errors(data);
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}

function unknownTypeMessage(type: string): string {
  const version = type.lastIndexOf('.v');
  const stem = version > 0 ? type.slice(0, version + 2) : undefined;
  const known = stem === undefined ? [] : eventCatalogue.filter((d) => d.type.startsWith(stem)).map((d) => d.type);
  return known.length > 0
    ? `unknown event type "${type}"; known versions: ${known.join(', ')}`
    : `unknown event type "${type}"; see the event catalogue (docs/events.md)`;
}
