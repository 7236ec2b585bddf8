/**
 * Store conformance suite. Written only against the {@link Store} and
 * {@link PoolStore} interfaces so that every backend (SQLite now, PostgreSQL
 * later) runs the same tests (the pool tests live in `pool-conformance.ts`):
 *
 * ```ts
 * describeStoreConformance('sqlite', async () => createSqliteStore({ filename }));
 * ```
 *
 * Each test gets a store from `createStore` (the suite calls `migrate()` and
 * `close()`). Ids are unique per test, so a backend may also share one
 * database between tests, as long as tests do not run concurrently on it.
 * Times are explicit dates; nothing sleeps.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Action,
  ActionState,
  Authenticator,
  Challenge,
  EmailOtpAuthenticator,
  OtpCode,
  PasskeyAuthenticator,
} from '../core/model.js';
import type { NewPasskey, PoolStore, Store } from '../core/ports.js';
import { describePoolStoreTests } from './pool-conformance.js';

/** A fixed origin for every test clock. */
const T0 = Date.UTC(2031, 4, 6, 12, 0, 0);
const at = (offsetMs: number): Date => new Date(T0 + offsetMs);

const MINUTE = 60_000;

/** Runs `count` copies of `task` at once. */
function inParallel<T>(count: number, task: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => task(i)));
}

function asPasskey(a: Authenticator | null | undefined): PasskeyAuthenticator {
  expect(a?.method).toBe('PASSKEY');
  return a as PasskeyAuthenticator;
}

function asEmail(a: Authenticator | null | undefined): EmailOtpAuthenticator {
  expect(a?.method).toBe('EMAIL_OTP');
  return a as EmailOtpAuthenticator;
}

/**
 * Declares the conformance suite for one {@link Store} & {@link PoolStore} implementation.
 *
 * @param name - shown in the test report.
 * @param createStore - returns a store on a usable (empty or shared) database.
 */
export function describeStoreConformance(name: string, createStore: () => Promise<Store & PoolStore>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store & PoolStore;
    let run: string;
    let seq = 0;

    /** An id unique to this test; zero-padded so ids sort the same under any collation. */
    const uid = (label: string): string => `${label}-${run}-${String(++seq).padStart(4, '0')}`;

    beforeEach(async () => {
      run = randomUUID().slice(0, 8);
      seq = 0;
      store = await createStore();
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
    });

    // ------------------------------------------------------------ fixtures

    async function makeUser(id = uid('user')): Promise<string> {
      await store.ensureUser(id, {}, at(0));
      return id;
    }

    function newPasskey(userId: string, overrides: Partial<NewPasskey> = {}): NewPasskey {
      return {
        id: uid('pk'),
        userId,
        credentialId: uid('cred'),
        publicKey: 'pQECAyYgASFYIA',
        counter: 0,
        transports: ['internal', 'hybrid'],
        aaguid: 'adce0002-35bc-c60a-648b-0b25f1f05503',
        backupEligible: true,
        backupState: false,
        uvInitialized: false,
        name: 'Laptop',
        deviceId: null,
        attachment: 'platform',
        createdAt: at(0),
        ...overrides,
      };
    }

    async function makePasskey(userId: string, overrides: Partial<NewPasskey> = {}): Promise<NewPasskey> {
      const passkey = newPasskey(userId, overrides);
      expect(await store.insertPasskey(passkey)).toBe(true);
      return passkey;
    }

    async function makeEmail(
      userId: string,
      email = `${uid('mail')}@example.com`,
    ): Promise<EmailOtpAuthenticator> {
      return store.insertEmailAuthenticator({ id: uid('em'), userId, email, createdAt: at(0) });
    }

    async function makeAction(
      userId: string | null,
      overrides: { actionCode?: string; idempotencyKey?: string; state?: ActionState; createdAt?: Date } = {},
    ): Promise<Action> {
      const { action, created } = await store.createAction({
        id: uid('act'),
        userId,
        actionCode: overrides.actionCode ?? 'signIn',
        idempotencyKey: overrides.idempotencyKey ?? uid('idem'),
        state: overrides.state ?? 'CHALLENGE_REQUIRED',
        createdAt: overrides.createdAt ?? at(0),
      });
      expect(created).toBe(true);
      return action;
    }

    async function makeChallenge(
      actionId: string,
      userId: string | null,
      overrides: Partial<Omit<Challenge, 'usedAt'>> = {},
    ): Promise<Omit<Challenge, 'usedAt'>> {
      const challenge: Omit<Challenge, 'usedAt'> = {
        id: uid('ch'),
        kind: 'passkey_authentication',
        actionId,
        userId,
        challenge: uid('bytes'),
        createdAt: at(0),
        expiresAt: at(5 * MINUTE),
        ...overrides,
      };
      await store.insertChallenge(challenge);
      return challenge;
    }

    async function makeOtp(
      authenticatorId: string,
      actionId: string,
      overrides: Partial<Omit<OtpCode, 'usedAt' | 'attempts'>> = {},
    ): Promise<Omit<OtpCode, 'usedAt' | 'attempts'>> {
      const code: Omit<OtpCode, 'usedAt' | 'attempts'> = {
        id: uid('otp'),
        authenticatorId,
        actionId,
        codeHash: uid('hash'),
        createdAt: at(0),
        expiresAt: at(10 * MINUTE),
        ...overrides,
      };
      await store.insertOtpCode(code);
      return code;
    }

    // ----------------------------------------------------------- migrate

    describe('migrate', () => {
      it('is idempotent and keeps data', async () => {
        const userId = await makeUser();
        await store.migrate();
        await store.migrate();
        expect((await store.getUser(userId))?.id).toBe(userId);
      });
    });

    // ------------------------------------------------------------- users

    describe('users', () => {
      it('getUser returns null for an unknown id', async () => {
        expect(await store.getUser(uid('missing'))).toBeNull();
      });

      it('ensureUser creates with the init fields and defaults', async () => {
        const id = uid('user');
        const { user, created } = await store.ensureUser(
          id,
          { username: 'alice', email: 'alice@example.com', emailVerified: true, custom: { plan: 'pro' } },
          at(1000),
        );
        expect(created).toBe(true);
        expect(user).toEqual({
          id,
          username: 'alice',
          displayName: null,
          email: 'alice@example.com',
          emailVerified: true,
          phoneNumber: null,
          phoneNumberVerified: false,
          custom: { plan: 'pro' },
          createdAt: at(1000),
          updatedAt: at(1000),
        });
        expect(await store.getUser(id)).toEqual(user);
      });

      it('ensureUser is idempotent and leaves an existing user unchanged', async () => {
        const id = uid('user');
        const first = await store.ensureUser(id, { username: 'alice' }, at(0));
        const second = await store.ensureUser(id, { username: 'mallory', email: 'm@example.com' }, at(5000));
        expect(second.created).toBe(false);
        expect(second.user).toEqual(first.user);
        expect((await store.getUser(id))?.username).toBe('alice');
      });

      it('ensureUser creates exactly once under concurrency', async () => {
        const id = uid('user');
        const results = await inParallel(20, (i) => store.ensureUser(id, { username: `u${i}` }, at(i)));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const stored = await store.getUser(id);
        for (const r of results) expect(r.user).toEqual(stored);
      });

      it('updateUser applies only the defined fields and bumps updatedAt', async () => {
        const id = uid('user');
        await store.ensureUser(
          id,
          { username: 'alice', email: 'a@example.com', phoneNumber: '+15550100', custom: { a: 1 } },
          at(0),
        );
        const updated = await store.updateUser(id, { displayName: 'Alice', emailVerified: true }, at(1000));
        expect(updated).toEqual({
          id,
          username: 'alice',
          displayName: 'Alice',
          email: 'a@example.com',
          emailVerified: true,
          phoneNumber: '+15550100',
          phoneNumberVerified: false,
          custom: { a: 1 },
          createdAt: at(0),
          updatedAt: at(1000),
        });
        expect(await store.getUser(id)).toEqual(updated);

        const cleared = await store.updateUser(
          id,
          { email: null, custom: null, phoneNumberVerified: true },
          at(2000),
        );
        expect(cleared?.email).toBeNull();
        expect(cleared?.custom).toBeNull();
        expect(cleared?.phoneNumberVerified).toBe(true);
        expect(cleared?.username).toBe('alice');
        expect(cleared?.updatedAt).toEqual(at(2000));
      });

      it('updateUser returns null for an unknown user and creates nothing', async () => {
        const id = uid('missing');
        expect(await store.updateUser(id, { username: 'ghost' }, at(0))).toBeNull();
        expect(await store.getUser(id)).toBeNull();
      });

      it('custom JSON round-trips and drops __proto__ keys', async () => {
        const id = uid('user');
        const custom = JSON.parse('{"__proto__":{"polluted":true},"nested":{"list":[1,"x",null]},"n":1.5}');
        await store.ensureUser(id, { custom }, at(0));
        const stored = (await store.getUser(id))?.custom;
        expect(stored).toEqual({ nested: { list: [1, 'x', null] }, n: 1.5 });
        expect(stored && Object.hasOwn(stored, '__proto__')).toBe(false);
        expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });

      it('deleteUser cascades to authenticators, actions, challenges and codes but keeps events', async () => {
        const userId = await makeUser();
        const otherId = await makeUser();
        const passkey = await makePasskey(userId);
        const email = await makeEmail(userId);
        const action = await makeAction(userId);
        const usernameless = await makeAction(null);
        expect(await store.bindActionUser(usernameless.id, userId)).not.toBeNull();
        const challenge = await makeChallenge(action.id, userId);
        const loneChallenge = await makeChallenge(usernameless.id, null);
        const code = await makeOtp(email.id, action.id);
        await store.appendEvent({ type: 'user.created', userId }, at(0));

        const otherPasskey = await makePasskey(otherId);
        const otherAction = await makeAction(otherId);
        const otherChallenge = await makeChallenge(otherAction.id, otherId);

        expect(await store.deleteUser(userId)).toBe(true);

        expect(await store.getUser(userId)).toBeNull();
        expect(await store.listAuthenticators(userId)).toEqual([]);
        expect(await store.getAuthenticator(passkey.id)).toBeNull();
        expect(await store.getAuthenticator(email.id)).toBeNull();
        expect(await store.getPasskeyByCredentialId(passkey.credentialId)).toBeNull();
        expect(await store.getAction(action.id)).toBeNull();
        expect(await store.getAction(usernameless.id)).toBeNull();
        expect(await store.getChallenge(challenge.id)).toBeNull();
        expect(await store.getChallenge(loneChallenge.id)).toBeNull();
        expect(await store.getOtpCode(code.id)).toBeNull();
        const events = await store.listEvents({ userId, limit: 10 });
        expect(events.map((e) => e.type)).toEqual(['user.created']);

        // The other user is untouched.
        expect((await store.getUser(otherId))?.id).toBe(otherId);
        expect((await store.getAuthenticator(otherPasskey.id))?.id).toBe(otherPasskey.id);
        expect((await store.getAction(otherAction.id))?.id).toBe(otherAction.id);
        expect((await store.getChallenge(otherChallenge.id))?.id).toBe(otherChallenge.id);

        // A deleted credential id can be registered again.
        expect(await store.insertPasskey(newPasskey(otherId, { credentialId: passkey.credentialId }))).toBe(
          true,
        );
      });

      it('deleteUser returns false for an unknown user', async () => {
        expect(await store.deleteUser(uid('missing'))).toBe(false);
      });

      it('findUsers filters on every given field and pages by id', async () => {
        const shared = `${uid('shared')}@example.com`;
        const ids = [uid('fu'), uid('fu'), uid('fu'), uid('fu')] as const;
        // Inserted out of order: results must come back ordered by id.
        await store.ensureUser(ids[2], { email: shared, phoneNumber: '+15550102' }, at(0));
        await store.ensureUser(ids[0], { email: shared, username: `alice-${run}` }, at(0));
        await store.ensureUser(ids[1], { email: shared, username: `bob-${run}` }, at(0));
        await store.ensureUser(
          ids[3],
          { email: `${uid('else')}@example.com`, username: `bob-${run}` },
          at(0),
        );

        const all = await store.findUsers({ email: shared, limit: 10 });
        expect(all.map((u) => u.id)).toEqual([ids[0], ids[1], ids[2]]);

        const page1 = await store.findUsers({ email: shared, limit: 2 });
        expect(page1.map((u) => u.id)).toEqual([ids[0], ids[1]]);
        const page2 = await store.findUsers({ email: shared, limit: 2, afterUserId: ids[1] });
        expect(page2.map((u) => u.id)).toEqual([ids[2]]);
        const page3 = await store.findUsers({ email: shared, limit: 2, afterUserId: ids[2] });
        expect(page3).toEqual([]);

        const bobs = await store.findUsers({ username: `bob-${run}`, limit: 10 });
        expect(bobs.map((u) => u.id)).toEqual([ids[1], ids[3]]);
        const sharedBob = await store.findUsers({ email: shared, username: `bob-${run}`, limit: 10 });
        expect(sharedBob.map((u) => u.id)).toEqual([ids[1]]);
        const byPhone = await store.findUsers({ phoneNumber: '+15550102', email: shared, limit: 10 });
        expect(byPhone.map((u) => u.id)).toEqual([ids[2]]);
        expect(await store.findUsers({ email: shared, username: `carol-${run}`, limit: 10 })).toEqual([]);
        expect(await store.findUsers({ email: shared, limit: 0 })).toEqual([]);
      });
    });

    // ---------------------------------------------------- authenticators

    describe('passkeys', () => {
      it('insertPasskey stores every field, verified at creation', async () => {
        const userId = await makeUser();
        const input = newPasskey(userId, {
          counter: 2 ** 32 - 1,
          transports: ['usb', 'nfc', 'ble'],
          backupEligible: true,
          backupState: true,
          uvInitialized: true,
          deviceId: 'device-1',
          createdAt: at(1234),
        });
        expect(await store.insertPasskey(input)).toBe(true);
        const expected: PasskeyAuthenticator = {
          method: 'PASSKEY',
          id: input.id,
          userId,
          credentialId: input.credentialId,
          publicKey: input.publicKey,
          counter: 2 ** 32 - 1,
          transports: ['usb', 'nfc', 'ble'],
          aaguid: input.aaguid,
          backupEligible: true,
          backupState: true,
          uvInitialized: true,
          name: 'Laptop',
          deviceId: 'device-1',
          attachment: 'platform',
          createdAt: at(1234),
          verifiedAt: at(1234),
          lastVerifiedAt: null,
        };
        expect(await store.getAuthenticator(input.id)).toEqual(expected);
        expect(await store.getPasskeyByCredentialId(input.credentialId)).toEqual(expected);
        expect(await store.listAuthenticators(userId)).toEqual([expected]);
      });

      it('stores false flags, null optionals and empty transports', async () => {
        const userId = await makeUser();
        const input = newPasskey(userId, {
          transports: [],
          backupEligible: false,
          name: null,
          attachment: null,
        });
        expect(await store.insertPasskey(input)).toBe(true);
        const stored = asPasskey(await store.getAuthenticator(input.id));
        expect(stored.transports).toEqual([]);
        expect(stored.backupEligible).toBe(false);
        expect(stored.backupState).toBe(false);
        expect(stored.name).toBeNull();
        expect(stored.attachment).toBeNull();
      });

      it('lookups of unknown ids return null', async () => {
        expect(await store.getAuthenticator(uid('missing'))).toBeNull();
        expect(await store.getPasskeyByCredentialId(uid('missing'))).toBeNull();
        expect(await store.listAuthenticators(uid('missing'))).toEqual([]);
      });

      it('insertPasskey returns false and writes nothing on a duplicate credential id', async () => {
        const userId = await makeUser();
        const otherId = await makeUser();
        const original = await makePasskey(userId);

        const sameUser = newPasskey(userId, { credentialId: original.credentialId, name: 'Copy' });
        const otherUser = newPasskey(otherId, { credentialId: original.credentialId });
        expect(await store.insertPasskey(sameUser)).toBe(false);
        expect(await store.insertPasskey(otherUser)).toBe(false);

        expect(await store.getAuthenticator(sameUser.id)).toBeNull();
        expect(await store.getAuthenticator(otherUser.id)).toBeNull();
        expect(await store.listAuthenticators(otherId)).toEqual([]);
        expect((await store.listAuthenticators(userId)).map((a) => a.id)).toEqual([original.id]);
        const byCredential = await store.getPasskeyByCredentialId(original.credentialId);
        expect(byCredential?.id).toBe(original.id);
        expect(byCredential?.name).toBe('Laptop');
      });

      it('insertPasskey accepts exactly one of many concurrent inserts of a credential id', async () => {
        const userId = await makeUser();
        const credentialId = uid('cred');
        const candidates = Array.from({ length: 20 }, () => newPasskey(userId, { credentialId }));
        const results = await inParallel(20, (i) => store.insertPasskey(candidates[i] as NewPasskey));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = candidates[results.indexOf(true)];
        expect((await store.getPasskeyByCredentialId(credentialId))?.id).toBe(winner?.id);
        expect(await store.listAuthenticators(userId)).toHaveLength(1);
      });

      it('recordPasskeyUse writes only when the counter is unchanged', async () => {
        const userId = await makeUser();
        const passkey = await makePasskey(userId, { counter: 5 });
        const before = await store.getAuthenticator(passkey.id);

        const stale = {
          expectedCounter: 4,
          newCounter: 9,
          backupState: true,
          uvInitialized: true,
          usedAt: at(500),
        };
        expect(await store.recordPasskeyUse(passkey.id, stale)).toBeNull();
        expect(await store.getAuthenticator(passkey.id)).toEqual(before);

        const use = {
          expectedCounter: 5,
          newCounter: 6,
          backupState: true,
          uvInitialized: true,
          usedAt: at(1000),
        };
        const returned = await store.recordPasskeyUse(passkey.id, use);
        const after = asPasskey(await store.getAuthenticator(passkey.id));
        expect(returned).toEqual(after);
        expect(after.counter).toBe(6);
        expect(after.backupState).toBe(true);
        expect(after.uvInitialized).toBe(true);
        expect(after.lastVerifiedAt).toEqual(at(1000));
        expect(after.verifiedAt).toEqual(at(0));

        // Replaying the same read is now stale.
        expect(
          await store.recordPasskeyUse(passkey.id, { ...use, newCounter: 7, usedAt: at(2000) }),
        ).toBeNull();
        const replayed = asPasskey(await store.getAuthenticator(passkey.id));
        expect(replayed.counter).toBe(6);
        expect(replayed.lastVerifiedAt).toEqual(at(1000));
      });

      it('recordPasskeyUse works for authenticators that keep the counter at zero', async () => {
        const userId = await makeUser();
        const passkey = await makePasskey(userId, { counter: 0 });
        const use = {
          expectedCounter: 0,
          newCounter: 0,
          backupState: false,
          uvInitialized: true,
          usedAt: at(1),
        };
        expect(await store.recordPasskeyUse(passkey.id, use)).not.toBeNull();
        expect(await store.recordPasskeyUse(passkey.id, { ...use, usedAt: at(2) })).not.toBeNull();
        expect(asPasskey(await store.getAuthenticator(passkey.id)).lastVerifiedAt).toEqual(at(2));
      });

      it('recordPasskeyUse returns false for unknown and email authenticators', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        const use = {
          expectedCounter: 0,
          newCounter: 1,
          backupState: false,
          uvInitialized: false,
          usedAt: at(1),
        };
        expect(await store.recordPasskeyUse(uid('missing'), use)).toBeNull();
        expect(await store.recordPasskeyUse(email.id, use)).toBeNull();
        expect(asEmail(await store.getAuthenticator(email.id)).lastVerifiedAt).toBeNull();
      });

      it('recordPasskeyUse lets exactly one of 50 concurrent uses with the same counter win', async () => {
        const userId = await makeUser();
        const passkey = await makePasskey(userId, { counter: 10 });
        const results = await inParallel(50, (i) =>
          store.recordPasskeyUse(passkey.id, {
            expectedCounter: 10,
            newCounter: 11 + i,
            backupState: false,
            uvInitialized: true,
            usedAt: at(i),
          }),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.findIndex((r) => r !== null);
        const stored = asPasskey(await store.getAuthenticator(passkey.id));
        expect(results[winner]).toEqual(stored);
        expect(stored.counter).toBe(11 + winner);
        expect(stored.lastVerifiedAt).toEqual(at(winner));
      });
    });

    describe('email authenticators', () => {
      it('insertEmailAuthenticator returns the unverified authenticator', async () => {
        const userId = await makeUser();
        const id = uid('em');
        const inserted = await store.insertEmailAuthenticator({
          id,
          userId,
          email: 'Alice.Smith@Example.COM',
          createdAt: at(77),
        });
        const expected: EmailOtpAuthenticator = {
          method: 'EMAIL_OTP',
          id,
          userId,
          email: 'Alice.Smith@Example.COM',
          createdAt: at(77),
          verifiedAt: null,
          lastVerifiedAt: null,
          otpFailures: 0,
          otpLockedUntil: null,
        };
        expect(inserted).toEqual(expected);
        expect(await store.getAuthenticator(id)).toEqual(expected);
      });

      it('findEmailAuthenticator matches the address case-insensitively, per user', async () => {
        const userId = await makeUser();
        const otherId = await makeUser();
        const email = await makeEmail(userId, 'Alice.Smith@Example.COM');
        await makePasskey(userId);

        expect((await store.findEmailAuthenticator(userId, 'alice.smith@example.com'))?.id).toBe(email.id);
        const upper = await store.findEmailAuthenticator(userId, 'ALICE.SMITH@EXAMPLE.COM');
        expect(upper?.id).toBe(email.id);
        expect(upper?.email).toBe('Alice.Smith@Example.COM');
        expect(await store.findEmailAuthenticator(otherId, 'alice.smith@example.com')).toBeNull();
        expect(await store.findEmailAuthenticator(userId, 'bob@example.com')).toBeNull();
      });

      it('listAuthenticators returns only the user’s authenticators of both methods', async () => {
        const userId = await makeUser();
        const otherId = await makeUser();
        const passkey = await makePasskey(userId);
        const email = await makeEmail(userId);
        await makePasskey(otherId);
        const list = await store.listAuthenticators(userId);
        expect(list.map((a) => [a.id, a.method]).sort()).toEqual(
          [
            [passkey.id, 'PASSKEY'],
            [email.id, 'EMAIL_OTP'],
          ].sort(),
        );
      });

      it('markAuthenticatorVerified sets verifiedAt once and lastVerifiedAt every time', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        await store.markAuthenticatorVerified(email.id, at(1000));
        let stored = asEmail(await store.getAuthenticator(email.id));
        expect(stored.verifiedAt).toEqual(at(1000));
        expect(stored.lastVerifiedAt).toEqual(at(1000));
        await store.markAuthenticatorVerified(email.id, at(2000));
        stored = asEmail(await store.getAuthenticator(email.id));
        expect(stored.verifiedAt).toEqual(at(1000));
        expect(stored.lastVerifiedAt).toEqual(at(2000));

        const passkey = await makePasskey(userId, { createdAt: at(10) });
        await store.markAuthenticatorVerified(passkey.id, at(3000));
        const pk = asPasskey(await store.getAuthenticator(passkey.id));
        expect(pk.verifiedAt).toEqual(at(10));
        expect(pk.lastVerifiedAt).toEqual(at(3000));
      });

      it('deleteAuthenticator deletes only the owner’s authenticator, with its codes', async () => {
        const userId = await makeUser();
        const otherId = await makeUser();
        const email = await makeEmail(userId);
        const keep = await makePasskey(userId);
        const action = await makeAction(userId);
        const code = await makeOtp(email.id, action.id);

        expect(await store.deleteAuthenticator(otherId, email.id)).toBe(false);
        expect((await store.getAuthenticator(email.id))?.id).toBe(email.id);

        expect(await store.deleteAuthenticator(userId, email.id)).toBe(true);
        expect(await store.getAuthenticator(email.id)).toBeNull();
        expect(await store.getOtpCode(code.id)).toBeNull();
        expect(await store.deleteAuthenticator(userId, email.id)).toBe(false);
        expect((await store.listAuthenticators(userId)).map((a) => a.id)).toEqual([keep.id]);
        expect((await store.getAction(action.id))?.id).toBe(action.id);
      });
    });

    // -------------------------------------------------------- OTP budget

    describe('OTP budget', () => {
      it('reserveOtpAttempt counts up to max, then returns null without writing', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        expect(await store.reserveOtpAttempt(email.id, 3, at(0))).toBe(1);
        expect(await store.reserveOtpAttempt(email.id, 3, at(1))).toBe(2);
        expect(await store.reserveOtpAttempt(email.id, 3, at(2))).toBe(3);
        expect(await store.reserveOtpAttempt(email.id, 3, at(3))).toBeNull();
        expect(await store.reserveOtpAttempt(email.id, 3, at(4))).toBeNull();
        const stored = asEmail(await store.getAuthenticator(email.id));
        expect(stored.otpFailures).toBe(3);
        expect(stored.otpLockedUntil).toBeNull();
      });

      it('the budget belongs to the authenticator', async () => {
        const userId = await makeUser();
        const a = await makeEmail(userId);
        const b = await makeEmail(userId);
        expect(await store.reserveOtpAttempt(a.id, 1, at(0))).toBe(1);
        expect(await store.reserveOtpAttempt(a.id, 1, at(0))).toBeNull();
        expect(await store.reserveOtpAttempt(b.id, 1, at(0))).toBe(1);
      });

      it('a lock refuses attempts until it expires, then the budget starts again', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        for (let i = 1; i <= 3; i++) expect(await store.reserveOtpAttempt(email.id, 3, at(0))).toBe(i);
        await store.lockOtp(email.id, at(15 * MINUTE));
        expect(asEmail(await store.getAuthenticator(email.id)).otpLockedUntil).toEqual(at(15 * MINUTE));

        expect(await store.reserveOtpAttempt(email.id, 3, at(15 * MINUTE - 1))).toBeNull();
        let stored = asEmail(await store.getAuthenticator(email.id));
        expect(stored.otpFailures).toBe(3);
        expect(stored.otpLockedUntil).toEqual(at(15 * MINUTE));

        // The lock ends at `until`.
        expect(await store.reserveOtpAttempt(email.id, 3, at(15 * MINUTE))).toBe(1);
        stored = asEmail(await store.getAuthenticator(email.id));
        expect(stored.otpFailures).toBe(1);
        expect(stored.otpLockedUntil).toBeNull();
        expect(await store.reserveOtpAttempt(email.id, 3, at(15 * MINUTE + 1))).toBe(2);
      });

      it('a lock refuses attempts even while the count is below max', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        expect(await store.reserveOtpAttempt(email.id, 5, at(0))).toBe(1);
        await store.lockOtp(email.id, at(MINUTE));
        expect(await store.reserveOtpAttempt(email.id, 5, at(1000))).toBeNull();
        expect(asEmail(await store.getAuthenticator(email.id)).otpFailures).toBe(1);
      });

      it('resetOtpBudget clears the count and the lock', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        expect(await store.reserveOtpAttempt(email.id, 2, at(0))).toBe(1);
        expect(await store.reserveOtpAttempt(email.id, 2, at(0))).toBe(2);
        await store.lockOtp(email.id, at(MINUTE));
        await store.resetOtpBudget(email.id);
        const stored = asEmail(await store.getAuthenticator(email.id));
        expect(stored.otpFailures).toBe(0);
        expect(stored.otpLockedUntil).toBeNull();
        expect(await store.reserveOtpAttempt(email.id, 2, at(1))).toBe(1);
      });

      it('reserveOtpAttempt returns null for unknown and passkey authenticators', async () => {
        const userId = await makeUser();
        const passkey = await makePasskey(userId);
        expect(await store.reserveOtpAttempt(uid('missing'), 5, at(0))).toBeNull();
        expect(await store.reserveOtpAttempt(passkey.id, 5, at(0))).toBeNull();
      });

      it('50 concurrent reservations with max 5 yield exactly 5', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        const results = await inParallel(50, () => store.reserveOtpAttempt(email.id, 5, at(0)));
        const granted = results.filter((r): r is number => r !== null).sort((x, y) => x - y);
        expect(granted).toEqual([1, 2, 3, 4, 5]);
        expect(asEmail(await store.getAuthenticator(email.id)).otpFailures).toBe(5);
      });
    });

    // ------------------------------------------------------------ actions

    describe('actions', () => {
      it('createAction stores a new action', async () => {
        const userId = await makeUser();
        const id = uid('act');
        const k1 = uid('key');
        const { action, created } = await store.createAction({
          id,
          userId,
          actionCode: 'signIn',
          idempotencyKey: k1,
          state: 'CHALLENGE_REQUIRED',
          createdAt: at(100),
        });
        const expected: Action = {
          id,
          userId,
          actionCode: 'signIn',
          idempotencyKey: k1,
          state: 'CHALLENGE_REQUIRED',
          stateUpdatedAt: at(100),
          createdAt: at(100),
          verificationMethod: null,
          validatedAt: null,
        };
        expect(created).toBe(true);
        expect(action).toEqual(expected);
        expect(await store.getAction(id)).toEqual(expected);
        expect(await store.findAction(userId, 'signIn', k1)).toEqual(expected);
      });

      it('createAction is idempotent on (userId, actionCode, idempotencyKey)', async () => {
        const userId = await makeUser();
        const otherId = await makeUser();
        const k1 = uid('key');
        const first = await makeAction(userId, { idempotencyKey: k1, createdAt: at(0) });

        const againId = uid('act');
        const again = await store.createAction({
          id: againId,
          userId,
          actionCode: 'signIn',
          idempotencyKey: k1,
          state: 'ALLOW',
          createdAt: at(5000),
        });
        expect(again.created).toBe(false);
        expect(again.action).toEqual(first);
        expect(await store.getAction(againId)).toBeNull();

        // Any differing part of the key makes a new action.
        await makeAction(userId, { idempotencyKey: uid('key') });
        await makeAction(userId, { actionCode: 'transfer', idempotencyKey: k1 });
        await makeAction(otherId, { idempotencyKey: k1 });
        await makeAction(null, { idempotencyKey: k1 });
        expect((await store.findAction(userId, 'signIn', k1))?.id).toBe(first.id);
      });

      it('createAction is idempotent for usernameless actions too', async () => {
        const key = uid('key');
        const first = await makeAction(null, { idempotencyKey: key });
        const again = await store.createAction({
          id: uid('act'),
          userId: null,
          actionCode: 'signIn',
          idempotencyKey: key,
          state: 'ALLOW',
          createdAt: at(1),
        });
        expect(again.created).toBe(false);
        expect(again.action).toEqual(first);
      });

      it('createAction creates exactly once under concurrency', async () => {
        const userId = await makeUser();
        const key = uid('key');
        const results = await inParallel(20, (i) =>
          store.createAction({
            id: uid('act'),
            userId,
            actionCode: 'signIn',
            idempotencyKey: key,
            state: 'CHALLENGE_REQUIRED',
            createdAt: at(i),
          }),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const ids = new Set(results.map((r) => r.action.id));
        expect(ids.size).toBe(1);
        expect((await store.findAction(userId, 'signIn', key))?.id).toBe([...ids][0]);
      });

      it('getAction and findAction return null when absent', async () => {
        const userId = await makeUser();
        expect(await store.getAction(uid('missing'))).toBeNull();
        expect(await store.findAction(userId, 'signIn', 'nope')).toBeNull();
      });

      it('setActionState updates the state, its time and the method when given', async () => {
        const userId = await makeUser();
        const action = await makeAction(userId, { createdAt: at(0) });
        const succeeded = await store.setActionState(action.id, 'CHALLENGE_SUCCEEDED', at(500), 'PASSKEY');
        expect(succeeded).toEqual({
          ...action,
          state: 'CHALLENGE_SUCCEEDED',
          stateUpdatedAt: at(500),
          verificationMethod: 'PASSKEY',
        });
        expect(await store.getAction(action.id)).toEqual(succeeded);

        const failed = await store.setActionState(action.id, 'CHALLENGE_FAILED', at(600));
        expect(failed?.state).toBe('CHALLENGE_FAILED');
        expect(failed?.stateUpdatedAt).toEqual(at(600));
        expect(failed?.verificationMethod).toBe('PASSKEY');
        expect(failed?.createdAt).toEqual(at(0));

        expect(await store.setActionState(uid('missing'), 'ALLOW', at(0))).toBeNull();
      });

      it('bindActionUser binds a usernameless action once', async () => {
        const userId = await makeUser();
        const otherId = await makeUser();
        const key = uid('key');
        const action = await makeAction(null, { idempotencyKey: key });
        const bound = await store.bindActionUser(action.id, userId);
        expect(bound).toEqual(await store.getAction(action.id));
        expect(bound?.userId).toBe(userId);
        expect(bound?.state).toBe('CHALLENGE_REQUIRED');
        expect((await store.findAction(userId, 'signIn', key))?.id).toBe(action.id);

        expect(await store.bindActionUser(action.id, otherId)).toBeNull();
        expect((await store.getAction(action.id))?.userId).toBe(userId);

        const owned = await makeAction(userId);
        expect(await store.bindActionUser(owned.id, otherId)).toBeNull();
        expect((await store.getAction(owned.id))?.userId).toBe(userId);
        expect(await store.bindActionUser(uid('missing'), userId)).toBeNull();
      });

      it('bindActionUser with an outcome binds and sets the state in one write, or writes nothing', async () => {
        const userId = await makeUser();
        const action = await makeAction(null, { createdAt: at(0) });
        const outcome = { state: 'CHALLENGE_SUCCEEDED', at: at(5), verificationMethod: 'PASSKEY' } as const;
        const done = await store.bindActionUser(action.id, userId, outcome);
        expect(done).toMatchObject({
          id: action.id,
          userId,
          state: 'CHALLENGE_SUCCEEDED',
          stateUpdatedAt: at(5),
          verificationMethod: 'PASSKEY',
        });
        expect(await store.getAction(action.id)).toEqual(done);
        // Bound already: another user's bind changes neither the user nor the state.
        const other = await makeUser();
        expect(
          await store.bindActionUser(action.id, other, { ...outcome, state: 'ALLOW', at: at(9) }),
        ).toBeNull();
        expect(await store.getAction(action.id)).toEqual(done);
      });

      it('bindActionUser lets exactly one of many concurrent binds win', async () => {
        const users = await Promise.all(Array.from({ length: 10 }, () => makeUser()));
        const action = await makeAction(null);
        const results = await inParallel(10, (i) => store.bindActionUser(action.id, users[i] as string));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.getAction(action.id))?.userId).toBe(users[results.findIndex((r) => r !== null)]);
      });

      it('bindActionUser racing createAction for the same user and key: exactly one wins, none throws', async () => {
        const userId = await makeUser();
        const outcomes = await inParallel(10, async () => {
          const key = uid('key');
          const usernameless = await makeAction(null, { idempotencyKey: key });
          const [bound, { created }] = await Promise.all([
            store.bindActionUser(usernameless.id, userId),
            store.createAction({
              id: uid('act'),
              userId,
              actionCode: 'signIn',
              idempotencyKey: key,
              state: 'CHALLENGE_REQUIRED',
              createdAt: at(0),
            }),
          ]);
          const owner = await store.findAction(userId, 'signIn', key);
          return { bound: bound !== null, created, ownerIsUsernameless: owner?.id === usernameless.id };
        });
        for (const { bound, created, ownerIsUsernameless } of outcomes) {
          expect(bound !== created).toBe(true);
          expect(ownerIsUsernameless).toBe(bound);
        }
      });

      it('consumeActionValidation succeeds once, and only in CHALLENGE_SUCCEEDED', async () => {
        const userId = await makeUser();
        const action = await makeAction(userId);
        expect(await store.consumeActionValidation(action.id, at(10))).toBe(false);
        expect((await store.getAction(action.id))?.validatedAt).toBeNull();

        const allowed = await makeAction(userId, { state: 'ALLOW' });
        expect(await store.consumeActionValidation(allowed.id, at(10))).toBe(false);

        await store.setActionState(action.id, 'CHALLENGE_SUCCEEDED', at(20), 'EMAIL_OTP');
        expect(await store.consumeActionValidation(action.id, at(30))).toBe(true);
        expect(await store.consumeActionValidation(action.id, at(40))).toBe(false);
        const stored = await store.getAction(action.id);
        expect(stored?.validatedAt).toEqual(at(30));
        expect(stored?.state).toBe('CHALLENGE_SUCCEEDED');

        expect(await store.consumeActionValidation(uid('missing'), at(0))).toBe(false);
      });

      it('consumeActionValidation lets exactly one of 50 concurrent callers win', async () => {
        const userId = await makeUser();
        const action = await makeAction(userId, { state: 'CHALLENGE_SUCCEEDED' });
        const results = await inParallel(50, (i) => store.consumeActionValidation(action.id, at(i)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.getAction(action.id))?.validatedAt).toEqual(at(results.indexOf(true)));
      });
    });

    // --------------------------------------------------------- challenges

    describe('challenges', () => {
      it('insertChallenge and getChallenge round-trip', async () => {
        const userId = await makeUser();
        const action = await makeAction(userId);
        const challenge = await makeChallenge(action.id, userId, { kind: 'passkey_registration' });
        expect(await store.getChallenge(challenge.id)).toEqual({ ...challenge, usedAt: null });

        const anonymous = await makeChallenge((await makeAction(null)).id, null);
        expect(await store.getChallenge(anonymous.id)).toEqual({ ...anonymous, usedAt: null });
        expect(await store.getChallenge(uid('missing'))).toBeNull();
      });

      it('consumeChallenge refuses a wrong kind, an expired or a used challenge', async () => {
        const userId = await makeUser();
        const action = await makeAction(userId);
        const challenge = await makeChallenge(action.id, userId, { expiresAt: at(MINUTE) });

        expect(await store.consumeChallenge(challenge.id, 'passkey_registration', at(1))).toBeNull();
        expect(await store.consumeChallenge(challenge.id, 'passkey_authentication', at(MINUTE))).toBeNull();
        expect(
          await store.consumeChallenge(challenge.id, 'passkey_authentication', at(2 * MINUTE)),
        ).toBeNull();
        expect((await store.getChallenge(challenge.id))?.usedAt).toBeNull();

        const consumed = await store.consumeChallenge(challenge.id, 'passkey_authentication', at(MINUTE - 1));
        expect(consumed).toEqual({ ...challenge, usedAt: at(MINUTE - 1) });
        expect(
          await store.consumeChallenge(challenge.id, 'passkey_authentication', at(MINUTE - 1)),
        ).toBeNull();
        expect((await store.getChallenge(challenge.id))?.usedAt).toEqual(at(MINUTE - 1));

        expect(await store.consumeChallenge(uid('missing'), 'passkey_authentication', at(0))).toBeNull();
      });

      it('consumeChallenge with an owner spends only a challenge issued to that user and action', async () => {
        const userId = await makeUser();
        const action = await makeAction(userId);
        const owned = await makeChallenge(action.id, userId);
        const anonymousAction = await makeAction(null);
        const anonymous = await makeChallenge(anonymousAction.id, null);
        const kind = 'passkey_authentication';

        expect(await store.consumeChallenge(owned.id, kind, at(1), { userId: await makeUser() })).toBeNull();
        expect(await store.consumeChallenge(owned.id, kind, at(1), { userId: null })).toBeNull();
        expect(
          await store.consumeChallenge(owned.id, kind, at(1), { userId, actionId: uid('act') }),
        ).toBeNull();
        expect(await store.consumeChallenge(anonymous.id, kind, at(1), { userId })).toBeNull();
        expect((await store.getChallenge(owned.id))?.usedAt).toBeNull();
        expect((await store.getChallenge(anonymous.id))?.usedAt).toBeNull();

        expect(await store.consumeChallenge(owned.id, kind, at(1), { userId, actionId: action.id })).toEqual({
          ...owned,
          usedAt: at(1),
        });
        expect(await store.consumeChallenge(anonymous.id, kind, at(1), { userId: null })).toEqual({
          ...anonymous,
          usedAt: at(1),
        });
      });

      it('consumeChallenge returns the challenge to exactly one of 50 concurrent callers', async () => {
        const userId = await makeUser();
        const action = await makeAction(userId);
        const challenge = await makeChallenge(action.id, userId);
        const results = await inParallel(50, (i) =>
          store.consumeChallenge(challenge.id, 'passkey_authentication', at(i)),
        );
        const winners = results.filter((r): r is Challenge => r !== null);
        expect(winners).toHaveLength(1);
        expect(winners[0]?.id).toBe(challenge.id);
        expect((await store.getChallenge(challenge.id))?.usedAt).toEqual(winners[0]?.usedAt);
      });
    });

    // ---------------------------------------------------------- OTP codes

    describe('OTP codes', () => {
      it('insertOtpCode and getOtpCode round-trip', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        const action = await makeAction(userId);
        const code = await makeOtp(email.id, action.id, { createdAt: at(5), expiresAt: at(5 + MINUTE) });
        expect(await store.getOtpCode(code.id)).toEqual({ ...code, attempts: 0, usedAt: null });
        expect(await store.getOtpCode(uid('missing'))).toBeNull();
      });

      it('insertOtpCode ends earlier unused codes of the same authenticator only', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        const otherEmail = await makeEmail(userId);
        const action = await makeAction(userId);

        const used = await makeOtp(email.id, action.id, { createdAt: at(0) });
        expect(await store.consumeOtpCode(used.id, at(10))).toBe(true);
        const pending = await makeOtp(email.id, action.id, { createdAt: at(20) });
        const otherPending = await makeOtp(otherEmail.id, action.id, { createdAt: at(20) });
        const fresh = await makeOtp(email.id, action.id, { createdAt: at(30) });

        expect((await store.getOtpCode(pending.id))?.usedAt).not.toBeNull();
        expect((await store.getOtpCode(used.id))?.usedAt).toEqual(at(10));
        expect((await store.getOtpCode(otherPending.id))?.usedAt).toBeNull();
        expect((await store.getOtpCode(fresh.id))?.usedAt).toBeNull();
        expect(await store.consumeOtpCode(pending.id, at(40))).toBe(false);
      });

      it('concurrent insertOtpCode for one authenticator leave exactly one unused code', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        const action = await makeAction(userId);
        const codes = await inParallel(10, (i) => makeOtp(email.id, action.id, { createdAt: at(i) }));
        const unused: string[] = [];
        for (const code of codes)
          if ((await store.getOtpCode(code.id))?.usedAt === null) unused.push(code.id);
        expect(unused).toHaveLength(1);
        expect((await store.getActiveOtpCode(action.id, at(100)))?.id).toBe(unused[0]);
      });

      it('getActiveOtpCode returns the newest unused, unexpired code of the action', async () => {
        const userId = await makeUser();
        const a = await makeEmail(userId);
        const b = await makeEmail(userId);
        const c = await makeEmail(userId);
        const action = await makeAction(userId);
        const otherAction = await makeAction(userId);

        expect(await store.getActiveOtpCode(action.id, at(0))).toBeNull();
        const older = await makeOtp(a.id, action.id, { createdAt: at(0), expiresAt: at(10 * MINUTE) });
        const newer = await makeOtp(b.id, action.id, { createdAt: at(1000), expiresAt: at(10 * MINUTE) });
        const shortLived = await makeOtp(c.id, action.id, { createdAt: at(2000), expiresAt: at(3000) });
        await makeOtp(b.id, otherAction.id, { createdAt: at(4000), expiresAt: at(20 * MINUTE) });
        // The code on b for the other action ended `newer` (same authenticator).
        expect((await store.getOtpCode(newer.id))?.usedAt).not.toBeNull();

        expect((await store.getActiveOtpCode(action.id, at(2500)))?.id).toBe(shortLived.id);
        expect((await store.getActiveOtpCode(action.id, at(3000)))?.id).toBe(older.id);
        expect(await store.consumeOtpCode(older.id, at(3500))).toBe(true);
        expect(await store.getActiveOtpCode(action.id, at(3600))).toBeNull();

        const late = await makeOtp(a.id, action.id, { createdAt: at(5000), expiresAt: at(6000) });
        expect(await store.getActiveOtpCode(action.id, at(5999))).toEqual({
          ...late,
          attempts: 0,
          usedAt: null,
        });
        expect(await store.getActiveOtpCode(action.id, at(6000))).toBeNull();
      });

      it('recordOtpCodeFailure counts wrong guesses on the code', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        const action = await makeAction(userId);
        const code = await makeOtp(email.id, action.id);
        await store.recordOtpCodeFailure(code.id);
        await store.recordOtpCodeFailure(code.id);
        await inParallel(10, () => store.recordOtpCodeFailure(code.id));
        const stored = await store.getOtpCode(code.id);
        expect(stored?.attempts).toBe(12);
        expect(stored?.usedAt).toBeNull();
      });

      it('consumeOtpCode succeeds once', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        const action = await makeAction(userId);
        const code = await makeOtp(email.id, action.id);
        expect(await store.consumeOtpCode(code.id, at(100))).toBe(true);
        expect(await store.consumeOtpCode(code.id, at(200))).toBe(false);
        expect((await store.getOtpCode(code.id))?.usedAt).toEqual(at(100));
        expect(await store.consumeOtpCode(uid('missing'), at(0))).toBe(false);
      });

      it('consumeOtpCode lets exactly one of 50 concurrent callers win', async () => {
        const userId = await makeUser();
        const email = await makeEmail(userId);
        const action = await makeAction(userId);
        const code = await makeOtp(email.id, action.id);
        const results = await inParallel(50, (i) => store.consumeOtpCode(code.id, at(i)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.getOtpCode(code.id))?.usedAt).toEqual(at(results.indexOf(true)));
      });

      it('expireOtpCodes ends every unused code of the authenticator only', async () => {
        const userId = await makeUser();
        const a = await makeEmail(userId);
        const b = await makeEmail(userId);
        const action = await makeAction(userId);
        const first = await makeOtp(a.id, action.id, { createdAt: at(0) });
        expect(await store.consumeOtpCode(first.id, at(5))).toBe(true);
        const pending = await makeOtp(a.id, action.id, { createdAt: at(10) });
        const other = await makeOtp(b.id, action.id, { createdAt: at(10) });

        await store.expireOtpCodes(a.id, at(50));
        expect((await store.getOtpCode(pending.id))?.usedAt).toEqual(at(50));
        expect((await store.getOtpCode(first.id))?.usedAt).toEqual(at(5));
        expect((await store.getOtpCode(other.id))?.usedAt).toBeNull();
        expect((await store.getActiveOtpCode(action.id, at(60)))?.id).toBe(other.id);
      });
    });

    // ------------------------------------------------------------- events

    describe('audit log', () => {
      it('appendEvent stores every field; missing ones read as null', async () => {
        const userId = uid('user');
        await store.appendEvent(
          {
            type: 'passkey.signed_in',
            userId,
            actionId: 'act-1',
            authenticatorId: 'pk-1',
            ipAddress: '203.0.113.9',
            data: { counter: 7, flags: ['uv'], nested: { ok: true } },
          },
          at(1234),
        );
        await store.appendEvent({ type: 'rate_limited', userId }, at(2000));
        const [bare, full] = await store.listEvents({ userId, limit: 10 });
        expect(full).toEqual({
          id: expect.any(Number),
          type: 'passkey.signed_in',
          userId,
          actionId: 'act-1',
          authenticatorId: 'pk-1',
          ipAddress: '203.0.113.9',
          data: { counter: 7, flags: ['uv'], nested: { ok: true } },
          createdAt: at(1234),
        });
        expect(bare).toEqual({
          id: expect.any(Number),
          type: 'rate_limited',
          userId,
          actionId: null,
          authenticatorId: null,
          ipAddress: null,
          data: null,
          createdAt: at(2000),
        });
      });

      it('listEvents returns newest first, with filters and beforeId paging', async () => {
        const u = uid('user');
        const v = uid('user');
        await store.appendEvent({ type: 'user.created', userId: u }, at(0));
        await store.appendEvent({ type: 'passkey.registered', userId: u }, at(1));
        await store.appendEvent({ type: 'user.created', userId: v }, at(2));
        await store.appendEvent({ type: 'passkey.signed_in', userId: u }, at(3));
        await store.appendEvent({ type: 'user.created', userId: u }, at(3));

        const all = await store.listEvents({ userId: u, limit: 10 });
        expect(all.map((e) => [e.type, e.createdAt.getTime() - T0])).toEqual([
          ['user.created', 3],
          ['passkey.signed_in', 3],
          ['passkey.registered', 1],
          ['user.created', 0],
        ]);
        const ids = all.map((e) => e.id);
        expect([...ids].sort((x, y) => y - x)).toEqual(ids);
        expect(new Set(ids).size).toBe(4);

        const created = await store.listEvents({ userId: u, type: 'user.created', limit: 10 });
        expect(created.map((e) => e.id)).toEqual([ids[0], ids[3]]);

        const page1 = await store.listEvents({ userId: u, limit: 2 });
        expect(page1.map((e) => e.id)).toEqual(ids.slice(0, 2));
        const page2 = await store.listEvents({ userId: u, limit: 2, beforeId: page1[1]?.id });
        expect(page2.map((e) => e.id)).toEqual(ids.slice(2, 4));
        expect(await store.listEvents({ userId: u, limit: 2, beforeId: ids[3] })).toEqual([]);

        // Unfiltered: this test's five events are the newest in the log.
        const newest = await store.listEvents({ limit: 5 });
        expect(newest.map((e) => e.userId)).toEqual([u, u, v, u, u]);
        const byType = await store.listEvents({ type: 'user.created', limit: 3 });
        expect(byType.map((e) => e.userId)).toEqual([u, v, u]);
      });
    });

    // -------------------------------------------------------- rate limits

    describe('rate limits', () => {
      it('allows max hits per window and records nothing when full', async () => {
        const key = uid('rl');
        const windows = [{ windowMs: MINUTE, max: 3 }];
        for (let i = 0; i < 3; i++) expect(await store.hitRateLimit(key, windows, at(0))).toBe(true);
        expect(await store.hitRateLimit(key, windows, at(1))).toBe(false);
        expect(await store.hitRateLimit(key, windows, at(MINUTE - 1))).toBe(false);

        // The first three slide out at exactly +windowMs. Had the refused hits been
        // recorded, fewer than three would fit now.
        for (let i = 0; i < 3; i++) expect(await store.hitRateLimit(key, windows, at(MINUTE))).toBe(true);
        expect(await store.hitRateLimit(key, windows, at(MINUTE))).toBe(false);
      });

      it('the window slides rather than resetting', async () => {
        const key = uid('rl');
        const windows = [{ windowMs: 10_000, max: 2 }];
        expect(await store.hitRateLimit(key, windows, at(0))).toBe(true);
        expect(await store.hitRateLimit(key, windows, at(6000))).toBe(true);
        expect(await store.hitRateLimit(key, windows, at(9000))).toBe(false);
        // At 10s the hit from 0s left the window, the one from 6s has not.
        expect(await store.hitRateLimit(key, windows, at(10_000))).toBe(true);
        expect(await store.hitRateLimit(key, windows, at(12_000))).toBe(false);
        expect(await store.hitRateLimit(key, windows, at(16_000))).toBe(true);
      });

      it('every window must have room', async () => {
        const key = uid('rl');
        const windows = [
          { windowMs: 1000, max: 2 },
          { windowMs: 10_000, max: 3 },
        ];
        expect(await store.hitRateLimit(key, windows, at(0))).toBe(true);
        expect(await store.hitRateLimit(key, windows, at(0))).toBe(true);
        expect(await store.hitRateLimit(key, windows, at(500))).toBe(false); // short window full
        expect(await store.hitRateLimit(key, windows, at(1000))).toBe(true); // short slid; long now 3
        expect(await store.hitRateLimit(key, windows, at(2500))).toBe(false); // long window full
        expect(await store.hitRateLimit(key, windows, at(9999))).toBe(false);
        // At 10s the two hits from 0s leave the long window; the refused ones never counted.
        expect(await store.hitRateLimit(key, windows, at(10_000))).toBe(true);
        expect(await store.hitRateLimit(key, windows, at(10_000))).toBe(true);
        expect(await store.hitRateLimit(key, windows, at(10_000))).toBe(false);
      });

      it('keys are independent', async () => {
        const a = uid('rl');
        const b = uid('rl');
        const windows = [{ windowMs: MINUTE, max: 1 }];
        expect(await store.hitRateLimit(a, windows, at(0))).toBe(true);
        expect(await store.hitRateLimit(a, windows, at(0))).toBe(false);
        expect(await store.hitRateLimit(b, windows, at(0))).toBe(true);
      });

      it('50 concurrent hits with max 10 admit exactly 10', async () => {
        const key = uid('rl');
        const windows = [
          { windowMs: MINUTE, max: 10 },
          { windowMs: 10 * MINUTE, max: 100 },
        ];
        const results = await inParallel(50, () => store.hitRateLimit(key, windows, at(0)));
        expect(results.filter(Boolean)).toHaveLength(10);
        expect(await store.hitRateLimit(key, windows, at(1))).toBe(false);
      });
    });

    // ---------------------------------------------------------- user pool

    describe('PoolStore', () => {
      describePoolStoreTests({ store: () => store, uid });
    });

    // -------------------------------------------------------- housekeeping
    // Last: pruning is global, so it also clears what earlier tests left behind.

    describe('housekeeping', () => {
      it('pruneExpired deletes only rows that can no longer decide anything', async () => {
        const HOUR = 60 * MINUTE;
        const DAY = 24 * HOUR;
        const pruneAt = at(DAY + HOUR + 10 * MINUTE); // 24 h after at(HOUR + 10 min)

        const userId = await makeUser();
        const action = await makeAction(userId);
        const email = await makeEmail(userId);
        const oldChallenge = await makeChallenge(action.id, userId, { expiresAt: at(5 * MINUTE) });
        const liveChallenge = await makeChallenge(action.id, userId, { expiresAt: at(2 * HOUR) });
        const oldCode = await makeOtp(email.id, action.id, { expiresAt: at(10 * MINUTE) });
        const liveCode = await makeOtp(email.id, action.id, { expiresAt: at(2 * HOUR) });

        const poolId = uid('pool');
        const subs = [uid('sub'), uid('sub')] as const;
        for (const sub of subs) {
          const user = { poolId, sub, email: `${sub}@example.com`, emailVerified: false, attributes: {} };
          expect(
            await store.createPoolUser({ ...user, status: 'CONFIRMED', enabled: true, createdAt: at(0) }),
          ).toBe(true);
        }
        await store.setConfirmationCode({
          poolId,
          sub: subs[0],
          codeHash: uid('h'),
          expiresAt: at(10 * MINUTE),
        });
        await store.setConfirmationCode({
          poolId,
          sub: subs[1],
          codeHash: uid('h'),
          expiresAt: at(2 * HOUR),
        });
        const token = (id: string, expiresAt: Date) => ({
          id,
          poolId,
          sub: subs[0],
          clientId: 'client-1',
          secretHash: uid('secret'),
          authTime: at(0),
          createdAt: at(0),
          expiresAt,
        });
        const [oldToken, liveToken] = [uid('rt'), uid('rt')];
        await store.insertRefreshToken(token(oldToken, at(10 * MINUTE)));
        await store.insertRefreshToken(token(liveToken, at(30 * DAY)));
        const [staleSession, liveSession] = [uid('sess'), uid('sess')];
        expect(await store.consumeAuthSession(staleSession, at(DAY))).toBe(true);
        expect(await store.consumeAuthSession(liveSession, at(DAY + 30 * MINUTE))).toBe(true);

        const day = [{ windowMs: DAY, max: 1 }];
        const [oldKey, liveKey] = [uid('rl'), uid('rl')];
        expect(await store.hitRateLimit(oldKey, day, at(0))).toBe(true);
        expect(await store.hitRateLimit(liveKey, day, at(HOUR + 20 * MINUTE))).toBe(true);

        // Our rows: a challenge, a code, a confirmation code, a token, a session mark, a hit.
        expect(await store.pruneExpired(pruneAt)).toBeGreaterThanOrEqual(6);

        expect(await store.getChallenge(oldChallenge.id)).toBeNull();
        expect(await store.getChallenge(liveChallenge.id)).not.toBeNull();
        expect(await store.getOtpCode(oldCode.id)).toBeNull();
        expect(await store.getOtpCode(liveCode.id)).not.toBeNull();
        expect(await store.getConfirmationCode(poolId, subs[0])).toBeNull();
        expect(await store.getConfirmationCode(poolId, subs[1])).not.toBeNull();
        expect(await store.getRefreshToken(oldToken)).toBeNull();
        expect(await store.getRefreshToken(liveToken)).not.toBeNull();
        // A mark an hour past its session's expiry is gone; a live one still refuses a replay.
        expect(await store.consumeAuthSession(staleSession, at(DAY))).toBe(true);
        expect(await store.consumeAuthSession(liveSession, at(DAY + 30 * MINUTE))).toBe(false);
        // A hit inside the longest window still counts.
        expect(await store.hitRateLimit(liveKey, day, pruneAt)).toBe(false);
        // Nothing left to prune of ours; running it again (as every instance does) is harmless.
        await store.pruneExpired(pruneAt);
        expect(await store.getChallenge(liveChallenge.id)).not.toBeNull();
      });

      it('refuses a rate window longer than what pruning keeps', async () => {
        await expect(
          store.hitRateLimit(uid('rl'), [{ windowMs: 25 * 3_600_000, max: 1 }], at(0)),
        ).rejects.toThrow(RangeError);
      });
    });
  });
}
