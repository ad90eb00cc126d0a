import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Type from 'typebox';
import { eventCatalogue } from './catalogue.ts';
import { renderEventCatalogueMarkdown, schemaTypeLabel, subjectRule } from './render-catalogue.ts';
import { Money, Timestamp } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';

describe('renderEventCatalogueMarkdown', () => {
  const markdown = renderEventCatalogueMarkdown();

  it('has one section per area and one entry per type', () => {
    for (const heading of ['## Customer', '## Inventory', '## Order', '## Posting (journal entries)', '## Service case']) {
      assert.ok(markdown.includes(`\n${heading}\n`), heading);
    }
    for (const definition of eventCatalogue) assert.ok(markdown.includes(`### \`${definition.type}\``), definition.type);
    assert.equal(markdown.match(/^### /gm)?.length, eventCatalogue.length);
  });

  it('states every subject rule from the data', () => {
    for (const definition of eventCatalogue) assert.ok(subjectRule(definition), definition.type);
    assert.equal(subjectRule(eventCatalogue.find((d) => d.type === 'weft.order.held.v1')!), '`data.orderId`');
    assert.match(subjectRule(eventCatalogue.find((d) => d.type === 'weft.inventory.counted.v1')!)!, /data\.sku.*@.*data\.locationId/);
  });

  it('tabulates the top-level data fields with type and required flag', () => {
    const section = markdown.slice(markdown.indexOf('### `weft.order.line_cancelled.v1`'), markdown.indexOf('### `weft.order.ready_for_pickup.v1`'));
    assert.match(section, /\| `orderId` \| ord_ id \| yes \|/);
    assert.match(section, /\| `quantity` \| integer \| yes \|/);
    assert.match(section, /\| `reason` \| "customer_request" \\\| "fraud"/);
    assert.match(section, /\| `occurredAt` \| Timestamp \| yes \|/);
    const held = markdown.slice(markdown.indexOf('### `weft.order.held.v1`'));
    assert.match(held, /\| `note` \| string \| no \|/);
  });

  it('is deterministic and ends with one newline', () => {
    assert.equal(renderEventCatalogueMarkdown(), markdown);
    assert.ok(markdown.endsWith('\n') && !markdown.endsWith('\n\n'));
  });
});

describe('schemaTypeLabel', () => {
  it('names shared value types and ids', () => {
    assert.equal(schemaTypeLabel(Money), 'Money');
    assert.equal(schemaTypeLabel(Timestamp), 'Timestamp');
    assert.equal(schemaTypeLabel(CanonicalId('order')), 'ord_ id');
    assert.equal(schemaTypeLabel(Type.Array(Type.Enum(['a', 'b']))), '("a" | "b")[]');
    assert.equal(schemaTypeLabel(Type.Array(Type.Object({ x: Type.Integer() }, { title: 'Thing' }))), 'Thing[]');
  });
});
