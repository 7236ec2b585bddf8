import { LatchkeyError } from '@latchkey/node';
import type { CreateAuthChallengeTriggerHandler } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createCreateAuthChallengeHandler, handler } from './create-auth-challenge.js';
import { TriggerError } from './errors.js';
import { phantomUserId } from './phantom.js';
import { fixture } from './test-support/fixtures.js';
import { StubClient } from './test-support/stub-client.js';

const _typed: CreateAuthChallengeTriggerHandler = handler;

const SUB = '3f6d2c1e-8b5a-4e27-9c41-6a0d2f8b7e15';
const SECRET = 'phantom-test-secret';

function setup() {
  const client = new StubClient();
  const create = createCreateAuthChallengeHandler({ client, phantomSecret: SECRET });
  return { client, create };
}

describe('create auth challenge: known user', () => {
  it('tracks cognitoAuth for the sub with the email, and hands out the token', async () => {
    const { client, create } = setup();
    const event = await create(fixture('create-auth-challenge'));
    expect(client.calls).toEqual([
      {
        method: 'track',
        request: { userId: SUB, action: 'cognitoAuth', attributes: { email: 'ada@example.com' } },
      },
    ]);
    expect(event.response).toEqual({
      publicChallengeParameters: { token: `track-token-for-${SUB}`, isEnrolled: 'false' },
      privateChallengeParameters: { challenge: 'cognitoAuth' },
      challengeMetadata: 'cognitoAuth',
    });
  });

  it("reports isEnrolled as the string 'true' for an enrolled user", async () => {
    const { client, create } = setup();
    client.enrolled.add(SUB);
    const event = await create(fixture('create-auth-challenge'));
    expect(event.response.publicChallengeParameters.isEnrolled).toBe('true');
  });

  it('sends no email when the user has none', async () => {
    const { client, create } = setup();
    await create(
      fixture('create-auth-challenge', { userAttributes: { sub: SUB, 'cognito:user_status': 'CONFIRMED' } }),
    );
    expect(client.calls[0]).toEqual({
      method: 'track',
      request: { userId: SUB, action: 'cognitoAuth', attributes: {} },
    });
  });

  it('throws missing_sub when the sub attribute is missing, and calls nothing', async () => {
    const { client, create } = setup();
    const event = fixture('create-auth-challenge', { userAttributes: { email: 'ada@example.com' } });
    await expect(create(event)).rejects.toSatisfy(
      (error: unknown) => error instanceof TriggerError && error.code === 'missing_sub',
    );
    expect(client.calls).toHaveLength(0);
  });

  it('lets a server error through (Cognito then fails the sign-in)', async () => {
    const { client, create } = setup();
    client.failures.track = new LatchkeyError({ statusCode: 401, errorCode: 'unauthorized' });
    await expect(create(fixture('create-auth-challenge'))).rejects.toBeInstanceOf(LatchkeyError);
  });
});

describe('create auth challenge: userNotFound (enumeration parity)', () => {
  it('tracks a UUID-shaped phantom id derived from HMAC(secret, "pool:userName") with the typed email', async () => {
    const { client, create } = setup();
    await create(fixture('create-auth-challenge.user-not-found'));
    const expected = phantomUserId(SECRET, 'eu-west-1_AbCdEfGhI', 'nobody@example.com');
    expect(expected).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(client.calls).toEqual([
      {
        method: 'track',
        request: { userId: expected, action: 'cognitoAuth', attributes: { email: 'nobody@example.com' } },
      },
    ]);
  });

  it("answers the shape a known enrolled user gets: isEnrolled 'true'", async () => {
    const { client, create } = setup();
    client.enrolled.add(SUB);
    const known = await create(fixture('create-auth-challenge'));
    const unknown = await create(fixture('create-auth-challenge.user-not-found'));
    expect(unknown.response.publicChallengeParameters.isEnrolled).toBe('true');
    expect(unknown.response.publicChallengeParameters.token).toMatch(/^track-token-for-[0-9a-f]{8}-/);
    expect(Object.keys(unknown.response.publicChallengeParameters).sort()).toEqual(
      Object.keys(known.response.publicChallengeParameters).sort(),
    );
    expect(unknown.response.privateChallengeParameters).toEqual(known.response.privateChallengeParameters);
    expect(unknown.response.challengeMetadata).toBe(known.response.challengeMetadata);
  });

  it('the phantom id is stable for a username and differs between usernames and pools', async () => {
    const { client, create } = setup();
    await create(fixture('create-auth-challenge.user-not-found'));
    await create(fixture('create-auth-challenge.user-not-found'));
    const other = fixture('create-auth-challenge.user-not-found');
    other.userName = 'someone-else@example.com';
    await create(other);
    const otherPool = fixture('create-auth-challenge.user-not-found');
    otherPool.userPoolId = 'eu-west-1_ZyXwVuTsR';
    await create(otherPool);
    const ids = client.calls.map((call) => (call.method === 'track' ? call.request.userId : ''));
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(3);
  });

  it('the phantom id depends on the secret', () => {
    expect(phantomUserId('a', 'pool', 'user')).not.toBe(phantomUserId('b', 'pool', 'user'));
    expect(phantomUserId(new TextEncoder().encode('a'), 'pool', 'user')).toBe(
      phantomUserId('a', 'pool', 'user'),
    );
  });

  it('refuses an empty phantom secret', () => {
    expect(() => createCreateAuthChallengeHandler({ client: new StubClient(), phantomSecret: '' })).toThrow(
      TypeError,
    );
  });
});
