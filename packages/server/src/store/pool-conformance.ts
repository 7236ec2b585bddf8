/**
 * {@link PoolStore} part of the store conformance suite, declared by
 * `describeStoreConformance` (in `conformance.ts`) inside its `PoolStore` block,
 * so it shares that suite's per-test store and unique ids.
 *
 * Pool ids, session ids and kids are unique per test. Signing keys are not
 * scoped to a pool, so key tests only look at their own kids (the database may
 * be shared between tests). Times are explicit dates; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import type {
  ConfirmationCode,
  NewPoolUser,
  PoolUser,
  PoolUserFilter,
  RefreshTokenRecord,
  SigningKeyRecord,
} from '../core/pool-model.js';
import type { PoolStore, Store } from '../core/ports.js';

/** A fixed origin for every test clock. */
const T0 = Date.UTC(2031, 4, 6, 12, 0, 0);
const at = (offsetMs: number): Date => new Date(T0 + offsetMs);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Runs `count` copies of `task` at once. */
function inParallel<T>(count: number, task: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => task(i)));
}

/** What the store hands back for a freshly created user. */
function stored(user: NewPoolUser): PoolUser {
  return { ...user, tokensRevokedBefore: null, updatedAt: user.createdAt };
}

/** Narrows an updatePoolUser result to a user, failing the test otherwise. */
function asUser(result: PoolUser | null | 'email_exists'): PoolUser {
  expect(result).not.toBeNull();
  expect(result).not.toBe('email_exists');
  return result as PoolUser;
}

/** What the pool conformance tests need from the enclosing suite. */
export interface PoolConformanceContext {
  /** The (migrated) store of the running test. */
  store(): Store & PoolStore;
  /** An id unique to the running test; ids of one label sort in creation order. */
  uid(label: string): string;
}

/** Declares the {@link PoolStore} tests; call inside a `describe` of the store suite. */
export function describePoolStoreTests(ctx: PoolConformanceContext): void {
  const { uid } = ctx;
  const store = (): Store & PoolStore => ctx.store();

  // ------------------------------------------------------------ fixtures

  function newUser(poolId: string, overrides: Partial<NewPoolUser> = {}): NewPoolUser {
    return {
      poolId,
      sub: uid('sub'),
      email: `${uid('mail')}@example.com`,
      emailVerified: false,
      attributes: {},
      status: 'UNCONFIRMED',
      enabled: true,
      createdAt: at(0),
      ...overrides,
    };
  }

  async function makeUser(poolId: string, overrides: Partial<NewPoolUser> = {}): Promise<NewPoolUser> {
    const user = newUser(poolId, overrides);
    expect(await store().createPoolUser(user)).toBe(true);
    return user;
  }

  async function makeToken(
    poolId: string,
    sub: string,
    overrides: Partial<Omit<RefreshTokenRecord, 'revokedAt'>> = {},
  ): Promise<Omit<RefreshTokenRecord, 'revokedAt'>> {
    const token: Omit<RefreshTokenRecord, 'revokedAt'> = {
      id: uid('rt'),
      poolId,
      sub,
      clientId: 'client-1',
      secretHash: uid('secret'),
      authTime: at(-5000),
      createdAt: at(0),
      expiresAt: at(30 * DAY),
      ...overrides,
    };
    await store().insertRefreshToken(token);
    return token;
  }

  async function makeCode(
    poolId: string,
    sub: string,
    overrides: Partial<Omit<ConfirmationCode, 'attempts'>> = {},
  ): Promise<Omit<ConfirmationCode, 'attempts'>> {
    const code = { poolId, sub, codeHash: uid('hash'), expiresAt: at(DAY), ...overrides };
    await store().setConfirmationCode(code);
    return code;
  }

  function newKey(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
    return {
      kid: uid('kid'),
      use: 'id',
      sealedPrivateKey: uid('sealed'),
      publicJwk: JSON.stringify({ kty: 'RSA', n: uid('n'), e: 'AQAB' }),
      createdAt: at(0),
      retiredAt: null,
      expiresAt: null,
      ...overrides,
    };
  }

  async function subsOf(
    poolId: string,
    query: { filter?: PoolUserFilter; limit: number; afterSub?: string },
  ): Promise<string[]> {
    return (await store().listPoolUsers(poolId, query)).map((u) => u.sub);
  }

  // --------------------------------------------------------------- users

  describe('pool users', () => {
    it('createPoolUser stores every field; getPoolUser reads it back, per pool', async () => {
      const poolId = uid('pool');
      const user = newUser(poolId, {
        email: 'Alice.Smith@Example.COM',
        emailVerified: true,
        attributes: { name: 'Alice', phone_number: '+15550100', 'custom:tier': 'gold' },
        status: 'CONFIRMED',
        createdAt: at(1234),
      });
      expect(await store().createPoolUser(user)).toBe(true);
      const expected: PoolUser = {
        poolId,
        sub: user.sub,
        email: 'Alice.Smith@Example.COM',
        emailVerified: true,
        attributes: { name: 'Alice', phone_number: '+15550100', 'custom:tier': 'gold' },
        status: 'CONFIRMED',
        enabled: true,
        tokensRevokedBefore: null,
        createdAt: at(1234),
        updatedAt: at(1234),
      };
      expect(await store().getPoolUser(poolId, user.sub)).toEqual(expected);
      expect(await store().getPoolUser(uid('pool'), user.sub)).toBeNull();
      expect(await store().getPoolUser(poolId, uid('missing'))).toBeNull();
    });

    it('stores a null email, false flags and every status; null emails may repeat', async () => {
      const poolId = uid('pool');
      const a = await makeUser(poolId, { email: null, enabled: false, status: 'FORCE_CHANGE_PASSWORD' });
      const b = await makeUser(poolId, { email: null, status: 'RESET_REQUIRED' });
      expect(await store().getPoolUser(poolId, a.sub)).toEqual(stored(a));
      expect(await store().getPoolUser(poolId, b.sub)).toEqual(stored(b));
      const disabled = await store().getPoolUser(poolId, a.sub);
      expect(disabled?.enabled).toBe(false);
      expect(disabled?.emailVerified).toBe(false);
      expect(disabled?.attributes).toEqual({});
    });

    it('createPoolUser refuses an email already in the pool, case-insensitively, writing nothing', async () => {
      const poolId = uid('pool');
      const email = `${uid('Dup')}@Example.com`;
      const first = await makeUser(poolId, { email });

      const clash = newUser(poolId, { email: email.toUpperCase(), attributes: { name: 'Mallory' } });
      expect(await store().createPoolUser(clash)).toBe(false);
      expect(await store().createPoolUser({ ...clash, email: email.toLowerCase() })).toBe(false);
      expect(await store().getPoolUser(poolId, clash.sub)).toBeNull();
      expect(await store().findPoolUserByEmail(poolId, email)).toEqual(stored(first));
      expect(await subsOf(poolId, { limit: 10 })).toEqual([first.sub]);

      // Another pool may use the same address.
      const otherPool = uid('pool');
      const elsewhere = newUser(otherPool, { email });
      expect(await store().createPoolUser(elsewhere)).toBe(true);
      expect((await store().findPoolUserByEmail(otherPool, email))?.sub).toBe(elsewhere.sub);
    });

    it('findPoolUserByEmail is case-insensitive and scoped to the pool', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId, { email: 'Bob.Jones@Example.COM' });
      expect(await store().findPoolUserByEmail(poolId, 'bob.jones@example.com')).toEqual(stored(user));
      const upper = await store().findPoolUserByEmail(poolId, 'BOB.JONES@EXAMPLE.COM');
      expect(upper?.sub).toBe(user.sub);
      expect(upper?.email).toBe('Bob.Jones@Example.COM');
      expect(await store().findPoolUserByEmail(uid('pool'), 'bob.jones@example.com')).toBeNull();
      expect(await store().findPoolUserByEmail(poolId, 'nobody@example.com')).toBeNull();
    });

    it('updatePoolUser applies only the defined fields, replaces attributes whole, bumps updatedAt', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId, {
        email: 'Carol@Example.com',
        attributes: { name: 'Carol', given_name: 'C', 'custom:plan': 'pro' },
      });

      const updated = asUser(
        await store().updatePoolUser(
          poolId,
          user.sub,
          { attributes: { name: 'Caroline' }, emailVerified: true, status: 'CONFIRMED' },
          at(1000),
        ),
      );
      expect(updated).toEqual({
        ...stored(user),
        attributes: { name: 'Caroline' },
        emailVerified: true,
        status: 'CONFIRMED',
        updatedAt: at(1000),
      });
      expect(await store().getPoolUser(poolId, user.sub)).toEqual(updated);

      const signedOut = await store().updatePoolUser(
        poolId,
        user.sub,
        { enabled: false, tokensRevokedBefore: at(1500) },
        at(2000),
      );
      expect(signedOut).toEqual({
        ...updated,
        enabled: false,
        tokensRevokedBefore: at(1500),
        updatedAt: at(2000),
      });

      const cleared = asUser(
        await store().updatePoolUser(
          poolId,
          user.sub,
          { tokensRevokedBefore: null, attributes: {}, enabled: true },
          at(3000),
        ),
      );
      expect(cleared.tokensRevokedBefore).toBeNull();
      expect(cleared.attributes).toEqual({});
      expect(cleared.enabled).toBe(true);
      expect(cleared.email).toBe('Carol@Example.com');
      expect(cleared.status).toBe('CONFIRMED');
      expect(cleared.createdAt).toEqual(at(0));
      expect(await store().getPoolUser(poolId, user.sub)).toEqual(cleared);
    });

    it('updatePoolUser moves the email alias and frees the old one', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId, { email: 'old@example.com' });

      const moved = asUser(
        await store().updatePoolUser(poolId, user.sub, { email: 'New.Address@Example.com' }, at(10)),
      );
      expect(moved.email).toBe('New.Address@Example.com');
      expect(await store().findPoolUserByEmail(poolId, 'old@example.com')).toBeNull();
      expect((await store().findPoolUserByEmail(poolId, 'new.address@example.com'))?.sub).toBe(user.sub);
      expect(await store().createPoolUser(newUser(poolId, { email: 'OLD@example.com' }))).toBe(true);

      // The case of one's own address may change.
      const recased = asUser(
        await store().updatePoolUser(poolId, user.sub, { email: 'new.address@example.com' }, at(20)),
      );
      expect(recased.email).toBe('new.address@example.com');

      const none = asUser(await store().updatePoolUser(poolId, user.sub, { email: null }, at(30)));
      expect(none.email).toBeNull();
      expect(await store().findPoolUserByEmail(poolId, 'new.address@example.com')).toBeNull();
    });

    it('updatePoolUser returns email_exists, writing nothing, when another user has the email', async () => {
      const poolId = uid('pool');
      const alice = await makeUser(poolId, { email: 'alice@example.com' });
      const bob = await makeUser(poolId, { email: 'bob@example.com', attributes: { name: 'Bob' } });

      expect(
        await store().updatePoolUser(
          poolId,
          bob.sub,
          { email: 'ALICE@example.com', attributes: { name: 'Mallory' }, emailVerified: true },
          at(500),
        ),
      ).toBe('email_exists');
      expect(await store().getPoolUser(poolId, bob.sub)).toEqual(stored(bob));
      expect(await store().getPoolUser(poolId, alice.sub)).toEqual(stored(alice));
      expect((await store().findPoolUserByEmail(poolId, 'alice@example.com'))?.sub).toBe(alice.sub);
      expect((await store().findPoolUserByEmail(poolId, 'bob@example.com'))?.sub).toBe(bob.sub);

      // The same address in another pool is no clash.
      const otherPool = uid('pool');
      const carol = await makeUser(otherPool);
      expect(
        asUser(await store().updatePoolUser(otherPool, carol.sub, { email: 'alice@example.com' }, at(1)))
          .email,
      ).toBe('alice@example.com');
    });

    it('updatePoolUser returns null for an unknown user and creates nothing', async () => {
      const poolId = uid('pool');
      await makeUser(poolId, { email: 'taken@example.com' });
      const ghost = uid('missing');
      expect(await store().updatePoolUser(poolId, ghost, { status: 'CONFIRMED' }, at(0))).toBeNull();
      expect(await store().updatePoolUser(poolId, ghost, { email: 'taken@example.com' }, at(0))).toBeNull();
      expect(await store().getPoolUser(poolId, ghost)).toBeNull();
    });

    it('deletePoolUser deletes the user with its refresh tokens and confirmation code only', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId);
      const other = await makeUser(poolId);
      const token = await makeToken(poolId, user.sub);
      const otherToken = await makeToken(poolId, other.sub);
      await makeCode(poolId, user.sub);
      const otherCode = await makeCode(poolId, other.sub);

      expect(await store().deletePoolUser(poolId, user.sub)).toBe(true);
      expect(await store().getPoolUser(poolId, user.sub)).toBeNull();
      expect(await store().getRefreshToken(token.id)).toBeNull();
      expect(await store().getConfirmationCode(poolId, user.sub)).toBeNull();

      expect(await store().getPoolUser(poolId, other.sub)).toEqual(stored(other));
      expect(await store().getRefreshToken(otherToken.id)).toEqual({ ...otherToken, revokedAt: null });
      expect(await store().getConfirmationCode(poolId, other.sub)).toEqual({ ...otherCode, attempts: 0 });

      expect(await store().deletePoolUser(poolId, user.sub)).toBe(false);
      expect(await store().deletePoolUser(uid('pool'), other.sub)).toBe(false);
      expect((await store().getPoolUser(poolId, other.sub))?.sub).toBe(other.sub);

      // The address of the deleted user is free again.
      expect(await store().createPoolUser(newUser(poolId, { email: user.email }))).toBe(true);
    });

    it('migrating again keeps pool data', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId);
      await store().migrate();
      expect(await store().getPoolUser(poolId, user.sub)).toEqual(stored(user));
    });
  });

  // ------------------------------------------------------------- listing

  describe('listPoolUsers', () => {
    it('orders by sub and pages with afterSub, within the pool', async () => {
      const poolId = uid('pool');
      const subs = [uid('lu'), uid('lu'), uid('lu'), uid('lu'), uid('lu')] as const;
      for (const i of [3, 0, 4, 1, 2] as const) await makeUser(poolId, { sub: subs[i] });
      const otherPool = uid('pool');
      const outsider = await makeUser(otherPool);

      expect(await subsOf(poolId, { limit: 10 })).toEqual([...subs]);
      expect(await subsOf(poolId, { limit: 2 })).toEqual([subs[0], subs[1]]);
      expect(await subsOf(poolId, { limit: 2, afterSub: subs[1] })).toEqual([subs[2], subs[3]]);
      expect(await subsOf(poolId, { limit: 2, afterSub: subs[3] })).toEqual([subs[4]]);
      expect(await subsOf(poolId, { limit: 2, afterSub: subs[4] })).toEqual([]);
      // The cursor need not be an existing sub.
      expect(await subsOf(poolId, { limit: 2, afterSub: `${subs[1]}~` })).toEqual([subs[2], subs[3]]);
      expect(await subsOf(poolId, { limit: 0 })).toEqual([]);
      expect(await subsOf(otherPool, { limit: 10 })).toEqual([outsider.sub]);
      expect(await subsOf(uid('pool'), { limit: 10 })).toEqual([]);

      const [first] = await store().listPoolUsers(poolId, { limit: 1 });
      expect(first).toEqual(await store().getPoolUser(poolId, subs[0]));
    });

    it('filters on sub, username, email and status, case-sensitively', async () => {
      const poolId = uid('pool');
      const a = await makeUser(poolId, {
        sub: uid('flt'),
        email: 'Alice.Smith@Example.com',
        status: 'CONFIRMED',
      });
      const b = await makeUser(poolId, { sub: uid('flt'), email: 'alice.jones@example.com' });
      const c = await makeUser(poolId, { sub: uid('flt'), email: null, status: 'CONFIRMED' });
      await makeUser(uid('pool'), { email: 'Alice.Smith@Example.com', status: 'CONFIRMED' });
      const list = (attribute: string, operator: '=' | '^=', value: string, limit = 10, afterSub?: string) =>
        subsOf(poolId, {
          filter: { attribute, operator, value },
          limit,
          ...(afterSub === undefined ? {} : { afterSub }),
        });

      // Email: exact and prefix matches are case-sensitive, as Cognito filters are.
      expect(await list('email', '=', 'Alice.Smith@Example.com')).toEqual([a.sub]);
      expect(await list('email', '=', 'alice.smith@example.com')).toEqual([]);
      expect(await list('email', '=', 'Alice.Smith@Example.co')).toEqual([]);
      expect(await list('email', '^=', 'Alice')).toEqual([a.sub]);
      expect(await list('email', '^=', 'alice.')).toEqual([b.sub]);
      expect(await list('email', '^=', 'ALICE')).toEqual([]);

      // sub and username (= sub).
      expect(await list('sub', '=', b.sub)).toEqual([b.sub]);
      expect(await list('username', '=', b.sub)).toEqual([b.sub]);
      expect(await list('username', '=', b.sub.toUpperCase())).toEqual([]);
      const common = a.sub.slice(0, a.sub.lastIndexOf('-') + 1);
      expect(await list('sub', '^=', common)).toEqual([a.sub, b.sub, c.sub]);
      expect(await list('username', '^=', common, 2, a.sub)).toEqual([b.sub, c.sub]);

      // Status, under both names.
      expect(await list('cognito:user_status', '=', 'CONFIRMED')).toEqual([a.sub, c.sub]);
      expect(await list('status', '=', 'UNCONFIRMED')).toEqual([b.sub]);
      expect(await list('cognito:user_status', '^=', 'UN')).toEqual([b.sub]);
      expect(await list('status', '=', 'confirmed')).toEqual([]);
      expect(await list('status', '=', 'CONFIRMED', 1)).toEqual([a.sub]);
      expect(await list('status', '=', 'CONFIRMED', 1, a.sub)).toEqual([c.sub]);
      expect(await list('status', '=', 'CONFIRMED', 1, c.sub)).toEqual([]);
    });

    it('filters on any attribute, exact or prefix, case-sensitively', async () => {
      const poolId = uid('pool');
      const u1 = await makeUser(poolId, {
        sub: uid('attr'),
        attributes: { name: 'Dana', 'custom:team': 'red' },
      });
      const u2 = await makeUser(poolId, {
        sub: uid('attr'),
        attributes: { name: 'Daniel', 'custom:team': 'Red' },
      });
      const u3 = await makeUser(poolId, { sub: uid('attr'), attributes: { given_name: 'Dana' } });
      const u4 = await makeUser(poolId, { sub: uid('attr'), attributes: { name: 'dan' } });
      await makeUser(uid('pool'), { attributes: { name: 'Dana' } });
      const list = (attribute: string, operator: '=' | '^=', value: string, limit = 10, afterSub?: string) =>
        subsOf(poolId, {
          filter: { attribute, operator, value },
          limit,
          ...(afterSub === undefined ? {} : { afterSub }),
        });

      expect(await list('name', '=', 'Dana')).toEqual([u1.sub]);
      expect(await list('name', '^=', 'Dan')).toEqual([u1.sub, u2.sub]);
      expect(await list('name', '^=', 'dan')).toEqual([u4.sub]);
      expect(await list('given_name', '=', 'Dana')).toEqual([u3.sub]);
      expect(await list('custom:team', '=', 'red')).toEqual([u1.sub]);
      expect(await list('custom:team', '^=', 'R')).toEqual([u2.sub]);
      expect(await list('nickname', '=', 'Dana')).toEqual([]);
      // Names of Object.prototype members are not attributes.
      expect(await list('toString', '^=', '')).toEqual([]);
      expect(await list('constructor', '^=', 'function')).toEqual([]);

      expect(await list('name', '^=', 'Dan', 1)).toEqual([u1.sub]);
      expect(await list('name', '^=', 'Dan', 1, u1.sub)).toEqual([u2.sub]);
      expect(await list('name', '^=', 'Dan', 1, u2.sub)).toEqual([]);
      expect(await list('name', '^=', 'Dan', 0)).toEqual([]);

      const [found] = await store().listPoolUsers(poolId, {
        filter: { attribute: 'custom:team', operator: '=', value: 'red' },
        limit: 5,
      });
      expect(found).toEqual(stored(u1));
    });

    it('treats % and _ in filter values literally', async () => {
      const poolId = uid('pool');
      const a = await makeUser(poolId, {
        sub: uid('lit'),
        email: 'a_b%c@example.com',
        attributes: { nickname: '50%_off' },
      });
      // Both would match the prefix `a_b%` (and `50%_`) if it were a LIKE pattern.
      await makeUser(poolId, {
        sub: uid('lit'),
        email: 'axbyc@example.com',
        attributes: { nickname: '50xyoff' },
      });
      await makeUser(poolId, {
        sub: uid('lit'),
        email: 'a_bzc@example.com',
        attributes: { nickname: '50%xoff' },
      });
      const list = (attribute: string, operator: '=' | '^=', value: string) =>
        subsOf(poolId, { filter: { attribute, operator, value }, limit: 10 });

      expect(await list('email', '^=', 'a_b%')).toEqual([a.sub]);
      expect(await list('email', '=', 'a_b%c@example.com')).toEqual([a.sub]);
      expect(await list('email', '=', 'a_b_c@example.com')).toEqual([]);
      expect(await list('nickname', '^=', '50%_')).toEqual([a.sub]);
      expect(await list('nickname', '=', '50%_off')).toEqual([a.sub]);
      expect(await list('nickname', '=', '50__off')).toEqual([]);
      expect(await list('sub', '^=', '%')).toEqual([]);
      expect(await list('status', '^=', '_')).toEqual([]);
    });

    it('pages an attribute filter correctly through a large pool with sparse matches', async () => {
      const poolId = uid('pool');
      const count = 450;
      const subs = Array.from({ length: count }, () => uid('bulk'));
      const matching = subs.filter((_, i) => i % 45 === 44);
      await inParallel(count, (i) =>
        makeUser(poolId, {
          sub: subs[i] as string,
          attributes: i % 45 === 44 ? { 'custom:flag': `on-${i}` } : { 'custom:flag': 'off' },
        }),
      );
      const filter: PoolUserFilter = { attribute: 'custom:flag', operator: '^=', value: 'on-' };

      expect(await subsOf(poolId, { filter, limit: 100 })).toEqual(matching);
      const paged: string[] = [];
      let afterSub: string | undefined;
      for (let round = 0; round < 20; round++) {
        const page = await subsOf(poolId, {
          filter,
          limit: 3,
          ...(afterSub === undefined ? {} : { afterSub }),
        });
        paged.push(...page);
        if (page.length < 3) break;
        afterSub = page.at(-1);
      }
      expect(paged).toEqual(matching);
      expect(await subsOf(poolId, { filter, limit: 2, afterSub: matching[8] })).toEqual([matching[9]]);
      expect(
        await subsOf(poolId, {
          filter: { attribute: 'custom:flag', operator: '=', value: 'none' },
          limit: 5,
        }),
      ).toEqual([]);
      expect(await subsOf(poolId, { limit: 1000 })).toEqual(subs);
    });
  });

  // -------------------------------------------------- confirmation codes

  describe('confirmation codes', () => {
    it('setConfirmationCode stores a code and replaces it with a fresh attempt count', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId);
      const other = await makeUser(poolId);
      expect(await store().getConfirmationCode(poolId, user.sub)).toBeNull();

      await store().setConfirmationCode({ poolId, sub: user.sub, codeHash: 'h1', expiresAt: at(MINUTE) });
      expect(await store().getConfirmationCode(poolId, user.sub)).toEqual({
        poolId,
        sub: user.sub,
        codeHash: 'h1',
        attempts: 0,
        expiresAt: at(MINUTE),
      });
      expect(await store().reserveConfirmationAttempt(poolId, user.sub, 5)).toBe(1);
      expect(await store().reserveConfirmationAttempt(poolId, user.sub, 5)).toBe(2);

      await store().setConfirmationCode({ poolId, sub: user.sub, codeHash: 'h2', expiresAt: at(2 * MINUTE) });
      expect(await store().getConfirmationCode(poolId, user.sub)).toEqual({
        poolId,
        sub: user.sub,
        codeHash: 'h2',
        attempts: 0,
        expiresAt: at(2 * MINUTE),
      });
      expect(await store().getConfirmationCode(poolId, other.sub)).toBeNull();
      expect(await store().getConfirmationCode(uid('pool'), user.sub)).toBeNull();
    });

    it('reserveConfirmationAttempt counts up to max, then returns null without writing', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId);
      const code = await makeCode(poolId, user.sub);
      expect(await store().reserveConfirmationAttempt(poolId, user.sub, 3)).toBe(1);
      expect(await store().reserveConfirmationAttempt(poolId, user.sub, 3)).toBe(2);
      expect(await store().reserveConfirmationAttempt(poolId, user.sub, 3)).toBe(3);
      expect(await store().reserveConfirmationAttempt(poolId, user.sub, 3)).toBeNull();
      expect(await store().reserveConfirmationAttempt(poolId, user.sub, 3)).toBeNull();
      expect(await store().getConfirmationCode(poolId, user.sub)).toEqual({ ...code, attempts: 3 });
      // A larger budget allows more.
      expect(await store().reserveConfirmationAttempt(poolId, user.sub, 4)).toBe(4);

      const bare = await makeUser(poolId);
      expect(await store().reserveConfirmationAttempt(poolId, bare.sub, 3)).toBeNull();
      expect(await store().reserveConfirmationAttempt(poolId, uid('missing'), 3)).toBeNull();
      expect(await store().getConfirmationCode(poolId, bare.sub)).toBeNull();
    });

    it('deleteConfirmationCode removes only that user’s code', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId);
      const other = await makeUser(poolId);
      await makeCode(poolId, user.sub);
      const otherCode = await makeCode(poolId, other.sub);
      await store().deleteConfirmationCode(poolId, user.sub);
      expect(await store().getConfirmationCode(poolId, user.sub)).toBeNull();
      expect(await store().reserveConfirmationAttempt(poolId, user.sub, 3)).toBeNull();
      await expect(store().deleteConfirmationCode(poolId, user.sub)).resolves.toBeUndefined();
      expect(await store().getConfirmationCode(poolId, other.sub)).toEqual({ ...otherCode, attempts: 0 });
    });

    it('50 concurrent reservations with max 3 yield exactly 3', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId);
      await makeCode(poolId, user.sub);
      const results = await inParallel(50, () => store().reserveConfirmationAttempt(poolId, user.sub, 3));
      const granted = results.filter((r): r is number => r !== null).sort((x, y) => x - y);
      expect(granted).toEqual([1, 2, 3]);
      expect((await store().getConfirmationCode(poolId, user.sub))?.attempts).toBe(3);
    });
  });

  // ------------------------------------------------------ refresh tokens

  describe('refresh tokens', () => {
    it('insertRefreshToken and getRefreshToken round-trip', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId);
      const token = await makeToken(poolId, user.sub, {
        clientId: 'web',
        authTime: at(-1),
        createdAt: at(7),
        expiresAt: at(DAY),
      });
      expect(await store().getRefreshToken(token.id)).toEqual({ ...token, revokedAt: null });
      expect(await store().getRefreshToken(uid('missing'))).toBeNull();
    });

    it('revokeRefreshToken succeeds once and keeps the first time', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId);
      const token = await makeToken(poolId, user.sub);
      const other = await makeToken(poolId, user.sub);
      expect(await store().revokeRefreshToken(token.id, at(100))).toBe(true);
      expect(await store().revokeRefreshToken(token.id, at(200))).toBe(false);
      expect(await store().getRefreshToken(token.id)).toEqual({ ...token, revokedAt: at(100) });
      expect((await store().getRefreshToken(other.id))?.revokedAt).toBeNull();
      expect(await store().revokeRefreshToken(uid('missing'), at(0))).toBe(false);
    });

    it('revokeUserRefreshTokens revokes that user’s live tokens only', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId);
      const other = await makeUser(poolId);
      const otherPool = uid('pool');
      await makeUser(otherPool, { sub: user.sub });

      const t1 = await makeToken(poolId, user.sub);
      const t2 = await makeToken(poolId, user.sub, { clientId: 'other-client' });
      const earlier = await makeToken(poolId, user.sub);
      expect(await store().revokeRefreshToken(earlier.id, at(50))).toBe(true);
      const otherUsers = await makeToken(poolId, other.sub);
      const samSubElsewhere = await makeToken(otherPool, user.sub);

      await store().revokeUserRefreshTokens(poolId, user.sub, at(100));
      expect((await store().getRefreshToken(t1.id))?.revokedAt).toEqual(at(100));
      expect((await store().getRefreshToken(t2.id))?.revokedAt).toEqual(at(100));
      expect((await store().getRefreshToken(earlier.id))?.revokedAt).toEqual(at(50));
      expect((await store().getRefreshToken(otherUsers.id))?.revokedAt).toBeNull();
      expect((await store().getRefreshToken(samSubElsewhere.id))?.revokedAt).toBeNull();
      expect(await store().revokeRefreshToken(t1.id, at(200))).toBe(false);
      expect(await store().revokeRefreshToken(otherUsers.id, at(200))).toBe(true);
    });

    it('revokeRefreshToken lets exactly one of 50 concurrent callers win', async () => {
      const poolId = uid('pool');
      const user = await makeUser(poolId);
      const token = await makeToken(poolId, user.sub);
      const results = await inParallel(50, (i) => store().revokeRefreshToken(token.id, at(i)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store().getRefreshToken(token.id))?.revokedAt).toEqual(at(results.indexOf(true)));
    });
  });

  // ------------------------------------------------------- auth sessions

  describe('auth sessions', () => {
    it('consumeAuthSession succeeds once per id', async () => {
      const id = uid('sess');
      expect(await store().consumeAuthSession(id, at(5 * MINUTE))).toBe(true);
      expect(await store().consumeAuthSession(id, at(5 * MINUTE))).toBe(false);
      expect(await store().consumeAuthSession(id, at(10 * MINUTE))).toBe(false);
      const next = uid('sess');
      expect(await store().consumeAuthSession(next, at(5 * MINUTE))).toBe(true);
      expect(await store().consumeAuthSession(next, at(5 * MINUTE))).toBe(false);
    });

    it('consumeAuthSession lets exactly one of 50 concurrent callers win', async () => {
      const id = uid('sess');
      const results = await inParallel(50, () => store().consumeAuthSession(id, at(5 * MINUTE)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store().consumeAuthSession(id, at(5 * MINUTE))).toBe(false);
    });
  });

  // -------------------------------------------------------- signing keys

  describe('signing keys', () => {
    it('listSigningKeys returns unexpired keys, newest first', async () => {
      const k1 = newKey({ use: 'id', createdAt: at(0) });
      const k2 = newKey({ use: 'access', createdAt: at(2000) });
      const k3 = newKey({ use: 'id', createdAt: at(1000), retiredAt: at(3000), expiresAt: at(10 * MINUTE) });
      const k4 = newKey({ use: 'access', createdAt: at(500), retiredAt: at(600), expiresAt: at(MINUTE) });
      for (const key of [k1, k2, k3, k4]) await store().insertSigningKey(key);
      const kids = new Set([k1.kid, k2.kid, k3.kid, k4.kid]);
      const mine = async (now: Date) => (await store().listSigningKeys(now)).filter((k) => kids.has(k.kid));

      expect(await mine(at(0))).toEqual([k2, k3, k4, k1]);
      // Dropped only once past expiresAt.
      expect(await mine(at(MINUTE))).toEqual([k2, k3, k4, k1]);
      expect(await mine(at(MINUTE + 1))).toEqual([k2, k3, k1]);
      expect(await mine(at(10 * MINUTE + 1))).toEqual([k2, k1]);
    });

    it('retireSigningKeys retires the other active keys of that use only', async () => {
      const old = newKey({ use: 'id', createdAt: at(0) });
      const retired = newKey({
        use: 'id',
        createdAt: at(-1000),
        retiredAt: at(100),
        expiresAt: at(5 * MINUTE),
      });
      const current = newKey({ use: 'id', createdAt: at(1000) });
      const access = newKey({ use: 'access', createdAt: at(0) });
      for (const key of [old, retired, current, access]) await store().insertSigningKey(key);
      const dropAt = at(2000 + 10 * MINUTE);

      await store().retireSigningKeys('id', current.kid, at(2000), dropAt);
      const byKid = new Map((await store().listSigningKeys(at(2000))).map((k) => [k.kid, k]));
      expect(byKid.get(old.kid)).toEqual({ ...old, retiredAt: at(2000), expiresAt: dropAt });
      expect(byKid.get(current.kid)).toEqual(current);
      expect(byKid.get(access.kid)).toEqual(access);
      expect(byKid.get(retired.kid)).toEqual(retired);

      const kids = new Set([old.kid, retired.kid, current.kid, access.kid]);
      const later = (await store().listSigningKeys(at(2000 + 10 * MINUTE + 1))).filter((k) =>
        kids.has(k.kid),
      );
      expect(later).toEqual([current, access]);

      // Retiring the other use keeps its own keepKid.
      await store().retireSigningKeys('access', access.kid, at(3000), at(4000));
      expect((await store().listSigningKeys(at(5000))).find((k) => k.kid === access.kid)).toEqual(access);
    });
  });

  // --------------------------------------------------------- concurrency

  describe('signing key rotation races', () => {
    it('retireSigningKeys keeps keys newer than keepKid, and retires nothing for an unknown kid', async () => {
      const older = newKey({ use: 'id', createdAt: at(-2000) });
      const keep = newKey({ use: 'id', createdAt: at(-1000) });
      const newer = newKey({ use: 'id', createdAt: at(-500) });
      for (const key of [older, keep, newer]) await store().insertSigningKey(key);
      const kids = new Set([older.kid, keep.kid, newer.kid]);
      const mine = async () => (await store().listSigningKeys(at(0))).filter((k) => kids.has(k.kid));

      await store().retireSigningKeys('id', uid('unknown'), at(0), at(MINUTE));
      expect((await mine()).every((k) => k.retiredAt === null)).toBe(true);

      await store().retireSigningKeys('id', keep.kid, at(0), at(MINUTE));
      expect(await mine()).toEqual([newer, keep, { ...older, retiredAt: at(0), expiresAt: at(MINUTE) }]);
    });

    it('concurrent rotations (insert, then retire the others) always leave the newest key active', async () => {
      const kids = Array.from({ length: 6 }, () => uid('kid'));
      const keys = kids.map((kid, i) => newKey({ kid, use: 'access', createdAt: at(i * 10) }));
      await inParallel(keys.length, async (i) => {
        const key = keys[i] as SigningKeyRecord;
        await store().insertSigningKey(key);
        await store().retireSigningKeys('access', key.kid, at(100), at(DAY));
      });
      const active = (await store().listSigningKeys(at(200))).filter(
        (k) => kids.includes(k.kid) && k.retiredAt === null,
      );
      expect(active.map((k) => k.kid)).toContain(kids.at(-1));
    });
  });

  describe('pool concurrency', () => {
    it('20 concurrent createPoolUser with one email (any case) create exactly one user', async () => {
      const poolId = uid('pool');
      const email = `${uid('race')}@example.com`;
      const users = Array.from({ length: 20 }, (_, i) =>
        newUser(poolId, { email: i % 2 === 0 ? email : email.toUpperCase() }),
      );
      const results = await inParallel(20, (i) => store().createPoolUser(users[i] as NewPoolUser));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = users[results.indexOf(true)];
      expect((await store().findPoolUserByEmail(poolId, email))?.sub).toBe(winner?.sub);
      expect(await subsOf(poolId, { limit: 50 })).toEqual([winner?.sub]);
    });

    it('20 concurrent updates to one free email let exactly one user take it', async () => {
      const poolId = uid('pool');
      const users = await Promise.all(Array.from({ length: 20 }, () => makeUser(poolId)));
      const target = `${uid('wanted')}@example.com`;
      const results = await inParallel(20, (i) =>
        store().updatePoolUser(poolId, (users[i] as NewPoolUser).sub, { email: target }, at(i)),
      );
      expect(results.filter((r) => r === 'email_exists')).toHaveLength(19);
      const winner = results.findIndex((r) => r !== 'email_exists');
      expect(asUser(results[winner] ?? null).email).toBe(target);
      expect((await store().findPoolUserByEmail(poolId, target))?.sub).toBe(users[winner]?.sub);
      for (const [i, user] of users.entries()) {
        if (i !== winner) expect(await store().getPoolUser(poolId, user.sub)).toEqual(stored(user));
      }
    });
  });
}
