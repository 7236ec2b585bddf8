import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeStoreConformance } from './conformance.js';
import type { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import { createSqliteStore } from './sqlite.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'latchkey-store-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A database path in a fresh directory under the suite's temp root. */
function freshFile(): string {
  return join(mkdtempSync(join(root, 'db-')), 'nested', 'latchkey.db');
}

// A file per test, so WAL and the pragmas are really exercised.
describeStoreConformance('sqlite file', async () => createSqliteStore({ filename: freshFile() }));
describeStoreConformance('sqlite :memory:', async () => createSqliteStore({ filename: ':memory:' }));

describe('createSqliteStore', () => {
  const open: KyselyStore[] = [];
  const track = (store: KyselyStore): KyselyStore => {
    open.push(store);
    return store;
  };

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close().catch(() => undefined);
  });

  it('creates the parent directory and sets the pragmas', async () => {
    const filename = freshFile();
    const store = track(createSqliteStore({ filename }));
    await store.migrate();
    await store.ensureUser('u1', {}, new Date(0));
    expect(existsSync(filename)).toBe(true);
    expect(existsSync(`${filename}-wal`)).toBe(true);

    const pragma = async (name: string): Promise<unknown> => {
      const { rows } = await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.db);
      // The result column is not always named after the pragma (busy_timeout → "timeout").
      return Object.values(rows[0] ?? {})[0];
    };
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    expect(await pragma('synchronous')).toBe(1); // NORMAL
  });

  it('works in memory', async () => {
    const store = track(createSqliteStore({ filename: ':memory:' }));
    await store.migrate();
    expect((await store.ensureUser('u1', { username: 'mem' }, new Date(0))).created).toBe(true);
    expect((await store.getUser('u1'))?.username).toBe('mem');
  });

  it('migrating twice is harmless', async () => {
    const store = track(createSqliteStore({ filename: freshFile() }));
    await store.migrate();
    await store.ensureUser('u1', { username: 'kept' }, new Date(0));
    await store.migrate();
    await migrateToLatest(store.db);
    expect((await store.getUser('u1'))?.username).toBe('kept');
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
    expect(rows.map((r) => r.name)).toEqual(['0001_initial']);
  });

  it('a reopened file keeps its data', async () => {
    const filename = freshFile();
    const first = createSqliteStore({ filename });
    await first.migrate();
    await first.ensureUser('u1', { email: 'a@example.com' }, new Date(1000));
    expect(
      await first.insertPasskey({
        id: 'pk1',
        userId: 'u1',
        credentialId: 'cred1',
        publicKey: 'key',
        counter: 3,
        transports: ['internal'],
        aaguid: '00000000-0000-0000-0000-000000000000',
        backupEligible: true,
        backupState: true,
        uvInitialized: true,
        name: null,
        deviceId: null,
        attachment: null,
        createdAt: new Date(1000),
      }),
    ).toBe(true);
    await first.appendEvent({ type: 'user.created', userId: 'u1' }, new Date(1000));
    await first.close();

    const second = track(createSqliteStore({ filename }));
    await second.migrate();
    expect((await second.getUser('u1'))?.email).toBe('a@example.com');
    expect((await second.getPasskeyByCredentialId('cred1'))?.counter).toBe(3);
    expect(await second.listEvents({ userId: 'u1', limit: 5 })).toHaveLength(1);
    // The autoincrement keeps counting after a reopen.
    await second.appendEvent({ type: 'user.created', userId: 'u1' }, new Date(2000));
    const [newest, oldest] = await second.listEvents({ userId: 'u1', limit: 5 });
    expect((newest?.id ?? 0) > (oldest?.id ?? 0)).toBe(true);
  });

  it('two connections to one file consume a challenge exactly once', async () => {
    const filename = freshFile();
    const a = track(createSqliteStore({ filename }));
    const b = track(createSqliteStore({ filename }));
    await a.migrate();
    await b.migrate();
    await a.ensureUser('u1', {}, new Date(0));
    await a.createAction({
      id: 'act1',
      userId: 'u1',
      actionCode: 'signIn',
      idempotencyKey: 'k',
      state: 'CHALLENGE_REQUIRED',
      createdAt: new Date(0),
    });
    await a.insertChallenge({
      id: 'ch1',
      kind: 'passkey_authentication',
      actionId: 'act1',
      userId: 'u1',
      challenge: 'abc',
      createdAt: new Date(0),
      expiresAt: new Date(60_000),
    });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? a : b).consumeChallenge('ch1', 'passkey_authentication', new Date(i)),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect((await b.getChallenge('ch1'))?.usedAt).not.toBeNull();
  });
});
