import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { configFields, loadConfig, redactConfig } from './load.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('fills every field with its documented default', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    assert.equal(config.http.port, 8080);
    assert.equal(config.store.kind, 'sqlite');
    assert.equal(config.dataDir, join(dir, '.weft'));
    assert.equal(config.store.sqlite.path, join(dir, '.weft', 'weft.db'));
    for (const field of configFields()) assert.notEqual(field.defaultValue, undefined, `${field.path} has a default`);
  });

  it('applies file, then environment, then command line', () => {
    const file = join(dir, 'weft.config.json');
    writeFileSync(file, JSON.stringify({ http: { port: 9000, host: '0.0.0.0' }, log: { level: 'warn' } }));
    const config = loadConfig({ env: { WEFT_HTTP_PORT: '9100', WEFT_HTTP_TRUST_PROXY: 'true' }, cwd: dir, overrides: { 'http.port': 9200 } });
    assert.equal(config.http.port, 9200);
    assert.equal(config.http.host, '0.0.0.0');
    assert.equal(config.http.trustProxy, true);
    assert.equal(config.log.level, 'warn');
    assert.equal(loadConfig({ env: { WEFT_HTTP_PORT: '9100' }, cwd: dir }).http.port, 9100);
  });

  it('names the field, the value and its origin when a value is invalid', () => {
    assert.throws(() => loadConfig({ env: { WEFT_HTTP_PORT: '70000' }, cwd: tmpdir() }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'invalid_config');
      assert.match(error.message, /http\.port/);
      assert.match(error.message, /70000/);
      assert.match(error.message, /WEFT_HTTP_PORT/);
      return true;
    });
    assert.throws(() => loadConfig({ env: { WEFT_HTTP_PORT: 'eighty' }, cwd: tmpdir() }), /WEFT_HTTP_PORT must be a number/);
    assert.throws(() => loadConfig({ env: { WEFT_STORE_KIND: 'mysql' }, cwd: tmpdir() }), /store\.kind/);
    assert.throws(() => loadConfig({ env: { WEFT_HTTP_PROT: '1' }, cwd: tmpdir() }), /unknown environment variable WEFT_HTTP_PROT/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ http: { prot: 1 } }));
    assert.throws(() => loadConfig({ env: {}, file: bad }), /http\.prot: unknown field/);
    writeFileSync(bad, '{ not json');
    assert.throws(() => loadConfig({ env: {}, file: bad }), /is not valid JSON/);
  });

  it('never shows a secret, not even in an error', () => {
    const url = 'postgres://weft:hunter2@db:5432/weft';
    const config = loadConfig({ env: { WEFT_STORE_POSTGRES_URL: url }, cwd: tmpdir() });
    assert.equal(config.store.postgres.url, url);
    assert.equal(redactConfig(config).store.postgres.url, '***');
    assert.equal(config.store.postgres.url, url, 'redaction works on a copy');
    assert.throws(
      () => loadConfig({ env: {}, cwd: tmpdir(), overrides: { 'store.postgres.url': 42 } }),
      (error: Error) => !error.message.includes('42') && /store\.postgres\.url/.test(error.message),
    );
  });
});
