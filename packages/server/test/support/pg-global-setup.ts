/**
 * Vitest global setup of the `postgres` project: one PostgreSQL server for the
 * whole run, handed to test files as `inject('latchkeyPostgresUrl')`. Each
 * file (or test server) creates its own database on it (see `postgres.ts`),
 * so files run in parallel without sharing tables.
 */
import type { TestProject } from 'vitest/node';
import { postgresForTests, startPgCluster } from './pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL whose role may create databases. */
    latchkeyPostgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const found = postgresForTests();
  if (found.kind === 'missing') {
    // vitest.config.ts leaves this project out when PostgreSQL is missing, except in CI.
    throw new Error(`The PostgreSQL tests cannot run: ${found.reason}.`);
  }
  if (found.kind === 'url') {
    project.provide('latchkeyPostgresUrl', found.url);
    return undefined;
  }
  const started = Date.now();
  const cluster = await startPgCluster(found.bin);
  console.log(
    `PostgreSQL test cluster on ${cluster.url} (${found.bin}, ready in ${Date.now() - started} ms)`,
  );
  project.provide('latchkeyPostgresUrl', cluster.url);
  return () => cluster.stop();
}
