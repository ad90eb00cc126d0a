import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Compile } from 'typebox/compile';
import { EventInput } from './envelope.ts';
import { eventCatalogue } from './catalogue.ts';
import { exampleEvent, exampleEventData } from './examples.ts';
import { validateEventData } from './validate.ts';
import { isCanonicalId } from '../shared/ids.ts';
import { parseInventoryKey } from '../inventory/inventory-key.ts';

describe('example events', () => {
  it('has exactly one example per catalogue type', () => {
    assert.deepEqual(Object.keys(exampleEventData).sort(), eventCatalogue.map((d) => d.type).sort());
  });

  for (const definition of eventCatalogue) {
    it(`${definition.type} validates, schema, rules and subject`, () => {
      const event = exampleEvent(definition.type);
      assert.deepEqual(validateEventData(event.type, event.subject, event.data), { ok: true });
    });
  }

  it('are valid CloudEvents inputs as they stand', () => {
    const envelope = Compile(EventInput);
    for (const definition of eventCatalogue) assert.ok(envelope.Check(exampleEvent(definition.type)), definition.type);
  });

  it('use the aggregate id as subject, or sku@location for inventory', () => {
    for (const definition of eventCatalogue) {
      const { subject } = exampleEvent(definition.type);
      if (definition.area === 'inventory') {
        const key = parseInventoryKey(subject);
        assert.ok(key, subject);
        assert.ok(isCanonicalId('location', key.locationId), subject);
      } else {
        assert.match(subject, /^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$/, `${definition.type}: ${subject}`);
      }
    }
    assert.equal(exampleEvent('weft.order.payment_captured.v1').subject, exampleEvent('weft.order.captured.v1').subject);
  });

  it('throws for a type without an example', () => {
    assert.throws(() => exampleEvent('weft.order.teleported.v1'), /No example/);
  });
});
