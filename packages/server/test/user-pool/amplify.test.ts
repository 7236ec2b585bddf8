/**
 * Unmodified aws-amplify v6 in Node, configured only with the pool's values,
 * signing up and in through the custom-auth triggers and the auth API.
 */
import { GetTokensFromRefreshTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  fetchAuthSession,
  fetchUserAttributes,
  getCurrentUser,
  signIn,
  signOut,
  signUp,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { enrollEmailOtp, registerPasskey, signInWithPasskey } from '../support/flows.js';
import { CLIENT_ID, POOL_ID, poolTestConfig, sdkClient } from '../support/pool.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

let t: TestServer;
/** Amplify's token storage, so tests can read what Amplify keeps. */
const storage = new Map<string, string>();

beforeAll(async () => {
  t = await startTestServer({ config: poolTestConfig() });
  Amplify.configure({
    Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: t.baseUrl } },
  });
  cognitoUserPoolsTokenProvider.setKeyValueStorage({
    setItem: async (key, value) => void storage.set(key, value),
    getItem: async (key) => storage.get(key) ?? null,
    removeItem: async (key) => void storage.delete(key),
    clear: async () => storage.clear(),
  });
});
afterAll(async () => t.close());
afterEach(async () => {
  vi.useRealTimers();
  await signOut().catch(() => undefined);
});

let seq = 0;
const newEmail = () => `amplify-${++seq}-${Date.now()}@example.com`;
const throwaway = () => `Aa1!${crypto.randomUUID()}`;

function storedRefreshToken(): string {
  const entry = [...storage.entries()].find(([key]) => key.endsWith('.refreshToken'));
  if (!entry) throw new Error('Amplify stored no refresh token');
  return entry[1];
}

/** signIn with CUSTOM_WITHOUT_SRP and the challenge parameters Create returned. */
async function startSignIn(email: string) {
  const result = await signIn({ username: email, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  expect(result.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  const info = (result.nextStep as { additionalInfo?: Record<string, string> }).additionalInfo ?? {};
  expect(info.token).toBeTypeOf('string');
  return { token: info.token as string, isEnrolled: info.isEnrolled, username: info.USERNAME };
}

/** Sign-up flow 2.1: signUp → signIn → email OTP → confirmSignIn. */
async function signUpAndIn(email: string): Promise<string> {
  const up = await signUp({ username: email, password: throwaway(), options: { userAttributes: { email } } });
  expect(up.isSignUpComplete).toBe(true);
  const { token, isEnrolled } = await startSignIn(email);
  expect(isEnrolled).toBe('false');
  const resultToken = await enrollEmailOtp(t, token, email);
  const done = await confirmSignIn({ challengeResponse: resultToken });
  expect(done.isSignedIn).toBe(true);
  expect(done.nextStep.signInStep).toBe('DONE');
  return resultToken;
}

describe('sign up with email OTP through Amplify', () => {
  it('signs up, signs in, reads the user, refreshes, and signs out', async () => {
    const email = newEmail();
    await signUpAndIn(email);

    const current = await getCurrentUser();
    expect(current.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(current.username).toBe(current.userId);
    const attributes = await fetchUserAttributes();
    expect(attributes).toMatchObject({ email, email_verified: 'true', sub: current.userId });

    // Refresh once the access token has expired (Amplify calls GetTokensFromRefreshToken).
    const before = await fetchAuthSession();
    const oldAccess = before.tokens?.accessToken.toString();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 3600_000 });
    const after = await fetchAuthSession();
    expect(after.tokens?.accessToken.toString()).toBeTypeOf('string');
    expect(after.tokens?.accessToken.toString()).not.toBe(oldAccess);
    expect(after.tokens?.accessToken.payload.exp).toBeGreaterThan(Math.floor(Date.now() / 1000));
    vi.useRealTimers();

    // signOut revokes the refresh token (RevokeToken); it then fails.
    const refreshToken = storedRefreshToken();
    await signOut();
    await expect(
      sdkClient(t).send(
        new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: refreshToken }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('falls back to email OTP sign-in for an enrolled user (isEnrolled "true")', async () => {
    const email = newEmail();
    await signUpAndIn(email);
    await signOut();
    const { token, isEnrolled } = await startSignIn(email);
    expect(isEnrolled).toBe('true');
    const challenge = await t.api('POST', '/v1/client/challenge/email-otp', {
      auth: `Bearer ${token}`,
      body: {},
    });
    expect(challenge.status).toBe(200);
    const verify = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: `Bearer ${token}`,
      body: { verificationCode: t.latestCode(email) },
    });
    expect((await confirmSignIn({ challengeResponse: verify.body.accessToken })).isSignedIn).toBe(true);
  });

  it('answers a wrong answer with a fresh challenge and fails the 4th with Cognito’s message', async () => {
    const email = newEmail();
    await signUp({ username: email, password: throwaway(), options: { userAttributes: { email } } });
    await startSignIn(email);
    for (let i = 0; i < 3; i++) {
      const retry = await confirmSignIn({ challengeResponse: `wrong-${i}` });
      expect(retry.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    }
    await expect(confirmSignIn({ challengeResponse: 'wrong-4' })).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });
});

describe('passkey sign-in through Amplify', () => {
  it('signs in with a passkey without typing the email', async () => {
    const email = newEmail();
    const resultToken = await signUpAndIn(email);
    // Right after sign-up the app offers a passkey; the result token may add one.
    const authenticator = new SoftAuthenticator();
    expect((await registerPasskey(t, authenticator, resultToken)).body.isVerified).toBe(true);
    const sub = (await getCurrentUser()).userId;
    await signOut();

    const passkey = await signInWithPasskey(t, authenticator);
    expect(passkey.body).toMatchObject({ isVerified: true, userId: sub, username: email });
    await startSignIn(passkey.body.username);
    const done = await confirmSignIn({ challengeResponse: passkey.body.accessToken });
    expect(done.isSignedIn).toBe(true);
    expect((await getCurrentUser()).userId).toBe(sub);
  });
});
