/**
 * Passkey ceremonies that must be refused: each test changes one thing in an
 * otherwise valid ceremony, asserts the documented error code, and asserts that
 * nothing the refusal could have touched was written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from './support/clock.js';
import {
  enrollEmailOtp,
  registerPasskey,
  signInWithPasskey,
  startPasskeySignIn,
  trackUser,
  userWithPasskey,
} from './support/flows.js';
import { startTestServer, TEST_ORIGIN, type TestServer } from './support/server.js';
import { SoftAuthenticator } from './support/soft-authenticator.js';

let t: TestServer;
const clock = new TestClock();
let seq = 0;
const nextUser = () => {
  seq += 1;
  return { userId: `neg-${seq}`, email: `neg-${seq}@example.com` };
};

beforeAll(async () => {
  t = await startTestServer({ clock });
});
afterAll(async () => t.close());

/** What a refused ceremony must leave untouched. */
async function snapshot(userId: string) {
  const authenticators = await t.server.store.listAuthenticators(userId);
  return authenticators.map((a) =>
    a.method === 'PASSKEY'
      ? {
          id: a.id,
          counter: a.counter,
          be: a.backupEligible,
          bs: a.backupState,
          last: a.lastVerifiedAt?.getTime() ?? null,
        }
      : { id: a.id },
  );
}

/** A tracked user with a verified email, ready to register a passkey. */
async function enrolledUser() {
  const { userId, email } = nextUser();
  const { token } = await trackUser(t, userId, email);
  const resultToken = await enrollEmailOtp(t, token, email);
  return { userId, email, resultToken };
}

describe('registration (WebAuthn L3 §7.1)', () => {
  const cases: [string, Parameters<SoftAuthenticator['createCredential']>[1], string][] = [
    ['wrong origin', { origin: 'https://evil.example' }, 'invalid_origin'],
    ['wrong RP ID', { rpId: 'evil.example' }, 'invalid_rp_id'],
    ['a webauthn.get payload', { type: 'webauthn.get' }, 'invalid_type'],
    ['user verification missing', { userVerified: false }, 'user_verification_required'],
    ['user presence missing', { userPresent: false }, 'user_not_present'],
    ['BS without BE', { backupEligible: false, backupState: true }, 'backup_state_without_eligibility'],
    [
      'a cross-origin iframe',
      { crossOrigin: true, topOrigin: 'https://evil.example' },
      'cross_origin_not_allowed',
    ],
    ['an unoffered algorithm (EdDSA)', { alg: -8 }, 'unsupported_algorithm'],
    ['a 1024-byte credential id', { credentialId: new Uint8Array(1024).fill(7) }, 'invalid_credential_id'],
    [
      'a foreign challenge',
      { challenge: Buffer.from('not-the-challenge').toString('base64url') },
      'challenge_mismatch',
    ],
  ];
  for (const [name, overrides, reason] of cases) {
    it(`refuses ${name} (${reason}) and stores nothing`, async () => {
      const { userId, resultToken } = await enrolledUser();
      const before = await snapshot(userId);
      const response = await registerPasskey(t, new SoftAuthenticator(), resultToken, overrides);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ isVerified: false, failureReason: reason });
      expect(await snapshot(userId)).toEqual(before);
      const events = await t.server.store.listEvents({
        userId,
        type: 'passkey.registration_failed',
        limit: 5,
      });
      expect(events[0]?.data).toMatchObject({ reason });
    });
  }

  it('refuses a replayed registration challenge', async () => {
    const { userId, resultToken } = await enrolledUser();
    const authenticator = new SoftAuthenticator();
    const options = await t.api('POST', '/v1/client/user-authenticators/passkey/registration-options', {
      auth: `Bearer ${resultToken}`,
      body: {},
    });
    const credential = await authenticator.createCredential(options.body.options, { origin: TEST_ORIGIN });
    const body = { challengeId: options.body.challengeId, registrationCredential: credential };
    const first = await t.api('POST', '/v1/client/user-authenticators/passkey', {
      auth: `Bearer ${resultToken}`,
      body,
    });
    expect(first.body.isVerified).toBe(true);
    const before = await snapshot(userId);
    const replay = await t.api('POST', '/v1/client/user-authenticators/passkey', {
      auth: `Bearer ${resultToken}`,
      body,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.errorCode).toBe('invalid_challenge');
    expect(await snapshot(userId)).toEqual(before);
  });

  it('refuses an expired registration challenge', async () => {
    const { userId, resultToken } = await enrolledUser();
    const options = await t.api('POST', '/v1/client/user-authenticators/passkey/registration-options', {
      auth: `Bearer ${resultToken}`,
      body: {},
    });
    const credential = await new SoftAuthenticator().createCredential(options.body.options, {
      origin: TEST_ORIGIN,
    });
    clock.advance(5 * 60_000 + 1000);
    const response = await t.api('POST', '/v1/client/user-authenticators/passkey', {
      auth: `Bearer ${resultToken}`,
      body: { challengeId: options.body.challengeId, registrationCredential: credential },
    });
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('invalid_challenge');
    expect((await snapshot(userId)).length).toBe(1); // only the email authenticator
  });

  it('refuses a credential id already registered to another user', async () => {
    const first = await enrolledUser();
    const authenticator = new SoftAuthenticator();
    const id = new Uint8Array(32).fill(seq);
    expect(
      (await registerPasskey(t, authenticator, first.resultToken, { credentialId: id })).body.isVerified,
    ).toBe(true);
    const second = await enrolledUser();
    const before = await snapshot(second.userId);
    const response = await registerPasskey(t, new SoftAuthenticator(), second.resultToken, {
      credentialId: id,
    });
    expect(response.body).toEqual({ isVerified: false, failureReason: 'credential_exists' });
    expect(await snapshot(second.userId)).toEqual(before);
  });

  it('requires add:authenticators for a second authenticator', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    await enrollEmailOtp(t, token, email);
    const before = await snapshot(userId);
    // The track token has only read:authenticators, and the user is already enrolled.
    const response = await t.api('POST', '/v1/client/user-authenticators/passkey/registration-options', {
      auth: `Bearer ${token}`,
      body: {},
    });
    expect(response.status).toBe(403);
    expect(response.body.errorCode).toBe('insufficient_scope');
    expect(await snapshot(userId)).toEqual(before);
  });

  it('lists the user’s passkeys in excludeCredentials', async () => {
    const { userId, email } = nextUser();
    const { resultToken, authenticator } = await userWithPasskey(t, userId, email);
    const options = await t.api('POST', '/v1/client/user-authenticators/passkey/registration-options', {
      auth: `Bearer ${resultToken}`,
      body: {},
    });
    const held = authenticator.listCredentials()[0]?.id;
    expect(options.body.options.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([held]);
    await expect(
      authenticator.createCredential(options.body.options, { origin: TEST_ORIGIN }),
    ).rejects.toThrow(/InvalidStateError/);
  });
});

describe('authentication (WebAuthn L3 §7.2)', () => {
  const cases: [string, Parameters<SoftAuthenticator['getAssertion']>[1], string][] = [
    ['wrong origin', { origin: 'https://evil.example' }, 'invalid_origin'],
    ['wrong RP ID', { rpId: 'evil.example' }, 'invalid_rp_id'],
    ['a webauthn.create payload', { type: 'webauthn.create' }, 'invalid_type'],
    ['user verification missing', { userVerified: false }, 'user_verification_required'],
    ['a flipped BE flag', { backupEligible: true, backupState: false }, 'backup_eligibility_mismatch'],
    ['a corrupted signature', { corruptSignature: true }, 'invalid_signature'],
    ['corrupted authenticator data', { corruptAuthenticatorData: true }, 'invalid_signature'],
    ['corrupted client data', { corruptClientData: true }, 'invalid_signature'],
    [
      'another user’s user handle',
      { userHandle: Buffer.from('someone-else').toString('base64url') },
      'user_handle_mismatch',
    ],
  ];
  for (const [name, overrides, reason] of cases) {
    it(`refuses ${name} (${reason}) and changes nothing`, async () => {
      const { userId, email } = nextUser();
      const { authenticator } = await userWithPasskey(t, userId, email);
      const before = await snapshot(userId);
      const response = await signInWithPasskey(t, authenticator, overrides);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ isVerified: false, failureReason: reason });
      expect(await snapshot(userId)).toEqual(before);
    });
  }

  it('refuses a counter regression and records a clone warning', async () => {
    const { userId, email } = nextUser();
    const { authenticator } = await userWithPasskey(t, userId, email);
    expect((await signInWithPasskey(t, authenticator, { signCount: 5 })).body.isVerified).toBe(true);
    const before = await snapshot(userId);
    const response = await signInWithPasskey(t, authenticator, { signCount: 3 });
    expect(response.body).toEqual({ isVerified: false, failureReason: 'counter_regression' });
    expect(await snapshot(userId)).toEqual(before);
    const warnings = await t.server.store.listEvents({ userId, type: 'passkey.clone_warning', limit: 5 });
    expect(warnings).toHaveLength(1);
  });

  it('accepts synced passkeys that always report counter 0', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    const resultToken = await enrollEmailOtp(t, token, email);
    const authenticator = new SoftAuthenticator({ signCount: 'zero' });
    expect((await registerPasskey(t, authenticator, resultToken)).body.isVerified).toBe(true);
    for (let i = 0; i < 3; i++)
      expect((await signInWithPasskey(t, authenticator)).body.isVerified).toBe(true);
  });

  it('refuses a replayed authentication challenge', async () => {
    const { userId, email } = nextUser();
    const { authenticator } = await userWithPasskey(t, userId, email);
    const { challengeId, options } = await startPasskeySignIn(t);
    const assertion = await authenticator.getAssertion(options, { origin: TEST_ORIGIN });
    const body = { challengeId, authenticationCredential: assertion };
    expect(
      (await t.api('POST', '/v1/client/verify/passkey', { auth: t.tenantAuth, body })).body.isVerified,
    ).toBe(true);
    const before = await snapshot(userId);
    const replay = await t.api('POST', '/v1/client/verify/passkey', { auth: t.tenantAuth, body });
    expect(replay.status).toBe(400);
    expect(replay.body.errorCode).toBe('invalid_challenge');
    expect(await snapshot(userId)).toEqual(before);
  });

  it('refuses an expired authentication challenge', async () => {
    const { userId, email } = nextUser();
    const { authenticator } = await userWithPasskey(t, userId, email);
    const { challengeId, options } = await startPasskeySignIn(t);
    const assertion = await authenticator.getAssertion(options, { origin: TEST_ORIGIN });
    clock.advance(5 * 60_000 + 1000);
    const before = await snapshot(userId);
    const response = await t.api('POST', '/v1/client/verify/passkey', {
      auth: t.tenantAuth,
      body: { challengeId, authenticationCredential: assertion },
    });
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('invalid_challenge');
    expect(await snapshot(userId)).toEqual(before);
  });

  it('reports an unregistered credential as unknown_credential', async () => {
    const { authenticator } = await userWithPasskey(t, nextUser().userId, `${seq}-x@example.com`);
    const stranger = authenticator.clone();
    const held = stranger.listCredentials()[0]?.id ?? '';
    await t.server.store.deleteAuthenticator(
      (await t.server.store.getPasskeyByCredentialId(held))?.userId ?? '',
      (await t.server.store.getPasskeyByCredentialId(held))?.id ?? '',
    );
    const response = await signInWithPasskey(t, stranger);
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('unknown_credential');
  });

  it('refuses another user’s credential in a step-up (Bearer) sign-in', async () => {
    const alice = nextUser();
    const { authenticator: aliceKey } = await userWithPasskey(t, alice.userId, alice.email);
    const bob = nextUser();
    const { token: bobToken } = await trackUser(t, bob.userId, bob.email);
    const options = await t.api('POST', '/v1/client/user-authenticators/passkey/authentication-options', {
      auth: `Bearer ${bobToken}`,
      body: {},
    });
    expect(options.status).toBe(200);
    expect(options.body.options.allowCredentials).toEqual([]);
    const before = await snapshot(alice.userId);
    // Alice's authenticator answers Bob's step-up challenge with Alice's passkey.
    const assertion = await aliceKey.getAssertion(options.body.options, { origin: TEST_ORIGIN });
    const response = await t.api('POST', '/v1/client/verify/passkey', {
      auth: `Bearer ${bobToken}`,
      body: { challengeId: options.body.challengeId, authenticationCredential: assertion },
    });
    expect(response.body).toEqual({ isVerified: false, failureReason: 'credential_not_allowed' });
    expect(await snapshot(alice.userId)).toEqual(before);
  });

  it('ignores a forged userId in a usernameless verify body', async () => {
    const alice = nextUser();
    const { authenticator } = await userWithPasskey(t, alice.userId, alice.email);
    const { challengeId, options } = await startPasskeySignIn(t);
    const assertion = await authenticator.getAssertion(options, { origin: TEST_ORIGIN });
    const response = await t.api('POST', '/v1/client/verify/passkey', {
      auth: t.tenantAuth,
      body: { challengeId, authenticationCredential: assertion, userId: 'someone-else' },
    });
    expect(response.body.isVerified).toBe(true);
    expect(response.body.userId).toBe(alice.userId);
  });
});

describe('iOS-style requests', () => {
  it('accepts standard base64 fields, a literal user id handle and an empty handle', async () => {
    const { userId, resultToken } = await enrolledUser();
    const authenticator = new SoftAuthenticator();
    const registered = await registerPasskey(t, authenticator, resultToken, { encoding: 'base64' });
    expect(registered.body.isVerified).toBe(true);
    expect(registered.body.credentialId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect((await signInWithPasskey(t, authenticator, { encoding: 'base64' })).body.userId).toBe(userId);
    expect((await signInWithPasskey(t, authenticator, { userHandle: userId })).body.isVerified).toBe(true);
    expect((await signInWithPasskey(t, authenticator, { userHandle: '' })).body.isVerified).toBe(true);
  });

  it('refuses binary fields that are neither base64 nor base64url', async () => {
    const { userId, resultToken } = await enrolledUser();
    const options = await t.api('POST', '/v1/client/user-authenticators/passkey/registration-options', {
      auth: `Bearer ${resultToken}`,
      body: {},
    });
    const credential = await new SoftAuthenticator().createCredential(options.body.options, {
      origin: TEST_ORIGIN,
    });
    const before = await snapshot(userId);
    const response = await t.api('POST', '/v1/client/user-authenticators/passkey', {
      auth: `Bearer ${resultToken}`,
      body: {
        challengeId: options.body.challengeId,
        registrationCredential: {
          ...credential,
          response: { ...credential.response, attestationObject: 'a*b' },
        },
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('invalid_request');
    expect(await snapshot(userId)).toEqual(before);
    // The challenge was not spent by the malformed request.
    const retry = await t.api('POST', '/v1/client/user-authenticators/passkey', {
      auth: `Bearer ${resultToken}`,
      body: { challengeId: options.body.challengeId, registrationCredential: credential },
    });
    expect(retry.body.isVerified).toBe(true);
  });
});
