/**
 * Email OTP budgets, token binding and HTTP-level refusals, over HTTP against
 * a running server with an injected clock.
 */

import { UserActionState } from '@authsignal/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from './support/clock.js';
import { enrollEmailOtp, nodeSdk, trackUser } from './support/flows.js';
import { startTestServer, type TestServer, testConfig } from './support/server.js';

let t: TestServer;
const clock = new TestClock();
let seq = 0;
const nextUser = () => {
  seq += 1;
  return { userId: `otp-${seq}`, email: `otp-${seq}@example.com` };
};
const bearer = (token: string) => `Bearer ${token}`;

beforeAll(async () => {
  t = await startTestServer({ clock });
});
afterAll(async () => t.close());

async function sendCode(token: string, email: string) {
  const response = await t.api('POST', '/v1/client/user-authenticators/email-otp', {
    auth: bearer(token),
    body: { email },
  });
  expect(response.status).toBe(200);
  return t.latestCode(email);
}

async function verify(token: string, code: string) {
  const response = await t.api('POST', '/v1/client/verify/email-otp', {
    auth: bearer(token),
    body: { verificationCode: code },
  });
  expect(response.status).toBe(200);
  return response.body;
}

/** A six-digit code that is not `code`. */
const wrong = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0');

async function emailAuthenticator(userId: string) {
  const list = await t.server.store.listAuthenticators(userId);
  const found = list.find((a) => a.method === 'EMAIL_OTP');
  if (found?.method !== 'EMAIL_OTP') throw new Error('no email authenticator');
  return found;
}

describe('email OTP attempt budget', () => {
  it('locks after five wrong codes; then even the right code fails', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    const code = await sendCode(token, email);
    for (let i = 1; i <= 4; i++)
      expect(await verify(token, wrong(code, i))).toEqual({
        isVerified: false,
        failureReason: 'CODE_INVALID_OR_EXPIRED',
      });
    expect(await verify(token, wrong(code, 5))).toEqual({
      isVerified: false,
      failureReason: 'MAX_ATTEMPTS_EXCEEDED',
    });
    expect(await verify(token, code)).toEqual({ isVerified: false, failureReason: 'MAX_ATTEMPTS_EXCEEDED' });
    expect((await emailAuthenticator(userId)).verifiedAt).toBeNull();
    const events = await t.server.store.listEvents({ userId, type: 'email_otp.locked', limit: 5 });
    expect(events).toHaveLength(1);
    const { isValid } = await nodeSdk(t).validateChallenge({ token });
    expect(isValid).toBe(false);
  });

  it('does not reset the budget when a new code is requested', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    const first = await sendCode(token, email);
    for (let i = 1; i <= 4; i++) await verify(token, wrong(first, i));
    const second = await sendCode(token, email);
    // The old code died with the resend.
    expect(await verify(token, first)).toEqual({ isVerified: false, failureReason: 'MAX_ATTEMPTS_EXCEEDED' });
    expect(await verify(token, second)).toEqual({
      isVerified: false,
      failureReason: 'MAX_ATTEMPTS_EXCEEDED',
    });
    expect((await emailAuthenticator(userId)).otpFailures).toBe(5);
  });

  it('kills the old code on resend', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    const first = await sendCode(token, email);
    const second = await sendCode(token, email);
    if (first !== second) {
      expect(await verify(token, first)).toEqual({
        isVerified: false,
        failureReason: 'CODE_INVALID_OR_EXPIRED',
      });
    }
    expect((await verify(token, second)).isVerified).toBe(true);
    expect((await emailAuthenticator(userId)).otpFailures).toBe(0);
  });

  it('counts wrong guesses without burning the code, and resets on success', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    const code = await sendCode(token, email);
    await verify(token, wrong(code, 1));
    await verify(token, wrong(code, 2));
    expect((await emailAuthenticator(userId)).otpFailures).toBe(2);
    expect((await verify(token, code)).isVerified).toBe(true);
    expect((await emailAuthenticator(userId)).otpFailures).toBe(0);
    // Single use: the same code never works twice.
    expect(await verify(token, code)).toEqual({
      isVerified: false,
      failureReason: 'CODE_INVALID_OR_EXPIRED',
    });
  });

  it('expires codes after 10 minutes', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email, 'otpExpiry');
    const code = await sendCode(token, email);
    clock.advance(10 * 60_000 + 1000);
    // The track token has expired too, so mint a fresh one for the same action.
    const again = await nodeSdk(t).track({ userId, action: 'otpExpiry', attributes: { email } });
    const response = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(again.token),
      body: { verificationCode: code },
    });
    expect(response.body).toEqual({ isVerified: false, failureReason: 'CODE_INVALID_OR_EXPIRED' });
  });

  it('accepts a code just inside its lifetime', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    const code = await sendCode(token, email);
    clock.advance(9 * 60_000 + 50_000);
    expect((await verify(token, code)).isVerified).toBe(true);
  });

  it('binds a code to the action that asked for it', async () => {
    const { userId, email } = nextUser();
    const first = await trackUser(t, userId, email, 'actionX');
    const code = await sendCode(first.token, email);
    const second = await trackUser(t, userId, email, 'actionY');
    expect(await verify(second.token, code)).toEqual({
      isVerified: false,
      failureReason: 'CODE_INVALID_OR_EXPIRED',
    });
    expect((await verify(first.token, code)).isVerified).toBe(true);
  });

  it('refuses a code that is not six digits without counting it', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    await sendCode(token, email);
    const response = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(token),
      body: { verificationCode: '12ab56' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('invalid_request');
    expect((await emailAuthenticator(userId)).otpFailures).toBe(0);
  });
});

describe('result tokens and /validate', () => {
  it('validates once, and only for its user and action', async () => {
    const sdk = nodeSdk(t);
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    const resultToken = await enrollEmailOtp(t, token, email);
    expect((await sdk.validateChallenge({ token: resultToken, userId: 'someone-else' })).isValid).toBe(false);
    expect((await sdk.validateChallenge({ token: resultToken, action: 'otherAction' })).isValid).toBe(false);
    // Mismatched attempts do not consume the token.
    expect((await sdk.validateChallenge({ token: resultToken, userId, action: 'cognitoAuth' })).isValid).toBe(
      true,
    );
    expect((await sdk.validateChallenge({ token: resultToken, userId, action: 'cognitoAuth' })).isValid).toBe(
      false,
    );
  });

  it('never validates a track token whose challenge was not completed', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    const result = await nodeSdk(t).validateChallenge({ token });
    expect(result.isValid).toBe(false);
    expect(result.state).toBe('CHALLENGE_REQUIRED');
  });

  it('answers isValid:false (not an error) for expired, forged and garbage tokens', async () => {
    const sdk = nodeSdk(t);
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    const resultToken = await enrollEmailOtp(t, token, email);
    const [header, payload] = resultToken.split('.');
    expect((await sdk.validateChallenge({ token: `${header}.${payload}.AAAA` })).isValid).toBe(false);
    expect((await sdk.validateChallenge({ token: 'not-a-jwt' })).isValid).toBe(false);
    clock.advance(10 * 60_000 + 1000);
    const expired = await sdk.validateChallenge({ token: resultToken });
    expect(expired.isValid).toBe(false);
    expect(expired.error).toMatch(/expired/);
  });

  it('refuses an expired Bearer token with expired_token', async () => {
    const { userId, email } = nextUser();
    const { token } = await trackUser(t, userId, email);
    clock.advance(10 * 60_000 + 1000);
    const response = await t.api('POST', '/v1/client/user-authenticators/email-otp', {
      auth: bearer(token),
      body: { email },
    });
    expect(response.status).toBe(401);
    expect(response.body.errorCode).toBe('expired_token');
    expect(await t.server.store.listAuthenticators(userId)).toEqual([]);
  });

  it('makes a BLOCKed action’s tokens fail with token_invalid', async () => {
    const sdk = nodeSdk(t);
    const { userId, email } = nextUser();
    const tracked = await trackUser(t, userId, email);
    await sdk.updateAction({
      userId,
      action: 'cognitoAuth',
      idempotencyKey: tracked.idempotencyKey,
      attributes: { state: UserActionState.BLOCK },
    });
    const action = await sdk.getAction({
      userId,
      action: 'cognitoAuth',
      idempotencyKey: tracked.idempotencyKey,
    });
    expect(action?.state).toBe('BLOCK');
    const response = await t.api('POST', '/v1/client/user-authenticators/email-otp', {
      auth: bearer(tracked.token),
      body: { email },
    });
    expect(response.status).toBe(401);
    expect(response.body.errorCode).toBe('token_invalid');
  });
});

describe('HTTP refusals', () => {
  async function userCount() {
    return (await t.server.store.findUsers({ limit: 1000 })).length;
  }

  it('refuses malformed JSON with invalid_request', async () => {
    const before = await userCount();
    const response = await t.api('POST', '/v1/users/json-user/actions/signIn', {
      auth: t.secretAuth,
      body: '{"email": ',
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request', errorCode: 'invalid_request' });
    expect(await userCount()).toBe(before);
  });

  it('refuses oversized bodies with invalid_request', async () => {
    const before = await userCount();
    const response = await t.api('POST', '/v1/users/big-user/actions/signIn', {
      auth: t.secretAuth,
      body: { email: 'big@example.com', custom: { blob: 'x'.repeat(100_000) } },
    });
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('invalid_request');
    expect(await userCount()).toBe(before);
  });

  it('refuses deeply nested JSON', async () => {
    const body = `${'['.repeat(100)}${']'.repeat(100)}`;
    const response = await t.api('POST', '/v1/validate', { auth: t.secretAuth, body });
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('invalid_request');
  });

  it('refuses missing and wrong credentials with unauthorized', async () => {
    const before = await userCount();
    for (const auth of [
      undefined,
      'Basic',
      `Basic ${Buffer.from('wrong-secret:').toString('base64')}`,
      t.tenantAuth,
    ]) {
      const response = await t.api('POST', '/v1/users/auth-user/actions/signIn', {
        ...(auth ? { auth } : {}),
        body: {},
      });
      expect(response.status).toBe(401);
      expect(response.body.errorCode).toBe('unauthorized');
    }
    const client = await t.api('POST', '/v1/client/challenge', { body: {} });
    expect(client.status).toBe(401);
    expect(client.body.errorCode).toBe('unauthorized');
    expect(await userCount()).toBe(before);
  });

  it('accepts the tenant id with or without the trailing colon, URI-encoded', async () => {
    const withoutColon = `Basic ${Buffer.from(encodeURIComponent(t.config.tenant.id)).toString('base64')}`;
    for (const auth of [t.tenantAuth, withoutColon]) {
      const response = await t.api('POST', '/v1/client/challenge', { auth, body: {} });
      expect(response.status).toBe(200);
      expect(response.body.challengeId).toBeTypeOf('string');
    }
  });

  it('refuses a bad action code', async () => {
    const response = await t.api('POST', '/v1/users/u1/actions/bad%20code', { auth: t.secretAuth, body: {} });
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('invalid_request');
  });

  it('answers unknown routes with a JSON not_found body', async () => {
    const response = await t.api('GET', '/v1/nope', { auth: t.secretAuth });
    expect(response.status).toBe(404);
    expect(response.body.errorCode).toBe('not_found');
  });
});

describe('send limits', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({
      config: testConfig({ otp: {}, rateLimits: { challengesPerMinutePerIp: 3 } }),
    });
  });
  afterAll(async () => strict.close());

  it('allows one code per 30 s per address', async () => {
    const { token } = await nodeSdk(strict).track({
      userId: 'rl-1',
      action: 'signIn',
      attributes: { email: 'rl@example.com' },
    });
    const send = () =>
      strict.api('POST', '/v1/client/user-authenticators/email-otp', {
        auth: bearer(token),
        body: { email: 'rl@example.com' },
      });
    expect((await send()).status).toBe(200);
    const second = await send();
    expect(second.status).toBe(429);
    expect(second.body.errorCode).toBe('too_many_requests');
    expect(strict.server.devMailbox?.list('rl@example.com')).toHaveLength(1);
  });

  it('limits unauthenticated sign-in challenges per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await strict.api('POST', '/v1/client/challenge', { auth: strict.tenantAuth, body: {} })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});
