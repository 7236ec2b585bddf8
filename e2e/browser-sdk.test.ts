/**
 * `@latchkey/client` in Debian Chromium with a CDP virtual authenticator,
 * against a running Latchkey (the real server in process). Nothing between
 * the page and the server is faked.
 */
import { describe, expect, it } from 'vitest';
import { type AuthenticatorPage, call } from './support/browser.js';
import { useBrowserSuite } from './support/browser-suite.js';
import { authenticators, newUser, track, validate } from './support/stack.js';

type Result<T = Record<string, unknown>> = {
  data?: T;
  error?: string;
  errorCode?: string;
  errorDescription?: string;
};

const suite = useBrowserSuite();

/** Given a page with the SDK (and, unless told otherwise, a fresh virtual authenticator). */
async function sdkPage(options: { authenticator?: boolean } = {}): Promise<AuthenticatorPage> {
  const page = await suite.open('/', options);
  await page.run(call('harness.init', suite.stack.client));
  return page;
}

/** Given a user who registered a passkey on `page`'s authenticator (first authenticator: the track token suffices). */
async function userWithPasskey(page: AuthenticatorPage, prefix: string) {
  const user = newUser(prefix);
  await page.run(call('harness.setToken', await track(suite.stack.t, user)));
  const signUp = await page.run<Result<{ isVerified: boolean; token: string; credentialId: string }>>(
    call('harness.passkeySignUp'),
  );
  expect(signUp.errorCode).toBeUndefined();
  expect(signUp.data?.isVerified).toBe(true);
  return { ...user, signUp: signUp.data as { isVerified: boolean; token: string; credentialId: string } };
}

describe('passkey sign-up', () => {
  it('registers a discoverable passkey; the result token replaces the cached token', async () => {
    const page = await sdkPage();
    const user = newUser('signup');
    const trackToken = await track(suite.stack.t, user);
    await page.run(call('harness.setToken', trackToken));

    const result = await page.run<
      Result<{ isVerified: boolean; token: string; credentialId: string; userId: string }>
    >(call('harness.passkeySignUp', { displayName: 'Ada Lovelace' }));

    expect(result.errorCode).toBeUndefined();
    expect(result.data).toMatchObject({ isVerified: true, userId: user.userId });
    // The authenticator holds one resident credential for the RP, named after the inferred username (the email).
    const credentials = await page.credentials();
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({
      isResidentCredential: true,
      rpId: 'localhost',
      userName: user.email,
    });
    expect(Buffer.from(credentials[0]?.credentialId ?? '', 'base64').toString('base64url')).toBe(
      result.data?.credentialId,
    );
    // The server has the passkey.
    const stored = await authenticators(suite.stack.t, user.userId);
    expect(stored.map((a) => a.verificationMethod)).toEqual(['PASSKEY']);
    expect(stored[0]?.webauthnCredential?.credentialId).toBe(result.data?.credentialId);
    // The cache now holds the result token instead of the track token.
    expect(await page.run(call('harness.getToken'))).toBe(result.data?.token);
    expect(result.data?.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(result.data?.token).not.toBe(trackToken);
    // The SDK remembers the credential, so it does not prompt again.
    expect(await page.run(call('harness.shouldPromptToCreatePasskey'))).toEqual({ data: false });
    await page.screenshot('browser-sdk-passkey-sign-up', { signUp: result.data, credentials });
  });

  it('re-registering the same authenticator → matched_excluded_credential (ignorable)', async () => {
    const page = await sdkPage();
    const user = await userWithPasskey(page, 'again');

    // The cached result token carries add:authenticators, so a second passkey may be added —
    // but this authenticator already holds one listed in excludeCredentials.
    const again = await page.run<Result>(call('harness.passkeySignUp'));
    expect(again).toMatchObject({ errorCode: 'matched_excluded_credential' });
    expect(again.error).toBe('The authenticator was previously registered');
    expect(await page.run(call('harness.passkeySignUp', { ignorePasskeyAlreadyExistsError: true }))).toEqual(
      {},
    );

    expect(await page.credentials()).toHaveLength(1);
    expect(
      (await authenticators(suite.stack.t, user.userId)).filter((a) => a.verificationMethod === 'PASSKEY'),
    ).toHaveLength(1);
  });

  it('without a token resolves token_not_set', async () => {
    const page = await sdkPage();
    expect(await page.run(call('harness.passkeySignUp'))).toEqual({
      error: "A token has not been set. Call 'setToken' first.",
      errorCode: 'token_not_set',
      errorDescription: "A token has not been set. Call 'setToken' first.",
    });
  });
});

describe('passkey sign-in', () => {
  it('usernameless: the user comes from the passkey; the result token validates for action cognitoAuth', async () => {
    const page = await sdkPage();
    const user = await userWithPasskey(page, 'usernameless');
    const counter = (await page.credentials())[0]?.signCount ?? 0;

    const result = await page.run<Result<Record<string, unknown>>>(
      call('harness.passkeySignIn', { action: 'cognitoAuth' }),
    );

    expect(result.errorCode).toBeUndefined();
    expect(result.data).toMatchObject({ isVerified: true, userId: user.userId, username: user.email });
    expect(typeof result.data?.token).toBe('string');
    expect(await page.run(call('harness.mediations'))).toEqual([null]);
    expect((await page.credentials())[0]?.signCount).toBeGreaterThan(counter);
    expect(
      await validate(suite.stack.t, result.data?.token as string, user.userId, 'cognitoAuth'),
    ).toMatchObject({
      isValid: true,
      userId: user.userId,
    });
  });

  it('conditional UI: passkey offered in the autofill of an autocomplete="username webauthn" field', async () => {
    const page = await sdkPage();
    const user = await userWithPasskey(page, 'autofill');
    expect(await page.run(call('harness.isAutofillSupported'))).toBe(true);

    await page.run(call('harness.startAutofill', { action: 'cognitoAuth' }));
    // A second autofill request while one is pending resolves {} (as @authsignal/browser does).
    const second = await page.run<Result>(
      call('harness.passkeySignIn', { action: 'cognitoAuth', autofill: true }),
    );
    const result = await page.run<Result<Record<string, unknown>>>(call('harness.autofillResult'));

    expect(result.data).toMatchObject({ isVerified: true, userId: user.userId, username: user.email });
    expect(second).toEqual({});
    expect(await page.run(call('harness.mediations'))).toEqual(['conditional']);
    await page.screenshot('browser-sdk-conditional-ui', { autofillSignIn: result.data });
  });

  it('B5 a failed autofill does not wedge conditional UI: the retry runs the ceremony', async () => {
    const page = await sdkPage();
    const user = await userWithPasskey(page, 'autofill-retry');
    await page.setUserVerified(false);
    await page.run(call('harness.startAutofill', { action: 'cognitoAuth' }));
    const failed = await page.run<Result>(call('harness.autofillResult'));
    expect(failed.errorCode).toBe('user_canceled');

    await page.setUserVerified(true);
    await page.run(call('harness.startAutofill', { action: 'cognitoAuth' }));
    const retried = await page.run<Result<Record<string, unknown>>>(call('harness.autofillResult'));
    expect(retried.data).toMatchObject({ isVerified: true, userId: user.userId });
    expect(await page.run(call('harness.mediations'))).toEqual(['conditional', 'conditional']);
  });

  it('user verification fails → user_canceled', async () => {
    const page = await sdkPage();
    await userWithPasskey(page, 'uv');
    await page.setUserVerified(false);

    const result = await page.run<Result>(call('harness.passkeySignIn', { action: 'cognitoAuth' }));

    expect(result).toEqual({ errorCode: 'user_canceled', error: expect.stringMatching(/not allowed/) });
  });

  it('no credential on the authenticator → user_canceled (browsers do not reveal which; documented)', async () => {
    const page = await sdkPage();
    await userWithPasskey(page, 'cleared');
    await page.clearCredentials();
    const started = Date.now();

    const result = await page.run<Result>(call('harness.passkeySignIn', { action: 'cognitoAuth' }));

    expect(result.errorCode).toBe('user_canceled');
    expect(Date.now() - started).toBeLessThan(5_000); // not a timeout
  });

  it('cancel() aborts a pending ceremony → aborted (no authenticator, so it would wait for the timeout)', async () => {
    const page = await sdkPage({ authenticator: false });
    const pending = page.run<Result>(call('harness.passkeySignIn', { action: 'cognitoAuth' }));
    await expect.poll(() => page.run<(string | null)[]>(call('harness.mediations'))).toHaveLength(1);
    const started = Date.now();
    await page.run(call('harness.cancel'));
    const result = await pending;
    expect(result).toMatchObject({ errorCode: 'aborted' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a new ceremony replaces a pending one, which resolves aborted; autofill needs conditional mediation', async () => {
    const page = await sdkPage({ authenticator: false });
    // Without an authenticator Chromium offers no conditional mediation.
    expect(await page.run(call('harness.isAutofillSupported'))).toBe(false);
    expect(
      await page.run(call('harness.passkeySignIn', { action: 'cognitoAuth', autofill: true })),
    ).toMatchObject({
      errorCode: 'not_supported',
    });

    const first = page.run<Result>(call('harness.passkeySignIn', { action: 'cognitoAuth' }));
    await expect.poll(() => page.run<unknown[]>(call('harness.mediations'))).toHaveLength(1);
    const second = page.run<Result>(call('harness.passkeySignIn', { action: 'cognitoAuth' }));
    expect(await first).toMatchObject({ errorCode: 'aborted' });
    await expect.poll(() => page.run<unknown[]>(call('harness.mediations'))).toHaveLength(2);
    await page.run(call('harness.cancel'));
    expect(await second).toMatchObject({ errorCode: 'aborted' });
  });
});

describe('email OTP and the token cache', () => {
  it('enroll → code from the dev mailbox → verify → passkey.signUp() with the cached result token', async () => {
    const page = await sdkPage();
    const user = newUser('email');
    await page.run(call('harness.setToken', await track(suite.stack.t, user)));

    expect(await page.run(call('harness.emailEnroll', user.email))).toMatchObject({
      data: { userAuthenticatorId: expect.any(String) },
    });
    const wrong = suite.stack.t.latestCode(user.email) === '000000' ? '111111' : '000000';
    expect(await page.run(call('harness.emailVerify', wrong))).toEqual({
      data: { isVerified: false, failureReason: 'CODE_INVALID_OR_EXPIRED' },
    });
    const verified = await page.run<Result<{ isVerified: boolean; token: string }>>(
      call('harness.emailVerify', suite.stack.t.latestCode(user.email)),
    );
    expect(verified.data?.isVerified).toBe(true);
    expect(await page.run(call('harness.getToken'))).toBe(verified.data?.token);

    // Flow 2.1 step 6: no token, no username — the server infers the username (the email).
    const passkey = await page.run<Result<{ isVerified: boolean }>>(call('harness.passkeySignUp'));
    expect(passkey.data?.isVerified).toBe(true);
    expect((await page.credentials())[0]?.userName).toBe(user.email);
    expect(
      (await authenticators(suite.stack.t, user.userId)).map((a) => a.verificationMethod).sort(),
    ).toEqual(['EMAIL_OTP', 'PASSKEY']);
  });

  it('email calls without a token resolve token_not_set; an unreachable server resolves network_error', async () => {
    const page = await sdkPage();
    expect(await page.run(call('harness.emailChallenge'))).toMatchObject({ errorCode: 'token_not_set' });
    await page.run(
      call('harness.init', { tenantId: suite.stack.client.tenantId, baseUrl: 'http://localhost:9' }),
    );
    expect(await page.run(call('harness.passkeySignIn', { action: 'cognitoAuth' }))).toMatchObject({
      errorCode: 'network_error',
    });
  });

  it('a token past its expiry resolves expired_token; a malformed one is refused with its code', async () => {
    const page = await sdkPage();
    const user = newUser('expired');
    await page.run(call('harness.setToken', await track(suite.stack.t, user)));
    suite.stack.setClockOffset(11 * 60_000);
    try {
      expect(await page.run(call('harness.emailEnroll', user.email))).toMatchObject({
        errorCode: 'expired_token',
      });
    } finally {
      suite.stack.setClockOffset(0);
    }
    await page.run(call('harness.setToken', 'not-a-token'));
    const malformed = await page.run<Result>(call('harness.emailChallenge'));
    expect(malformed).toMatchObject({ errorCode: 'token_invalid', error: expect.any(String) });
  });
});
