/**
 * Budgets (issue 7 §3): per code, per user (email authenticator) and per
 * client IP, in rolling windows that span resends, configurable, and every
 * refusal reported with the spec's code and recorded in the event log. The
 * defaults are proven in `otp-and-tokens.test.ts` and `policy.test.ts`.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashOtp, otpMatches } from '../../src/core/otp.js';
import { TestClock } from '../support/clock.js';
import { trackUser } from '../support/flows.js';
import { CLIENT_ID, poolCall, poolTestConfig } from '../support/pool.js';
import { startTestServer, type TestServer, testConfig } from '../support/server.js';
import { bearer, eventsOf, nextUser, rows, wrongCode } from './helpers.js';

async function send(t: TestServer, token: string, email: string) {
  return t.api('POST', '/v1/client/user-authenticators/email-otp', { auth: bearer(token), body: { email } });
}

async function verify(t: TestServer, token: string, verificationCode: string) {
  const response = await t.api('POST', '/v1/client/verify/email-otp', {
    auth: bearer(token),
    body: { verificationCode },
  });
  expect(response.status).toBe(200);
  return response.body;
}

describe('send budgets', () => {
  let t: TestServer;
  const clock = new TestClock();
  beforeAll(async () => {
    t = await startTestServer({
      clock,
      config: testConfig({ otp: { resendIntervalSeconds: 10, sendsPerHour: 2 } }),
    });
  });
  afterAll(async () => t.close());

  it('O7 one address: 1 per 10 s and 2 per rolling hour (configured), spanning resends', async () => {
    const { userId, email } = nextUser('o7');
    const statuses: Record<string, number> = {};
    const at = async (label: string, advanceMs: number) => {
      clock.advance(advanceMs);
      // Track tokens live 10 minutes: a fresh one (same user, new action) for each send.
      const { token } = await trackUser(t, userId, email);
      const response = await send(t, token, email);
      statuses[label] = response.status;
      if (response.status === 429) expect(response.body.errorCode).toBe('too_many_requests');
    };
    await at('0s', 0);
    await at('5s', 5_000);
    await at('31s', 26_000);
    await at('59m59s', 59 * 60_000 + 28_000);
    await at('60m01s', 2_000);
    await at('60m20s', 19_000);
    await at('60m32s', 12_000);
    expect(statuses).toEqual({
      '0s': 200,
      '5s': 429, // resend interval
      '31s': 200,
      '59m59s': 429, // two sends in the last hour
      '60m01s': 200, // the first send has left the window
      '60m20s': 429, // 31s and 60m01s are both inside it: the window rolls, it does not restart
      '60m32s': 200, // 31s has left too
    });
    expect(t.server.devMailbox?.list(email)).toHaveLength(4);
    const limited = await eventsOf(t, userId, 'rate_limited');
    expect(limited).toHaveLength(3);
    for (const event of limited) expect(event.data).toEqual({ key: 'otp-send:email' });
  });

  it('O7 one IP: the hourly send budget spans different addresses', async () => {
    // Start clean: the previous test sent from this IP too.
    clock.advance(2 * 3_600_000);
    const users = [nextUser('o7ip'), nextUser('o7ip'), nextUser('o7ip')];
    const statuses: number[] = [];
    for (const { userId, email } of users) {
      const { token } = await trackUser(t, userId, email);
      statuses.push((await send(t, token, email)).status);
      clock.advance(11_000);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const third = users[2] as { userId: string; email: string };
    expect(t.server.devMailbox?.list(third.email) ?? []).toHaveLength(0);
    const limited = await eventsOf(t, third.userId, 'rate_limited');
    expect(limited.map((e) => e.data)).toEqual([{ key: 'otp-send:ip' }]);
  });
});

describe('refused sends', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: testConfig({ otp: { resendIntervalSeconds: 0, sendsPerHour: 1 } }) });
  });
  afterAll(async () => t.close());

  it('O7 a refused send writes nothing: no pending email authenticator, no code, only the refusal event', async () => {
    const first = nextUser('o7-refused');
    const { token } = await trackUser(t, first.userId, first.email);
    expect((await send(t, token, first.email)).status).toBe(200);
    // This IP's hourly budget (1) is spent: enrolling another address, or the first code of a
    // user who has no email authenticator yet, is refused, and nothing of it stays behind.
    const second = nextUser('o7-refused');
    const tracked = await trackUser(t, second.userId, second.email);
    const enroll = await send(t, tracked.token, second.email);
    expect(enroll.status).toBe(429);
    expect(enroll.body.errorCode).toBe('too_many_requests');
    const challenge = await t.api('POST', '/v1/client/challenge/email-otp', {
      auth: bearer(tracked.token),
      body: {},
    });
    expect(challenge.status).toBe(429);
    expect(await t.server.store.listAuthenticators(second.userId)).toEqual([]);
    expect(t.server.devMailbox?.list(second.email) ?? []).toHaveLength(0);
    const refusals = await eventsOf(t, second.userId, 'rate_limited');
    expect(refusals).toHaveLength(2);
    for (const event of refusals) expect(['otp-send:ip', 'otp-send:email']).toContain(event.data?.key);
  });
});

describe('guess budget', () => {
  let t: TestServer;
  const clock = new TestClock();
  beforeAll(async () => {
    t = await startTestServer({
      clock,
      config: testConfig({
        otp: { resendIntervalSeconds: 0, sendsPerHour: 1000, maxAttempts: 3, lockoutSeconds: 120 },
      }),
    });
  });
  afterAll(async () => t.close());

  it('O5 the cap and lockout are configurable: 3 wrong codes lock for 120 s, recorded; then a fresh budget', async () => {
    const { userId, email } = nextUser('o5');
    const { token } = await trackUser(t, userId, email);
    expect((await send(t, token, email)).status).toBe(200);
    const code = t.latestCode(email);
    expect(await verify(t, token, wrongCode(code, 1))).toEqual({
      isVerified: false,
      failureReason: 'CODE_INVALID_OR_EXPIRED',
    });
    expect(await verify(t, token, wrongCode(code, 2))).toEqual({
      isVerified: false,
      failureReason: 'CODE_INVALID_OR_EXPIRED',
    });
    expect(await verify(t, token, wrongCode(code, 3))).toEqual({
      isVerified: false,
      failureReason: 'MAX_ATTEMPTS_EXCEEDED',
    });
    expect(await verify(t, token, code)).toEqual({
      isVerified: false,
      failureReason: 'MAX_ATTEMPTS_EXCEEDED',
    });
    // Per code: the dead code carries its own count of wrong guesses.
    const emailId = (await t.server.store.listAuthenticators(userId))[0]?.id;
    const codeRows = (await rows(t, 'otp_codes')).filter((r) => r.authenticator_id === emailId);
    expect(codeRows).toHaveLength(1);
    expect(Number(codeRows[0]?.attempts)).toBe(3);
    expect(codeRows[0]?.used_at).not.toBeNull(); // killed by the lock
    expect((await eventsOf(t, userId, 'email_otp.failed')).map((e) => e.data)).toEqual([
      { attempt: 3 },
      { attempt: 2 },
      { attempt: 1 },
    ]);
    expect(await eventsOf(t, userId, 'email_otp.locked')).toHaveLength(1);
    // The action is failed and, while locked, no new code is sent.
    const action = await t.server.store.getAction(
      (await eventsOf(t, userId, 'email_otp.locked'))[0]?.actionId ?? '',
    );
    expect(action?.state).toBe('CHALLENGE_FAILED');
    const again = await trackUser(t, userId, email);
    const locked = await send(t, again.token, email);
    expect(locked.status).toBe(429);
    expect(locked.body.errorCode).toBe('too_many_requests');

    clock.advance(121_000);
    const later = await trackUser(t, userId, email);
    expect((await send(t, later.token, email)).status).toBe(200);
    expect((await verify(t, later.token, t.latestCode(email))).isVerified).toBe(true);
    const authenticator = (await t.server.store.listAuthenticators(userId))[0];
    expect(authenticator?.method === 'EMAIL_OTP' && authenticator.otpFailures).toBe(0);
  });

  it('O6 the guess budget belongs to the authenticator: it spans resends and actions', async () => {
    const { userId, email } = nextUser('o6');
    const first = await trackUser(t, userId, email, 'actionOne');
    await send(t, first.token, email);
    expect((await verify(t, first.token, wrongCode(t.latestCode(email)))).failureReason).toBe(
      'CODE_INVALID_OR_EXPIRED',
    );
    // A resend on another action of the same user: the budget carries over.
    const second = await trackUser(t, userId, email, 'actionTwo');
    await send(t, second.token, email);
    const code = t.latestCode(email);
    expect((await verify(t, second.token, wrongCode(code))).failureReason).toBe('CODE_INVALID_OR_EXPIRED');
    expect((await verify(t, second.token, wrongCode(code, 2))).failureReason).toBe('MAX_ATTEMPTS_EXCEEDED');
    expect(await verify(t, second.token, code)).toEqual({
      isVerified: false,
      failureReason: 'MAX_ATTEMPTS_EXCEEDED',
    });
    expect(await eventsOf(t, userId, 'email_otp.locked')).toHaveLength(1);
  });
});

describe('code storage', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('O8 a code is stored only as an HMAC bound to its id, attempts and expiry in their own columns; compared in constant time', async () => {
    const { userId, email } = nextUser('o8');
    const { token } = await trackUser(t, userId, email);
    expect((await send(t, token, email)).status).toBe(200);
    const code = t.latestCode(email);
    const emailId = (await t.server.store.listAuthenticators(userId))[0]?.id;
    const [row] = (await rows(t, 'otp_codes')).filter((r) => r.authenticator_id === emailId);
    expect(Object.keys(row ?? {}).sort()).toEqual([
      'action_id',
      'attempts',
      'authenticator_id',
      'code_hash',
      'created_at',
      'expires_at',
      'id',
      'used_at',
    ]);
    expect(Number(row?.attempts)).toBe(0);
    expect(Number(row?.expires_at) - Number(row?.created_at)).toBe(600_000);
    for (const value of Object.values(row ?? {})) expect(String(value)).not.toBe(code);
    // Keyed with the server's OTP key and bound to the code's id: neither a bare hash nor portable.
    expect(row?.code_hash).toBe(hashOtp(t.server.ctx.otpKey, String(row?.id), code));
    expect(row?.code_hash).not.toBe(createHash('sha256').update(code).digest('base64url'));
    expect(row?.code_hash).not.toBe(hashOtp(t.server.ctx.otpKey, 'another-id', code));
    // The comparison is timingSafeEqual over fixed-length digests, never string equality.
    expect(otpMatches.toString()).toMatch(/timingSafeEqual\)?\(expected, actual\)/);
    expect(otpMatches.toString()).not.toMatch(/storedHash\s*===|===\s*storedHash/);
  });
});

describe('client IP behind a load balancer (http.trustProxy)', () => {
  // One sign-in challenge per minute per IP. Requests come from loopback (the "load
  // balancer") with an X-Forwarded-For whose left part the client chose: an appending
  // balancer (AWS ALB) turns a client-sent "6.6.6.n" into "6.6.6.n, <real client>".
  async function secondChallengeStatus(trustProxy: boolean | number | string[]): Promise<number[]> {
    const t = await startTestServer({
      config: testConfig({
        http: { bodyLimitBytes: 65_536, corsOrigins: [], trustProxy },
        rateLimits: {
          challengesPerMinutePerIp: 1,
          passkeyVerificationsPerMinutePerIp: 100,
          otpVerificationsPerHourPerIp: 100,
          signUpsPerHourPerIp: 100,
        },
      }),
    });
    try {
      const statuses: number[] = [];
      for (const spoofed of ['6.6.6.1', '6.6.6.2']) {
        const response = await t.api('POST', '/v1/client/challenge', {
          auth: t.tenantAuth,
          body: { action: 'signIn' },
          headers: { 'x-forwarded-for': `${spoofed}, 203.0.113.9` },
        });
        statuses.push(response.status);
      }
      return statuses;
    } finally {
      await t.close();
    }
  }

  it('a hop count or the balancer address makes the client-chosen part irrelevant', async () => {
    expect(await secondChallengeStatus(1)).toEqual([200, 429]);
    expect(await secondChallengeStatus(['127.0.0.1', '::1'])).toEqual([200, 429]);
  });

  it('off: every request counts as the balancer; true: the leftmost entry, which a client can pick', async () => {
    expect(await secondChallengeStatus(false)).toEqual([200, 429]);
    // Documented: `true` is only for balancers that overwrite the header.
    expect(await secondChallengeStatus(true)).toEqual([200, 200]);
  });
});

describe('user-pool sign-in starts per IP (rateLimits.signInStartsPerMinutePerIp)', () => {
  it('a start for an unknown address writes a phantom user, so starts are limited per IP; refresh is not', async () => {
    const clock = new TestClock();
    const base = poolTestConfig();
    const t = await startTestServer({
      clock,
      config: { ...base, rateLimits: { ...base.rateLimits, signInStartsPerMinutePerIp: 3 } },
    });
    try {
      const start = (email: string) =>
        poolCall(t, 'InitiateAuth', {
          AuthFlow: 'CUSTOM_AUTH',
          ClientId: CLIENT_ID,
          AuthParameters: { USERNAME: email },
        });
      const users = async () => (await t.server.store.findUsers({ limit: 100 })).length;
      for (let i = 0; i < 3; i++) expect((await start(`probe${i}@example.com`)).status).toBe(200);
      const before = await users();
      expect(before).toBe(3); // one phantom per probed address
      const refused = await start('probe3@example.com');
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ __type: 'TooManyRequestsException', message: 'Too many requests' });
      expect(await users()).toBe(before); // no phantom for the refused start
      // A refresh is not a start: a bad token is refused as such, not throttled.
      const refresh = await poolCall(t, 'InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { REFRESH_TOKEN: 'not-a-token' },
      });
      expect(refresh.body.__type).toBe('NotAuthorizedException');
      clock.advance(60_000);
      expect((await start('probe3@example.com')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
