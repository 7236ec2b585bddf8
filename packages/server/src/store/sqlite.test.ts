import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, Migrator, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeStoreConformance } from './conformance.js';
import type { KyselyStore } from './kysely-store.js';
import { createMigrationProvider, migrateToLatest } from './migrations.js';
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
    expect(rows.map((r) => r.name)).toEqual(['0001_initial', '0002_user_pool']);
  });

  it('upgrades a database migrated before the user pool, keeping its data', async () => {
    const filename = freshFile();
    const old = createSqliteStore({ filename });
    // Apply 0001 only, as a release without the user pool did.
    const provider = createMigrationProvider('sqlite');
    const initialOnly = new Migrator({
      db: old.db as unknown as Kysely<unknown>,
      provider: {
        async getMigrations() {
          const { '0001_initial': initial } = await provider.getMigrations();
          if (initial === undefined) throw new Error('0001_initial is missing');
          return { '0001_initial': initial };
        },
      },
    });
    const { error } = await initialOnly.migrateToLatest();
    expect(error).toBeUndefined();
    await old.ensureUser('u1', { username: 'before' }, new Date(0));
    await expect(old.getPoolUser('pool', 'sub')).rejects.toThrow(/no such table/);
    await old.close();

    const store = track(createSqliteStore({ filename }));
    await store.migrate();
    expect((await store.getUser('u1'))?.username).toBe('before');
    const user = {
      poolId: 'pool',
      sub: 'sub',
      email: 'a@example.com',
      emailVerified: false,
      attributes: {},
      status: 'UNCONFIRMED' as const,
      enabled: true,
      createdAt: new Date(0),
    };
    expect(await store.createPoolUser(user)).toBe(true);
    expect((await store.getPoolUser('pool', 'sub'))?.email).toBe('a@example.com');
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      store.db,
    );
    expect(rows.map((r) => r.name)).toEqual(['0001_initial', '0002_user_pool']);
  });

  it('the user pool migration goes down and up again', async () => {
    const store = track(createSqliteStore({ filename: freshFile() }));
    await store.migrate();
    const migrator = new Migrator({
      db: store.db as unknown as Kysely<unknown>,
      provider: createMigrationProvider('sqlite'),
    });
    expect((await migrator.migrateDown()).error).toBeUndefined();
    await expect(store.listSigningKeys(new Date(0))).rejects.toThrow(/no such table/);
    await store.migrate();
    expect(await store.listSigningKeys(new Date(0))).toEqual([]);
  });

  it('a refused rate-limit hit records nothing, and SQLite needs no key rows', async () => {
    const store = track(createSqliteStore({ filename: ':memory:' }));
    await store.migrate();
    const hits = async () => (await store.db.selectFrom('rate_limit_hits').selectAll().execute()).length;
    const windows = [{ windowMs: 60_000, max: 2 }];
    for (const expected of [true, true, false, false]) {
      expect(await store.hitRateLimit('k', windows, new Date(1000))).toBe(expected);
    }
    expect(await hits()).toBe(2);
    // No key rows on SQLite: its write lock already serializes the check and the insert.
    expect(await store.db.selectFrom('rate_limit_keys').selectAll().execute()).toEqual([]);
    // Pruning deletes hits past the longest allowed window (24 h), not before.
    expect(await store.pruneExpired(new Date(1000 + 24 * 3_600_000 - 1))).toBe(0);
    expect(await store.pruneExpired(new Date(1000 + 24 * 3_600_000))).toBe(2);
    expect(await hits()).toBe(0);
  });

  it('updatePoolUser rethrows errors other than the email clash', async () => {
    const store = track(createSqliteStore({ filename: ':memory:' }));
    await store.migrate();
    await store.db.schema.dropTable('pool_confirmation_codes').execute();
    await store.db.schema.dropTable('pool_refresh_tokens').execute();
    await store.db.schema.dropTable('pool_users').execute();
    await expect(
      store.updatePoolUser('pool', 'sub', { email: 'a@example.com' }, new Date(0)),
    ).rejects.toThrow(/no such table/);
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
