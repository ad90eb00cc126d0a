import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanonicalId, idLabels, idPattern, idPrefixes, type IdKind } from './ids.ts';

const annotations = (kind: IdKind, description?: string) => CanonicalId(kind, description) as unknown as { description: string; pattern: string };

describe('CanonicalId', () => {
  it('describes every kind of id in words, with its prefix, not by the code\'s name for it', () => {
    for (const kind of Object.keys(idPrefixes) as IdKind[]) {
      const schema = annotations(kind);
      assert.equal(schema.description, `Weft id of the ${idLabels[kind]}: \`${idPrefixes[kind]}_\` followed by a ULID.`);
      assert.doesNotMatch(idLabels[kind], /[a-z][A-Z]/, kind);
      assert.equal(schema.pattern, idPattern(idPrefixes[kind]));
    }
    assert.equal(annotations('fulfillmentGroup').description, 'Weft id of the fulfilment group: `ful_` followed by a ULID.');
    assert.equal(annotations('order', 'The order.').description, 'The order.');
  });
});
