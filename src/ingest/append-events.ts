import { Compile } from 'typebox/compile';
import { EventInput } from '../domain/events/envelope.ts';
import { validateEventData } from '../domain/events/validate.ts';
import { ConflictError, InputError, type FieldProblem } from '../errors/index.ts';
import { badTextProblems } from './text-check.ts';
import { isoNow, type Clock, type IdGenerator } from '../ports/clock.ts';
import type { AppendedEvent, NewEvent, Store, UnitOfWork } from '../ports/store.ts';

/** How the events of one request are laid out. */
export type BodyShape = 'single' | 'batch' | 'either';

/** One request to append canonical events. */
export interface AppendRequest {
  /** The parsed body: one event object, or an array of them. */
  body: unknown;
  /** What the content type promised. */
  shape: BodyShape;
  /** Key id of the caller: the default event source, and the namespace of its idempotency keys. */
  callerId: string;
  /** The request's `Idempotency-Key` and the digest of its body. */
  idempotency?: { key: string; fingerprint: string };
  /**
   * The JSON text the body was parsed from, when there is one. Only a `\u` escape can put a NUL
   * or a lone surrogate into parsed JSON, so a text without one spares checking every string.
   */
  bodyText?: string;
}

/** Where the request's events now sit in the log. */
export interface AppendResponse {
  /** True when the idempotency key had been seen: nothing new was written, the first answer is repeated. */
  replayed: boolean;
  /** One entry per event of the request, in request order. */
  events: AppendedEvent[];
}

/** Options of event ingest. */
export interface AppendEventsOptions {
  /** Most events in one request. */
  maxBatchEvents: number;
  /** How long idempotency keys are remembered. */
  idempotencyTtlHours: number;
}

/** Validates, completes and durably appends canonical events. */
export type AppendEvents = (request: AppendRequest) => Promise<AppendResponse>;

const envelope = Compile(EventInput);

function envelopeProblems(value: unknown, base: string): FieldProblem[] {
  return [...envelope.Errors(value)].map((error) => {
    const extra = (error.params as { additionalProperties?: string[] }).additionalProperties;
    if (extra) return { pointer: `${base}${error.instancePath}/${extra[0]}`, message: `unknown attribute "${extra[0]}"` };
    const required = (error.params as { requiredProperties?: string[] }).requiredProperties;
    if (required) return { pointer: `${base}${error.instancePath}/${required[0]}`, message: `is required` };
    return { pointer: `${base}${error.instancePath}`, message: error.message };
  });
}

/** The CloudEvents source of events a caller sends without one. */
export function defaultSource(callerId: string): string {
  return `urn:weft:api-key:${callerId}`;
}

/** Creates the append operation behind `POST /v1/events`. */
export function createAppendEvents(deps: { store: Store; clock: Clock; ids: IdGenerator }, options: AppendEventsOptions): AppendEvents {
  return async function appendEvents(request) {
    const { body, shape } = request;
    const isBatch = Array.isArray(body);
    if (shape === 'single' && isBatch) {
      throw new InputError('schema_violation', 'application/cloudevents+json carries one event; send a batch as application/cloudevents-batch+json.', {
        problems: [{ pointer: '', message: 'must be an object' }],
      });
    }
    if (shape === 'batch' && !isBatch) {
      throw new InputError('schema_violation', 'application/cloudevents-batch+json carries a JSON array of events.', { problems: [{ pointer: '', message: 'must be an array' }] });
    }
    const inputs: unknown[] = isBatch ? body : [body];
    if (inputs.length === 0) throw new InputError('schema_violation', 'The batch is empty.', { problems: [{ pointer: '', message: 'must hold at least one event' }] });
    if (inputs.length > options.maxBatchEvents) {
      throw new InputError('batch_too_large', `The batch holds ${inputs.length} events; at most ${options.maxBatchEvents} are accepted per request.`);
    }

    const now = isoNow(deps.clock);
    const mayHoldBadText = request.bodyText === undefined || request.bodyText.includes('\\u');
    const source = defaultSource(request.callerId);
    const problems: FieldProblem[] = [];
    let unknownTypeProblems = 0;
    const events: NewEvent[] = [];
    const seen = new Map<string, number>();
    for (let index = 0; index < inputs.length; index++) {
      const input = inputs[index];
      const base = isBatch ? `/${index}` : '';
      if (!envelope.Check(input)) {
        problems.push(...envelopeProblems(input, base));
        continue;
      }
      if (mayHoldBadText) {
        const before = problems.length;
        badTextProblems(input, base, problems);
        if (problems.length > before) continue;
      }
      const verdict = validateEventData(input.type, input.subject, input.data);
      if (!verdict.ok) {
        if (verdict.code === 'unknown_event_type') unknownTypeProblems += verdict.problems.length;
        for (const problem of verdict.problems) {
          // Data problems point into `data`; the subject check points at the envelope.
          const pointer = problem.pointer === '/subject' || problem.pointer === '/type' ? problem.pointer : `/data${problem.pointer}`;
          problems.push({ pointer: `${base}${pointer}`, message: problem.message });
        }
        continue;
      }
      const event: NewEvent = {
        id: input.id ?? deps.ids.next('event'),
        source: input.source ?? source,
        type: input.type,
        subject: input.subject,
        time: input.time ?? now,
        data: input.data,
      };
      if (input.dataschema !== undefined) event.dataschema = input.dataschema;
      if (input.traceparent !== undefined) event.traceparent = input.traceparent;
      if (input.tracestate !== undefined) event.tracestate = input.tracestate;
      const identity = `${event.source}\u0000${event.id}`;
      const first = seen.get(identity);
      if (first !== undefined) problems.push({ pointer: `${base}/id`, message: `repeats the id and source of event ${first} in this batch` });
      else seen.set(identity, index);
      events.push(event);
    }
    if (problems.length > 0) {
      // Only when every problem is an unknown type is the answer unknown_event_type.
      const code = unknownTypeProblems === problems.length ? 'unknown_event_type' : 'schema_violation';
      const summary = problems.length === 1 ? `${problems[0]?.pointer || '(body)'} ${problems[0]?.message}` : `${problems.length} problems, first: ${problems[0]?.pointer} ${problems[0]?.message}`;
      throw new InputError(code, `Nothing was appended: ${summary}.`, { problems });
    }

    const unit: UnitOfWork = { events };
    if (request.idempotency) {
      unit.idempotency = {
        scope: request.callerId,
        key: request.idempotency.key,
        fingerprint: request.idempotency.fingerprint,
        expiresAt: new Date(deps.clock.now() + options.idempotencyTtlHours * 3_600_000).toISOString(),
      };
    }
    const result = await deps.store.commit(unit);
    switch (result.status) {
      case 'committed':
        return { replayed: false, events: result.events };
      case 'replayed':
        return { replayed: true, events: result.events };
      case 'idempotency_conflict':
        throw new InputError(
          'idempotency_key_reused',
          `The Idempotency-Key "${result.key}" was already used for a different request; use a new key for a new request.`,
        );
      case 'event_conflict':
        throw new ConflictError('event_id_conflict', `The log already holds a different event with id "${result.id}" from source "${result.source}".`);
      default:
        throw new ConflictError('version_conflict', `The write was refused: ${result.status}.`);
    }
  };
}
