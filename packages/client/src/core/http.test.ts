import { describe, expect, it, vi } from 'vitest';
import { API_ROOT, fakeApi } from '../test-support/fakes.js';
import { AuthApi, apiRoot, base64Ascii } from './http.js';

const api = (
  fetch: ReturnType<typeof fakeApi>['fetch'],
  extra: Partial<ConstructorParameters<typeof AuthApi>[0]> = {},
) => new AuthApi({ baseUrl: API_ROOT, tenantId: 'tenant-1', fetch, timeoutMs: 1000, ...extra });

describe('base64Ascii', () => {
  it('matches btoa for every length and character class', () => {
    const samples = ['', 'a', 'ab', 'abc', 'abcd', 'tenant-1', '%E2%9C%93x', '~!@#$%^&*()_+{}|:"<>?'];
    for (const sample of samples) expect(base64Ascii(sample)).toBe(btoa(sample));
  });

  it('refuses non-ASCII input', () => {
    expect(() => base64Ascii('é')).toThrow(TypeError);
  });
});

describe('apiRoot', () => {
  it.each([
    ['https://auth.example.com', 'https://auth.example.com/v1'],
    ['https://auth.example.com/', 'https://auth.example.com/v1'],
    ['https://auth.example.com/v1', 'https://auth.example.com/v1'],
    ['https://auth.example.com/v1//', 'https://auth.example.com/v1'],
    ['https://example.com/auth', 'https://example.com/auth/v1'],
  ])('%s → %s', (input, expected) => {
    expect(apiRoot(input)).toBe(expected);
  });
});

describe('AuthApi.request', () => {
  it('sends Basic base64(encodeURIComponent(tenantId)) without a colon, as @authsignal/browser does', async () => {
    const fake = fakeApi({ 'POST /client/challenge': () => ({ body: { challengeId: 'c1' } }) });
    const client = new AuthApi({
      baseUrl: API_ROOT,
      tenantId: 'tënant/1',
      fetch: fake.fetch,
      timeoutMs: 1000,
    });
    const result = await client.request(
      'POST',
      '/client/challenge',
      { scheme: 'basic' },
      { action: 'signIn' },
    );
    expect(result).toEqual({ ok: true, body: { challengeId: 'c1' } });
    expect(fake.requests[0]?.authorization).toBe(`Basic ${btoa(encodeURIComponent('tënant/1'))}`);
    expect(fake.requests[0]?.body).toEqual({ action: 'signIn' });
  });

  it('sends Bearer tokens as given', async () => {
    const fake = fakeApi({ 'POST /client/challenge/email-otp': () => ({ body: { challengeId: 'c' } }) });
    await api(fake.fetch).request(
      'POST',
      '/client/challenge/email-otp',
      { scheme: 'bearer', token: 'tok' },
      {},
    );
    expect(fake.requests[0]?.authorization).toBe('Bearer tok');
  });

  it('turns the error envelope into error = errorDescription || error, with errorCode', async () => {
    const fake = fakeApi({
      'POST /a': () => ({
        status: 401,
        body: { error: 'expired_token', errorCode: 'expired_token', errorDescription: 'Token expired' },
      }),
      'POST /b': () => ({ status: 400, body: { error: 'invalid_request' } }),
    });
    const onTokenExpired = vi.fn();
    const client = api(fake.fetch, { onTokenExpired });
    expect(await client.request('POST', '/a', { scheme: 'basic' }, {})).toEqual({
      ok: false,
      error: { error: 'Token expired', errorCode: 'expired_token', errorDescription: 'Token expired' },
    });
    expect(onTokenExpired).toHaveBeenCalledTimes(1);
    expect(await client.request('POST', '/b', { scheme: 'basic' }, {})).toEqual({
      ok: false,
      error: { error: 'invalid_request', errorCode: 'invalid_request' },
    });
    expect(onTokenExpired).toHaveBeenCalledTimes(1);
  });

  it('treats a 200 body with a top-level error as a failure', async () => {
    const fake = fakeApi({
      'POST /a': () => ({ status: 200, body: { error: 'x', errorCode: 'too_many_requests' } }),
    });
    const result = await api(fake.fetch).request('POST', '/a', { scheme: 'basic' }, {});
    expect(result).toMatchObject({ ok: false, error: { errorCode: 'too_many_requests' } });
  });

  it('derives a code from the status when the body is not the envelope', async () => {
    const fake = fakeApi({
      'POST /429': () => ({ status: 429, text: 'slow down' }),
      'POST /502': () => ({ status: 502, text: '<html>Bad gateway</html>' }),
      'POST /200': () => ({ status: 200, text: 'not json' }),
    });
    const client = api(fake.fetch);
    expect(await client.request('POST', '/429', { scheme: 'basic' })).toMatchObject({
      error: { errorCode: 'too_many_requests' },
    });
    expect(await client.request('POST', '/502', { scheme: 'basic' })).toMatchObject({
      error: { errorCode: 'internal_error' },
    });
    expect(await client.request('POST', '/200', { scheme: 'basic' })).toMatchObject({
      error: { errorCode: 'unexpected_response' },
    });
  });

  it('resolves network_error when fetch throws or the server does not answer in time', async () => {
    const down = fakeApi({ 'POST /a': () => 'network-down' });
    expect(await api(down.fetch).request('POST', '/a', { scheme: 'basic' })).toEqual({
      ok: false,
      error: { error: 'Failed to fetch', errorCode: 'network_error' },
    });

    const hanging: typeof down.fetch = (_url, init) =>
      new Promise((_, reject) =>
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    const result = await api(hanging, { timeoutMs: 20 }).request('POST', '/a', { scheme: 'basic' });
    expect(result).toMatchObject({ ok: false, error: { errorCode: 'network_error' } });
    expect(!result.ok && result.error.error).toMatch(/within 20 ms/);
  });
});
