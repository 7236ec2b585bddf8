/**
 * The unmodified `@authsignal/browser` 1.16 package (bundled as published)
 * performs passkey sign-up and sign-in against a running Latchkey in Chromium,
 * with only its `baseUrl` and `tenantId` changed.
 */
import { describe, expect, it } from 'vitest';
import { type AuthenticatorPage, call } from './support/browser.js';
import { useBrowserSuite } from './support/browser-suite.js';
import { authenticators, newUser, track, validate } from './support/stack.js';

type Result<T = Record<string, unknown>> = {
  data?: T;
  error?: string;
  errorCode?: string;
  thrown?: { name: string; code?: string; message: string };
};

const suite = useBrowserSuite();

async function authsignalPage(): Promise<AuthenticatorPage> {
  const page = await suite.open('/authsignal.html');
  // Authsignal SDKs take the base URL with /v1.
  await page.run(
    call('authsignalHarness.init', {
      tenantId: suite.stack.client.tenantId,
      baseUrl: `${suite.stack.client.baseUrl}/v1`,
    }),
  );
  return page;
}

describe('@authsignal/browser against Latchkey', () => {
  it('passkey.signUp with a track token, then a usernameless passkey.signIn({ action })', async () => {
    const page = await authsignalPage();
    const user = newUser('authsignal');
    const trackToken = await track(suite.stack.t, user);

    const signUp = await page.run<Result<{ token?: string; credentialId?: string }>>(
      call('authsignalHarness.passkeySignUp', { token: trackToken, username: user.email }),
    );
    expect(signUp.thrown).toBeUndefined();
    expect(signUp.errorCode).toBeUndefined();
    expect(signUp.data?.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const credentials = await page.credentials();
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({
      rpId: 'localhost',
      userName: user.email,
      isResidentCredential: true,
    });
    const stored = await authenticators(suite.stack.t, user.userId);
    expect(stored[0]?.webauthnCredential?.credentialId).toBe(signUp.data?.credentialId);

    // isAvailableOnDevice: the SDK's stored id, looked up with `credentialIds=` and the tenant id.
    expect(await page.run(call('authsignalHarness.isAvailableOnDevice', user.userId))).toBe(true);

    const signIn = await page.run<
      Result<{ isVerified: boolean; token: string; userId: string; username: string }>
    >(call('authsignalHarness.passkeySignIn', { action: 'cognitoAuth' }));
    expect(signIn.thrown).toBeUndefined();
    expect(signIn.data).toMatchObject({ isVerified: true, userId: user.userId, username: user.email });
    expect(await validate(suite.stack.t, signIn.data?.token ?? '', user.userId, 'cognitoAuth')).toMatchObject(
      {
        isValid: true,
      },
    );
    await page.screenshot('authsignal-browser-sign-in', { authsignalSignIn: signIn.data });
  });

  it('conditional UI sign-in (autofill: true) with the published SDK', async () => {
    const page = await authsignalPage();
    const user = newUser('authsignal-autofill');
    await page.run(
      call('authsignalHarness.passkeySignUp', {
        token: await track(suite.stack.t, user),
        username: user.email,
      }),
    );

    const signIn = await page.run<Result<{ isVerified: boolean; userId: string }>>(
      call('authsignalHarness.passkeySignIn', { action: 'cognitoAuth', autofill: true }),
    );
    expect(signIn.data).toMatchObject({ isVerified: true, userId: user.userId });
  });

  it('email OTP through the SDK, then a passkey with the cached result token', async () => {
    const page = await authsignalPage();
    const user = newUser('authsignal-email');
    await page.run(call('authsignalHarness.setToken', await track(suite.stack.t, user)));

    const enroll = await page.run<Result>(call('authsignalHarness.emailEnroll', user.email));
    expect(enroll.errorCode).toBeUndefined();
    const verify = await page.run<Result<{ isVerified: boolean; token: string }>>(
      call('authsignalHarness.emailVerify', suite.stack.t.latestCode(user.email)),
    );
    expect(verify.data?.isVerified).toBe(true);
    expect(await validate(suite.stack.t, verify.data?.token ?? '', user.userId)).toMatchObject({
      isValid: true,
    });

    // Adding a second authenticator with the cached result token (which carries add:authenticators).
    const passkey = await page.run<Result<{ token?: string }>>(call('authsignalHarness.passkeySignUp', {}));
    expect(passkey.thrown).toBeUndefined();
    expect(passkey.errorCode).toBeUndefined();
    expect(
      (await authenticators(suite.stack.t, user.userId)).map((a) => a.verificationMethod).sort(),
    ).toEqual(['EMAIL_OTP', 'PASSKEY']);
  });

  it('its ceremony failures throw WebAuthnError (where @latchkey/client resolves codes instead)', async () => {
    const page = await authsignalPage();
    const user = newUser('authsignal-uv');
    await page.run(
      call('authsignalHarness.passkeySignUp', {
        token: await track(suite.stack.t, user),
        username: user.email,
      }),
    );
    await page.setUserVerified(false);

    const signIn = await page.run<Result>(call('authsignalHarness.passkeySignIn', { action: 'cognitoAuth' }));
    expect(signIn.thrown).toMatchObject({
      name: 'NotAllowedError',
      code: 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY',
    });
  });
});
