import Type, { type Static } from 'typebox';
import { Instant, SystemName, VendorId } from '../shared/primitives.ts';
import { idPattern, idPrefixes, type IdPrefix } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';
import { defineEvent } from '../events/define-event.ts';

// Cross-reference events: the map from each canonical id to each system's own id. Subject: the
// canonical id, so links are ordered with the other events of the object they name.

const linkablePrefixes = Object.values(idPrefixes).filter((prefix: IdPrefix) => !['evt', 'cmd', 'tmr', 'key'].includes(prefix));

/** Any canonical id of a business object (`ord_…`, `cus_…`, ...). */
export const AnyCanonicalId = Type.String({
  pattern: `^(?:${linkablePrefixes.map((prefix) => idPattern(prefix).slice(1, -1)).join('|')})$`,
  description: 'Weft id of the object, of any kind (`ord_…`, `cus_…`, ...).',
});

function link(title: string, description: string) {
  return Type.Object(
    {
      canonicalId: AnyCanonicalId,
      system: Type.With(SystemName, { description: 'The system the external id belongs to, by its configured name (lowercase, digits, dashes).' }),
      externalId: Type.With(VendorId, { description: 'The object\'s id in that system (a string, even when numeric there).' }),
      occurredAt: Instant('When the link was made or dropped'),
    },
    objectOptions(title, description),
  );
}

/** Data of `weft.xref.linked.v1`. */
export const XrefLinked = link('XrefLinked', 'A canonical object was linked to its id in a system.');
/** Data of `weft.xref.linked.v1`. */
export type XrefLinked = Static<typeof XrefLinked>;

/** Data of `weft.xref.unlinked.v1`. */
export const XrefUnlinked = link('XrefUnlinked', 'A canonical object\'s link to a system id was dropped.');
/** Data of `weft.xref.unlinked.v1`. */
export type XrefUnlinked = Static<typeof XrefUnlinked>;

/** `weft.xref.linked.v1`. */
export const xrefLinked = defineEvent({
  type: 'weft.xref.linked.v1',
  area: 'xref',
  description: 'A canonical object was linked to its id in an external system (it was created there, or matched).',
  data: XrefLinked,
  subjectOf: (data) => data.canonicalId,
});

/** `weft.xref.unlinked.v1`. */
export const xrefUnlinked = defineEvent({
  type: 'weft.xref.unlinked.v1',
  area: 'xref',
  description: 'A link between a canonical object and an external id was dropped (deleted there, or a wrong match).',
  data: XrefUnlinked,
  subjectOf: (data) => data.canonicalId,
});

/** The cross-reference area's catalogue entries. */
export const xrefEvents = [xrefLinked, xrefUnlinked] as const;
