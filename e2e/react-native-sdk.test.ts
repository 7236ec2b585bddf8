/**
 * `@latchkey/react-native` against a running Latchkey, in Node: the native
 * passkey module is a stand-in with react-native-passkey's JS API and error
 * shapes, backed by the server tests' software authenticator (real keys, real
 * attestation and assertions). Android mode signs with an
 * `android:apk-key-hash:` origin; iOS mode sends what iOS sends (standard
 * base64, `userHandle` as text, no `type`, `cross-platform`). The user-pool
 * part of the fallback flow runs on the real aws-amplify.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSignInFlow, Latchkey, type NativePasskeyModule } from '@latchkey/react-native';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, signIn, signOut, signUp } from 'aws-amplify/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, POOL_ID, poolTestConfig } from '../packages/server/test/support/pool.js';
import { startTestServer, type TestServer } from '../packages/server/test/support/server.js';
import {
  SoftAuthenticator,
  WebAuthnClientError,
} from '../packages/server/test/support/soft-authenticator.js';
import { authenticators, newUser, track, validate } from './support/stack.js';

const FINGERPRINT = createHash('sha256').update('latchkey-e2e-signing-cert').digest();
const ANDROID_ORIGIN = `android:apk-key-hash:${FINGERPRINT.toString('base64url')}`;
const WEB_ORIGIN = 'https://localhost';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    config: poolTestConfig({
      relyingParty: {
        id: 'localhost',
        name: 'Latchkey RN e2e',
        origins: [WEB_ORIGIN],
        android: [
          {
            packageName: 'com.example.latchkey',
            sha256CertFingerprints: [
              [...FINGERPRINT].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':'),
            ],
          },
        ],
      },
    }),
  });
  Amplify.configure({
    Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: t.baseUrl } },
  });
});
afterAll(async () => {
  await signOut().catch(() => undefined);
  await t?.close();
});

/**
 * react-native-passkey's `Passkey` over a SoftAuthenticator: requests in, results out,
 * and rejections in the `{ error, message }` shape its JS layer produces.
 */
function softPasskeyModule(soft: SoftAuthenticator, platform: 'android' | 'ios') {
  const calls: string[] = [];
  const signals: { rpId: string; credentialId: string }[] = [];
  const origin = platform === 'android' ? ANDROID_ORIGIN : WEB_ORIGIN;
  const encoding = platform === 'ios' ? 'base64' : 'base64url';
  const reject = (error: unknown): never => {
    if (error instanceof WebAuthnClientError) {
      if (error.name === 'InvalidStateError') {
        throw platform === 'ios'
          ? {
              error: 'CredentialAlreadyExists',
              message: 'The operation couldn’t be completed. (error 1006.)',
            }
          : {
              error: 'CredentialAlreadyExists',
              message: 'One of the excluded credentials exists on the local device',
            };
      }
      if (error.name === 'NotAllowedError') {
        throw platform === 'ios'
          ? { error: 'UserCancelled', message: 'The operation couldn’t be completed. (error 1001.)' }
          : { error: 'NoCredentials', message: 'No credentials available' };
      }
    }
    throw { error: 'Native error', message: String(error) };
  };
  const module: NativePasskeyModule = {
    async create(request) {
      calls.push('create');
      const result = await soft
        .createCredential(request as Parameters<SoftAuthenticator['createCredential']>[0], {
          origin,
          encoding,
        })
        .catch(reject);
      if (platform === 'android')
        return { ...result, clientExtensionResults: { ...result.clientExtensionResults } };
      // iOS: every passkey reports cross-platform; no `type`, no extension results.
      const { type: _type, clientExtensionResults: _ext, ...rest } = result;
      return { ...rest, authenticatorAttachment: 'cross-platform' };
    },
    async get(request) {
      calls.push('get');
      return module.getImmediate?.(request) as ReturnType<NativePasskeyModule['get']>;
    },
    async getImmediate(request) {
      calls.push('getImmediate');
      const options = request as Parameters<SoftAuthenticator['getAssertion']>[0];
      if (platform === 'android') {
        const result = await soft.getAssertion(options, { origin }).catch(reject);
        return { ...result, clientExtensionResults: { ...result.clientExtensionResults } };
      }
      // iOS sends userHandle as the user id's text.
      const credential = soft.listCredentials(request.rpId)[0];
      const userHandle = credential ? Buffer.from(credential.userHandle, 'base64url').toString('utf8') : null;
      const result = await soft.getAssertion(options, { origin, encoding, userHandle }).catch(reject);
      const { type: _type, clientExtensionResults: _ext, ...rest } = result;
      return { ...rest, authenticatorAttachment: 'cross-platform' };
    },
    isSupported: () => true,
    async signalUnknownCredential(request) {
      signals.push(request);
    },
  };
  return { module, calls, signals };
}

function secureStore() {
  const items = new Map<string, string>();
  return {
    items,
    store: {
      getItemAsync: async (key: string) => items.get(key) ?? null,
      setItemAsync: async (key: string, value: string) => void items.set(key, value),
      deleteItemAsync: async (key: string) => void items.delete(key),
    },
  };
}

function device(platform: 'android' | 'ios') {
  const soft = new SoftAuthenticator({ backupEligible: platform === 'ios', backupState: platform === 'ios' });
  const native = softPasskeyModule(soft, platform);
  const secure = secureStore();
  const latchkey = new Latchkey({
    tenantId: t.config.tenant.id,
    baseUrl: t.baseUrl,
    passkey: native.module,
    secureStorage: secure.store,
  });
  return { soft, native, secure, latchkey };
}

/** Email OTP enrollment with the SDK, then a passkey with the cached result token (flow 2.1). */
async function enrollWithPasskey(d: ReturnType<typeof device>, prefix: string) {
  const user = newUser(prefix);
  d.latchkey.setToken(await track(t, user));
  expect((await d.latchkey.email.enroll({ email: user.email })).errorCode).toBeUndefined();
  expect((await d.latchkey.email.verify({ code: t.latestCode(user.email) })).data?.isVerified).toBe(true);
  const created = await d.latchkey.passkey.signUp();
  expect(created.errorCode).toBeUndefined();
  expect(created.data?.isVerified).toBe(true);
  return { ...user, credentialId: created.data?.credentialId as string };
}

describe.each(['android', 'ios'] as const)('%s', (platform) => {
  it('passkey sign-up and usernameless sign-in through react-native-passkey’s API', async () => {
    const d = device(platform);
    expect(await d.latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: true });
    const user = await enrollWithPasskey(d, `rn-${platform}`);
    expect(d.soft.listCredentials('localhost')).toHaveLength(1);
    // The id is kept in secure storage, and the server still knows it.
    expect(JSON.parse([...d.secure.items.values()][0] ?? '[]')).toEqual([
      { credentialId: user.credentialId, userId: user.userId },
    ]);
    expect(await d.latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: false });

    const result = await d.latchkey.passkey.signIn({ action: 'cognitoAuth' });
    expect(result.data).toMatchObject({ isVerified: true, userId: user.userId, username: user.email });
    expect(d.native.calls).toEqual(['create', 'getImmediate']);
    expect(await validate(t, result.data?.token ?? '', user.userId)).toMatchObject({ isValid: true });
  });

  it('the same device again → matched_excluded_credential', async () => {
    const d = device(platform);
    const user = await enrollWithPasskey(d, `rn-excluded-${platform}`);
    expect(await d.latchkey.passkey.signUp()).toMatchObject({ errorCode: 'matched_excluded_credential' });
    expect(await d.latchkey.passkey.signUp({ ignorePasskeyAlreadyExistsError: true })).toEqual({});
    expect(
      (await authenticators(t, user.userId)).filter((a) => a.verificationMethod === 'PASSKEY'),
    ).toHaveLength(1);
  });

  it(`no passkey on the device → ${platform === 'ios' ? 'user_canceled' : 'no_credential'} → email fallback with Amplify → signed in`, async () => {
    const d = device(platform);
    const email = newUser(`rn-fallback-${platform}`).email;
    await signUp({
      username: email,
      password: `Aa1!${randomBytes(16).toString('hex')}`,
      options: { userAttributes: { email } },
    });

    const flow = createSignInFlow({ latchkey: d.latchkey, signIn, confirmSignIn });
    expect(await flow.send({ type: 'START_PASSKEY' })).toEqual({
      name: 'email',
      reason: platform === 'ios' ? 'user_canceled' : 'no_credential',
      autofill: false,
    });
    // Never enrolled → email.enroll({ email }).
    expect(await flow.send({ type: 'SUBMIT_EMAIL', email })).toEqual({ name: 'code', email, mode: 'enroll' });
    expect(await flow.send({ type: 'SUBMIT_CODE', code: t.latestCode(email) })).toEqual({
      name: 'signedIn',
      method: 'email',
      username: email,
    });
    await signOut();
  });

  it('a passkey the server deleted → unknown_credential: forgotten, and the OS is told', async () => {
    const d = device(platform);
    const user = await enrollWithPasskey(d, `rn-deleted-${platform}`);
    const passkey = (await authenticators(t, user.userId)).find((a) => a.verificationMethod === 'PASSKEY');
    const deleted = await t.api(
      'DELETE',
      `/v1/users/${encodeURIComponent(user.userId)}/authenticators/${passkey?.userAuthenticatorId}`,
      { auth: t.secretAuth },
    );
    expect(deleted.status).toBe(200);

    expect(await d.latchkey.passkey.signIn({ action: 'cognitoAuth' })).toMatchObject({
      errorCode: 'unknown_credential',
    });
    // Told in base64url, as react-native-passkey expects, whatever encoding the platform used.
    expect(d.native.signals).toEqual([{ rpId: 'localhost', credentialId: user.credentialId }]);
    expect(d.secure.items.size).toBe(0);
    expect(await d.latchkey.passkey.shouldPromptToCreatePasskey()).toEqual({ data: true });
  });
});
