import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, WeftError } from '../../errors/index.ts';
import type { ActionCommand } from '../sdk/index.ts';
import { compileTemplate, type TemplateValues } from './template.ts';

const command: ActionCommand = {
  id: 'cmd_01',
  target: 'erp',
  action: 'createOrder',
  key: 'ord_01',
  payload: { orderId: 'ord/01 ü', total: 1250, paid: true, lines: [{ sku: 'SKU 1' }], note: null, customer: { id: 'c1' } },
  attempt: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  causationId: undefined,
  traceparent: undefined,
};
const values: TemplateValues = { command, idempotencyKey: 'weft-cmd_01' };
const where = 'targets.erp.actions.createOrder.path';

function invalid(fn: () => unknown): WeftError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof WeftError);
    assert.equal(error.code, 'command_invalid');
    assert.equal(error.retryable, false);
    return error;
  }
  assert.fail('expected command_invalid');
}

test('paths percent-encode every value; literal text stays as written', () => {
  const template = compileTemplate('/orders/{payload.orderId}/lines/{payload.lines.0.sku}?total={payload.total}&paid={ payload.paid }', 'path', where);
  assert.equal(template.render(values), '/orders/ord%2F01%20%C3%BC/lines/SKU%201?total=1250&paid=true');
  assert.equal(compileTemplate('/c/{command.id}/{command.key}/{key}/{idempotencyKey}/{command.attempt}', 'path', where).render(values), '/c/cmd_01/ord_01/ord_01/weft-cmd_01/1');
  const constant = compileTemplate('/orders', 'path', where);
  assert.equal(constant.constant, true);
  assert.equal(constant.render(values), '/orders');
});

test('headers take values raw but refuse line breaks', () => {
  assert.equal(compileTemplate('ref {payload.orderId}', 'header', 'h').render(values), 'ref ord/01 ü');
  const evil = { ...values, command: { ...command, payload: { orderId: 'x\r\nX-Injected: 1' } } };
  const error = invalid(() => compileTemplate('{payload.orderId}', 'header', 'targets.erp.actions.a.headers.X-Ref').render(evil));
  assert.match(error.message, /targets\.erp\.actions\.a\.headers\.X-Ref: placeholder \{payload\.orderId\} contains a line break/);
  assert.throws(() => compileTemplate('a\nb', 'header', 'h'), ConfigError);
});

test('a missing value, a null, an object or an array is command_invalid naming the placeholder', () => {
  assert.match(invalid(() => compileTemplate('/o/{payload.missing.deep}', 'path', where).render(values)).message, /^targets\.erp\.actions\.createOrder\.path: placeholder \{payload\.missing\.deep\} has no value/);
  assert.match(invalid(() => compileTemplate('/o/{payload.note}', 'path', where).render(values)).message, /\{payload\.note\} has no value/);
  assert.match(invalid(() => compileTemplate('/o/{payload.customer}', 'path', where).render(values)).message, /\{payload\.customer\} is an object/);
  assert.match(invalid(() => compileTemplate('/o/{payload.lines}', 'path', where).render(values)).message, /\{payload\.lines\} is an array/);
  assert.match(invalid(() => compileTemplate('/o/{payload.lines.5.sku}', 'path', where).render(values)).message, /has no value/);
  invalid(() => compileTemplate('/o/{payload.constructor}', 'path', where).render(values));
  invalid(() => compileTemplate('/o/{command.causationId}', 'path', where).render(values));
});

test('unknown placeholders and unclosed braces fail when the target is built, naming the field', () => {
  for (const source of ['/o/{order.id}', '/o/{command.payload}', '/o/{payload..x}', '/o/{}', '/o/{payload.id']) {
    assert.throws(
      () => compileTemplate(source, 'path', where),
      (error: unknown) => error instanceof ConfigError && error.code === 'invalid_config' && error.message.includes(where),
      source,
    );
  }
});
