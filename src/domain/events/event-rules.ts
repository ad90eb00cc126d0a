import type { Static, TSchema } from 'typebox';
import type { Problems } from '../shared/problems.ts';
import type { EventDefinition } from './define-event.ts';

// A catalogue entry says what shape an event's data has; some events also carry business rules the
// shape cannot express (an order's totals add up). Those are registered here, next to their area's events.

/** Business rules for one event type's data, run only after the data passed its schema. */
export interface EventRule {
  /** The CloudEvents type the rule applies to. */
  readonly type: string;
  /** Returns the data's problems, pointers relative to the data; empty when valid. */
  readonly check: (data: unknown) => Problems;
}

/** Declares the business rules of one catalogue entry, typed by its data schema. */
export function eventRule<S extends TSchema>(definition: EventDefinition<S>, check: (data: Static<S>) => Problems): EventRule {
  return { type: definition.type, check: check as (data: unknown) => Problems };
}
