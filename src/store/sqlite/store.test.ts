import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { storeContract } from '../../ports/store.contract.ts';
import { createSqliteStore } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-sqlite-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite', async (name, options) => createSqliteStore({ ...options, path: join(dir, `${name}.db`) }));
