import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { Location } from './location.schema.ts';
import { locationProblems } from './rules.ts';

// Location events. Subject: the location id. Locations change rarely and are sent whole.

/** `weft.location.upserted.v1`. */
export const locationUpserted = defineEvent({
  type: 'weft.location.upserted.v1',
  area: 'location',
  description: 'A location was created or changed; the data is the whole location.',
  data: Location,
  subjectOf: (data) => data.id,
});

/** The location area's catalogue entries. */
export const locationEvents = [locationUpserted] as const;

/** Business rules of the location area's events. */
export const locationEventRules = [eventRule(locationUpserted, locationProblems)] as const;
