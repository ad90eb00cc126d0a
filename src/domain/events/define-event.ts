import type { Static, TSchema } from 'typebox';

/** The business area an event belongs to; also the first segment after `weft.` in its type. */
export type EventArea =
  | 'customer'
  | 'product'
  | 'location'
  | 'price'
  | 'promotion'
  | 'inventory'
  | 'order'
  | 'shipment'
  | 'return'
  | 'refund'
  | 'invoice'
  | 'posting'
  | 'case'
  | 'xref'
  | 'command';

/** One entry of the event catalogue: a CloudEvents type, its data schema, and its aggregate key. */
export interface EventDefinition<S extends TSchema = TSchema> {
  /** CloudEvents `type`, `weft.<area>.<change>.v<version>`. */
  readonly type: string;
  /** Business area; matches the type's second segment. */
  readonly area: EventArea;
  /** One sentence: which business change this event records. */
  readonly description: string;
  /** Schema of the event's `data`. */
  readonly data: S;
  /** The aggregate key (CloudEvents `subject`) an event with this data must carry. */
  readonly subjectOf: (data: Static<S>) => string;
}

/** Declares a catalogue entry; keeps the data type and the subject function in step. */
export function defineEvent<S extends TSchema>(definition: EventDefinition<S>): EventDefinition<S> {
  const [prefix, area] = definition.type.split('.');
  if (prefix !== 'weft' || area !== definition.area) {
    throw new TypeError(`Event type ${definition.type} must start with weft.${definition.area}.`);
  }
  return definition;
}
