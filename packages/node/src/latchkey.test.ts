import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Latchkey } from './latchkey.js';
import { type FakeApi, startFakeApi } from './test-support/fake-api.js';

let api: FakeApi;
let latchkey: Latchkey;

beforeEach(async () => {
  api = await startFakeApi();
  latchkey = new Latchkey({ apiSecretKey: 'sk_test_secret', apiUrl: api.apiUrl, retryDelayMs: 1 });
});

afterEach(async () => {
  await api.close();
});

function only(): { method: string; url: string; json: unknown } {
  expect(api.requests).toHaveLength(1);
  const [request] = api.requests;
  if (!request) throw new Error('no request recorded');
  return {
    method: request.method,
    url: request.url,
    json: request.body === '' ? undefined : JSON.parse(request.body),
  };
}

describe('authentication and headers', () => {
  it('sends Basic base64(secretKey + ":") and JSON headers', async () => {
    await latchkey.track({ userId: 'u1', action: 'signIn' });
    const [request] = api.requests;
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('sk_test_secret:').toString('base64')}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
  });

  it('encodes a non-ASCII secret as UTF-8', async () => {
    const client = new Latchkey({ apiSecretKey: 'clé', apiUrl: api.apiUrl });
    await client.getUser({ userId: 'u1' });
    expect(api.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('clé:', 'utf8').toString('base64')}`,
    );
  });

  it('sends no body and no content-type on GET and DELETE', async () => {
    await latchkey.getUser({ userId: 'u1' });
    await latchkey.deleteUser({ userId: 'u1' });
    for (const request of api.requests) {
      expect(request.body).toBe('');
      expect(request.headers['content-type']).toBeUndefined();
    }
  });

  it('ignores a trailing slash on apiUrl', async () => {
    const client = new Latchkey({ apiSecretKey: 'sk', apiUrl: `${api.apiUrl}/` });
    await client.getUser({ userId: 'u1' });
    expect(api.requests[0]?.url).toBe('/v1/users/u1');
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const client = new Latchkey({
      apiSecretKey: 'sk',
      apiUrl: 'http://latchkey.internal/v1',
      fetch: async (url, init) => {
        seen.push(`${init.method} ${url}`);
        return Response.json({ isValid: false, error: 'token_invalid' });
      },
    });
    await expect(client.validateChallenge({ token: 't' })).resolves.toMatchObject({ isValid: false });
    expect(seen).toEqual(['POST http://latchkey.internal/v1/validate']);
  });

  it('refuses bad options with TypeError', () => {
    expect(() => new Latchkey({ apiSecretKey: '', apiUrl: api.apiUrl })).toThrow(TypeError);
    expect(() => new Latchkey({ apiSecretKey: 'sk', apiUrl: 'auth.example.com/v1' })).toThrow(TypeError);
    expect(() => new Latchkey({ apiSecretKey: 'sk', apiUrl: api.apiUrl, retries: -1 })).toThrow(TypeError);
    expect(() => new Latchkey({ apiSecretKey: 'sk', apiUrl: api.apiUrl, timeoutMs: 0 })).toThrow(TypeError);
  });
});

describe('paths and encoding', () => {
  it('encodes every path segment, so any userId stays one segment', async () => {
    const userId = 'a/b c?d#e%f+g&h=é';
    await latchkey.getAction({ userId, action: 'cognitoAuth', idempotencyKey: 'k/1' });
    const { url } = only();
    expect(url).toBe('/v1/users/a%2Fb%20c%3Fd%23e%25f%2Bg%26h%3D%C3%A9/actions/cognitoAuth/k%2F1');
    const segments = url.split('/').map(decodeURIComponent);
    expect(segments).toEqual(['', 'v1', 'users', userId, 'actions', 'cognitoAuth', 'k/1']);
  });

  it('refuses ids that a URL path cannot carry, without sending anything', async () => {
    for (const userId of ['', '.', '..']) {
      await expect(latchkey.getUser({ userId })).rejects.toThrow(TypeError);
    }
    await expect(latchkey.deleteAuthenticator({ userId: 'u1', userAuthenticatorId: '..' })).rejects.toThrow(
      TypeError,
    );
    expect(api.requests).toHaveLength(0);
  });

  it('keeps ids that merely contain dots', async () => {
    await latchkey.getUser({ userId: '...' });
    expect(only().url).toBe('/v1/users/...');
  });
});

describe('methods', () => {
  it('track: POST /users/{userId}/actions/{action} with the attributes as body', async () => {
    const reply = {
      state: 'CHALLENGE_REQUIRED',
      idempotencyKey: 'idem-1',
      url: '',
      token: 'eyJ.track',
      isEnrolled: false,
      enrolledVerificationMethods: [],
    };
    api.reply({ body: reply });
    const result = await latchkey.track({
      userId: 'sub-1',
      action: 'cognitoAuth',
      attributes: { email: 'ada@example.com', scope: 'add:authenticators' },
    });
    expect(result).toEqual(reply);
    expect(only()).toEqual({
      method: 'POST',
      url: '/v1/users/sub-1/actions/cognitoAuth',
      json: { email: 'ada@example.com', scope: 'add:authenticators' },
    });
  });

  it('track: sends {} without attributes', async () => {
    await latchkey.track({ userId: 'sub-1', action: 'cognitoAuth' });
    expect(only().json).toEqual({});
  });

  it('validateChallenge: POST /validate, renames actionCode to action', async () => {
    api.reply({
      body: {
        isValid: true,
        state: 'CHALLENGE_SUCCEEDED',
        stateUpdatedAt: '2025-01-01T00:00:00.000Z',
        userId: 'sub-1',
        actionCode: 'cognitoAuth',
        idempotencyKey: 'idem-1',
        verificationMethod: 'EMAIL_OTP',
      },
    });
    const result = await latchkey.validateChallenge({ token: 'tok', userId: 'sub-1', action: 'cognitoAuth' });
    expect(result).toEqual({
      isValid: true,
      state: 'CHALLENGE_SUCCEEDED',
      stateUpdatedAt: '2025-01-01T00:00:00.000Z',
      userId: 'sub-1',
      action: 'cognitoAuth',
      idempotencyKey: 'idem-1',
      verificationMethod: 'EMAIL_OTP',
    });
    expect(result).not.toHaveProperty('actionCode');
    expect(only()).toEqual({
      method: 'POST',
      url: '/v1/validate',
      json: { token: 'tok', userId: 'sub-1', action: 'cognitoAuth' },
    });
  });

  it('validateChallenge: an invalid token is a 200 answer, not an error', async () => {
    api.reply({ body: { isValid: false, error: 'token_invalid' } });
    await expect(latchkey.validateChallenge({ token: 'bad' })).resolves.toMatchObject({
      isValid: false,
      error: 'token_invalid',
    });
  });

  it('getUser: GET /users/{userId}', async () => {
    api.reply({
      body: { isEnrolled: true, email: 'ada@example.com', emailVerified: true, phoneNumberVerified: false },
    });
    await expect(latchkey.getUser({ userId: 'sub-1' })).resolves.toMatchObject({ isEnrolled: true });
    expect(only()).toEqual({ method: 'GET', url: '/v1/users/sub-1', json: undefined });
  });

  it('queryUsers: GET /users with only the given filters, encoded', async () => {
    api.reply({ body: { users: [{ userId: 'u1', emailVerified: true, phoneNumberVerified: false }] } });
    const result = await latchkey.queryUsers({ email: 'a+b@example.com', limit: 5, username: '' });
    expect(result.users[0]?.userId).toBe('u1');
    expect(only()).toEqual({
      method: 'GET',
      url: '/v1/users?email=a%2Bb%40example.com&limit=5',
      json: undefined,
    });
  });

  it('queryUsers: no filters → no query string', async () => {
    api.reply({ body: { users: [] } });
    await latchkey.queryUsers({});
    expect(only().url).toBe('/v1/users');
  });

  it('updateUser: PATCH /users/{userId} with the attributes', async () => {
    api.reply({ body: { displayName: 'Ada' } });
    await expect(
      latchkey.updateUser({ userId: 'sub-1', attributes: { displayName: 'Ada' } }),
    ).resolves.toEqual({
      displayName: 'Ada',
    });
    expect(only()).toEqual({ method: 'PATCH', url: '/v1/users/sub-1', json: { displayName: 'Ada' } });
  });

  it('deleteUser: DELETE /users/{userId}, resolves undefined even with an empty body', async () => {
    api.reply({ raw: '' });
    await expect(latchkey.deleteUser({ userId: 'sub-1' })).resolves.toBeUndefined();
    expect(only()).toEqual({ method: 'DELETE', url: '/v1/users/sub-1', json: undefined });
  });

  it('getAuthenticators: GET /users/{userId}/authenticators', async () => {
    const authenticator = {
      userId: 'sub-1',
      userAuthenticatorId: 'ua-1',
      verificationMethod: 'PASSKEY',
      createdAt: '2025-01-01T00:00:00.000Z',
      webauthnCredential: { credentialId: 'cred', deviceId: 'dev', name: 'iCloud Keychain' },
    };
    api.reply({ body: [authenticator] });
    await expect(latchkey.getAuthenticators({ userId: 'sub-1' })).resolves.toEqual([authenticator]);
    expect(only()).toEqual({ method: 'GET', url: '/v1/users/sub-1/authenticators', json: undefined });
  });

  it('enrollVerifiedAuthenticator: POST /users/{userId}/authenticators with the attributes', async () => {
    api.reply({ body: { authenticator: { userAuthenticatorId: 'ua-2' } } });
    await latchkey.enrollVerifiedAuthenticator({
      userId: 'sub-1',
      attributes: { verificationMethod: 'EMAIL_OTP', email: 'ada@example.com' },
    });
    expect(only()).toEqual({
      method: 'POST',
      url: '/v1/users/sub-1/authenticators',
      json: { verificationMethod: 'EMAIL_OTP', email: 'ada@example.com' },
    });
  });

  it('deleteAuthenticator: DELETE /users/{userId}/authenticators/{id}', async () => {
    await latchkey.deleteAuthenticator({ userId: 'sub-1', userAuthenticatorId: 'ua 1' });
    expect(only()).toEqual({
      method: 'DELETE',
      url: '/v1/users/sub-1/authenticators/ua%201',
      json: undefined,
    });
  });

  it('getAction: GET /users/{userId}/actions/{action}/{idempotencyKey}', async () => {
    api.reply({ body: { state: 'ALLOW', stateUpdatedAt: 'x', createdAt: 'y' } });
    await expect(
      latchkey.getAction({ userId: 'sub-1', action: 'cognitoAuth', idempotencyKey: 'idem-1' }),
    ).resolves.toMatchObject({ state: 'ALLOW' });
    expect(only()).toEqual({
      method: 'GET',
      url: '/v1/users/sub-1/actions/cognitoAuth/idem-1',
      json: undefined,
    });
  });

  it('updateAction: PATCH /users/{userId}/actions/{action}/{idempotencyKey} with {state}', async () => {
    api.reply({ body: { state: 'BLOCK' } });
    await expect(
      latchkey.updateAction({
        userId: 'sub-1',
        action: 'cognitoAuth',
        idempotencyKey: 'idem-1',
        attributes: { state: 'BLOCK' },
      }),
    ).resolves.toEqual({ state: 'BLOCK' });
    expect(only()).toEqual({
      method: 'PATCH',
      url: '/v1/users/sub-1/actions/cognitoAuth/idem-1',
      json: { state: 'BLOCK' },
    });
  });

  it('getChallenge: GET /challenges with the given filters', async () => {
    api.reply({ body: { challengeId: 'ch-1', verificationMethod: 'EMAIL_OTP' } });
    await latchkey.getChallenge({ userId: 'a b', action: 'cognitoAuth', verificationMethod: 'EMAIL_OTP' });
    expect(only()).toEqual({
      method: 'GET',
      url: '/v1/challenges?userId=a+b&action=cognitoAuth&verificationMethod=EMAIL_OTP',
      json: undefined,
    });
  });
});
