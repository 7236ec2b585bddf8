/**
 * `DATABASE_URL=postgres://… npm start`: the dev server (`latchkey dev`) runs
 * on PostgreSQL, creating its tables there and no SQLite file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Authsignal } from '@authsignal/node';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { freePort } from '../support/server.js';

const BIN = resolve(import.meta.dirname, '../../bin/latchkey.js');

let database: TestDatabase;
let dir: string;
const kills: (() => void)[] = [];

beforeAll(async () => {
  database = await createTestDatabase('dev');
  dir = mkdtempSync(join(tmpdir(), 'latchkey-dev-pg-'));
});

afterAll(async () => {
  for (const kill of kills) kill();
  rmSync(dir, { recursive: true, force: true });
  await database?.drop();
});

it('latchkey dev with DATABASE_URL keeps everything in PostgreSQL', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'dev'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      DATABASE_URL: database.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  kills.push(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((done) => child.once('exit', done));

  const baseUrl = `http://localhost:${port}`;
  await expect
    .poll(async () => (await fetch(`${baseUrl}/health`).catch(() => undefined))?.status, { timeout: 60_000 })
    .toBe(200);
  await expect.poll(() => output, { timeout: 10_000 }).toContain('settings');
  expect(output).toContain(`database      PostgreSQL ${new URL(database.url).host}/${database.name}`);

  const devJson = JSON.parse(readFileSync(join(dir, '.latchkey', 'dev.json'), 'utf8')) as {
    secretKey: string;
  };
  const sdk = new Authsignal({ apiSecretKey: devJson.secretKey, apiUrl: `${baseUrl}/v1`, retries: 0 });
  const { token } = await sdk.track({
    userId: 'dev-pg-user',
    action: 'signIn',
    attributes: { email: 'dev@example.com' },
  });
  expect(token).toBeTypeOf('string');

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const users = await client.query<{ id: string }>('select id from users');
    expect(users.rows.map((r) => r.id)).toEqual(['dev-pg-user']);
    const keys = await client.query<{ n: string }>('select count(*) as n from signing_keys');
    expect(Number(keys.rows[0]?.n)).toBe(2);
  } finally {
    await client.end();
  }
  expect(existsSync(join(dir, '.latchkey', 'latchkey.db'))).toBe(false);

  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
