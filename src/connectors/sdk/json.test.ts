import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idAtPointer, isJsonPointer, readPointer } from './json.ts';
import { maskHeaders, maskSecret } from './mask.ts';

test('readPointer follows RFC 6901, own properties only', () => {
  const document = { a: { 'b/c': [10, { 'd~e': 'x' }] }, '': 1 };
  assert.equal(readPointer(document, '/a/b~1c/1/d~0e'), 'x');
  assert.equal(readPointer(document, '/a/b~1c/0'), 10);
  assert.equal(readPointer(document, '/'), 1);
  assert.equal(readPointer(document, ''), document);
  assert.equal(readPointer(document, '/a/b~1c/01'), undefined);
  assert.equal(readPointer(document, '/a/missing'), undefined);
  assert.equal(readPointer(document, '/constructor'), undefined);
  assert.equal(isJsonPointer('/a/b'), true);
  assert.equal(isJsonPointer('a/b'), false);
  assert.equal(isJsonPointer('/a~2'), false);
});

test('idAtPointer keeps ids above 2^53 exact and returns strings', () => {
  assert.equal(idAtPointer('{"id": 12345678901234567890}', '/id'), '12345678901234567890');
  assert.equal(idAtPointer('{"order": {"id": 9007199254740993, "n": 1}}', '/order/id'), '9007199254740993');
  assert.equal(idAtPointer('{"id": 42}', '/id'), '42');
  assert.equal(idAtPointer('{"id": "gid://shopify/Order/1"}', '/id'), 'gid://shopify/Order/1');
  assert.equal(idAtPointer('[{"id": 7}]', '/0/id'), '7');
  assert.equal(idAtPointer('{"id": null}', '/id'), undefined);
  assert.equal(idAtPointer('{"id": {"a": 1}}', '/id'), undefined);
  assert.equal(idAtPointer('not json', '/id'), undefined);
});

test('maskSecret and maskHeaders hide credentials but keep what is no secret', () => {
  assert.equal(maskSecret('abc'), '***');
  assert.equal(maskSecret(''), '');
  assert.deepEqual(
    maskHeaders({ Authorization: 'Bearer abc', 'X-Api-Key': 'k', 'Idempotency-Key': 'weft-cmd_1', 'X-Custom': 'v', 'X-Sig': 's' }, ['x-sig']),
    { Authorization: 'Bearer ***', 'X-Api-Key': '***', 'Idempotency-Key': 'weft-cmd_1', 'X-Custom': 'v', 'X-Sig': '***' },
  );
  assert.deepEqual(maskHeaders({ authorization: 'opaque' }), { authorization: '***' });
});
