import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';

/**
 * The PostgreSQL server tests use: WEFT_TEST_POSTGRES_URL, or the local default (user `postgres`,
 * named because the driver takes the default user from $USER, which CI containers often lack).
 */
export const postgresTestUrl = process.env.WEFT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be used (one line), or undefined when it answers. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: postgresTestUrl, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    const where = URL.canParse(postgresTestUrl) ? new URL(postgresTestUrl).host : 'the configured server';
    return `PostgreSQL unreachable at ${where} (${(error as Error).message}); start it or set WEFT_TEST_POSTGRES_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Registers the stand-in test for a suite that cannot run: in CI (CI=true) the server is required,
 * so it fails; elsewhere it is skipped with the reason.
 */
export function reportPostgresUnavailable(suite: string, reason: string): void {
  if (process.env.CI === 'true') test(`${suite}: PostgreSQL available (required in CI)`, () => assert.fail(reason));
  else test(suite, { skip: reason }, () => undefined);
}

/** Runs `fn` with a short-lived admin connection. */
export async function withPostgres<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresTestUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
