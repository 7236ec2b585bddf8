/**
 * WebAuthn L3 relying-party rules (security-bar R*, A*, T1, B1–B3, B6) that the
 * one-mutation suite in `test/passkey-negative.test.ts` does not already prove.
 * Each test is named after its rule id; each refusal asserts the documented
 * reason, that nothing it could touch was written, and the audit event.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apkKeyHashOrigin } from '../../src/config/relying-party.js';
import { configSchema } from '../../src/config/schema.js';
import { decodeBinary } from '../../src/core/encoding.js';
import type { PasskeyAuthenticator } from '../../src/core/model.js';
import {
  enrollEmailOtp,
  registerPasskey,
  signInWithPasskey,
  startPasskeySignIn,
  trackUser,
  userWithPasskey,
} from '../support/flows.js';
import { startTestServer, TEST_ORIGIN, type TestServer, testConfig } from '../support/server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { bearer, database, eventsOf, nextUser, onPostgres, rows } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

/** A tracked user with a verified email and a result token that may add a passkey. */
async function enrolledUser(prefix = 'wa') {
  const { userId, email } = nextUser(prefix);
  const { token } = await trackUser(t, userId, email);
  const resultToken = await enrollEmailOtp(t, token, email);
  return { userId, email, resultToken };
}

/** What a refused ceremony must leave untouched: every authenticator of the user, field by field. */
async function authenticatorState(userId: string, server = t) {
  return server.server.store.listAuthenticators(userId);
}

async function passkeyOf(userId: string, server = t): Promise<PasskeyAuthenticator> {
  const found = (await server.server.store.listAuthenticators(userId)).find((a) => a.method === 'PASSKEY');
  if (found?.method !== 'PASSKEY') throw new Error(`${userId} has no passkey`);
  return found;
}

async function registrationOptions(token: string, server = t) {
  const response = await server.api('POST', '/v1/client/user-authenticators/passkey/registration-options', {
    auth: bearer(token),
    body: {},
  });
  expect(response.status).toBe(200);
  return response.body as {
    challengeId: string;
    options: Parameters<SoftAuthenticator['createCredential']>[0];
  };
}

/** Step-up (Bearer) authentication options: a challenge bound to the token's user and action. */
async function stepUpOptions(token: string) {
  const response = await t.api('POST', '/v1/client/user-authenticators/passkey/authentication-options', {
    auth: bearer(token),
    body: {},
  });
  expect(response.status).toBe(200);
  return response.body as { challengeId: string; options: Parameters<SoftAuthenticator['getAssertion']>[0] };
}

describe('WebAuthn registration (L3 §7.1)', () => {
  it('R2 a challenge issued for authentication cannot complete a registration (cross-ceremony)', async () => {
    const { userId, resultToken } = await enrolledUser();
    // An authentication challenge bound to this very user and action (step-up).
    const auth = await stepUpOptions(resultToken);
    const registration = await registrationOptions(resultToken);
    const credential = await new SoftAuthenticator().createCredential(registration.options, {
      origin: TEST_ORIGIN,
      challenge: auth.options.challenge,
    });
    const before = await authenticatorState(userId);
    const response = await t.api('POST', '/v1/client/user-authenticators/passkey', {
      auth: bearer(resultToken),
      body: { challengeId: auth.challengeId, registrationCredential: credential },
    });
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('invalid_challenge');
    expect(await authenticatorState(userId)).toEqual(before);
    // Refused on its kind before anything was spent.
    expect((await t.server.store.getChallenge(auth.challengeId))?.usedAt).toBeNull();

    // Nor does a usernameless sign-in challenge.
    const usernameless = await startPasskeySignIn(t);
    const again = await t.api('POST', '/v1/client/user-authenticators/passkey', {
      auth: bearer(resultToken),
      body: { challengeId: usernameless.challengeId, registrationCredential: credential },
    });
    expect(again.status).toBe(400);
    expect(again.body.errorCode).toBe('invalid_challenge');
    expect(await authenticatorState(userId)).toEqual(before);
  });

  it('R2 a registration challenge is bound to the token’s user', async () => {
    const alice = await enrolledUser();
    const bob = await enrolledUser();
    const options = await registrationOptions(alice.resultToken);
    const credential = await new SoftAuthenticator().createCredential(options.options, {
      origin: TEST_ORIGIN,
    });
    const aliceBefore = await authenticatorState(alice.userId);
    const bobBefore = await authenticatorState(bob.userId);
    const response = await t.api('POST', '/v1/client/user-authenticators/passkey', {
      auth: bearer(bob.resultToken),
      body: { challengeId: options.challengeId, registrationCredential: credential },
    });
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('invalid_challenge');
    expect(await authenticatorState(alice.userId)).toEqual(aliceBefore);
    expect(await authenticatorState(bob.userId)).toEqual(bobBefore);
    // Alice can still use her challenge.
    const mine = await t.api('POST', '/v1/client/user-authenticators/passkey', {
      auth: bearer(alice.resultToken),
      body: { challengeId: options.challengeId, registrationCredential: credential },
    });
    expect(mine.body.isVerified).toBe(true);
  });

  describe('R3 Android origins', () => {
    const fingerprint = () =>
      Array.from(randomBytes(32), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
    const appCert = fingerprint();
    let android: TestServer;
    beforeAll(async () => {
      android = await startTestServer({
        config: testConfig({
          relyingParty: {
            id: 'localhost',
            name: 'Latchkey Test',
            origins: [TEST_ORIGIN],
            android: [{ packageName: 'com.example.app', sha256CertFingerprints: [appCert] }],
          },
        }),
      });
    });
    afterAll(async () => android.close());

    it('R3 a configured android:apk-key-hash origin is accepted for registration and sign-in', async () => {
      const origin = apkKeyHashOrigin(appCert);
      expect(origin).toMatch(/^android:apk-key-hash:[A-Za-z0-9_-]{43}$/);
      const { userId, email } = nextUser('apk');
      const { token } = await trackUser(android, userId, email);
      const resultToken = await enrollEmailOtp(android, token, email);
      const authenticator = new SoftAuthenticator();
      const registered = await registerPasskey(android, authenticator, resultToken, { origin });
      expect(registered.body.isVerified).toBe(true);
      const signedIn = await signInWithPasskey(android, authenticator, { origin });
      expect(signedIn.body).toMatchObject({ isVerified: true, userId });
    });

    it('R3 an apk-key-hash origin of another signing certificate is refused', async () => {
      const { userId, email } = nextUser('apk');
      const { token } = await trackUser(android, userId, email);
      const resultToken = await enrollEmailOtp(android, token, email);
      const before = await authenticatorState(userId, android);
      const response = await registerPasskey(android, new SoftAuthenticator(), resultToken, {
        origin: apkKeyHashOrigin(fingerprint()),
      });
      expect(response.body).toEqual({ isVerified: false, failureReason: 'invalid_origin' });
      expect(await authenticatorState(userId, android)).toEqual(before);
      expect((await eventsOf(android, userId, 'passkey.registration_failed'))[0]?.data).toMatchObject({
        reason: 'invalid_origin',
      });
    });
  });

  it('R4 a topOrigin is refused even without crossOrigin (no embedding configured)', async () => {
    const { userId, resultToken } = await enrolledUser();
    const before = await authenticatorState(userId);
    const response = await registerPasskey(t, new SoftAuthenticator(), resultToken, {
      topOrigin: 'https://evil.example',
    });
    expect(response.body).toEqual({ isVerified: false, failureReason: 'cross_origin_not_allowed' });
    expect(await authenticatorState(userId)).toEqual(before);
    expect((await eventsOf(t, userId, 'passkey.registration_failed'))[0]?.data).toMatchObject({
      reason: 'cross_origin_not_allowed',
    });
  });

  it('R9 a 1023-byte credential id (the maximum) is accepted and stored whole', async () => {
    const { userId, resultToken } = await enrolledUser();
    const id = new Uint8Array(randomBytes(1023));
    const authenticator = new SoftAuthenticator();
    const response = await registerPasskey(t, authenticator, resultToken, { credentialId: id });
    expect(response.body.isVerified).toBe(true);
    const stored = await passkeyOf(userId);
    expect(decodeBinary(stored.credentialId, 'credentialId')).toEqual(id);
    expect((await signInWithPasskey(t, authenticator)).body.userId).toBe(userId);
  });

  it('R10 packed self-attestation is verified: a good signature is accepted', async () => {
    const { userId, resultToken } = await enrolledUser();
    const response = await registerPasskey(t, new SoftAuthenticator(), resultToken, {
      attestation: 'packed',
    });
    expect(response.body.isVerified).toBe(true);
    expect((await passkeyOf(userId)).credentialId).toBe(response.body.credentialId);
  });

  it('R10 packed attestation with a bad signature is refused, never half-trusted', async () => {
    const { userId, resultToken } = await enrolledUser();
    const before = await authenticatorState(userId);
    const response = await registerPasskey(t, new SoftAuthenticator(), resultToken, {
      attestation: 'packed',
      corruptSignature: true,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ isVerified: false, failureReason: 'invalid_attestation' });
    expect(await authenticatorState(userId)).toEqual(before);
    const failed = await eventsOf(t, userId, 'passkey.registration_failed');
    expect(failed[0]?.data).toMatchObject({ reason: 'invalid_attestation' });
    expect(await eventsOf(t, userId, 'passkey.registered')).toEqual([]);
  });

  it('R11 every passkey column is stored, non-null, with what the authenticator reported', async () => {
    const { userId, resultToken } = await enrolledUser();
    const aaguid = '2fc0579f-8113-47ea-b116-bb5a8db9202a';
    const authenticator = new SoftAuthenticator({ aaguid, backupEligible: true, backupState: false });
    const response = await registerPasskey(t, authenticator, resultToken);
    expect(response.body.isVerified).toBe(true);
    const held = authenticator.listCredentials()[0];
    const [row] = (await rows(t, 'authenticators')).filter(
      (r) => r.user_id === userId && r.method === 'PASSKEY',
    );
    expect(row).toBeDefined();
    for (const column of [
      'id',
      'user_id',
      'method',
      'created_at',
      'verified_at',
      'credential_id',
      'public_key',
      'counter',
      'transports',
      'aaguid',
      'backup_eligible',
      'backup_state',
      'uv_initialized',
    ]) {
      expect(row?.[column], column).not.toBeNull();
      expect(row?.[column], column).not.toBeUndefined();
    }
    const stored = await passkeyOf(userId);
    expect(stored).toMatchObject({
      credentialId: held?.id,
      counter: 0,
      aaguid,
      backupEligible: true,
      backupState: false,
      uvInitialized: true,
      transports: ['internal', 'hybrid'],
    });
    expect(decodeBinary(stored.publicKey, 'publicKey')).toEqual(held?.cosePublicKey);
    expect(stored.verifiedAt).toEqual(stored.createdAt);
  });
});

describe('WebAuthn authentication (L3 §7.2)', () => {
  it('A1 with a non-empty allowCredentials, a credential outside the list is refused', async () => {
    const bob = nextUser('a1');
    const { resultToken: bobToken, authenticator: bobKey } = await userWithPasskey(t, bob.userId, bob.email);
    const alice = nextUser('a1');
    const { authenticator: aliceKey } = await userWithPasskey(t, alice.userId, alice.email);
    const { challengeId, options } = await stepUpOptions(bobToken);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([bobKey.listCredentials()[0]?.id]);
    const aliceBefore = await authenticatorState(alice.userId);
    const bobBefore = await authenticatorState(bob.userId);
    // A malicious client ignores the list and answers with another credential.
    const assertion = await aliceKey.getAssertion(
      { ...options, allowCredentials: [] },
      { origin: TEST_ORIGIN },
    );
    const response = await t.api('POST', '/v1/client/verify/passkey', {
      auth: bearer(bobToken),
      body: { challengeId, authenticationCredential: assertion },
    });
    expect(response.body).toEqual({ isVerified: false, failureReason: 'credential_not_allowed' });
    expect(await authenticatorState(alice.userId)).toEqual(aliceBefore);
    expect(await authenticatorState(bob.userId)).toEqual(bobBefore);
    expect((await eventsOf(t, alice.userId, 'passkey.sign_in_failed'))[0]?.data).toMatchObject({
      reason: 'credential_not_allowed',
    });
  });

  it('A4 a registration challenge cannot complete an authentication (cross-ceremony)', async () => {
    const { userId, email } = nextUser('a4');
    const { resultToken, authenticator } = await userWithPasskey(t, userId, email);
    const registration = await registrationOptions(resultToken);
    const { options } = await startPasskeySignIn(t);
    const assertion = await authenticator.getAssertion(
      { ...options, challenge: registration.options.challenge },
      { origin: TEST_ORIGIN },
    );
    const before = await authenticatorState(userId);
    for (const auth of [t.tenantAuth, bearer(resultToken)]) {
      const response = await t.api('POST', '/v1/client/verify/passkey', {
        auth,
        body: { challengeId: registration.challengeId, authenticationCredential: assertion },
      });
      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('invalid_challenge');
    }
    expect(await authenticatorState(userId)).toEqual(before);
    expect((await t.server.store.getChallenge(registration.challengeId))?.usedAt).toBeNull();
  });

  it('A4 user presence is required on assertions (UP = 0 refused)', async () => {
    const { userId, email } = nextUser('a4');
    const { authenticator } = await userWithPasskey(t, userId, email);
    const before = await authenticatorState(userId);
    const response = await signInWithPasskey(t, authenticator, { userPresent: false });
    expect(response.body).toEqual({ isVerified: false, failureReason: 'user_not_present' });
    expect(await authenticatorState(userId)).toEqual(before);
    expect((await eventsOf(t, userId, 'passkey.sign_in_failed'))[0]?.data).toMatchObject({
      reason: 'user_not_present',
    });
  });

  it('A4 a cross-origin assertion (crossOrigin + topOrigin, or topOrigin alone) is refused', async () => {
    const { userId, email } = nextUser('a4');
    const { authenticator } = await userWithPasskey(t, userId, email);
    const before = await authenticatorState(userId);
    for (const overrides of [
      { crossOrigin: true, topOrigin: 'https://evil.example' },
      { topOrigin: 'https://evil.example' },
      { crossOrigin: true },
    ]) {
      const response = await signInWithPasskey(t, authenticator, overrides);
      expect(response.body).toEqual({ isVerified: false, failureReason: 'cross_origin_not_allowed' });
    }
    expect(await authenticatorState(userId)).toEqual(before);
  });

  it('A6 a BE flip 1 → 0 is refused (the reverse is in passkey-negative)', async () => {
    const { userId, resultToken } = await enrolledUser('a6');
    const authenticator = new SoftAuthenticator({ backupEligible: true, backupState: true });
    expect((await registerPasskey(t, authenticator, resultToken)).body.isVerified).toBe(true);
    const before = await authenticatorState(userId);
    const response = await signInWithPasskey(t, authenticator, { backupEligible: false, backupState: false });
    expect(response.body).toEqual({ isVerified: false, failureReason: 'backup_eligibility_mismatch' });
    expect(await authenticatorState(userId)).toEqual(before);
    expect((await eventsOf(t, userId, 'passkey.sign_in_failed'))[0]?.data).toMatchObject({
      reason: 'backup_eligibility_mismatch',
    });
  });

  it('A6 BS without BE is refused on an assertion', async () => {
    const { userId, email } = nextUser('a6');
    const { authenticator } = await userWithPasskey(t, userId, email); // BE = 0
    const before = await authenticatorState(userId);
    const response = await signInWithPasskey(t, authenticator, { backupState: true });
    expect(response.body).toEqual({ isVerified: false, failureReason: 'backup_state_without_eligibility' });
    expect(await authenticatorState(userId)).toEqual(before);
  });

  it('A6 a BS change 0 → 1 (and back) is accepted and persisted', async () => {
    const { userId, resultToken } = await enrolledUser('a6');
    const authenticator = new SoftAuthenticator({ backupEligible: true, backupState: false });
    expect((await registerPasskey(t, authenticator, resultToken)).body.isVerified).toBe(true);
    expect((await passkeyOf(userId)).backupState).toBe(false);
    expect((await signInWithPasskey(t, authenticator, { backupState: true })).body.isVerified).toBe(true);
    expect(await passkeyOf(userId)).toMatchObject({ backupEligible: true, backupState: true });
    expect((await signInWithPasskey(t, authenticator, { backupState: false })).body.isVerified).toBe(true);
    expect(await passkeyOf(userId)).toMatchObject({ backupEligible: true, backupState: false });
  });

  it('A7 counter 5 → 5 and 5 → 0 are refused with a clone warning; 5 → 6 is accepted', async () => {
    const { userId, email } = nextUser('a7');
    const { authenticator } = await userWithPasskey(t, userId, email);
    expect((await signInWithPasskey(t, authenticator, { signCount: 5 })).body.isVerified).toBe(true);
    const before = await authenticatorState(userId);
    for (const signCount of [5, 0]) {
      const response = await signInWithPasskey(t, authenticator, { signCount });
      expect(response.body).toEqual({ isVerified: false, failureReason: 'counter_regression' });
      expect(await authenticatorState(userId)).toEqual(before);
    }
    const warnings = await eventsOf(t, userId, 'passkey.clone_warning');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.data).toMatchObject({ reason: 'counter_regression' });
    expect((await signInWithPasskey(t, authenticator, { signCount: 6 })).body.isVerified).toBe(true);
    expect((await passkeyOf(userId)).counter).toBe(6);
  });

  it('A7 a zero counter after a non-zero one is refused, but 0/0 forever is fine', async () => {
    const { userId, resultToken } = await enrolledUser('a7');
    const synced = new SoftAuthenticator({ signCount: 'zero' });
    expect((await registerPasskey(t, synced, resultToken)).body.isVerified).toBe(true);
    for (let i = 0; i < 2; i++) expect((await signInWithPasskey(t, synced)).body.isVerified).toBe(true);
    expect((await passkeyOf(userId)).counter).toBe(0);
    expect((await signInWithPasskey(t, synced, { signCount: 1 })).body.isVerified).toBe(true);
    const response = await signInWithPasskey(t, synced, { signCount: 0 });
    expect(response.body).toEqual({ isVerified: false, failureReason: 'counter_regression' });
  });
});

describe('challenges', () => {
  it('T1 every WebAuthn challenge is 32 random bytes (≥ 64 bits), never repeated', async () => {
    const { userId, email } = nextUser('t1');
    const { resultToken } = await userWithPasskey(t, userId, email);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const challenges = [
        (await registrationOptions(resultToken)).options.challenge,
        (await stepUpOptions(resultToken)).options.challenge,
        (await startPasskeySignIn(t)).options.challenge,
      ];
      for (const challenge of challenges) {
        expect(decodeBinary(challenge, 'challenge').length).toBeGreaterThanOrEqual(32);
        expect(seen.has(challenge)).toBe(false);
        seen.add(challenge);
      }
    }
    expect(seen.size).toBe(30);
  });
});

describe('field bugs (regression rules)', () => {
  it('B2 after a sign-in the stored counter equals the new one, and last use is recorded', async () => {
    const { userId, email } = nextUser('b2');
    const { authenticator } = await userWithPasskey(t, userId, email);
    expect((await signInWithPasskey(t, authenticator, { signCount: 7 })).body.isVerified).toBe(true);
    const first = await passkeyOf(userId);
    expect(first.counter).toBe(7);
    expect(first.lastVerifiedAt).not.toBeNull();
    expect((await signInWithPasskey(t, authenticator)).body.isVerified).toBe(true);
    expect((await passkeyOf(userId)).counter).toBe(authenticator.getCounter(first.credentialId));
    expect((await passkeyOf(userId)).counter).toBe(8);
  });

  it('B3 the BE and BS columns are NOT NULL in the schema, and every passkey row has them', async () => {
    const db = database(t);
    let notNull: Record<string, boolean>;
    if (onPostgres()) {
      const result = await sql<{ column_name: string; is_nullable: string }>`
        select column_name, is_nullable from information_schema.columns
        where table_name = 'authenticators' and table_schema = current_schema()`.execute(db);
      notNull = Object.fromEntries(result.rows.map((r) => [r.column_name, r.is_nullable === 'NO']));
    } else {
      const result = await sql<{ name: string; notnull: number }>`pragma table_info(authenticators)`.execute(
        db,
      );
      notNull = Object.fromEntries(result.rows.map((r) => [r.name, r.notnull === 1]));
    }
    expect(notNull).toMatchObject({ backup_eligible: true, backup_state: true, uv_initialized: true });
    const { userId, email } = nextUser('b3');
    await userWithPasskey(t, userId, email);
    // The database itself refuses a passkey row without BE or BS.
    for (const column of ['backup_eligible', 'backup_state']) {
      await expect(
        sql`insert into authenticators (id, user_id, method, created_at, credential_id, ${sql.ref(column)})
            values (${`b3-${column}`}, ${userId}, 'PASSKEY', 0, ${`b3-cred-${column}`}, null)`.execute(db),
      ).rejects.toThrow(/not.null|null value/i);
    }
    const passkeys = (await rows(t, 'authenticators')).filter((r) => r.method === 'PASSKEY');
    expect(passkeys.length).toBeGreaterThan(0);
    for (const row of passkeys) {
      expect([0, 1]).toContain(Number(row.backup_eligible));
      expect([0, 1]).toContain(Number(row.backup_state));
      // R7 holds at rest too: no row is backed up without being backup-eligible.
      expect(Number(row.backup_state) <= Number(row.backup_eligible)).toBe(true);
    }
  });

  it('B4 the OTP attempt cap can be neither 0 nor unlimited', () => {
    const base = testConfig();
    for (const maxAttempts of [0, -1, 1000, Number.POSITIVE_INFINITY, null]) {
      const parsed = configSchema.safeParse({ ...base, otp: { ...base.otp, maxAttempts } });
      expect(parsed.success, String(maxAttempts)).toBe(false);
    }
    expect(configSchema.safeParse({ ...base, otp: { ...base.otp, maxAttempts: 5 } }).success).toBe(true);
  });

  it('B6 an empty or absent userHandle is accepted (Safari)', async () => {
    const { userId, email } = nextUser('b6');
    const { authenticator } = await userWithPasskey(t, userId, email);
    for (const userHandle of ['', null]) {
      const response = await signInWithPasskey(t, authenticator, { userHandle });
      expect(response.body).toMatchObject({ isVerified: true, userId });
    }
  });
});
