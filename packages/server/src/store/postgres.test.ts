/**
 * The PostgreSQL store: the shared conformance suite, the pool's settings,
 * migrations from several instances at once, and every exactly-once method
 * raced across two pools (as two instances would) under READ COMMITTED.
 * Runs in the `postgres` vitest project, on a database of its own.
 */
import { type Kysely, Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import type { NewPoolUser } from '../core/pool-model.js';
import { describeStoreConformance } from './conformance.js';
import { createMigrationProvider } from './migrations.js';
import {
  createPostgresStore,
  DatabaseUnavailableError,
  describePostgresUrl,
  isPostgresUrl,
  type PostgresStore,
} from './postgres.js';
import { toNumber } from './rows.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('store');
});

afterAll(async () => {
  await database?.drop();
});

// One database for the whole suite: the conformance tests use ids unique per test.
describeStoreConformance('postgres', async () => createPostgresStore({ url: database.url }));

const T0 = Date.UTC(2031, 4, 6, 12, 0, 0);
const at = (offsetMs: number): Date => new Date(T0 + offsetMs);
let seq = 0;
const uid = (label: string): string => `${label}-${process.pid}-${++seq}`;

/** Runs `count` copies of `task` at once, alternating between the two stores. */
function acrossBoth<T>(
  stores: readonly [PostgresStore, PostgresStore],
  count: number,
  task: (store: PostgresStore, i: number) => Promise<T>,
): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => task(stores[i % 2] as PostgresStore, i)));
}

describe('createPostgresStore', () => {
  const open: PostgresStore[] = [];
  const track = (store: PostgresStore): PostgresStore => {
    open.push(store);
    return store;
  };

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close().catch(() => undefined);
  });

  it('recognises PostgreSQL URLs and describes them without credentials', () => {
    expect(isPostgresUrl('postgres://u:p@db/x')).toBe(true);
    expect(isPostgresUrl('postgresql://db/x')).toBe(true);
    expect(isPostgresUrl('./data/latchkey.db')).toBe(false);
    expect(isPostgresUrl(undefined)).toBe(false);
    expect(describePostgresUrl('postgres://user:secret@db.internal:6432/latchkey?sslmode=require')).toBe(
      'db.internal:6432/latchkey',
    );
    expect(describePostgresUrl('postgres://db/latchkey')).toBe('db:5432/latchkey');
    expect(() => createPostgresStore({ url: 'latchkey.db' })).toThrow(TypeError);
  });

  it('sets the statement timeout, the idle-in-transaction timeout and the application name', async () => {
    const store = track(createPostgresStore({ url: database.url, statementTimeoutMs: 7000 }));
    const show = async (name: string) =>
      (await sql<Record<string, string>>`${sql.raw(`show ${name}`)}`.execute(store.db)).rows[0]?.[name];
    expect(await show('statement_timeout')).toBe('7s');
    expect(await show('idle_in_transaction_session_timeout')).toBe('1min');
    expect(await show('application_name')).toBe('latchkey');
    expect(await show('transaction_isolation')).toBe('read committed');
  });

  it('cancels a statement that runs past the statement timeout', async () => {
    const store = track(createPostgresStore({ url: database.url, statementTimeoutMs: 200 }));
    const started = Date.now();
    await expect(sql`select pg_sleep(5)`.execute(store.db)).rejects.toMatchObject({ code: '57014' });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('never opens more than poolMax connections, and queues the rest', async () => {
    const name = `lk-pool-${process.pid}-${++seq}`;
    const store = track(createPostgresStore({ url: database.url, poolMax: 2, applicationName: name }));
    const monitor = new pg.Client({ connectionString: database.url });
    await monitor.connect();
    try {
      const sleeps = Promise.all(
        Array.from({ length: 6 }, () => sql`select pg_sleep(0.3)`.execute(store.db)),
      );
      let done = false;
      void sleeps.finally(() => {
        done = true;
      });
      const seen: number[] = [];
      while (!done) {
        const { rows } = await monitor.query<{ n: string }>(
          'select count(*) as n from pg_stat_activity where application_name = $1',
          [name],
        );
        seen.push(Number(rows[0]?.n));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await sleeps;
      expect(Math.max(...seen)).toBe(2);
    } finally {
      await monitor.end();
    }
  });

  it('fails a query that waits longer than connectionTimeoutMs for a free connection', async () => {
    const store = track(createPostgresStore({ url: database.url, poolMax: 1, connectionTimeoutMs: 200 }));
    const busy = sql`select pg_sleep(1)`.execute(store.db);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(sql`select 1`.execute(store.db)).rejects.toThrow(/timeout exceeded when trying to connect/);
    await busy;
    expect((await sql<{ one: number }>`select 1 as one`.execute(store.db)).rows).toEqual([{ one: 1 }]);
  });

  it('reads int8 as numbers while safe, and refuses larger ones instead of rounding', async () => {
    const store = track(createPostgresStore({ url: database.url }));
    const { rows } = await sql<{ safe: unknown; unsafe: unknown }>`
      select 9007199254740991::int8 as safe, 9007199254740993::int8 as unsafe`.execute(store.db);
    expect(rows[0]?.safe).toBe(Number.MAX_SAFE_INTEGER);
    expect(rows[0]?.unsafe).toBe('9007199254740993');
    expect(() => toNumber(rows[0]?.unsafe as string)).toThrow(/integer/);
  });

  it('refuses text with U+0000 (which PostgreSQL cannot store) as an invalid request', async () => {
    const store = track(createPostgresStore({ url: database.url }));
    await store.migrate();
    await expect(store.getUser('a\u0000b')).rejects.toMatchObject({
      name: 'AuthError',
      code: 'invalid_request',
    });
    await expect(store.ensureUser('u\u0000', {}, at(0))).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(store.findUsers({ email: 'x\u0000@example.com', limit: 5 })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    // The connection is still usable afterwards, and JSON-escaped NULs are fine.
    const id = uid('nul');
    await store.ensureUser(id, { custom: { note: 'a\u0000b' } }, at(0));
    expect((await store.getUser(id))?.custom).toEqual({ note: 'a\u0000b' });
  });

  it('names the server, not the password, when it cannot connect', async () => {
    const store = track(
      createPostgresStore({ url: 'postgres://lk:hunter2@127.0.0.1:1/nowhere', connectionTimeoutMs: 2000 }),
    );
    const error = await store.migrate().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error?.message).toMatch(/^Cannot use PostgreSQL at 127\.0\.0\.1:1\/nowhere: /);
    expect(error?.message).not.toContain('hunter2');
  });

  it('instances starting together on an empty database migrate once, one after the other', async () => {
    const fresh = await createTestDatabase('migrate_race');
    try {
      const stores = Array.from({ length: 4 }, () => track(createPostgresStore({ url: fresh.url })));
      await Promise.all(stores.map((store) => store.migrate()));
      const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
        (stores[0] as PostgresStore).db,
      );
      expect(rows.map((r) => r.name)).toEqual(['0001_initial', '0002_user_pool']);
      expect((await (stores[3] as PostgresStore).ensureUser('u1', {}, at(0))).created).toBe(true);
    } finally {
      for (const store of open.splice(0)) await store.close();
      await fresh.drop();
    }
  });

  it('upgrades a database migrated before the user pool, keeping its data', async () => {
    const fresh = await createTestDatabase('upgrade');
    try {
      const old = track(createPostgresStore({ url: fresh.url }));
      const provider = createMigrationProvider('postgres');
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
      expect((await initialOnly.migrateToLatest()).error).toBeUndefined();
      await old.ensureUser('u1', { username: 'before' }, at(0));
      await expect(old.getPoolUser('pool', 'sub')).rejects.toThrow(/does not exist/);

      const store = track(createPostgresStore({ url: fresh.url }));
      await store.migrate();
      expect((await store.getUser('u1'))?.username).toBe('before');
      expect(await store.listSigningKeys(at(0))).toEqual([]);
    } finally {
      for (const store of open.splice(0)) await store.close();
      await fresh.drop();
    }
  });
});

describe('exactly once across two pools (two instances)', () => {
  let a: PostgresStore;
  let b: PostgresStore;
  let both: readonly [PostgresStore, PostgresStore];

  beforeAll(async () => {
    a = createPostgresStore({ url: database.url, applicationName: 'latchkey-a' });
    b = createPostgresStore({ url: database.url, applicationName: 'latchkey-b' });
    await Promise.all([a.migrate(), b.migrate()]);
    both = [a, b];
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  async function userWithAction(state: 'CHALLENGE_REQUIRED' | 'CHALLENGE_SUCCEEDED' = 'CHALLENGE_REQUIRED') {
    const userId = uid('user');
    await a.ensureUser(userId, {}, at(0));
    const { action } = await a.createAction({
      id: uid('act'),
      userId,
      actionCode: 'signIn',
      idempotencyKey: uid('idem'),
      state,
      createdAt: at(0),
    });
    return { userId, action };
  }

  it('consumeChallenge: one of 50 wins', async () => {
    const { userId, action } = await userWithAction();
    const id = uid('ch');
    await a.insertChallenge({
      id,
      kind: 'passkey_authentication',
      actionId: action.id,
      userId,
      challenge: 'c',
      createdAt: at(0),
      expiresAt: at(60_000),
    });
    const results = await acrossBoth(both, 50, (s, i) =>
      s.consumeChallenge(id, 'passkey_authentication', at(i)),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it('consumeActionValidation: one of 50 wins', async () => {
    const { action } = await userWithAction('CHALLENGE_SUCCEEDED');
    const results = await acrossBoth(both, 50, (s, i) => s.consumeActionValidation(action.id, at(i)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('reserveOtpAttempt: 50 reservations with max 5 yield exactly 1..5', async () => {
    const { userId } = await userWithAction();
    const email = await a.insertEmailAuthenticator({
      id: uid('em'),
      userId,
      email: `${uid('m')}@example.com`,
      createdAt: at(0),
    });
    const results = await acrossBoth(both, 50, (s) => s.reserveOtpAttempt(email.id, 5, at(0)));
    expect(results.filter((r) => r !== null).sort()).toEqual([1, 2, 3, 4, 5]);
    const stored = await b.getAuthenticator(email.id);
    expect(stored?.method === 'EMAIL_OTP' ? stored.otpFailures : -1).toBe(5);
  });

  it('consumeOtpCode: one of 50 wins; insertOtpCode: 20 concurrent sends leave one unused code', async () => {
    const { userId, action } = await userWithAction();
    const email = await a.insertEmailAuthenticator({
      id: uid('em'),
      userId,
      email: `${uid('m')}@example.com`,
      createdAt: at(0),
    });
    const ids = Array.from({ length: 20 }, () => uid('otp'));
    await acrossBoth(both, 20, (s, i) =>
      s.insertOtpCode({
        id: ids[i] as string,
        authenticatorId: email.id,
        actionId: action.id,
        codeHash: 'h',
        createdAt: at(i),
        expiresAt: at(600_000),
      }),
    );
    const unused: string[] = [];
    for (const id of ids) if ((await a.getOtpCode(id))?.usedAt === null) unused.push(id);
    expect(unused).toHaveLength(1);

    const results = await acrossBoth(both, 50, (s, i) => s.consumeOtpCode(unused[0] as string, at(i)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('recordPasskeyUse with one expected counter: one of 50 wins', async () => {
    const { userId } = await userWithAction();
    const id = uid('pk');
    await a.insertPasskey({
      id,
      userId,
      credentialId: uid('cred'),
      publicKey: 'k',
      counter: 7,
      transports: [],
      aaguid: '',
      backupEligible: false,
      backupState: false,
      uvInitialized: true,
      name: null,
      deviceId: null,
      attachment: null,
      createdAt: at(0),
    });
    const results = await acrossBoth(both, 50, (s, i) =>
      s.recordPasskeyUse(id, {
        expectedCounter: 7,
        newCounter: 8 + i,
        backupState: false,
        uvInitialized: true,
        usedAt: at(i),
      }),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await b.getAuthenticator(id);
    expect(stored?.method === 'PASSKEY' ? stored.counter : -1).toBe(8 + results.findIndex((r) => r !== null));
  });

  it('bindActionUser: one of 20 users binds a usernameless action', async () => {
    const users = Array.from({ length: 20 }, () => uid('user'));
    for (const user of users) await a.ensureUser(user, {}, at(0));
    const { action } = await a.createAction({
      id: uid('act'),
      userId: null,
      actionCode: 'signIn',
      idempotencyKey: uid('idem'),
      state: 'CHALLENGE_REQUIRED',
      createdAt: at(0),
    });
    const results = await acrossBoth(both, 20, (s, i) => s.bindActionUser(action.id, users[i] as string));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('hitRateLimit: 50 hits with max 10 admit exactly 10', async () => {
    const key = uid('rate');
    const results = await acrossBoth(both, 50, (s) =>
      s.hitRateLimit(key, [{ windowMs: 60_000, max: 10 }], at(0)),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
  });

  it('consumeAuthSession: one of 50 wins', async () => {
    const id = uid('session');
    const results = await acrossBoth(both, 50, (s) => s.consumeAuthSession(id, at(180_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refresh tokens and confirmation codes: one revocation wins, the attempt budget holds', async () => {
    const poolId = uid('pool');
    const sub = uid('sub');
    const user: NewPoolUser = {
      poolId,
      sub,
      email: `${sub}@example.com`,
      emailVerified: false,
      attributes: {},
      status: 'UNCONFIRMED',
      enabled: true,
      createdAt: at(0),
    };
    expect(await a.createPoolUser(user)).toBe(true);
    const tokenId = uid('rt');
    await a.insertRefreshToken({
      id: tokenId,
      poolId,
      sub,
      clientId: 'c',
      secretHash: 'h',
      authTime: at(0),
      createdAt: at(0),
      expiresAt: at(86_400_000),
    });
    const revoked = await acrossBoth(both, 50, (s, i) => s.revokeRefreshToken(tokenId, at(i)));
    expect(revoked.filter(Boolean)).toHaveLength(1);

    await a.setConfirmationCode({ poolId, sub, codeHash: 'h', expiresAt: at(86_400_000) });
    const attempts = await acrossBoth(both, 50, (s) => s.reserveConfirmationAttempt(poolId, sub, 3));
    expect(attempts.filter((n) => n !== null).sort()).toEqual([1, 2, 3]);
  });

  it('createPoolUser: 20 sign-ups with one email create one user', async () => {
    const poolId = uid('pool');
    const results = await acrossBoth(both, 20, (s, i) =>
      s.createPoolUser({
        poolId,
        sub: uid('sub'),
        email: i % 2 ? 'Same@Example.com' : 'same@example.com',
        emailVerified: false,
        attributes: {},
        status: 'UNCONFIRMED',
        enabled: true,
        createdAt: at(0),
      }),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('key rotation on both instances at once leaves an active key per use', async () => {
    const kids = Array.from({ length: 10 }, () => uid('kid'));
    await acrossBoth(both, 10, async (s, i) => {
      const kid = kids[i] as string;
      await s.insertSigningKey({
        kid,
        use: 'id',
        sealedPrivateKey: 's',
        publicJwk: '{}',
        createdAt: at(1000 + i),
        retiredAt: null,
        expiresAt: null,
      });
      await s.retireSigningKeys('id', kid, at(2000), at(3_600_000));
    });
    const active = (await a.listSigningKeys(at(2000))).filter((k) => kids.includes(k.kid) && !k.retiredAt);
    expect(active.map((k) => k.kid)).toContain(kids[9]);
  });
});
