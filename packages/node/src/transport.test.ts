import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LatchkeyError } from './errors.js';
import { Latchkey, type LatchkeyOptions } from './latchkey.js';
import { type FakeApi, startFakeApi } from './test-support/fake-api.js';
import type { FetchLike } from './transport.js';

let api: FakeApi;

beforeEach(async () => {
  api = await startFakeApi();
});

afterEach(async () => {
  await api.close();
});

function client(options: Partial<LatchkeyOptions> = {}): Latchkey {
  return new Latchkey({ apiSecretKey: 'sk', apiUrl: api.apiUrl, retryDelayMs: 1, ...options });
}

async function caught(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a LatchkeyError');
}

/** A port on 127.0.0.1 where nothing listens (bound, read, released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function countingFetch(): { fetch: FetchLike; calls: () => number } {
  let calls = 0;
  return {
    fetch: (url, init) => {
      calls++;
      return fetch(url, init);
    },
    calls: () => calls,
  };
}

describe('error mapping', () => {
  it('maps the Latchkey envelope {error, errorCode, errorDescription}', async () => {
    api.reply({
      status: 404,
      body: { error: 'not_found', errorCode: 'not_found', errorDescription: 'No such user.' },
    });
    const error = await caught(client().getUser({ userId: 'nobody' }));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('LatchkeyError');
    expect(error.statusCode).toBe(404);
    expect(error.errorCode).toBe('not_found');
    expect(error.errorDescription).toBe('No such user.');
    expect(error.message).toBe('404 - No such user.');
    expect(error.isTransient).toBe(false);
  });

  it('reads the code from `error` when `errorCode` is absent (Authsignal style)', async () => {
    api.reply({ status: 401, body: { error: 'unauthorized' } });
    const error = await caught(client().getUser({ userId: 'u1' }));
    expect(error.errorCode).toBe('unauthorized');
    expect(error.errorDescription).toBeUndefined();
    expect(error.message).toBe('401 - unauthorized');
  });

  it('keeps an unknown code in `error` and reports unexpected_error', async () => {
    api.reply({ status: 418, body: { error: 'teapot', errorDescription: 'Short and stout.' } });
    const error = await caught(client().getUser({ userId: 'u1' }));
    expect(error.errorCode).toBe('unexpected_error');
    expect(error.error).toBe('teapot');
    expect(error.errorDescription).toBe('Short and stout.');
  });

  it('maps a non-JSON error body (a proxy page) to unexpected_error with the status', async () => {
    api.reply({ status: 502, raw: '<html>Bad Gateway</html>' });
    const error = await caught(client({ retries: 0 }).getUser({ userId: 'u1' }));
    expect(error.statusCode).toBe(502);
    expect(error.errorCode).toBe('unexpected_error');
    expect(error.errorDescription).toBe('Unexpected HTTP 502');
    expect(error.isTransient).toBe(true);
  });

  it('maps a 2xx body that is not JSON to invalid_response', async () => {
    api.reply({ status: 200, raw: 'hello' });
    const error = await caught(client().getUser({ userId: 'u1' }));
    expect(error.errorCode).toBe('invalid_response');
    expect(error.statusCode).toBe(200);
  });

  it('maps a refused connection to network_error with statusCode 0', async () => {
    const port = await closedPort();
    const latchkey = new Latchkey({ apiSecretKey: 'sk', apiUrl: `http://127.0.0.1:${port}/v1`, retries: 0 });
    const error = await caught(latchkey.getUser({ userId: 'u1' }));
    expect(error.errorCode).toBe('network_error');
    expect(error.statusCode).toBe(0);
    expect(error.errorDescription).toContain('ECONNREFUSED');
    expect(error.isTransient).toBe(true);
    expect(error.cause).toBeDefined();
  });
});

describe('retries', () => {
  it('retries a GET after 5xx, up to `retries` times, then succeeds', async () => {
    api.reply(
      { status: 503, body: { error: 'internal_error' } },
      { status: 500, body: { error: 'internal_error' } },
    );
    api.reply({ body: { isEnrolled: true, emailVerified: false, phoneNumberVerified: false } });
    await expect(client().getUser({ userId: 'u1' })).resolves.toMatchObject({ isEnrolled: true });
    expect(api.requests.map((request) => request.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it('gives up on a GET after 1 + retries attempts and throws the last error', async () => {
    api.reply(
      { status: 503, body: { error: 'internal_error' } },
      { status: 503, body: { error: 'internal_error' } },
      { status: 500, body: { error: 'internal_error', errorDescription: 'last' } },
      { status: 200, body: {} },
    );
    const error = await caught(client({ retries: 2 }).getUser({ userId: 'u1' }));
    expect(error.statusCode).toBe(500);
    expect(error.errorDescription).toBe('last');
    expect(api.requests).toHaveLength(3);
  });

  it('never retries a POST that got a 5xx', async () => {
    api.reply({ status: 500, body: { error: 'internal_error' } }, { status: 200, body: { isValid: true } });
    const error = await caught(client().validateChallenge({ token: 't' }));
    expect(error.errorCode).toBe('internal_error');
    expect(api.requests).toHaveLength(1);
  });

  it('never retries PATCH or DELETE after a 5xx', async () => {
    api.reply(
      { status: 500, body: { error: 'internal_error' } },
      { status: 500, body: { error: 'internal_error' } },
    );
    await caught(client().updateUser({ userId: 'u1', attributes: {} }));
    await caught(client().deleteUser({ userId: 'u1' }));
    expect(api.requests.map((request) => request.method)).toEqual(['PATCH', 'DELETE']);
  });

  it('never retries a 4xx, even for GET', async () => {
    api.reply({ status: 429, body: { error: 'too_many_requests' } }, { status: 200, body: {} });
    const error = await caught(client().getUser({ userId: 'u1' }));
    expect(error.errorCode).toBe('too_many_requests');
    expect(api.requests).toHaveLength(1);
  });

  it('retries a POST whose connection was refused (it never reached the server)', async () => {
    const port = await closedPort();
    const counting = countingFetch();
    const latchkey = new Latchkey({
      apiSecretKey: 'sk',
      apiUrl: `http://127.0.0.1:${port}/v1`,
      fetch: counting.fetch,
      retries: 2,
      retryDelayMs: 1,
    });
    const error = await caught(latchkey.track({ userId: 'u1', action: 'signIn' }));
    expect(error.errorCode).toBe('network_error');
    expect(counting.calls()).toBe(3);
  });

  it('a refused POST succeeds once the server is back', async () => {
    let calls = 0;
    const flaky: FetchLike = (url, init) => {
      calls++;
      if (calls === 1) {
        return Promise.reject(
          new TypeError('fetch failed', {
            cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
          }),
        );
      }
      return fetch(url, init);
    };
    api.reply({ body: { isValid: true, actionCode: 'a' } });
    await expect(client({ fetch: flaky }).validateChallenge({ token: 't' })).resolves.toMatchObject({
      isValid: true,
    });
    expect(calls).toBe(2);
    expect(api.requests).toHaveLength(1);
  });

  it('does not retry a POST whose connection dropped after the server got it', async () => {
    api.reply({ destroy: true }, { body: { isValid: true } });
    const error = await caught(client().validateChallenge({ token: 't' }));
    expect(error.errorCode).toBe('network_error');
    expect(api.requests).toHaveLength(1);
  });

  it('retries a GET whose connection dropped', async () => {
    api.reply({ destroy: true }, { body: { users: [] } });
    await expect(client().queryUsers({})).resolves.toEqual({ users: [] });
    expect(api.requests).toHaveLength(2);
  });

  it('does not retry a POST when the injected fetch fails in an unknown way', async () => {
    let calls = 0;
    const broken: FetchLike = () => {
      calls++;
      return Promise.reject(new Error('in-process dispatcher crashed'));
    };
    const error = await caught(client({ fetch: broken }).track({ userId: 'u1', action: 'a' }));
    expect(error.errorCode).toBe('network_error');
    expect(error.errorDescription).toContain('in-process dispatcher crashed');
    expect(calls).toBe(1);
  });

  it('retries: 0 disables retries', async () => {
    api.reply({ status: 503, body: { error: 'internal_error' } }, { status: 200, body: {} });
    await caught(client({ retries: 0 }).getUser({ userId: 'u1' }));
    expect(api.requests).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('aborts an attempt after timeoutMs with errorCode timeout', async () => {
    api.reply({ delayMs: 1000, body: {} });
    const started = Date.now();
    const error = await caught(client({ timeoutMs: 100, retries: 0 }).getUser({ userId: 'u1' }));
    expect(error.errorCode).toBe('timeout');
    expect(error.statusCode).toBe(0);
    expect(error.isTransient).toBe(true);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('retries a GET that timed out', async () => {
    api.reply(
      { delayMs: 1000, body: {} },
      { body: { isEnrolled: false, emailVerified: false, phoneNumberVerified: false } },
    );
    await expect(client({ timeoutMs: 150, retries: 1 }).getUser({ userId: 'u1' })).resolves.toMatchObject({
      isEnrolled: false,
    });
    expect(api.requests).toHaveLength(2);
  });

  it('never retries a POST that timed out (it may have taken effect)', async () => {
    api.reply({ delayMs: 1000, body: {} }, { body: { isValid: true } });
    const error = await caught(client({ timeoutMs: 100, retries: 2 }).validateChallenge({ token: 't' }));
    expect(error.errorCode).toBe('timeout');
    expect(api.requests).toHaveLength(1);
  });

  it('times out a response whose body stalls', async () => {
    const stalled: FetchLike = async (_url, init) => {
      const signal = init.signal;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"isEnrolled":'));
          signal?.addEventListener('abort', () => controller.error(signal.reason));
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const error = await caught(
      client({ fetch: stalled, timeoutMs: 100, retries: 0 }).getUser({ userId: 'u1' }),
    );
    expect(error.errorCode).toBe('timeout');
  });
});
