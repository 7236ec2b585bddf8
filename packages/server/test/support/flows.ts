import { Authsignal } from '@authsignal/node';
import { expect } from 'vitest';
import { type ApiTarget, TEST_ORIGIN } from './server.js';
import { SoftAuthenticator } from './soft-authenticator.js';

/** The unmodified Authsignal Node SDK pointed at a test server. */
export function nodeSdk(t: ApiTarget): Authsignal {
  return new Authsignal({ apiSecretKey: t.config.tenant.secretKey, apiUrl: `${t.baseUrl}/v1`, retries: 0 });
}

const bearer = (token: string) => `Bearer ${token}`;

/** Server `track` through the real SDK; returns the track token. */
export async function trackUser(t: ApiTarget, userId: string, email: string, action = 'cognitoAuth') {
  const response = await nodeSdk(t).track({ userId, action, attributes: { email } });
  expect(response.token).toBeTypeOf('string');
  return response;
}

/** Email OTP enrollment with the code read from the dev mailbox; returns the result token. */
export async function enrollEmailOtp(t: ApiTarget, token: string, email: string): Promise<string> {
  const enroll = await t.api('POST', '/v1/client/user-authenticators/email-otp', {
    auth: bearer(token),
    body: { email },
  });
  expect(enroll.status).toBe(200);
  const verify = await t.api('POST', '/v1/client/verify/email-otp', {
    auth: bearer(token),
    body: { verificationCode: t.latestCode(email) },
  });
  expect(verify.status).toBe(200);
  expect(verify.body.isVerified).toBe(true);
  return verify.body.accessToken as string;
}

/** Registers a passkey with `token`; returns the server's answer. */
export async function registerPasskey(
  t: ApiTarget,
  authenticator: SoftAuthenticator,
  token: string,
  overrides: Parameters<SoftAuthenticator['createCredential']>[1] = {},
) {
  const options = await t.api('POST', '/v1/client/user-authenticators/passkey/registration-options', {
    auth: bearer(token),
    body: {},
  });
  expect(options.status).toBe(200);
  const credential = await authenticator.createCredential(options.body.options, {
    origin: TEST_ORIGIN,
    ...overrides,
  });
  return t.api('POST', '/v1/client/user-authenticators/passkey', {
    auth: bearer(token),
    body: { challengeId: options.body.challengeId, registrationCredential: credential },
  });
}

/** Starts a usernameless sign-in; returns the challenge id and request options. */
export async function startPasskeySignIn(t: ApiTarget, action = 'cognitoAuth') {
  const challenge = await t.api('POST', '/v1/client/challenge', { auth: t.tenantAuth, body: { action } });
  expect(challenge.status).toBe(200);
  const options = await t.api('POST', '/v1/client/user-authenticators/passkey/authentication-options', {
    auth: t.tenantAuth,
    body: { challengeId: challenge.body.challengeId },
  });
  expect(options.status).toBe(200);
  return { challengeId: options.body.challengeId as string, options: options.body.options };
}

/** A full usernameless passkey sign-in; returns the verify answer. */
export async function signInWithPasskey(
  t: ApiTarget,
  authenticator: SoftAuthenticator,
  overrides: Parameters<SoftAuthenticator['getAssertion']>[1] = {},
) {
  const { challengeId, options } = await startPasskeySignIn(t);
  const assertion = await authenticator.getAssertion(options, { origin: TEST_ORIGIN, ...overrides });
  return t.api('POST', '/v1/client/verify/passkey', {
    auth: t.tenantAuth,
    body: { challengeId, authenticationCredential: assertion },
  });
}

/** A user with a verified email and one passkey; returns what later steps need. */
export async function userWithPasskey(t: ApiTarget, userId: string, email: string) {
  const { token } = await trackUser(t, userId, email);
  const resultToken = await enrollEmailOtp(t, token, email);
  const authenticator = new SoftAuthenticator({ backupEligible: false, backupState: false });
  const registered = await registerPasskey(t, authenticator, resultToken);
  expect(registered.body.isVerified).toBe(true);
  return { authenticator, resultToken, passkeyId: registered.body.userAuthenticatorId as string };
}
