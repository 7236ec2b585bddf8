import { createSignInFlow } from '@latchkey/client/core';
import { describe, expect, it } from 'vitest';
import { mapNativePasskeyError } from './errors.js';
import { Latchkey } from './latchkey.js';
import type { NativePasskeyCreateResult, NativePasskeyGetResult } from './native-passkey.js';
import { fakeFetch, fakePasskeyModule, fakeSecureStore, NATIVE_ERRORS } from './test-support/fake-native.js';

const CREATION_OPTIONS = {
  rp: { id: 'example.com', name: 'Example' },
  user: { id: 'dXNlci0x', name: 'ada@example.com', displayName: 'ada@example.com' },
  challenge: 'Y2hhbGxlbmdl',
  pubKeyCredParams: [
    { type: 'public-key', alg: -8 },
    { type: 'public-key', alg: -7 },
    { type: 'public-key', alg: -257 },
  ],
  excludeCredentials: [{ type: 'public-key', id: 'old-cred', transports: ['internal'] }],
  authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  attestation: 'none',
  timeout: 60000,
};
const REQUEST_OPTIONS = {
  challenge: 'Y2hhbGxlbmdl',
  rpId: 'example.com',
  allowCredentials: [],
  userVerification: 'preferred',
};

/** iOS-style results: no `type`, no `clientExtensionResults`, `cross-platform` attachment. */
const CREATED: NativePasskeyCreateResult = {
  id: 'new-cred',
  rawId: 'new-cred',
  authenticatorAttachment: 'cross-platform',
  response: { clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0=', attestationObject: 'o2NmbXRkbm9uZQ==' },
};
const ASSERTED: NativePasskeyGetResult = {
  id: 'new-cred',
  authenticatorAttachment: 'cross-platform',
  response: { clientDataJSON: 'eyJ9', authenticatorData: 'SZY', signature: 'MEU', userHandle: 'user-1' },
};

function server(overrides: Parameters<typeof fakeFetch>[0] = {}) {
  return fakeFetch({
    'POST /client/challenge': () => ({ body: { challengeId: 'ch-1' } }),
    'POST /client/user-authenticators/passkey/authentication-options': () => ({
      body: { challengeId: 'ch-1', options: REQUEST_OPTIONS },
    }),
    'POST /client/verify/passkey': () => ({
      body: {
        isVerified: true,
        accessToken: 'result-1',
        userId: 'user-1',
        userAuthenticatorId: 'ua-1',
        username: 'ada@example.com',
      },
    }),
    'POST /client/user-authenticators/passkey/registration-options': () => ({
      body: { challengeId: 'reg-1', options: CREATION_OPTIONS },
    }),
    'POST /client/user-authenticators/passkey': () => ({
      body: { isVerified: true, accessToken: 'result-2', credentialId: 'new-cred', userId: 'user-1' },
    }),
    'GET /client/user-authenticators/passkey': () => ({ body: { credentialId: 'new-cred' } }),
    ...overrides,
  });
}

function setup(
  native: Parameters<typeof fakePasskeyModule>[0] = {},
  routes: Parameters<typeof server>[0] = {},
) {
  const passkey = fakePasskeyModule(native);
  const secure = fakeSecureStore();
  const api = server(routes);
  const latchkey = new Latchkey({
    tenantId: 'tenant/1',
    baseUrl: 'https://auth.example.com',
    passkey: passkey.module,
    secureStorage: secure.store,
    fetch: api.fetch,
  });
  return { latchkey, passkey, secure, api };
}

describe('native errors → codes (react-native-passkey 3.6 rejections)', () => {
  it.each([
    ['iOS canceled (1001)', NATIVE_ERRORS.iosCanceled, 'user_canceled'],
    ['iOS immediate: no credential', NATIVE_ERRORS.iosImmediateNoCredential, 'no_credential'],
    ['Android NoCredentialException', NATIVE_ERRORS.androidNoCredential, 'no_credential'],
    ['Android cancellation', NATIVE_ERRORS.androidCanceled, 'user_canceled'],
    ['Android interrupted', NATIVE_ERRORS.androidInterrupted, 'interrupted'],
    ['iOS app not associated (4004)', NATIVE_ERRORS.iosNotAssociated, 'bad_configuration'],
    ['unsupported device', NATIVE_ERRORS.notSupported, 'not_supported'],
    ['unmapped native code', NATIVE_ERRORS.nativeError, 'unexpected_error'],
  ])('passkey.signIn: %s → %s', async (_, rejection, code) => {
    const { latchkey, api } = setup({ get: [rejection] });
    expect(await latchkey.passkey.signIn({ action: 'cognitoAuth' })).toEqual({
      error: rejection.message,
      errorCode: code,
    });
    expect(api.requests.map((r) => r.path)).not.toContain('/client/verify/passkey');
  });

  it.each([
    ['iOS matchedExcludedCredential (1006)', NATIVE_ERRORS.iosMatchedExcluded],
    ['Android InvalidStateError', NATIVE_ERRORS.androidInvalidState],
  ])('passkey.signUp: %s → matched_excluded_credential, ignorable', async (_, rejection) => {
    const { latchkey } = setup({ create: [rejection, rejection] });
    expect(await latchkey.passkey.signUp({ token: 't' })).toEqual({
      error: rejection.message,
      errorCode: 'matched_excluded_credential',
    });
    expect(await latchkey.passkey.signUp({ token: 't', ignorePasskeyAlreadyExistsError: true })).toEqual({});
  });

  it('Android: no credential provider to create with → not_supported', async () => {
    const { latchkey } = setup({ create: [NATIVE_ERRORS.androidNoCreateOption] });
    expect(await latchkey.passkey.signUp({ token: 't' })).toMatchObject({ errorCode: 'not_supported' });
  });

  it('maps raw native-module rejections (Error with a code) the same way', () => {
    const raw = Object.assign(new Error('No credentials available'), { code: 'NoCredentials' });
    expect(mapNativePasskeyError(raw, 'get')).toMatchObject({
      code: 'no_credential',
      message: 'No credentials available',
    });
    expect(mapNativePasskeyError('weird', 'get')).toMatchObject({
      code: 'unexpected_error',
      message: 'weird',
    });
    expect(mapNativePasskeyError(NATIVE_ERRORS.iosMatchedExcluded, 'get').code).toBe('authenticator_error');
  });

  it('the sign-in flow falls back to email on the iOS cancel and on the Android no-credential', async () => {
    for (const rejection of [NATIVE_ERRORS.iosCanceled, NATIVE_ERRORS.androidNoCredential]) {
      const { latchkey } = setup({ get: [rejection] });
      const flow = createSignInFlow({
        latchkey,
        signIn: async () => {
          throw new Error('not reached');
        },
        confirmSignIn: async () => ({ isSignedIn: false }),
      });
      expect(await flow.send({ type: 'START_PASSKEY' })).toMatchObject({ name: 'email', autofill: false });
    }
  });
});

describe('requests and results', () => {
  it('preferImmediatelyAvailableCredentials defaults to true (getImmediate); false uses get', async () => {
    const { latchkey, passkey } = setup({ get: [ASSERTED, ASSERTED] });
    await latchkey.passkey.signIn({ action: 'cognitoAuth' });
    await latchkey.passkey.signIn({ action: 'cognitoAuth', preferImmediatelyAvailableCredentials: false });
    expect(passkey.calls.map((c) => c.method)).toEqual(['getImmediate', 'get']);
  });

  it('falls back to get when the module has no getImmediate (react-native-passkey < 3.6)', async () => {
    const { latchkey, passkey } = setup({ get: [ASSERTED], withImmediate: false });
    expect((await latchkey.passkey.signIn({ action: 'cognitoAuth' })).data?.isVerified).toBe(true);
    expect(passkey.calls.map((c) => c.method)).toEqual(['get']);
  });

  it('shapes the requests: UV required, EdDSA dropped, excludeCredentials kept', async () => {
    const { latchkey, passkey } = setup({ create: [CREATED], get: [ASSERTED] });
    await latchkey.passkey.signUp({ token: 't' });
    await latchkey.passkey.signIn({ action: 'cognitoAuth' });
    const [create, get] = passkey.calls;
    expect(create?.request).toMatchObject({
      rp: { id: 'example.com', name: 'Example' },
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      excludeCredentials: [{ type: 'public-key', id: 'old-cred', transports: ['internal'] }],
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    expect(get?.request).toEqual({ ...REQUEST_OPTIONS, userVerification: 'required' });
  });

  it('completes the results with the fields the server requires', async () => {
    const { latchkey, api } = setup({ create: [CREATED], get: [ASSERTED] });
    await latchkey.passkey.signUp({ token: 't' });
    await latchkey.passkey.signIn({ action: 'cognitoAuth' });
    const added = api.requests.find(
      (r) => r.path === '/client/user-authenticators/passkey' && r.method === 'POST',
    );
    expect(added?.body.registrationCredential).toEqual({
      ...CREATED,
      type: 'public-key',
      clientExtensionResults: {},
    });
    const verified = api.requests.find((r) => r.path === '/client/verify/passkey');
    expect(verified?.body.authenticationCredential).toEqual({
      ...ASSERTED,
      rawId: 'new-cred',
      type: 'public-key',
      clientExtensionResults: {},
    });
    expect(verified?.authorization).toBe(`Basic ${btoa(encodeURIComponent('tenant/1'))}`);
  });

  it('keeps credential ids in secure storage (iOS cross-platform ones too) for shouldPromptToCreatePasskey', async () => {
    const { latchkey, secure, api } = setup({ create: [CREATED] });
    expect(await latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: true });
    await latchkey.passkey.signUp({ token: 't' });
    expect([...secure.items.keys()]).toEqual(['latchkey.passkeys.tenant_1']);
    expect(JSON.parse(secure.items.get('latchkey.passkeys.tenant_1') ?? '')).toEqual([
      { credentialId: 'new-cred', userId: 'user-1' },
    ]);
    expect(await latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: false });
    expect(api.requests.at(-1)?.path).toBe('/client/user-authenticators/passkey?credentialIds=new-cred');
  });

  it('on unknown_credential, signals the OS and forgets the id', async () => {
    const { latchkey, passkey, secure } = setup(
      { get: [ASSERTED] },
      {
        'POST /client/verify/passkey': () => ({
          status: 400,
          body: { error: 'unknown_credential', errorCode: 'unknown_credential' },
        }),
      },
    );
    secure.items.set('latchkey.passkeys.tenant_1', JSON.stringify([{ credentialId: 'new-cred' }]));
    expect(await latchkey.passkey.signIn({ action: 'cognitoAuth' })).toMatchObject({
      errorCode: 'unknown_credential',
    });
    expect(passkey.signals).toEqual([{ rpId: 'example.com', credentialId: 'new-cred' }]);
    expect(secure.items.has('latchkey.passkeys.tenant_1')).toBe(false);
  });

  it('cancel() ends a pending native request with aborted', async () => {
    const { latchkey, passkey } = setup({ get: ['pending'] });
    const pending = latchkey.passkey.signIn({ action: 'cognitoAuth' });
    await expect.poll(() => passkey.calls.length).toBe(1);
    latchkey.passkey.cancel();
    expect(await pending).toMatchObject({ errorCode: 'aborted' });
  });

  it('autofill is not available through react-native-passkey', async () => {
    const { latchkey, api } = setup();
    expect(await latchkey.passkey.signIn({ action: 'cognitoAuth', autofill: true })).toMatchObject({
      errorCode: 'not_supported',
    });
    expect(api.requests).toEqual([]);
  });

  it('isSupported reports the module; unsupported devices get no passkey prompt', async () => {
    const supported = setup();
    expect(await supported.latchkey.passkey.isSupported()).toBe(true);
    const old = setup({ supported: false });
    expect(await old.latchkey.passkey.isSupported()).toBe(false);
    expect(await old.latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: false });
  });

  it('needs a storage', () => {
    const passkey = fakePasskeyModule();
    expect(
      () => new Latchkey({ tenantId: 't', baseUrl: 'https://a.example', passkey: passkey.module }),
    ).toThrow(/secureStorage/);
  });
});
