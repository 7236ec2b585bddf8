/**
 * Exactly once under concurrency (security-bar §1 "exactly once"): many
 * parallel uses of one single-use artefact over HTTP against a real server
 * yield exactly one success and exactly one stored effect. The refresh-token
 * case (T7) is in `policy.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollEmailOtp, nodeSdk, startPasskeySignIn, trackUser, userWithPasskey } from '../support/flows.js';
import { CLIENT_ID, poolCall, poolTestConfig, sdkSignUpAndStart } from '../support/pool.js';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../support/server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { bearer, eventsOf, nextUser, rows, wrongCode } from './helpers.js';

const PARALLEL = 100;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ config: poolTestConfig() });
});
afterAll(async () => t.close());

const times = <T>(n: number, task: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => task(i)));

async function passkeysOf(userId: string) {
  return (await t.server.store.listAuthenticators(userId)).filter((a) => a.method === 'PASSKEY');
}

describe('WebAuthn ceremonies', () => {
  it('R2 100 parallel completions of one registration challenge store exactly one passkey', async () => {
    const { userId, email } = nextUser('x-r2');
    const { token } = await trackUser(t, userId, email);
    const resultToken = await enrollEmailOtp(t, token, email);
    const options = await t.api('POST', '/v1/client/user-authenticators/passkey/registration-options', {
      auth: bearer(resultToken),
      body: {},
    });
    const credential = await new SoftAuthenticator().createCredential(options.body.options, {
      origin: TEST_ORIGIN,
    });
    const body = { challengeId: options.body.challengeId, registrationCredential: credential };
    const responses = await times(PARALLEL, () =>
      t.api('POST', '/v1/client/user-authenticators/passkey', { auth: bearer(resultToken), body }),
    );
    const winners = responses.filter((r) => r.status === 200 && r.body.isVerified === true);
    expect(winners).toHaveLength(1);
    for (const r of responses.filter((r) => !winners.includes(r))) {
      expect(r.status).toBe(400);
      expect(r.body.errorCode).toBe('invalid_challenge');
    }
    expect(await passkeysOf(userId)).toHaveLength(1);
    expect(await eventsOf(t, userId, 'passkey.registered')).toHaveLength(1);
  });

  it('A4 100 parallel verifies of one assertion yield exactly one result token', async () => {
    const { userId, email } = nextUser('x-a4');
    const { authenticator } = await userWithPasskey(t, userId, email);
    const { challengeId, options } = await startPasskeySignIn(t);
    const assertion = await authenticator.getAssertion(options, { origin: TEST_ORIGIN });
    const body = { challengeId, authenticationCredential: assertion };
    const responses = await times(PARALLEL, () =>
      t.api('POST', '/v1/client/verify/passkey', { auth: t.tenantAuth, body }),
    );
    const winners = responses.filter((r) => r.body?.isVerified === true);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.body.accessToken).toBeTypeOf('string');
    for (const r of responses.filter((r) => !winners.includes(r))) {
      expect(r.status).toBe(400);
      expect(r.body.errorCode).toBe('invalid_challenge');
    }
    expect(await eventsOf(t, userId, 'passkey.signed_in')).toHaveLength(1);
    const [passkey] = await passkeysOf(userId);
    expect(passkey?.method === 'PASSKEY' && passkey.counter).toBe(1);
    // The one token validates once.
    const sdk = nodeSdk(t);
    expect((await sdk.validateChallenge({ token: winners[0]?.body.accessToken })).isValid).toBe(true);
  });

  it('A8 parallel assertions carrying the same counter: exactly one succeeds', async () => {
    const { userId, email } = nextUser('x-a8');
    const { authenticator } = await userWithPasskey(t, userId, email);
    const attempts = 10;
    const prepared = await times(attempts, async () => {
      const { challengeId, options } = await startPasskeySignIn(t);
      // Every assertion reports counter 1: copies of one authenticator racing (a clone).
      const assertion = await authenticator.getAssertion(options, { origin: TEST_ORIGIN, signCount: 1 });
      return { challengeId, authenticationCredential: assertion };
    });
    const responses = await Promise.all(
      prepared.map((body) => t.api('POST', '/v1/client/verify/passkey', { auth: t.tenantAuth, body })),
    );
    expect(responses.filter((r) => r.body.isVerified === true)).toHaveLength(1);
    for (const r of responses.filter((r) => r.body.isVerified !== true)) {
      expect(r.body).toEqual({ isVerified: false, failureReason: 'counter_regression' });
    }
    const [passkey] = await passkeysOf(userId);
    expect(passkey?.method === 'PASSKEY' && passkey.counter).toBe(1);
    expect(await eventsOf(t, userId, 'passkey.signed_in')).toHaveLength(1);
    expect(await eventsOf(t, userId, 'passkey.clone_warning')).toHaveLength(attempts - 1);
  });
});

describe('email codes', () => {
  it('O2 100 parallel verifies of one right code: exactly one success, and it sticks', async () => {
    const { userId, email } = nextUser('x-o2');
    const { token } = await trackUser(t, userId, email);
    await t.api('POST', '/v1/client/user-authenticators/email-otp', { auth: bearer(token), body: { email } });
    const code = t.latestCode(email);
    const responses = await times(PARALLEL, () =>
      t.api('POST', '/v1/client/verify/email-otp', { auth: bearer(token), body: { verificationCode: code } }),
    );
    for (const r of responses) expect(r.status).toBe(200);
    const winners = responses.filter((r) => r.body.isVerified === true);
    expect(winners).toHaveLength(1);
    for (const r of responses.filter((r) => !winners.includes(r))) {
      // A guess is charged before it is compared, so while up to 5 duplicates are in flight the
      // others see a full budget (MAX_ATTEMPTS_EXCEEDED); none of that may outlive the race.
      expect(r.body.isVerified).toBe(false);
      expect(['CODE_INVALID_OR_EXPIRED', 'MAX_ATTEMPTS_EXCEEDED']).toContain(r.body.failureReason);
    }
    expect(await eventsOf(t, userId, 'email_otp.verified')).toHaveLength(1);
    // Resubmissions of the right code are not wrong guesses: nothing locks, the success stands.
    expect(await eventsOf(t, userId, 'email_otp.failed')).toEqual([]);
    expect(await eventsOf(t, userId, 'email_otp.locked')).toEqual([]);
    const emailAuthenticator = (await t.server.store.listAuthenticators(userId)).find(
      (a) => a.method === 'EMAIL_OTP',
    );
    expect(emailAuthenticator?.method === 'EMAIL_OTP' && emailAuthenticator.otpLockedUntil).toBeNull();
    expect(emailAuthenticator?.method === 'EMAIL_OTP' && emailAuthenticator.otpFailures).toBe(0);
    const validated = await nodeSdk(t).validateChallenge({ token: winners[0]?.body.accessToken });
    expect(validated).toMatchObject({ isValid: true, state: 'CHALLENGE_SUCCEEDED' });
  });

  it('B4 500 parallel wrong guesses at one code: at most 5 are evaluated, then the code is dead', async () => {
    const { userId, email } = nextUser('x-b4');
    const { token } = await trackUser(t, userId, email);
    await t.api('POST', '/v1/client/user-authenticators/email-otp', { auth: bearer(token), body: { email } });
    const code = t.latestCode(email);
    const responses = await times(500, (i) =>
      t.api('POST', '/v1/client/verify/email-otp', {
        auth: bearer(token),
        body: { verificationCode: wrongCode(code, 1 + (i % 999)) },
      }),
    );
    for (const r of responses) {
      expect(r.status).toBe(200);
      expect(r.body.isVerified).toBe(false);
    }
    expect((await eventsOf(t, userId, 'email_otp.failed')).length).toBeLessThanOrEqual(5);
    expect(await eventsOf(t, userId, 'email_otp.locked')).toHaveLength(1);
    const [emailAuthenticator] = await t.server.store.listAuthenticators(userId);
    expect(emailAuthenticator?.method === 'EMAIL_OTP' && emailAuthenticator.otpFailures).toBe(5);
    const codes = (await rows(t, 'otp_codes')).filter((r) => r.authenticator_id === emailAuthenticator?.id);
    expect(codes).toHaveLength(1);
    expect(Number(codes[0]?.attempts)).toBeLessThanOrEqual(5);
    const right = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(token),
      body: { verificationCode: code },
    });
    expect(right.body).toEqual({ isVerified: false, failureReason: 'MAX_ATTEMPTS_EXCEEDED' });
  });
});

describe('result tokens', () => {
  it('T2 100 parallel /validate calls with one result token: exactly one isValid', async () => {
    const { userId, email } = nextUser('x-t2');
    const { token } = await trackUser(t, userId, email);
    const resultToken = await enrollEmailOtp(t, token, email);
    const responses = await times(PARALLEL, () =>
      t.api('POST', '/v1/validate', {
        auth: t.secretAuth,
        body: { token: resultToken, userId, action: 'cognitoAuth' },
      }),
    );
    for (const r of responses) expect(r.status).toBe(200);
    expect(responses.filter((r) => r.body.isValid === true)).toHaveLength(1);
    expect(await eventsOf(t, userId, 'token.validated')).toHaveLength(1);
    const refused = await eventsOf(t, userId, 'token.validation_failed');
    expect(refused).toHaveLength(PARALLEL - 1);
  });
});

describe('user-pool sessions', () => {
  it('T6 100 parallel answers on one Session: one advances (one token set), the rest are refused', async () => {
    const { email } = nextUser('x-t6');
    const { start } = await sdkSignUpAndStart(t, email);
    const username = start.ChallengeParameters?.USERNAME as string;
    const resultToken = await enrollEmailOtp(t, start.ChallengeParameters?.token as string, email);
    const responses = await times(PARALLEL, () =>
      poolCall(t, 'RespondToAuthChallenge', {
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: start.Session,
        ChallengeResponses: { USERNAME: username, ANSWER: resultToken },
      }),
    );
    const winners = responses.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.body.AuthenticationResult).toBeDefined();
    for (const r of responses.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ __type: 'NotAuthorizedException', message: 'Invalid session for the user.' });
    }
    const refreshTokens = (await rows(t, 'pool_refresh_tokens')).filter((r) => r.sub === username);
    expect(refreshTokens).toHaveLength(1);
  });
});
