/**
 * The sign-up and sign-in flows end to end in Chromium: the state machines
 * of `@latchkey/client` driving the real `aws-amplify` v6 against the Latchkey
 * user pool (custom-auth triggers built in) and the Latchkey client API, with
 * a CDP virtual authenticator. Codes come from the dev mailbox.
 */
import { describe, expect, it } from 'vitest';
import { type AuthenticatorPage, call } from './support/browser.js';
import { useBrowserSuite } from './support/browser-suite.js';
import { authenticators, newUser } from './support/stack.js';

type State = { name: string } & Record<string, unknown>;

const suite = useBrowserSuite();

async function flowsPage(): Promise<AuthenticatorPage> {
  const page = await suite.open('/flows.html');
  await page.run(call('flowsHarness.init', suite.stack.pool));
  return page;
}

/** Looks up the Latchkey user id (the Cognito sub) of an email through Amplify's current user. */
async function currentUser(page: AuthenticatorPage) {
  return page.run<{ userId?: string; email?: string; emailVerified?: string; error?: string }>(
    call('flowsHarness.currentUser'),
  );
}

/** Given a user signed up through the sign-up flow (with or without a passkey), then signed out. */
async function signedUpUser(
  page: AuthenticatorPage,
  prefix: string,
  passkey: 'CREATE_PASSKEY' | 'SKIP_PASSKEY',
) {
  const { email } = newUser(prefix);
  await page.run(call('flowsHarness.newSignUpFlow'));
  expect(await page.run(call('flowsHarness.signUp', { type: 'SUBMIT_EMAIL', email }))).toEqual({
    name: 'code',
    email,
    mode: 'enroll',
  });
  expect(
    await page.run(
      call('flowsHarness.signUp', { type: 'SUBMIT_CODE', code: suite.stack.t.latestCode(email) }),
    ),
  ).toEqual({ name: 'passkeyOffer', email });
  const done = await page.run<State>(call('flowsHarness.signUp', { type: passkey }));
  expect(done).toEqual({
    name: 'done',
    email,
    passkey: passkey === 'CREATE_PASSKEY' ? 'created' : 'skipped',
  });
  const user = await currentUser(page);
  expect(user).toMatchObject({ email, emailVerified: 'true' });
  await page.run(call('flowsHarness.signOut'));
  return { email, userId: user.userId as string };
}

describe('sign-up flow (2.1) with Amplify', () => {
  it('signUp → email code → confirmSignIn → offered passkey created with the cached result token', async () => {
    const page = await flowsPage();
    const { email, userId } = await signedUpUser(page, 'flow-signup', 'CREATE_PASSKEY');

    expect(await page.run(call('flowsHarness.history'))).toEqual([
      'signUp:signingUp',
      'signUp:code',
      'signUp:verifyingCode',
      'signUp:passkeyOffer',
      'signUp:creatingPasskey',
      'signUp:done',
    ]);
    // The passkey is the user's, named after the email (the server inferred the username).
    expect((await page.credentials())[0]?.userName).toBe(email);
    expect((await authenticators(suite.stack.t, userId)).map((a) => a.verificationMethod).sort()).toEqual([
      'EMAIL_OTP',
      'PASSKEY',
    ]);
  });
});

describe('sign-in flow (2.2, 2.3) with Amplify', () => {
  it('passkey first: usernameless passkey → signIn(username) + confirmSignIn → signed in', async () => {
    const page = await flowsPage();
    const { email, userId } = await signedUpUser(page, 'flow-passkey', 'CREATE_PASSKEY');
    await page.run(call('flowsHarness.history'));

    await page.run(call('flowsHarness.newSignInFlow'));
    expect(await page.run(call('flowsHarness.signIn', { type: 'START_PASSKEY' }))).toEqual({
      name: 'signedIn',
      method: 'passkey',
      username: email,
    });
    expect(await page.run(call('flowsHarness.history'))).toEqual([
      'signIn:passkey',
      'signIn:completing',
      'signIn:signedIn',
    ]);
    expect(await currentUser(page)).toMatchObject({ userId, email });
    await page.screenshot(
      'browser-flows-passkey-signed-in',
      await page.run(call('flowsHarness.signInState')),
    );
  });

  it('no passkey on this device → user_canceled → email code → signed in (the fallback)', async () => {
    const page = await flowsPage();
    const { email, userId } = await signedUpUser(page, 'flow-fallback', 'SKIP_PASSKEY');
    expect(await page.credentials()).toEqual([]);

    await page.run(call('flowsHarness.newSignInFlow'));
    expect(await page.run(call('flowsHarness.signIn', { type: 'START_PASSKEY' }))).toEqual({
      name: 'email',
      reason: 'user_canceled',
      autofill: false,
    });
    // Enrolled (isEnrolled 'true') → email.challenge, a fresh code.
    const before = suite.stack.t.server.devMailbox?.list(email).length ?? 0;
    expect(await page.run(call('flowsHarness.signIn', { type: 'SUBMIT_EMAIL', email }))).toEqual({
      name: 'code',
      email,
      mode: 'challenge',
    });
    expect(suite.stack.t.server.devMailbox?.list(email).length).toBe(before + 1);
    expect(
      await page.run(call('flowsHarness.signIn', { type: 'SUBMIT_CODE', code: '000000' })),
    ).toMatchObject({
      name: 'code',
      error: { code: 'invalid_code' },
    });
    expect(
      await page.run(
        call('flowsHarness.signIn', { type: 'SUBMIT_CODE', code: suite.stack.t.latestCode(email) }),
      ),
    ).toEqual({ name: 'signedIn', method: 'email', username: email });
    expect(await currentUser(page)).toMatchObject({ userId, email });
  });

  it('user verification fails → user_canceled → the email screen; an unknown email gets nowhere', async () => {
    const page = await flowsPage();
    await signedUpUser(page, 'flow-uv', 'CREATE_PASSKEY');
    await page.setUserVerified(false);

    await page.run(call('flowsHarness.newSignInFlow'));
    expect(await page.run(call('flowsHarness.signIn', { type: 'START_PASSKEY' }))).toMatchObject({
      name: 'email',
      reason: 'user_canceled',
    });
    // No user enumeration (security bar E1): an unknown address looks like an enrolled one,
    // and even the code mailed to it does not sign anybody in.
    const unknown = 'nobody-here@example.com';
    expect(await page.run(call('flowsHarness.signIn', { type: 'SUBMIT_EMAIL', email: unknown }))).toEqual({
      name: 'code',
      email: unknown,
      mode: 'challenge',
    });
    const wrong = suite.stack.t.latestCode(unknown) === '000000' ? '111111' : '000000';
    expect(await page.run(call('flowsHarness.signIn', { type: 'SUBMIT_CODE', code: wrong }))).toMatchObject({
      name: 'code',
      error: { code: 'invalid_code' },
    });
    const refused = await page.run<State>(
      call('flowsHarness.signIn', { type: 'SUBMIT_CODE', code: suite.stack.t.latestCode(unknown) }),
    );
    expect(refused).toEqual({
      name: 'email',
      email: unknown,
      autofill: false,
      error: { code: 'sign_in_failed', message: 'Invalid credentials' },
    });
    expect((await currentUser(page)).error).toBe('UserUnAuthenticatedException');
  });

  it('conditional UI: a passkey picked from the email field’s autofill signs in', async () => {
    const page = await flowsPage();
    const { email } = await signedUpUser(page, 'flow-autofill', 'CREATE_PASSKEY');

    await page.run(call('flowsHarness.newSignInFlow'));
    expect(await page.run(call('flowsHarness.signIn', { type: 'START_AUTOFILL' }))).toEqual({
      name: 'email',
      autofill: true,
    });
    await expect
      .poll(() => page.run<State>(call('flowsHarness.signInState')), { timeout: 10_000 })
      .toEqual({ name: 'signedIn', method: 'passkey', username: email });
  });
});
