import { describe, expect, it, vi } from 'vitest';
import { fakeLatchkey, fakeUserPool } from '../test-support/fake-flow-deps.js';
import { createSignUpFlow, generateThrowawayPassword, signUpTransition } from './sign-up.js';

const ADA = 'ada@example.com';

function setup(users: Record<string, { enrolled: boolean }> = {}) {
  const sdk = fakeLatchkey();
  const pool = fakeUserPool({ users });
  const passwords: string[] = [];
  const flow = createSignUpFlow({
    latchkey: sdk.latchkey,
    signUp: async (input) => {
      passwords.push(input.password);
      return pool.signUp(input);
    },
    signIn: pool.signIn,
    confirmSignIn: pool.confirmSignIn,
  });
  return { sdk, pool, flow, passwords };
}

describe('sign-up flow (flow 2.1)', () => {
  it('signUp → signIn → enroll → code → verify → confirmSignIn → offer → passkey.signUp() with the cached token', async () => {
    const { sdk, pool, flow, passwords } = setup();
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email: ADA })).toEqual({
      name: 'code',
      email: ADA,
      mode: 'enroll',
    });
    expect(pool.log).toEqual([`signUp ${ADA}`, `signIn ${ADA}`]);
    expect(passwords[0]).toMatch(/^Aa1!/);
    expect(sdk.log).toEqual([`setToken track-${ADA}-1`, `email.enroll ${ADA} with track-${ADA}-1`]);

    expect(await flow.send({ type: 'SUBMIT_CODE', code: '123456' })).toEqual({
      name: 'passkeyOffer',
      email: ADA,
    });
    expect(pool.signedIn()).toBe(ADA);
    expect(sdk.log).toContain(`passkey.shouldPromptToCreatePasskey {"username":"${ADA}"}`);

    sdk.script.passkeySignUp.push({
      data: { isVerified: true, token: 'result-reg', credentialId: 'cred-1' },
    });
    expect(await flow.send({ type: 'CREATE_PASSKEY' })).toEqual({
      name: 'done',
      email: ADA,
      passkey: 'created',
    });
    // No token and no username: the SDK's cached result token; the server infers the username.
    expect(sdk.log.at(-1)).toBe(`passkey.signUp {} with result-${ADA}`);
  });

  it('the user may skip the passkey', async () => {
    const { flow } = setup();
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    await flow.send({ type: 'SUBMIT_CODE', code: '123456' });
    expect(await flow.send({ type: 'SKIP_PASSKEY' })).toEqual({
      name: 'done',
      email: ADA,
      passkey: 'skipped',
    });
  });

  it('no offer when shouldPromptToCreatePasskey says no (or fails)', async () => {
    const { sdk, flow } = setup();
    sdk.script.shouldPrompt = { data: false };
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    expect(await flow.send({ type: 'SUBMIT_CODE', code: '123456' })).toEqual({
      name: 'done',
      email: ADA,
      passkey: 'not_offered',
    });

    const second = setup();
    second.sdk.script.shouldPrompt = { errorCode: 'network_error', error: 'offline' };
    await second.flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    expect(await second.flow.send({ type: 'SUBMIT_CODE', code: '123456' })).toMatchObject({
      name: 'done',
      passkey: 'not_offered',
    });
  });

  it('a canceled passkey sheet keeps the offer open with the error; matched_excluded_credential ends as "exists"', async () => {
    const { sdk, flow } = setup();
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    await flow.send({ type: 'SUBMIT_CODE', code: '123456' });
    sdk.script.passkeySignUp.push(
      { errorCode: 'user_canceled', error: 'closed' },
      { errorCode: 'matched_excluded_credential', error: 'already registered' },
    );
    expect(await flow.send({ type: 'CREATE_PASSKEY' })).toEqual({
      name: 'passkeyOffer',
      email: ADA,
      error: { code: 'user_canceled', message: 'closed' },
    });
    expect(await flow.send({ type: 'CREATE_PASSKEY' })).toEqual({
      name: 'done',
      email: ADA,
      passkey: 'exists',
    });
  });

  it('a refused registration keeps the offer open with passkey_not_verified', async () => {
    const { sdk, flow } = setup();
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    await flow.send({ type: 'SUBMIT_CODE', code: '123456' });
    sdk.script.passkeySignUp.push({ data: { isVerified: false, failureReason: 'invalid_origin' } });
    expect(await flow.send({ type: 'CREATE_PASSKEY' })).toEqual({
      name: 'passkeyOffer',
      email: ADA,
      error: { code: 'passkey_not_verified', message: 'invalid_origin' },
    });
  });

  it('an existing user → start with user_exists (switch to the sign-in flow)', async () => {
    const { flow, pool } = setup({ [ADA]: { enrolled: true } });
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email: ADA })).toEqual({
      name: 'start',
      email: ADA,
      error: { code: 'user_exists', message: 'User already exists', name: 'UsernameExistsException' },
    });
    expect(pool.log).toEqual([`signUp ${ADA}`]);
  });

  it('a sign-up the pool does not complete is reported', async () => {
    const sdk = fakeLatchkey();
    const pool = fakeUserPool();
    const flow = createSignUpFlow({
      latchkey: sdk.latchkey,
      signUp: async () => ({ isSignUpComplete: false }),
      signIn: pool.signIn,
      confirmSignIn: pool.confirmSignIn,
      generatePassword: () => 'x',
    });
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email: ADA })).toMatchObject({
      name: 'start',
      error: { code: 'sign_up_failed' },
    });
  });

  it('a failed first send → start with the error', async () => {
    const { sdk, flow } = setup();
    sdk.script.sendError = { errorCode: 'too_many_requests', error: 'Wait 30 s' };
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email: ADA })).toEqual({
      name: 'start',
      email: ADA,
      error: { code: 'too_many_requests', message: 'Wait 30 s' },
    });
  });

  it('wrong code → code with invalid_code; resend with the same token', async () => {
    const { sdk, flow } = setup();
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    expect(await flow.send({ type: 'SUBMIT_CODE', code: '111111' })).toMatchObject({
      name: 'code',
      error: { code: 'invalid_code' },
    });
    expect(await flow.send({ type: 'RESEND_CODE' })).toEqual({ name: 'code', email: ADA, mode: 'enroll' });
    expect(sdk.log.filter((l) => l.startsWith('email.enroll'))).toEqual([
      `email.enroll ${ADA} with track-${ADA}-1`,
      `email.enroll ${ADA} with track-${ADA}-1`,
    ]);
  });

  it('RESET while creating a passkey cancels the request', async () => {
    const { sdk, flow } = setup();
    await flow.send({ type: 'SUBMIT_EMAIL', email: ADA });
    await flow.send({ type: 'SUBMIT_CODE', code: '123456' });
    sdk.latchkey.passkey.signUp = () => new Promise(() => {});
    void flow.send({ type: 'CREATE_PASSKEY' });
    expect(flow.getState().name).toBe('creatingPasskey');
    await flow.send({ type: 'RESET' });
    expect(sdk.log.at(-1)).toBe('passkey.cancel');
  });

  it('refuses to start without crypto.getRandomValues unless given a generator', () => {
    const sdk = fakeLatchkey();
    const pool = fakeUserPool();
    vi.stubGlobal('crypto', undefined);
    try {
      expect(() => createSignUpFlow({ latchkey: sdk.latchkey, ...pool })).toThrow(/getRandomValues/);
      expect(() =>
        createSignUpFlow({ latchkey: sdk.latchkey, ...pool, generatePassword: () => 'p' }),
      ).not.toThrow();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('throwaway passwords are long, random and satisfy any character-class policy', () => {
    const a = generateThrowawayPassword();
    const b = generateThrowawayPassword();
    expect(a).not.toBe(b);
    expect(a).toHaveLength(36);
    expect(a).toMatch(/[A-Z]/);
    expect(a).toMatch(/[a-z]/);
    expect(a).toMatch(/\d/);
    expect(a).toMatch(/[^A-Za-z0-9]/);
  });

  it('transition table: done is final, RESET always returns to start', () => {
    const done = { name: 'done', email: ADA, passkey: 'created' } as const;
    expect(signUpTransition(done, { type: 'CREATE_PASSKEY' })).toBeUndefined();
    expect(signUpTransition(done, { type: 'RESET' })).toEqual({ name: 'start' });
    expect(signUpTransition({ name: 'start' }, { type: 'SUBMIT_EMAIL', email: ' ' })).toMatchObject({
      name: 'start',
      error: { code: 'invalid_request' },
    });
  });
});
