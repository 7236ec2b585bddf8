import { describe, expect, it, vi } from 'vitest';
import { deferred, fakeLatchkey, fakeUserPool, passkeySuccess } from '../test-support/fake-flow-deps.js';
import { createSignInFlow, type SignInState, signInTransition } from './sign-in.js';

const ADA = 'ada@example.com';

function setup(users: Record<string, { enrolled: boolean }> = { [ADA]: { enrolled: true } }) {
  const sdk = fakeLatchkey();
  const pool = fakeUserPool({ users });
  const flow = createSignInFlow({
    latchkey: sdk.latchkey,
    signIn: pool.signIn,
    confirmSignIn: pool.confirmSignIn,
  });
  const seen: string[] = [];
  flow.subscribe((state) => seen.push(state.name));
  return { sdk, pool, flow, seen };
}

describe('sign-in flow: passkey first (flow 2.2)', () => {
  it('passkey → signIn(username) + confirmSignIn(result token) → signedIn', async () => {
    const { sdk, pool, flow, seen } = setup();
    sdk.script.passkeySignIn.push(passkeySuccess(ADA));
    const state = await flow.send({ type: 'START_PASSKEY' });
    expect(state).toEqual({ name: 'signedIn', method: 'passkey', username: ADA });
    expect(seen).toEqual(['passkey', 'completing', 'signedIn']);
    expect(sdk.log).toEqual(['passkey.signIn {"action":"cognitoAuth"}']);
    // The track token of Create is ignored; the passkey's result token answers the challenge.
    expect(pool.log).toEqual([`signIn ${ADA}`, `confirmSignIn result-${ADA}`]);
    expect(pool.signedIn()).toBe(ADA);
  });

  it('uses the configured action code', async () => {
    const sdk = fakeLatchkey();
    const pool = fakeUserPool({ users: { [ADA]: { enrolled: true } } });
    const flow = createSignInFlow({
      latchkey: sdk.latchkey,
      signIn: pool.signIn,
      confirmSignIn: pool.confirmSignIn,
      action: 'signIn',
    });
    sdk.script.passkeySignIn.push(passkeySuccess(ADA));
    await flow.send({ type: 'START_PASSKEY' });
    expect(sdk.log[0]).toBe('passkey.signIn {"action":"signIn"}');
  });

  it.each(['user_canceled', 'no_credential'] as const)(
    '%s → the email screen (fallback, flow 2.3)',
    async (code) => {
      const { sdk, flow } = setup();
      sdk.script.passkeySignIn.push({ errorCode: code, error: 'sheet closed' });
      expect(await flow.send({ type: 'START_PASSKEY' })).toEqual({
        name: 'email',
        reason: code,
        autofill: false,
      });
    },
  );

  it.each([
    ['network_error', 'offline'],
    ['not_supported', 'no WebAuthn'],
    ['too_many_requests', 'slow down'],
    ['bad_configuration', 'RP ID mismatch'],
  ])('%s → back to start with the error, no fallback', async (code, error) => {
    const { sdk, flow } = setup();
    sdk.script.passkeySignIn.push({ errorCode: code, error });
    expect(await flow.send({ type: 'START_PASSKEY' })).toEqual({
      name: 'start',
      error: { code, message: error },
    });
  });

  it('a refused passkey (isVerified false) is an error, not a fallback', async () => {
    const { sdk, flow } = setup();
    sdk.script.passkeySignIn.push({ data: { isVerified: false, failureReason: 'counter_regression' } });
    expect(await flow.send({ type: 'START_PASSKEY' })).toEqual({
      name: 'start',
      error: { code: 'passkey_not_verified', message: 'counter_regression' },
    });
  });

  it('aborted → start without an error', async () => {
    const { sdk, flow } = setup();
    sdk.script.passkeySignIn.push({ errorCode: 'aborted', error: 'canceled' });
    expect(await flow.send({ type: 'START_PASSKEY' })).toEqual({ name: 'start' });
  });

  it('a user-pool failure after a good passkey → start with sign_in_failed and the exception name', async () => {
    const { sdk, flow } = setup({});
    sdk.script.passkeySignIn.push(passkeySuccess('ghost@example.com'));
    expect(await flow.send({ type: 'START_PASSKEY' })).toEqual({
      name: 'start',
      error: {
        code: 'sign_in_failed',
        message: 'Incorrect username or password.',
        name: 'NotAuthorizedException',
      },
    });
  });

  it('a refused answer (confirmSignIn not signed in) → start with sign_in_failed', async () => {
    const { sdk, flow } = setup();
    sdk.script.passkeySignIn.push({
      data: { isVerified: true, token: 'result-somebody-else', username: ADA },
    });
    const state = await flow.send({ type: 'START_PASSKEY' });
    expect(state).toMatchObject({ name: 'start', error: { code: 'sign_in_failed' } });
  });

  it('RESET while the sheet is open cancels the request, and its late answer is ignored', async () => {
    const { sdk, flow, pool } = setup();
    const late = deferred<Awaited<ReturnType<typeof sdk.latchkey.passkey.signIn>>>();
    sdk.script.passkeySignIn.push(late);
    const settled = flow.send({ type: 'START_PASSKEY' });
    expect(flow.getState()).toEqual({ name: 'passkey' });
    await flow.send({ type: 'RESET' });
    expect(sdk.log).toContain('passkey.cancel');
    await settled;
    expect(flow.getState()).toEqual({ name: 'start' });
    expect(pool.log).toEqual([]);
  });
});

describe('sign-in flow: email fallback', () => {
  it('enrolled user: signIn(email) → setToken → email.challenge → code → verify → confirmSignIn', async () => {
    const { sdk, pool, flow } = setup();
    sdk.script.passkeySignIn.push({ errorCode: 'user_canceled', error: 'closed' });
    await flow.send({ type: 'START_PASSKEY' });
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email: `  ${ADA} ` })).toEqual({
      name: 'code',
      email: ADA,
      mode: 'challenge',
    });
    expect(sdk.log.slice(1)).toEqual([`setToken track-${ADA}-1`, `email.challenge with track-${ADA}-1`]);
    expect(await flow.send({ type: 'SUBMIT_CODE', code: ' 123456 ' })).toEqual({
      name: 'signedIn',
      method: 'email',
      username: ADA,
    });
    expect(pool.log).toEqual([`signIn ${ADA}`, `confirmSignIn result-${ADA}`]);
  });

  it('not enrolled (isEnrolled "false"): email.enroll({ email }) instead of challenge', async () => {
    const { sdk, flow } = setup({ [ADA]: { enrolled: false } });
    await flow.send({ type: 'USE_EMAIL' });
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email: ADA })).toEqual({
      name: 'code',
      email: ADA,
      mode: 'enroll',
    });
    expect(sdk.log).toContain(`email.enroll ${ADA} with track-${ADA}-1`);
  });

  it('a wrong code stays on the code screen with invalid_code; the right one signs in', async () => {
    const { flow } = setup();
    await flow.send({ type: 'USE_EMAIL' });
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    expect(await flow.send({ type: 'SUBMIT_CODE', code: '000000' })).toEqual({
      name: 'code',
      email: ADA,
      mode: 'challenge',
      error: { code: 'invalid_code', message: 'Invalid code' },
    });
    expect((await flow.send({ type: 'SUBMIT_CODE', code: '123456' })).name).toBe('signedIn');
  });

  it('too many wrong codes → back to the email screen with too_many_attempts', async () => {
    const { sdk, flow } = setup();
    sdk.script.failureReason = 'MAX_ATTEMPTS_EXCEEDED';
    await flow.send({ type: 'USE_EMAIL' });
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    expect(await flow.send({ type: 'SUBMIT_CODE', code: '999999' })).toMatchObject({
      name: 'email',
      email: ADA,
      error: { code: 'too_many_attempts' },
    });
  });

  it('an expired token on verify → back to the email screen (start over)', async () => {
    const { sdk, flow } = setup();
    await flow.send({ type: 'USE_EMAIL' });
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    sdk.script.verifyError = { errorCode: 'expired_token', error: 'Token expired' };
    expect(await flow.send({ type: 'SUBMIT_CODE', code: '123456' })).toMatchObject({
      name: 'email',
      error: { code: 'expired_token', message: 'Token expired' },
    });
    sdk.script.verifyError = { errorCode: 'network_error', error: 'offline' };
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    expect(await flow.send({ type: 'SUBMIT_CODE', code: '123456' })).toMatchObject({
      name: 'code',
      error: { code: 'network_error' },
    });
  });

  it('resend repeats the same call with the same token', async () => {
    const { sdk, flow } = setup();
    await flow.send({ type: 'USE_EMAIL' });
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    expect(await flow.send({ type: 'RESEND_CODE' })).toEqual({ name: 'code', email: ADA, mode: 'challenge' });
    expect(sdk.log.filter((l) => l.startsWith('email.'))).toEqual([
      `email.challenge with track-${ADA}-1`,
      `email.challenge with track-${ADA}-1`,
    ]);
    sdk.script.sendError = { errorCode: 'too_many_requests', error: 'Wait 30 s' };
    expect(await flow.send({ type: 'RESEND_CODE' })).toEqual({
      name: 'code',
      email: ADA,
      mode: 'challenge',
      error: { code: 'too_many_requests', message: 'Wait 30 s' },
    });
  });

  it('an unknown user → the email screen with the user pool’s error', async () => {
    const { flow } = setup({});
    await flow.send({ type: 'USE_EMAIL' });
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email: 'nobody@example.com' })).toEqual({
      name: 'email',
      email: 'nobody@example.com',
      autofill: false,
      error: {
        code: 'sign_in_failed',
        message: 'Incorrect username or password.',
        name: 'NotAuthorizedException',
      },
    });
  });

  it('an empty email is refused without calling anything', async () => {
    const { flow, pool } = setup();
    await flow.send({ type: 'USE_EMAIL' });
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email: '   ' })).toMatchObject({
      name: 'email',
      error: { code: 'invalid_request' },
    });
    expect(pool.log).toEqual([]);
  });

  it('an unexpected user-pool step is reported, not followed', async () => {
    const sdk = fakeLatchkey();
    const flow = createSignInFlow({
      latchkey: sdk.latchkey,
      signIn: async () => ({
        isSignedIn: false,
        nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED' },
      }),
      confirmSignIn: async () => ({ isSignedIn: true }),
    });
    await flow.send({ type: 'USE_EMAIL' });
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email: ADA })).toMatchObject({
      name: 'email',
      error: {
        code: 'unexpected_step',
        message: 'The user pool answered CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED without a token',
      },
    });
    expect(sdk.log).toEqual([]);
  });

  it('CHANGE_EMAIL goes back with the address prefilled', async () => {
    const { flow } = setup();
    await flow.send({ type: 'USE_EMAIL' });
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    expect(await flow.send({ type: 'CHANGE_EMAIL' })).toEqual({ name: 'email', email: ADA, autofill: false });
  });
});

describe('sign-in flow: autofill (conditional UI)', () => {
  it('a passkey picked from autofill signs in', async () => {
    const { sdk, flow } = setup();
    const picked = deferred<Awaited<ReturnType<typeof sdk.latchkey.passkey.signIn>>>();
    sdk.script.passkeySignIn.push(picked);
    // send resolves at once: the email field waits for the user while the offer is pending.
    expect(await flow.send({ type: 'START_AUTOFILL' })).toEqual({ name: 'email', autofill: true });
    expect(sdk.log).toEqual(['passkey.signIn {"action":"cognitoAuth","autofill":true}']);
    const done = new Promise<SignInState>((resolve) =>
      flow.subscribe((s) => s.name === 'signedIn' && resolve(s)),
    );
    picked.resolve(passkeySuccess(ADA));
    expect(await done).toEqual({ name: 'signedIn', method: 'passkey', username: ADA });
  });

  it('typing an email while the offer is pending cancels it and continues by email', async () => {
    const { sdk, flow } = setup();
    sdk.script.passkeySignIn.push(deferred());
    await flow.send({ type: 'START_AUTOFILL' });
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email: ADA })).toMatchObject({ name: 'code' });
    expect(sdk.log).toContain('passkey.cancel');
    // The canceled offer's late `aborted` did not move the flow.
    await new Promise((r) => setTimeout(r, 0));
    expect(flow.getState().name).toBe('code');
  });

  it('a failed offer just disappears; the email field stays', async () => {
    const { sdk, flow } = setup();
    sdk.script.passkeySignIn.push({ errorCode: 'not_supported', error: 'no conditional mediation' });
    await flow.send({ type: 'START_AUTOFILL' });
    await vi.waitFor(() => expect(flow.getState()).toEqual({ name: 'email', autofill: false }));
  });

  it('the modal passkey button on the email screen replaces the offer', async () => {
    const { sdk, flow } = setup();
    sdk.script.passkeySignIn.push(deferred(), passkeySuccess(ADA));
    await flow.send({ type: 'START_AUTOFILL' });
    expect(await flow.send({ type: 'START_PASSKEY' })).toMatchObject({ name: 'signedIn', method: 'passkey' });
    expect(sdk.log.filter((l) => l === 'passkey.cancel')).toHaveLength(1);
  });
});

describe('sign-in flow: robustness', () => {
  it('ignores events the current state does not accept', async () => {
    const { flow, seen } = setup();
    expect(await flow.send({ type: 'SUBMIT_CODE', code: '123456' })).toEqual({ name: 'start' });
    expect(await flow.send({ type: 'CODE_SENT', mode: 'enroll' })).toEqual({ name: 'start' });
    expect(seen).toEqual([]);
  });

  it('an injected function that throws where it should not → start with unexpected_error', async () => {
    const sdk = fakeLatchkey();
    sdk.latchkey.passkey.signIn = async () => {
      throw new Error('bridge crashed');
    };
    const pool = fakeUserPool();
    const flow = createSignInFlow({
      latchkey: sdk.latchkey,
      signIn: pool.signIn,
      confirmSignIn: pool.confirmSignIn,
    });
    expect(await flow.send({ type: 'START_PASSKEY' })).toEqual({
      name: 'start',
      error: { code: 'unexpected_error', message: 'bridge crashed' },
    });
  });

  it('unsubscribe stops notifications', async () => {
    const { flow } = setup();
    const listener = vi.fn();
    const unsubscribe = flow.subscribe(listener);
    await flow.send({ type: 'USE_EMAIL' });
    unsubscribe();
    await flow.send({ type: 'RESET' });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('the transition table is pure and total over states for RESET', () => {
    const states: SignInState[] = [
      { name: 'start' },
      { name: 'passkey' },
      { name: 'email', autofill: true },
      { name: 'sendingCode', email: ADA },
      { name: 'code', email: ADA, mode: 'enroll' },
      { name: 'resendingCode', email: ADA, mode: 'enroll' },
      { name: 'verifyingCode', email: ADA, mode: 'enroll' },
      { name: 'completing', username: ADA },
      { name: 'signedIn', method: 'email', username: ADA },
    ];
    for (const state of states) {
      const copy = structuredClone(state);
      expect(signInTransition(state, { type: 'RESET' })).toEqual({ name: 'start' });
      expect(state).toEqual(copy);
    }
    expect(
      signInTransition({ name: 'signedIn', method: 'email', username: ADA }, { type: 'START_PASSKEY' }),
    ).toBeUndefined();
  });
});
