import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as createHandler } from './create-auth-challenge.js';
import { readTriggerEnv } from './env.js';
import { TriggerError } from './errors.js';
import { phantomUserId } from './phantom.js';
import { fixture } from './test-support/fixtures.js';
import { type HttpRecorder, startHttpRecorder } from './test-support/http-recorder.js';
import { handler as verifyHandler } from './verify-auth-challenge.js';

const SUB = '3f6d2c1e-8b5a-4e27-9c41-6a0d2f8b7e15';
let api: HttpRecorder;

beforeAll(async () => {
  api = await startHttpRecorder((request) => {
    if (request.url.startsWith('/v1/users/') && request.method === 'POST') {
      const userId = decodeURIComponent(request.url.split('/')[3] ?? '');
      return {
        body: {
          state: 'CHALLENGE_REQUIRED',
          idempotencyKey: 'k',
          url: '',
          token: `tok-${userId}`,
          isEnrolled: true,
        },
      };
    }
    if (request.url === '/v1/validate') {
      const { token, userId } = JSON.parse(request.body) as { token: string; userId: string };
      const isValid = token === `result-${userId}` && userId === SUB;
      return {
        body: isValid
          ? {
              isValid,
              userId,
              actionCode: 'cognitoAuth',
              verificationMethod: 'PASSKEY',
              state: 'CHALLENGE_SUCCEEDED',
            }
          : { isValid: false, error: 'token_invalid' },
      };
    }
    return { status: 404, body: { error: 'not_found', errorCode: 'not_found' } };
  });
});

afterAll(async () => {
  await api.close();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function configure(env: Record<string, string | undefined>): void {
  for (const name of [
    'LATCHKEY_API_URL',
    'LATCHKEY_SECRET_KEY',
    'LATCHKEY_PHANTOM_SECRET',
    'LATCHKEY_TIMEOUT_MS',
  ]) {
    vi.stubEnv(name, env[name]);
  }
}

describe('Lambda handlers built from the environment', () => {
  it('fail the invocation (not the import) while configuration is missing, then recover', async () => {
    configure({});
    await expect(createHandler(fixture('create-auth-challenge'))).rejects.toSatisfy(
      (error: unknown) => error instanceof TriggerError && error.code === 'missing_configuration',
    );
    configure({ LATCHKEY_API_URL: `${api.url}/v1`, LATCHKEY_SECRET_KEY: 'sk_lambda' });
    const event = await createHandler(fixture('create-auth-challenge'));
    expect(event.response.publicChallengeParameters).toEqual({ token: `tok-${SUB}`, isEnrolled: 'true' });
    const track = api.requests.at(-1);
    expect(track?.url).toBe(`/v1/users/${SUB}/actions/cognitoAuth`);
    expect(track?.headers.authorization).toBe(`Basic ${Buffer.from('sk_lambda:').toString('base64')}`);
    expect(JSON.parse(track?.body ?? '')).toEqual({ email: 'ada@example.com' });
  });

  it('keep the client built on the first call and derive phantom ids from the secret key by default', async () => {
    configure({ LATCHKEY_API_URL: 'http://unused.invalid/v1', LATCHKEY_SECRET_KEY: 'other' });
    await createHandler(fixture('create-auth-challenge.user-not-found'));
    const phantom = phantomUserId('sk_lambda', 'eu-west-1_AbCdEfGhI', 'nobody@example.com');
    expect(api.requests.at(-1)?.url).toBe(`/v1/users/${phantom}/actions/cognitoAuth`);
  });

  it('verify validates against the configured server, bound to the sub', async () => {
    configure({ LATCHKEY_API_URL: `${api.url}/v1/`, LATCHKEY_SECRET_KEY: 'sk_lambda' });
    const good = await verifyHandler(fixture('verify-auth-challenge', { challengeAnswer: `result-${SUB}` }));
    expect(good.response.answerCorrect).toBe(true);
    expect(JSON.parse(api.requests.at(-1)?.body ?? '')).toEqual({
      token: `result-${SUB}`,
      userId: SUB,
      action: 'cognitoAuth',
    });
    const bad = await verifyHandler(
      fixture('verify-auth-challenge', { challengeAnswer: 'result-someone-else' }),
    );
    expect(bad.response.answerCorrect).toBe(false);
  });
});

describe('readTriggerEnv', () => {
  it('reads the required and optional variables', () => {
    expect(
      readTriggerEnv({
        LATCHKEY_API_URL: ' https://auth.example.com/v1 ',
        LATCHKEY_SECRET_KEY: 'sk',
        LATCHKEY_PHANTOM_SECRET: 'ph',
        LATCHKEY_TIMEOUT_MS: '2500',
      }),
    ).toEqual({
      apiUrl: 'https://auth.example.com/v1',
      secretKey: 'sk',
      phantomSecret: 'ph',
      timeoutMs: 2500,
    });
    expect(readTriggerEnv({ LATCHKEY_API_URL: 'https://a/v1', LATCHKEY_SECRET_KEY: 'sk' })).toMatchObject({
      phantomSecret: 'sk',
      timeoutMs: 3000,
    });
  });

  it('names the missing or bad variable', () => {
    expect(() => readTriggerEnv({ LATCHKEY_SECRET_KEY: 'sk' })).toThrow(/LATCHKEY_API_URL/);
    expect(() => readTriggerEnv({ LATCHKEY_API_URL: 'https://a/v1', LATCHKEY_SECRET_KEY: ' ' })).toThrow(
      /LATCHKEY_SECRET_KEY/,
    );
    expect(() =>
      readTriggerEnv({
        LATCHKEY_API_URL: 'https://a/v1',
        LATCHKEY_SECRET_KEY: 'sk',
        LATCHKEY_TIMEOUT_MS: 'soon',
      }),
    ).toThrow(/LATCHKEY_TIMEOUT_MS/);
  });
});
