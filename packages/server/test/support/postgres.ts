/**
 * Per-test PostgreSQL databases on the server the `postgres` project's global
 * setup provides (see `pg-global-setup.ts`).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A database created for one test file or test server. */
export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  name: string;
  /** Drops the database (closing any connection still open to it). */
  drop(): Promise<void>;
}

/** True in the `postgres` project, which re-runs the integration suites on PostgreSQL. */
export function usePostgres(): boolean {
  return process.env.LATCHKEY_TEST_STORE === 'postgres';
}

/** The admin URL from the global setup; throws outside the `postgres` project. */
export function postgresAdminUrl(): string {
  const url = inject('latchkeyPostgresUrl');
  if (!url) throw new Error('No PostgreSQL for tests: run this file in the "postgres" vitest project.');
  return url;
}

async function admin<T>(task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database named `lk_<label>_<random>`.
 *
 * @example
 * ```ts
 * const db = await createTestDatabase('conformance');
 * const store = createPostgresStore({ url: db.url });
 * ```
 */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  const name = `lk_${safe}_${randomBytes(5).toString('hex')}`;
  await admin((client) => client.query(`create database "${name}"`));
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      admin((client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => {}),
  };
}
