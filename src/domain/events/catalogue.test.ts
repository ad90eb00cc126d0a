import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Compile } from 'typebox/compile';
import { EventType } from './envelope.ts';
import { eventCatalogue, eventRules, findEventDefinition } from './catalogue.ts';
import { defineEvent } from './define-event.ts';
import { OrderValidated } from '../order/events.ts';

const typePattern = /^weft\.([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.v([1-9][0-9]*)$/;

describe('event catalogue', () => {
  it('names every type weft.<area>.<change>.v<N>, with the area of its entry', () => {
    const envelopeType = Compile(EventType);
    for (const definition of eventCatalogue) {
      const match = typePattern.exec(definition.type);
      assert.ok(match, `${definition.type} does not match weft.<area>.<change>.v<N>`);
      assert.equal(match[1], definition.area, definition.type);
      assert.ok(envelopeType.Check(definition.type), `the envelope rejects ${definition.type}`);
    }
  });

  it('lists each type once, and each change once per area', () => {
    const types = eventCatalogue.map((d) => d.type);
    assert.equal(new Set(types).size, types.length, 'duplicate types');
    const changes = eventCatalogue.map((d) => {
      const [, area, change] = typePattern.exec(d.type) ?? [];
      return `${area}.${change}`;
    });
    assert.equal(new Set(changes).size, changes.length, 'two versions of one change, or a duplicate change in an area');
  });

  it('covers the business changes the hub must carry', () => {
    for (const type of [
      'weft.customer.created.v1', 'weft.customer.merged.v1', 'weft.customer.consent_changed.v1', 'weft.customer.erased.v1',
      'weft.product.upserted.v1', 'weft.location.upserted.v1', 'weft.price.set.v1', 'weft.promotion.defined.v1',
      'weft.inventory.adjusted.v1', 'weft.inventory.reserved.v1', 'weft.inventory.transfer_received.v1',
      'weft.order.captured.v1', 'weft.order.payment_captured.v1', 'weft.order.line_cancelled.v1', 'weft.order.collected.v1',
      'weft.shipment.dispatched.v1', 'weft.return.received.v1', 'weft.refund.issued.v1', 'weft.invoice.issued.v1',
      'weft.posting.recorded.v1', 'weft.case.resolved.v1',
    ]) {
      assert.ok(findEventDefinition(type), type);
    }
  });

  it('gives every type a closed, titled object as its data schema, with a description', () => {
    for (const definition of eventCatalogue) {
      const schema = definition.data as unknown as Record<string, unknown>;
      assert.equal(schema['type'], 'object', definition.type);
      assert.equal(schema['additionalProperties'], false, definition.type);
      assert.equal(typeof schema['title'], 'string', definition.type);
      assert.ok(definition.description.length > 10, definition.type);
    }
  });

  it('has no data field named like an envelope attribute, so /type and /subject pointers stay unambiguous', () => {
    for (const definition of eventCatalogue) {
      const properties = Object.keys((definition.data as unknown as { properties: object }).properties);
      assert.ok(!properties.includes('type') && !properties.includes('subject'), definition.type);
    }
  });

  it('only registers rules for catalogue types', () => {
    for (const type of eventRules.keys()) assert.ok(findEventDefinition(type), type);
    assert.ok(eventRules.has('weft.order.captured.v1'));
    assert.ok(eventRules.has('weft.posting.recorded.v1'));
  });

  it('finds definitions by type and nothing for unknown types', () => {
    assert.equal(findEventDefinition('weft.order.captured.v1')?.area, 'order');
    assert.equal(findEventDefinition('weft.order.captured.v2'), undefined);
    assert.equal(findEventDefinition(''), undefined);
  });

  it('refuses a definition whose type does not start with its area', () => {
    assert.throws(
      () => defineEvent({ type: 'weft.orders.validated.v1', area: 'order', description: 'x', data: OrderValidated, subjectOf: (d) => d.orderId }),
      /must start with weft\.order\./,
    );
  });
});
