import type { PriorityClass } from '../../ports/connector.ts';

// A process is a declarative transition table: state × input → next state and actions. Inputs are
// events of the log, durable timers the process set, and decisions people took on its tasks. The
// table is data plus small pure functions (guards, the next data, the actions), so a definition can
// be read, checked at start, rendered for people, and versioned: an instance finishes on the version
// it started with.

/** What moves an instance. */
export type ProcessInput =
  | { kind: 'event'; id: string; type: string; subject: string; time: string; data: unknown }
  | { kind: 'timer'; id: string; name: string; firedAt: string; payload: unknown }
  | { kind: 'task'; id: string; taskKind: string; decision: string; note: string | undefined; resolvedAt: string; data: unknown; values?: Readonly<Record<string, string>> };

/** The name a transition's `on` matches: the event type, `timer:<name>` or `task:<kind>`. */
export function causeOf(input: ProcessInput): string {
  return input.kind === 'event' ? input.type : input.kind === 'timer' ? `timer:${input.name}` : `task:${input.taskKind}`;
}

/** What a transition may do besides moving the instance. */
export type ProcessAction =
  /**
   * A command to a target system through the outbox; its payload is shaped as a routed event
   * ({type, subject, data}), so connectors' actions take it as they take routed events. Its result
   * comes back as weft.command.delivered.v1 or weft.command.failed.v1 (subject: the instance's key),
   * which transitions can wait on. A `compensation` is recorded and sent if the process later
   * compensates.
   */
  | { kind: 'command'; target: string; action: string; event: { type: string; data: unknown }; priority?: PriorityClass; compensation?: { target: string; action: string; event: { type: string; data: unknown } } }
  /** A durable timer; setting a name again replaces the earlier one. */
  | { kind: 'timer'; name: string; dueAt: string; payload?: unknown }
  | { kind: 'cancelTimer'; name: string }
  /** An event appended to the log (checked against the catalogue). */
  | { kind: 'emit'; type: string; subject: string; data: unknown }
  /** A task for a person; resolving it moves the instance with `task:<kind>`. */
  | { kind: 'task'; taskKind: string; title: string; options: readonly string[]; data?: unknown }
  /** Sends the compensations of the commands sent so far, newest first, and forgets them. */
  | { kind: 'compensate' }
  /** Forgets the compensations owed (what they would undo can no longer be undone: it shipped). */
  | { kind: 'forgetCompensations' };

/** What guards, data and actions see. */
export interface StepContext<D> {
  key: string;
  /** The state the instance is in (before the transition). */
  state: string;
  data: D;
  input: ProcessInput;
  /** The commit time of the step (ISO 8601 UTC); the only clock a definition sees. */
  now: string;
}

/** One row of the transition table. */
export interface Transition<D> {
  /** State(s) it leaves, or '*' for any state that is not final. */
  from: string | readonly string[];
  /** Event type, `timer:<name>` or `task:<kind>`. */
  on: string;
  /** Taken only when true; the first matching row wins, in table order. */
  when?: (context: StepContext<D>) => boolean;
  /** The next state (a function when it depends on the input). */
  to: string | ((context: StepContext<D>) => string);
  /** The instance's data after the step; unchanged when absent. */
  data?: (context: StepContext<D>) => D;
  actions?: (context: StepContext<D>) => ProcessAction[];
  /** What the step means, for people (docs, the order view). */
  note?: string;
}

/** A versioned process. */
export interface ProcessDefinition<D> {
  name: string;
  version: number;
  description: string;
  states: readonly string[];
  /** States in which the instance is finished; nothing moves it any more. */
  final: readonly string[];
  /** The business key an event belongs to (an order id), or undefined when it is not this process's. */
  keyOf(event: { type: string; subject: string; data: unknown }): string | undefined;
  /** How an instance starts: on one of these events, in this state, with this data. */
  start: { on: readonly string[]; state: string; data: (event: Extract<ProcessInput, { kind: 'event' }>) => D; actions?: (context: StepContext<D>) => ProcessAction[] };
  transitions: readonly Transition<D>[];
  /**
   * Checks what a person sends with a decision (the values some decisions need, e.g. which SKU
   * replaces which line), against the instance's data, before anything is committed; problems
   * answer the resolution with 422 and leave the task open. Without it, values are refused.
   */
  checkDecision?: (task: { kind: string; decision: string; values: Readonly<Record<string, string>> }, data: D) => { pointer: string; message: string }[];
}

/** Problems of a definition, as readable lines; empty when it is sound. Checked when the hub starts. */
export function definitionProblems<D>(definition: ProcessDefinition<D>): string[] {
  const problems: string[] = [];
  const at = `process ${definition.name} v${definition.version}`;
  const states = new Set(definition.states);
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) problems.push(`${at}: the name must be lower case, digits and dashes`);
  if (!Number.isInteger(definition.version) || definition.version < 1) problems.push(`${at}: the version must be a whole number from 1`);
  for (const state of definition.final) if (!states.has(state)) problems.push(`${at}: final state "${state}" is not among the states`);
  if (!states.has(definition.start.state)) problems.push(`${at}: the start state "${definition.start.state}" is not among the states`);
  if (definition.start.on.length === 0) problems.push(`${at}: nothing starts it (start.on is empty)`);
  definition.transitions.forEach((transition, index) => {
    const from = typeof transition.from === 'string' ? [transition.from] : transition.from;
    for (const state of from) {
      if (state !== '*' && !states.has(state)) problems.push(`${at}: transition ${index} (${transition.on}) leaves unknown state "${state}"`);
      if (definition.final.includes(state)) problems.push(`${at}: transition ${index} (${transition.on}) leaves final state "${state}"`);
    }
    if (typeof transition.to === 'string' && !states.has(transition.to)) problems.push(`${at}: transition ${index} (${transition.on}) goes to unknown state "${transition.to}"`);
    if (!/^(timer:|task:)?[a-z][a-z0-9_.-]*$/.test(transition.on)) problems.push(`${at}: transition ${index}: "${transition.on}" is not an event type, timer:<name> or task:<kind>`);
  });
  return problems;
}
