/**
 * Account-protection policy (security-bar E1–E4, E6, T7, O7): recovery-only
 * email codes, notifications, audit events, rate limits, refresh rotation and
 * no user enumeration in the email step.
 */
import {
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../support/clock.js';
import {
  enrollEmailOtp,
  nodeSdk,
  registerPasskey,
  signInWithPasskey,
  trackUser,
  userWithPasskey,
} from '../support/flows.js';
import { CLIENT_ID, poolTestConfig, sdkClient, sdkSignUpAndSignIn } from '../support/pool.js';
import { startTestServer, type TestServer, testConfig } from '../support/server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const bearer = (token: string) => `Bearer ${token}`;
let seq = 0;
const nextUser = (prefix: string) => {
  seq += 1;
  return { userId: `${prefix}-${seq}`, email: `${prefix}-${seq}@example.com` };
};

describe('E3 passkeyFirst: email codes are recovery only', () => {
  let t: TestServer;
  const clock = new TestClock();
  beforeAll(async () => {
    t = await startTestServer({
      clock,
      config: {
        ...testConfig(),
        policy: { passkeyFirst: true, freshVerificationSeconds: 300, notifications: true },
      },
    });
  });
  afterAll(async () => t.close());

  it('notifies and records an email-code sign-in of a user who has a passkey', async () => {
    const { userId, email } = nextUser('pf');
    await userWithPasskey(t, userId, email);
    const { token } = await trackUser(t, userId, email);
    await t.api('POST', '/v1/client/challenge/email-otp', { auth: bearer(token), body: {} });
    const verify = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(token),
      body: { verificationCode: t.latestCode(email) },
    });
    expect(verify.body.isVerified).toBe(true);
    const subjects = t.server.devMailbox?.list(email).map((m) => m.subject) ?? [];
    expect(subjects[0]).toMatch(/signed in with an email code/);
    const events = await t.server.store.listEvents({ userId, type: 'email_otp.recovery_used', limit: 5 });
    expect(events).toHaveLength(1);
  });

  it('refuses a stale email-code result token adding a passkey; a fresh one works', async () => {
    const { userId, email } = nextUser('pf');
    const { token } = await trackUser(t, userId, email);
    const resultToken = await enrollEmailOtp(t, token, email);
    clock.advance(301_000);
    const before = await t.server.store.listAuthenticators(userId);
    const stale = await t.api('POST', '/v1/client/user-authenticators/passkey/registration-options', {
      auth: bearer(resultToken),
      body: {},
    });
    expect(stale.status).toBe(403);
    expect(stale.body.errorCode).toBe('insufficient_scope');
    expect(await t.server.store.listAuthenticators(userId)).toEqual(before);

    const again = await trackUser(t, userId, email);
    await t.api('POST', '/v1/client/challenge/email-otp', { auth: bearer(again.token), body: {} });
    const fresh = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(again.token),
      body: { verificationCode: t.latestCode(email) },
    });
    const registered = await registerPasskey(t, new SoftAuthenticator(), fresh.body.accessToken);
    expect(registered.body.isVerified).toBe(true);
  });
});

describe('E4 notifications and audit events', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('mails the owner when a passkey is added and removed, and on lockout', async () => {
    const { userId, email } = nextUser('notify');
    const { passkeyId } = await userWithPasskey(t, userId, email);
    expect(t.server.devMailbox?.list(email)[0]?.subject).toMatch(/passkey was added/);
    await nodeSdk(t).deleteAuthenticator({ userId, userAuthenticatorId: passkeyId });
    expect(t.server.devMailbox?.list(email)[0]?.subject).toMatch(/passkey was removed/);

    const { token } = await trackUser(t, userId, email);
    await t.api('POST', '/v1/client/challenge/email-otp', { auth: bearer(token), body: {} });
    const code = t.latestCode(email);
    for (let i = 1; i <= 5; i++) {
      const wrong = String((Number(code) + i) % 1_000_000).padStart(6, '0');
      await t.api('POST', '/v1/client/verify/email-otp', {
        auth: bearer(token),
        body: { verificationCode: wrong },
      });
    }
    expect(t.server.devMailbox?.list(email)[0]?.subject).toMatch(/codes .* are paused/);
  });

  it('serves the append-only audit log through the server API, newest first and paged', async () => {
    const { userId, email } = nextUser('audit');
    const { authenticator } = await userWithPasskey(t, userId, email);
    await signInWithPasskey(t, authenticator, { userVerified: false });
    await signInWithPasskey(t, authenticator);
    const first = await t.api('GET', `/v1/users/${userId}/events?limit=3`, { auth: t.secretAuth });
    expect(first.status).toBe(200);
    expect(first.body.events.map((e: { type: string }) => e.type)).toEqual([
      'passkey.signed_in',
      'passkey.sign_in_failed',
      'authenticator.added',
    ]);
    expect(first.body.events[1].data).toMatchObject({ reason: 'user_verification_required' });
    const next = await t.api('GET', `/v1/users/${userId}/events?limit=50&before=${first.body.nextBefore}`, {
      auth: t.secretAuth,
    });
    const types = next.body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'passkey.registered',
        'email_otp.verified',
        'email_otp.sent',
        'action.tracked',
        'user.created',
      ]),
    );
    const filtered = await t.api('GET', `/v1/users/${userId}/events?type=email_otp.sent`, {
      auth: t.secretAuth,
    });
    expect(filtered.body.events.every((e: { type: string }) => e.type === 'email_otp.sent')).toBe(true);
    const unauthenticated = await t.api('GET', `/v1/users/${userId}/events`, { auth: t.tenantAuth });
    expect(unauthenticated.status).toBe(401);
  });
});

describe('E2/O7/E6 rate limits', () => {
  let t: TestServer;
  const clock = new TestClock();
  beforeAll(async () => {
    t = await startTestServer({
      clock,
      config: poolTestConfig({
        otp: { resendIntervalSeconds: 0, sendsPerHour: 5 },
        rateLimits: {
          challengesPerMinutePerIp: 1000,
          passkeyVerificationsPerMinutePerIp: 3,
          otpVerificationsPerHourPerIp: 4,
          signUpsPerHourPerIp: 2,
        },
      }),
    });
  });
  afterAll(async () => t.close());

  it('limits passkey verifications per IP without spending the refused challenge', async () => {
    const { userId, email } = nextUser('rl');
    const { authenticator } = await userWithPasskey(t, userId, email);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signInWithPasskey(t, authenticator)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await t.server.store.listEvents({ type: 'rate_limited', limit: 10 });
    expect(limited.some((e) => e.data?.key === 'passkey-verify:ip')).toBe(true);
  });

  it('limits email-code checks per IP across accounts', async () => {
    const results: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { userId, email } = nextUser('rlotp');
      const { token } = await trackUser(t, userId, email);
      await t.api('POST', '/v1/client/user-authenticators/email-otp', {
        auth: bearer(token),
        body: { email },
      });
      for (let j = 0; j < 3; j++) {
        results.push(
          (
            await t.api('POST', '/v1/client/verify/email-otp', {
              auth: bearer(token),
              body: { verificationCode: '000000' },
            })
          ).status,
        );
      }
    }
    // The earlier test verified 0 codes; the budget is 4 per hour for this IP.
    expect(results.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
    expect(results.at(-1)).toBe(429);
  });

  it('refuses the 6th code to one address within an hour, and records it', async () => {
    // Start with fresh windows: the tests above sent codes from this IP too.
    clock.advance(3_600_000 + 1000);
    const { userId, email } = nextUser('rlsend');
    const { token } = await trackUser(t, userId, email);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (
          await t.api('POST', '/v1/client/user-authenticators/email-otp', {
            auth: bearer(token),
            body: { email },
          })
        ).status,
      );
      clock.advance(31_000);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(t.server.devMailbox?.list(email)).toHaveLength(5);
    const refused = await t.server.store.listEvents({ userId, type: 'rate_limited', limit: 5 });
    expect(refused.length).toBeGreaterThan(0);
  });

  it('limits SignUp per IP with LimitExceededException', async () => {
    const client = sdkClient(t);
    const signUp = (email: string) =>
      client.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: email, Password: 'Throwaway-123!' }));
    await signUp('su-1@example.com');
    await signUp('su-2@example.com');
    await expect(signUp('su-3@example.com')).rejects.toMatchObject({ name: 'LimitExceededException' });
  });
});

describe('T7 refresh-token rotation', () => {
  let t: TestServer;
  beforeAll(async () => {
    const base = poolTestConfig();
    const pool = base.userPool;
    if (!pool) throw new Error('no pool');
    t = await startTestServer({
      config: { ...base, userPool: { ...pool, tokens: { ...pool.tokens, rotateRefreshTokens: true } } },
    });
  });
  afterAll(async () => t.close());

  async function signedIn(email: string) {
    return (await sdkSignUpAndSignIn(t, email)).tokens.RefreshToken as string;
  }

  it('issues a new refresh token and retires the old one', async () => {
    const refresh = await signedIn('rot-1@example.com');
    const client = sdkClient(t);
    const first = await client.send(
      new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: refresh }),
    );
    expect(first.AuthenticationResult?.RefreshToken).toBeTypeOf('string');
    expect(first.AuthenticationResult?.RefreshToken).not.toBe(refresh);
    await expect(
      client.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: refresh })),
    ).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    const second = await client.send(
      new GetTokensFromRefreshTokenCommand({
        ClientId: CLIENT_ID,
        RefreshToken: first.AuthenticationResult?.RefreshToken as string,
      }),
    );
    expect(second.AuthenticationResult?.AccessToken).toBeTypeOf('string');
  });

  it('lets exactly one of 100 parallel refreshes with one token succeed', async () => {
    const refresh = await signedIn('rot-2@example.com');
    const client = sdkClient(t);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, () =>
        client.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: refresh })),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ name: 'NotAuthorizedException' });
  });
});

describe('E1 no enumeration through the email step', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: poolTestConfig() });
  });
  afterAll(async () => t.close());

  /** The email sign-in path as the app drives it; returns what the app observes. */
  async function emailStep(email: string) {
    const client = sdkClient(t);
    const start = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: email },
      }),
    );
    const params = start.ChallengeParameters ?? {};
    const token = params.token as string;
    const mailedBefore = t.server.devMailbox?.list(email).length ?? 0;
    const challenge = await t.api('POST', '/v1/client/challenge/email-otp', {
      auth: bearer(token),
      body: {},
    });
    const mailed = (t.server.devMailbox?.list(email).length ?? 0) - mailedBefore;
    const wrong = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(token),
      body: { verificationCode: '000000' },
    });
    const right = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(token),
      body: { verificationCode: t.latestCode(email) },
    });
    const answer = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: start.Session,
        ChallengeResponses: { USERNAME: params.USERNAME as string, ANSWER: right.body.accessToken ?? 'x' },
      }),
    );
    return {
      initiate: {
        keys: Object.keys(params).sort(),
        isEnrolled: params.isEnrolled,
        usernameShape: /^[0-9a-f-]{36}$/.test(params.USERNAME as string),
      },
      challenge: { status: challenge.status, keys: Object.keys(challenge.body).sort() },
      mailed,
      wrong: { status: wrong.status, body: wrong.body },
      right: { status: right.status, keys: Object.keys(right.body).sort() },
      signedIn: answer.AuthenticationResult !== undefined,
    };
  }

  it('looks the same for a known user and an unknown address, and never signs the unknown one in', async () => {
    const known = 'known-e1@example.com';
    await sdkClient(t).send(
      new SignUpCommand({ ClientId: CLIENT_ID, Username: known, Password: 'Throwaway-123!' }),
    );
    // Enroll the known user's email, as sign-up does.
    const start = await sdkClient(t).send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: known },
      }),
    );
    await enrollEmailOtp(t, start.ChallengeParameters?.token as string, known);

    const knownTrace = await emailStep(known);
    const unknownTrace = await emailStep('stranger-e1@example.com');
    expect(knownTrace.signedIn).toBe(true);
    expect(unknownTrace.signedIn).toBe(false);
    const { signedIn: _a, ...knownRest } = knownTrace;
    const { signedIn: _b, ...unknownRest } = unknownTrace;
    expect(unknownRest).toEqual(knownRest);
  });
});
