import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Type from 'typebox';
import { eventCatalogue } from './catalogue.ts';
import { renderEventCatalogueMarkdown, schemaTypeLabel, subjectRule } from './render-catalogue.ts';
import { Money, Timestamp } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { exampleEvent } from './examples.ts';
import { headingSlug } from './markdown.ts';
import { collectNamedTypes, type NamedType, type SchemaLike } from './render-schema.ts';

describe('renderEventCatalogueMarkdown', () => {
  const markdown = renderEventCatalogueMarkdown();

  it('has one section per area and one entry per type', () => {
    for (const heading of ['## Customer', '## Inventory', '## Order', '## Posting (journal entries)', '## Service case']) {
      assert.ok(markdown.includes(`\n${heading}\n`), heading);
    }
    for (const definition of eventCatalogue) assert.ok(markdown.includes(`### \`${definition.type}\``), definition.type);
    // Type sections have headings of their own now; event headings are the ones naming a type.
    assert.equal(markdown.match(/^### `weft\./gm)?.length, eventCatalogue.length);
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

  // Cells split on pipes that are not escaped; the first and last pieces are the empty outsides of the row.
  const tableRows = (text: string): string[][] =>
    text.split('\n').filter((line) => line.startsWith('| ') && line.endsWith(' |')).map((line) => line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()));
  const fieldRows = tableRows(markdown).filter((cells) => cells[0]?.startsWith('`') && cells.length === 4);
  const section = (heading: string): string => {
    const start = markdown.indexOf(`\n${heading}\n`);
    assert.ok(start >= 0, heading);
    const level = /^#+/.exec(heading)![0];
    const rest = markdown.slice(start + heading.length + 2);
    const end = rest.search(new RegExp(`^#{1,${level.length}} `, 'm'));
    return end < 0 ? rest : rest.slice(0, end);
  };
  const headingSlugs = new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => headingSlug(m[1]!)));

  it('gives every field of every table a type and a description, and no table an empty cell', () => {
    assert.ok(fieldRows.length > 400, `only ${fieldRows.length} field rows`);
    for (const cells of tableRows(markdown)) {
      assert.ok(cells.every((c) => c.length > 0), `empty cell in | ${cells.join(' | ')} |`);
    }
  });

  it('describes each timestamp by what happened then, keeping the UTC note', () => {
    const timestamps = fieldRows.filter((cells) => cells[1] === 'Timestamp');
    assert.ok(timestamps.length > 40);
    for (const [name, , , description] of timestamps) {
      assert.match(description!, /^\S.* \(ISO 8601 UTC\)\.$/, name!);
      assert.doesNotMatch(description!, /^Instant in ISO 8601/, name!);
    }
  });

  it('uses human words for ids, not the code\'s names', () => {
    for (const internal of ['Canonical ', 'inventoryMovement', 'serviceCase', 'orderLine id', 'fulfillmentGroup', 'posting id']) {
      assert.ok(!markdown.includes(internal), internal);
    }
    assert.match(markdown, /\| `id` \| ful_ id \| yes \| Weft id of the fulfilment group: `ful_` followed by a ULID\. \|/);
    assert.match(markdown, /\| `id` \| jnl_ id \| yes \| Weft id of the journal entry: `jnl_` followed by a ULID\. \|/);
  });

  it('describes a list as a list, not as one of its elements', () => {
    const captured = section('### `weft.order.captured.v1`');
    assert.match(captured, /\| `lines` \| \[OrderLine\]\(#orderline\)\[\] \| yes \| The lines of the order, in the channel's order; at least one\. \|/);
    assert.doesNotMatch(markdown, /\| \S+\[\] \| (yes|no) \| One line of /);
  });

  it('documents every named object type once, with its fields, and links fields to it', () => {
    const all = new Map<string, NamedType>();
    for (const definition of eventCatalogue) collectNamedTypes(definition.data as SchemaLike, all);
    for (const name of ['OrderLine', 'Item', 'PersonName', 'CustomerChanges', 'PromotionConditions', 'JournalLine', 'Address', 'NonNegativeMoney',
      'TaxLine', 'Discount', 'Payment', 'FulfilmentGroup', 'ExternalRef', 'OrderDocumentRef']) {
      assert.ok(all.has(name), name);
    }
    for (const name of all.keys()) {
      const headings = markdown.match(new RegExp(`^#{3,4} \`${name}\`$`, 'gm')) ?? [];
      assert.equal(headings.length, 1, `${name} has ${headings.length} type sections`);
      const body = section(headings[0]!);
      assert.match(body, /\| Field \| Type \| Required \| Description \|/, name);
      assert.ok(markdown.includes(`[${name}](#${name.toLowerCase()})`), `no field links to ${name}`);
    }
    // A type used by one area is documented there; one used by several, under Shared types.
    assert.match(section('### Order types'), /^#### `OrderLine`$/m);
    assert.match(section('## Shared types'), /^### `Address`$/m);
  });

  it('links only to headings that exist, and has no two headings with one anchor', () => {
    const links = [...markdown.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    assert.ok(links.length > 200);
    for (const anchor of links) assert.ok(headingSlugs.has(anchor), `#${anchor} is not a heading`);
    assert.equal(headingSlugs.size, markdown.match(/^#{1,6} /gm)!.length);
  });

  it('opens with what an event is, how to send one, the conventions and a table of contents', () => {
    const intro = markdown.slice(0, markdown.indexOf('\n## Customer\n'));
    for (const text of ['CloudEvents 1.0', '`type`', '`subject`', '`data`', 'POST /v1/events', '](../README.md', 'minor units', 'ISO 4217',
      'integers', 'ISO 8601', 'strings', 'ULID', '## Contents']) {
      assert.ok(intro.includes(text), text);
    }
    for (const definition of eventCatalogue) assert.ok(intro.includes(`(#${headingSlug(`\`${definition.type}\``)})`), `contents miss ${definition.type}`);
  });

  it('shows each event\'s example, collapsed, as JSON that is the example event', () => {
    for (const definition of eventCatalogue) {
      const body = section(`### \`${definition.type}\``);
      const block = /<details>\n<summary>Example<\/summary>\n\n```json\n([\s\S]*?)\n```\n\n<\/details>/.exec(body);
      assert.ok(block, `${definition.type} has no example block`);
      assert.deepEqual(JSON.parse(block[1]!), exampleEvent(definition.type), definition.type);
    }
  });

  it('says per inventory event which movement fields it uses and which the rules require', () => {
    const counted = section('### `weft.inventory.counted.v1`');
    assert.match(counted, /\| `countedQuantity` \| integer \| yes \|/);
    assert.doesNotMatch(counted, /\| `counterpartLocationId` \|/);
    assert.match(counted, /Not used by this event: `counterpartLocationId` \(only transfers carry it\)\. Weft rejects the event when it is present\./);
    const sold = section('### `weft.inventory.sold.v1`');
    assert.doesNotMatch(sold, /\| `countedQuantity` \||\| `counterpartLocationId` \|/);
    assert.match(sold, /Not used by this event: `countedQuantity` \(only counts carry it\), `counterpartLocationId` \(only transfers carry it\)\. Weft rejects the event when any of them is present\./);
    const shipped = section('### `weft.inventory.transfer_shipped.v1`');
    assert.match(shipped, /\| `counterpartLocationId` \| loc_ id \| yes \| The destination of the transfer\. \|/);
    assert.match(shipped, /\| `reference` \| .* \| yes \| The stock transfer/);
    assert.ok(!markdown.includes(') (e.g.'), 'a subject line with two brackets in a row');
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
