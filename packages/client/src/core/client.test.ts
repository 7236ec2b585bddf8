import { describe, expect, it, vi } from 'vitest';
import {
  API_ROOT,
  assertion,
  CREATION_OPTIONS,
  fakeApi,
  fakePasskeys,
  type Handler,
  memoryStorage,
  platformOf,
  REQUEST_OPTIONS,
  registration,
} from '../test-support/fakes.js';
import { LatchkeyClient } from './client.js';
import { credentialStorageKey } from './credential-store.js';
import { TOKEN_NOT_SET_MESSAGE } from './errors.js';

const BASIC = `Basic ${btoa('tenant-1')}`;

/** Routes of a happy server; tests override single routes. */
function routes(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'POST /client/challenge': () => ({ body: { challengeId: 'ch-1' } }),
    'POST /client/user-authenticators/passkey/authentication-options': (r) => ({
      body: { challengeId: (r.body?.challengeId as string | undefined) ?? 'ch-2', options: REQUEST_OPTIONS },
    }),
    'POST /client/verify/passkey': () => ({
      body: {
        isVerified: true,
        accessToken: 'result-passkey',
        userId: 'user-1',
        userAuthenticatorId: 'ua-1',
        userName: 'ada@example.com',
        userDisplayName: 'Ada',
      },
    }),
    'POST /client/user-authenticators/passkey/registration-options': () => ({
      body: { challengeId: 'reg-1', options: CREATION_OPTIONS },
    }),
    'POST /client/user-authenticators/passkey': (r) => ({
      body: {
        isVerified: true,
        accessToken: 'result-registration',
        userAuthenticatorId: 'ua-2',
        credentialId: (r.body?.registrationCredential as { id: string } | undefined)?.id,
        userId: 'user-1',
        userAuthenticator: { username: 'ada@example.com' },
      },
    }),
    'GET /client/user-authenticators/passkey': () => ({
      body: { credentialId: 'cred-1', verifiedAt: '2026-01-01T00:00:00.000Z' },
    }),
    'POST /client/user-authenticators/email-otp': () => ({ body: { userAuthenticatorId: 'ua-email' } }),
    'POST /client/challenge/email-otp': () => ({ body: { challengeId: 'ch-email' } }),
    'POST /client/verify/email-otp': (r) =>
      r.body?.verificationCode === '123456'
        ? { body: { isVerified: true, accessToken: 'result-email' } }
        : { body: { isVerified: false, failureReason: 'CODE_INVALID_OR_EXPIRED' } },
    ...overrides,
  };
}

function setup(
  options: { routes?: Record<string, Handler>; script?: Parameters<typeof fakePasskeys>[0] } = {},
) {
  const api = fakeApi(options.routes ?? routes());
  const passkeys = fakePasskeys(options.script);
  const storage = memoryStorage();
  const onTokenExpired = vi.fn();
  const latchkey = new LatchkeyClient({
    tenantId: 'tenant-1',
    baseUrl: API_ROOT,
    platform: platformOf(api, passkeys.passkeys, storage.storage),
    onTokenExpired,
  });
  const remembered = () => JSON.parse(storage.map.get(credentialStorageKey('tenant-1')) ?? '[]') as unknown[];
  return { latchkey, api, passkeys, storage, remembered, onTokenExpired };
}

describe('token cache', () => {
  it('email.* and passkey.signUp without any token resolve token_not_set and send nothing', async () => {
    const { latchkey, api } = setup();
    const notSet = {
      error: TOKEN_NOT_SET_MESSAGE,
      errorCode: 'token_not_set',
      errorDescription: TOKEN_NOT_SET_MESSAGE,
    };
    expect(await latchkey.email.enroll({ email: 'a@b.co' })).toEqual(notSet);
    expect(await latchkey.email.challenge()).toEqual(notSet);
    expect(await latchkey.email.verify({ code: '123456' })).toEqual(notSet);
    expect(await latchkey.passkey.signUp()).toEqual(notSet);
    expect(TOKEN_NOT_SET_MESSAGE).toBe("A token has not been set. Call 'setToken' first.");
    expect(api.requests).toEqual([]);
  });

  it('email.verify success replaces the cached token; a wrong code leaves it', async () => {
    const { latchkey, api } = setup();
    latchkey.setToken('track-1');
    expect(await latchkey.email.enroll({ email: 'ada@example.com' })).toEqual({
      data: { userAuthenticatorId: 'ua-email' },
    });
    expect(api.requests[0]).toMatchObject({
      method: 'POST',
      path: '/client/user-authenticators/email-otp',
      authorization: 'Bearer track-1',
      body: { email: 'ada@example.com' },
    });
    expect(await latchkey.email.verify({ code: '000000' })).toEqual({
      data: { isVerified: false, failureReason: 'CODE_INVALID_OR_EXPIRED' },
    });
    expect(latchkey.getToken()).toBe('track-1');
    expect(await latchkey.email.verify({ code: '123456' })).toEqual({
      data: { isVerified: true, token: 'result-email' },
    });
    expect(latchkey.getToken()).toBe('result-email');
    // The next call uses the result token.
    await latchkey.email.challenge();
    expect(api.requests.at(-1)).toMatchObject({
      path: '/client/challenge/email-otp',
      authorization: 'Bearer result-email',
      body: {},
    });
  });

  it('ignores empty tokens, from setToken and from the server', async () => {
    const { latchkey } = setup({
      routes: routes({
        'POST /client/verify/email-otp': () => ({ body: { isVerified: true, accessToken: '' } }),
      }),
    });
    latchkey.setToken('track-1');
    latchkey.setToken('');
    expect(latchkey.getToken()).toBe('track-1');
    expect(await latchkey.email.verify({ code: '1' })).toEqual({ data: { isVerified: true } });
    expect(latchkey.getToken()).toBe('track-1');
  });

  it('passkey.signUp prefers its token argument, then the cache, and caches the result token', async () => {
    const { latchkey, api } = setup({ script: { create: [registration('cred-a'), registration('cred-b')] } });
    latchkey.setToken('cached');
    expect(await latchkey.passkey.signUp({ token: 'explicit' })).toEqual({
      data: {
        isVerified: true,
        token: 'result-registration',
        userId: 'user-1',
        userAuthenticatorId: 'ua-2',
        credentialId: 'cred-a',
      },
    });
    expect(api.requests.slice(0, 2).map((r) => r.authorization)).toEqual([
      'Bearer explicit',
      'Bearer explicit',
    ]);
    expect(latchkey.getToken()).toBe('result-registration');
    await latchkey.passkey.signUp();
    expect(api.requests.slice(2).map((r) => r.authorization)).toEqual([
      'Bearer result-registration',
      'Bearer result-registration',
    ]);
  });

  it('calls onTokenExpired and resolves expired_token', async () => {
    const { latchkey, onTokenExpired } = setup({
      routes: routes({
        'POST /client/challenge/email-otp': () => ({
          status: 401,
          body: {
            error: 'expired_token',
            errorCode: 'expired_token',
            errorDescription: 'The token has expired',
          },
        }),
      }),
    });
    latchkey.setToken('old');
    expect(await latchkey.email.challenge()).toEqual({
      error: 'The token has expired',
      errorCode: 'expired_token',
      errorDescription: 'The token has expired',
    });
    expect(onTokenExpired).toHaveBeenCalledOnce();
  });
});

describe('passkey.signUp', () => {
  it('sends the registration options request and the credential, and remembers the credential', async () => {
    const { latchkey, api, passkeys, remembered } = setup({ script: { create: [registration('cred-a')] } });
    await latchkey.passkey.signUp({
      token: 't',
      username: 'ada',
      displayName: 'Ada',
      authenticatorAttachment: 'platform',
    });
    expect(api.requests[0]?.body).toEqual({
      username: 'ada',
      displayName: 'Ada',
      authenticatorAttachment: 'platform',
    });
    expect(passkeys.calls.create[0]?.options).toEqual(CREATION_OPTIONS);
    expect(api.requests[1]?.body).toEqual({
      challengeId: 'reg-1',
      registrationCredential: registration('cred-a'),
    });
    expect(remembered()).toEqual([{ credentialId: 'cred-a', userId: 'user-1', username: 'ada@example.com' }]);
  });

  it('resolves matched_excluded_credential, or {} when told to ignore it', async () => {
    const { latchkey, api } = setup({
      script: { create: ['matched_excluded_credential', 'matched_excluded_credential'] },
    });
    expect(await latchkey.passkey.signUp({ token: 't' })).toEqual({
      error: 'fake matched_excluded_credential',
      errorCode: 'matched_excluded_credential',
    });
    expect(await latchkey.passkey.signUp({ token: 't', ignorePasskeyAlreadyExistsError: true })).toEqual({});
    // Nothing was sent to the server after the refused ceremonies.
    expect(api.requests.map((r) => r.path)).toEqual([
      '/client/user-authenticators/passkey/registration-options',
      '/client/user-authenticators/passkey/registration-options',
    ]);
  });

  it('passes server errors through and does not touch the cache', async () => {
    const { latchkey } = setup({
      routes: routes({
        'POST /client/user-authenticators/passkey/registration-options': () => ({
          status: 403,
          body: {
            error: 'insufficient_scope',
            errorCode: 'insufficient_scope',
            errorDescription: 'Needs add:authenticators',
          },
        }),
      }),
    });
    latchkey.setToken('t');
    expect(await latchkey.passkey.signUp()).toEqual({
      error: 'Needs add:authenticators',
      errorCode: 'insufficient_scope',
      errorDescription: 'Needs add:authenticators',
    });
    expect(latchkey.getToken()).toBe('t');
  });

  it('reports a refused registration as isVerified false with the reason', async () => {
    const { latchkey, remembered } = setup({
      routes: routes({
        'POST /client/user-authenticators/passkey': () => ({
          body: { isVerified: false, failureReason: 'invalid_origin' },
        }),
      }),
      script: { create: [registration('cred-a')] },
    });
    expect(await latchkey.passkey.signUp({ token: 't' })).toEqual({
      data: { isVerified: false, failureReason: 'invalid_origin' },
    });
    expect(remembered()).toEqual([]);
  });

  it('does not remember cross-platform credentials on platforms that report the attachment truthfully', async () => {
    const { latchkey, passkeys, remembered } = setup({
      script: { create: [registration('key-1', 'cross-platform'), registration('key-2', 'cross-platform')] },
    });
    await latchkey.passkey.signUp({ token: 't' });
    expect(remembered()).toEqual([]);
    passkeys.state.rememberCrossPlatform = true;
    await latchkey.passkey.signUp({ token: 't' });
    expect(remembered()).toHaveLength(1);
  });
});

describe('passkey.signIn', () => {
  it('with action: Basic challenge, usernameless options, Basic verify; maps the answer', async () => {
    const { latchkey, api, passkeys, remembered } = setup({ script: { get: [assertion('cred-1')] } });
    const started = vi.fn();
    const result = await latchkey.passkey.signIn({ action: 'cognitoAuth', onVerificationStarted: started });
    expect(result).toEqual({
      data: {
        isVerified: true,
        token: 'result-passkey',
        userId: 'user-1',
        userAuthenticatorId: 'ua-1',
        username: 'ada@example.com',
        displayName: 'Ada',
      },
    });
    expect(api.requests.map((r) => [r.method, r.path, r.authorization, r.body])).toEqual([
      ['POST', '/client/challenge', BASIC, { action: 'cognitoAuth' }],
      ['POST', '/client/user-authenticators/passkey/authentication-options', BASIC, { challengeId: 'ch-1' }],
      [
        'POST',
        '/client/verify/passkey',
        BASIC,
        { challengeId: 'ch-1', authenticationCredential: assertion('cred-1') },
      ],
    ]);
    expect(passkeys.calls.get[0]?.request).toMatchObject({ preferImmediatelyAvailableCredentials: true });
    expect(passkeys.calls.get[0]?.request.mediation).toBeUndefined();
    expect(started).toHaveBeenCalledOnce();
    expect(latchkey.getToken()).toBe('result-passkey');
    expect(remembered()).toEqual([{ credentialId: 'cred-1', userId: 'user-1', username: 'ada@example.com' }]);
  });

  it('with action, ignores the cached token; without, uses it (step-up)', async () => {
    const { latchkey, api } = setup({ script: { get: [assertion('cred-1'), assertion('cred-1')] } });
    latchkey.setToken('cached');
    await latchkey.passkey.signIn({ action: 'signIn', idempotencyKey: 'k1' });
    expect(api.requests[0]?.body).toEqual({ action: 'signIn', idempotencyKey: 'k1' });
    expect(api.requests.map((r) => r.authorization)).toEqual([BASIC, BASIC, BASIC]);
    latchkey.setToken('track-2');
    await latchkey.passkey.signIn();
    expect(api.requests.slice(3).map((r) => [r.path, r.authorization])).toEqual([
      ['/client/user-authenticators/passkey/authentication-options', 'Bearer track-2'],
      ['/client/verify/passkey', 'Bearer track-2'],
    ]);
  });

  it('without action or any token, asks for options with the tenant id', async () => {
    const { latchkey, api } = setup({ script: { get: [assertion('cred-1')] } });
    await latchkey.passkey.signIn();
    expect(api.requests[0]).toMatchObject({
      path: '/client/user-authenticators/passkey/authentication-options',
      authorization: BASIC,
      body: {},
    });
  });

  it('throws TypeError for contradictory input, as @authsignal/browser does', async () => {
    const { latchkey } = setup();
    await expect(latchkey.passkey.signIn({ token: 't', autofill: true })).rejects.toThrow(TypeError);
    await expect(latchkey.passkey.signIn({ token: 't', action: 'a' })).rejects.toThrow(TypeError);
    await expect(latchkey.passkey.signIn({ token: 't', idempotencyKey: 'k' })).rejects.toThrow(TypeError);
  });

  it.each(['user_canceled', 'no_credential', 'not_supported', 'bad_configuration'] as const)(
    'resolves %s from the platform without calling verify',
    async (code) => {
      const { latchkey, api } = setup({ script: { get: [code] } });
      expect(await latchkey.passkey.signIn({ action: 'cognitoAuth' })).toEqual({
        error: `fake ${code}`,
        errorCode: code,
      });
      expect(api.requests.map((r) => r.path)).not.toContain('/client/verify/passkey');
    },
  );

  it('resolves unexpected_error when the platform throws something unexpected', async () => {
    const { latchkey, passkeys } = setup();
    passkeys.passkeys.get = async () => {
      throw new Error('bridge exploded');
    };
    expect(await latchkey.passkey.signIn({ action: 'a' })).toEqual({
      error: 'bridge exploded',
      errorCode: 'unexpected_error',
    });
  });

  it('on unknown_credential forgets the id and signals the platform', async () => {
    const { latchkey, passkeys, storage, remembered } = setup({
      routes: routes({
        'POST /client/verify/passkey': () => ({
          status: 400,
          body: {
            error: 'unknown_credential',
            errorCode: 'unknown_credential',
            errorDescription: 'Unknown credential',
          },
        }),
      }),
      script: { get: [assertion('gone')] },
    });
    storage.map.set(
      credentialStorageKey('tenant-1'),
      JSON.stringify([{ credentialId: 'gone' }, { credentialId: 'kept' }]),
    );
    expect(await latchkey.passkey.signIn({ action: 'a' })).toMatchObject({ errorCode: 'unknown_credential' });
    expect(remembered()).toEqual([{ credentialId: 'kept' }]);
    expect(passkeys.calls.signalUnknownCredential).toEqual([{ rpId: 'auth.test', credentialId: 'gone' }]);
  });

  it('compares credential ids in canonical base64url (iOS sends standard base64)', async () => {
    const { latchkey, passkeys, storage, remembered } = setup({
      routes: routes({
        'POST /client/verify/passkey': () => ({
          status: 400,
          body: { error: 'unknown_credential', errorCode: 'unknown_credential' },
        }),
      }),
      script: { get: [assertion('ab+/cd==')] },
    });
    storage.map.set(credentialStorageKey('tenant-1'), JSON.stringify([{ credentialId: 'ab-_cd' }]));
    await latchkey.passkey.signIn({ action: 'a' });
    expect(remembered()).toEqual([]);
    expect(passkeys.calls.signalUnknownCredential).toEqual([{ rpId: 'auth.test', credentialId: 'ab-_cd' }]);
  });

  it('reports a refused assertion as isVerified false and caches nothing', async () => {
    const { latchkey } = setup({
      routes: routes({
        'POST /client/verify/passkey': () => ({
          body: { isVerified: false, failureReason: 'counter_regression' },
        }),
      }),
      script: { get: [assertion('cred-1')] },
    });
    expect(await latchkey.passkey.signIn({ action: 'a' })).toEqual({
      data: { isVerified: false, failureReason: 'counter_regression' },
    });
    expect(latchkey.getToken()).toBeUndefined();
  });

  it('resolves network_error when the server is unreachable', async () => {
    const { latchkey } = setup({ routes: routes({ 'POST /client/challenge': () => 'network-down' }) });
    expect(await latchkey.passkey.signIn({ action: 'a' })).toEqual({
      error: 'Failed to fetch',
      errorCode: 'network_error',
    });
  });
});

describe('autofill and cancel', () => {
  it('runs conditional mediation; a second autofill call while one is pending resolves {}', async () => {
    const { latchkey, passkeys } = setup({ script: { get: ['pending'] } });
    const first = latchkey.passkey.signIn({ action: 'a', autofill: true });
    await vi.waitFor(() => expect(passkeys.calls.get).toHaveLength(1));
    expect(passkeys.calls.get[0]?.request.mediation).toBe('conditional');
    expect(await latchkey.passkey.signIn({ action: 'a', autofill: true })).toEqual({});
    latchkey.passkey.cancel();
    expect(await first).toEqual({ error: 'aborted by the app', errorCode: 'aborted' });
    expect(passkeys.calls.get[0]?.request.signal.aborted).toBe(true);
  });

  it('resolves not_supported for autofill where conditional mediation is missing', async () => {
    const { latchkey, passkeys, api } = setup();
    passkeys.state.autofill = false;
    expect(await latchkey.passkey.signIn({ action: 'a', autofill: true })).toMatchObject({
      errorCode: 'not_supported',
    });
    expect(api.requests).toEqual([]);
  });

  it('a new ceremony aborts the pending one (a modal sign-in replaces the autofill offer)', async () => {
    const { latchkey, passkeys } = setup({ script: { get: ['pending', assertion('cred-1')] } });
    const autofill = latchkey.passkey.signIn({ action: 'a', autofill: true });
    await vi.waitFor(() => expect(passkeys.calls.get).toHaveLength(1));
    const modal = await latchkey.passkey.signIn({ action: 'a' });
    expect(modal.data?.isVerified).toBe(true);
    expect(await autofill).toMatchObject({ errorCode: 'aborted' });
    // After both ended, autofill can start again.
    passkeys.script.get?.push('user_canceled');
    expect(await latchkey.passkey.signIn({ action: 'a', autofill: true })).toMatchObject({
      errorCode: 'user_canceled',
    });
  });

  it('cancel during the network phase resolves aborted before any sheet opens', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { latchkey, passkeys } = setup({
      routes: routes({
        'POST /client/challenge': async () => {
          await gate;
          return { body: { challengeId: 'ch-1' } };
        },
      }),
    });
    const pending = latchkey.passkey.signIn({ action: 'a' });
    latchkey.passkey.cancel();
    release();
    expect(await pending).toMatchObject({ errorCode: 'aborted' });
    expect(passkeys.calls.get).toEqual([]);
  });
});

describe('shouldPromptToCreatePasskey and isSupported', () => {
  it('true with nothing remembered (no request); false once the server knows a remembered id', async () => {
    const { latchkey, api } = setup({ script: { create: [registration('cred-1')] } });
    expect(await latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: true });
    expect(api.requests).toEqual([]);
    await latchkey.passkey.signUp({ token: 't' });
    expect(await latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: false });
    expect(api.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/client/user-authenticators/passkey?credentialIds=cred-1',
      authorization: BASIC,
    });
    // Per username: another user on this device has none.
    expect(await latchkey.passkey.shouldPromptToCreatePasskey({ username: 'ada@example.com' })).toEqual({
      data: false,
    });
    expect(await latchkey.passkey.shouldPromptToCreatePasskey({ username: 'bob@example.com' })).toEqual({
      data: true,
    });
  });

  it('true (and forgets the ids) when the server answers invalid_credential', async () => {
    const { latchkey, storage, remembered } = setup({
      routes: routes({
        'GET /client/user-authenticators/passkey': () => ({
          status: 400,
          body: { error: 'invalid_credential', errorCode: 'invalid_credential' },
        }),
      }),
    });
    storage.map.set(
      credentialStorageKey('tenant-1'),
      JSON.stringify([{ credentialId: 'a' }, { credentialId: 'b+/' }]),
    );
    expect(await latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: true });
    expect(remembered()).toEqual([]);
  });

  it('resolves the error when the lookup fails otherwise, and false where passkeys are unsupported', async () => {
    const { latchkey, storage, passkeys } = setup({
      routes: routes({ 'GET /client/user-authenticators/passkey': () => 'network-down' }),
    });
    storage.map.set(credentialStorageKey('tenant-1'), JSON.stringify([{ credentialId: 'a' }]));
    expect(await latchkey.passkey.shouldPromptToCreatePasskey()).toMatchObject({
      errorCode: 'network_error',
    });
    passkeys.state.supported = false;
    expect(await latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: false });
    expect(await latchkey.passkey.isSupported()).toBe(false);
  });

  it('survives corrupt or failing storage', async () => {
    const api = fakeApi(routes());
    const passkeys = fakePasskeys({ get: [assertion('cred-1')] });
    const latchkey = new LatchkeyClient({
      tenantId: 'tenant-1',
      baseUrl: API_ROOT,
      platform: {
        fetch: api.fetch,
        passkeys: passkeys.passkeys,
        storage: {
          getItem: async () => '{not json',
          setItem: async () => {
            throw new Error('quota');
          },
          removeItem: async () => {},
        },
      },
    });
    expect((await latchkey.passkey.signIn({ action: 'a' })).data?.isVerified).toBe(true);
    expect(await latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: true });
  });
});

describe('construction', () => {
  it('requires tenantId and baseUrl, and accepts a base URL without /v1', async () => {
    const api = fakeApi(routes());
    const platform = platformOf(api, fakePasskeys().passkeys);
    expect(() => new LatchkeyClient({ tenantId: '', baseUrl: API_ROOT, platform })).toThrow(TypeError);
    expect(() => new LatchkeyClient({ tenantId: 't', baseUrl: '', platform })).toThrow(TypeError);
    const latchkey = new LatchkeyClient({ tenantId: 'tenant-1', baseUrl: 'https://auth.test/', platform });
    latchkey.setToken('t');
    expect(await latchkey.email.challenge()).toEqual({ data: { challengeId: 'ch-email' } });
  });
});
