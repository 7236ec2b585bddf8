import { LatchkeyError } from '@latchkey/node';
import type { VerifyAuthChallengeResponseTriggerHandler } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { fixture } from './test-support/fixtures.js';
import { StubClient } from './test-support/stub-client.js';
import type { MarkEmailVerified, VerifyAuthChallengeResponseTriggerEvent } from './types.js';
import { createVerifyAuthChallengeHandler, handler } from './verify-auth-challenge.js';

const _typed: VerifyAuthChallengeResponseTriggerHandler = handler;

const ALICE = '3f6d2c1e-8b5a-4e27-9c41-6a0d2f8b7e15';
const BOB = '9a8b7c6d-5e4f-4321-8765-0fedcba98765';

function setup() {
  const client = new StubClient();
  const marked: VerifyAuthChallengeResponseTriggerEvent[] = [];
  const markEmailVerified = vi.fn<MarkEmailVerified>(async (event) => {
    marked.push(event);
  });
  const logger = { error: vi.fn() };
  const verify = createVerifyAuthChallengeHandler({ client, markEmailVerified, logger });
  return { client, verify, markEmailVerified, marked, logger };
}

function answer(token: string, request: Partial<VerifyAuthChallengeResponseTriggerEvent['request']> = {}) {
  return fixture('verify-auth-challenge', { challengeAnswer: token, ...request });
}

function bobsEvent(token: string) {
  const event = answer(token, {
    userAttributes: {
      sub: BOB,
      email: 'bob@example.com',
      email_verified: 'true',
      'cognito:user_status': 'CONFIRMED',
    },
  });
  event.userName = BOB;
  return event;
}

describe('verify auth challenge', () => {
  it("accepts the user's own fresh result token, bound to sub and cognitoAuth", async () => {
    const { client, verify } = setup();
    const token = client.issueResultToken(ALICE, 'PASSKEY');
    const event = await verify(answer(token));
    expect(event.response.answerCorrect).toBe(true);
    expect(client.calls[0]).toEqual({
      method: 'validateChallenge',
      request: { token, userId: ALICE, action: 'cognitoAuth' },
    });
  });

  it("rejects user A's token in user B's sign-in (the server sees userId B)", async () => {
    const { client, verify } = setup();
    const alicesToken = client.issueResultToken(ALICE, 'PASSKEY');
    const event = await verify(bobsEvent(alicesToken));
    expect(event.response.answerCorrect).toBe(false);
    expect(client.calls).toEqual([
      { method: 'validateChallenge', request: { token: alicesToken, userId: BOB, action: 'cognitoAuth' } },
    ]);
    // The refused attempt did not spend the token: Alice can still use it.
    expect((await verify(answer(alicesToken))).response.answerCorrect).toBe(true);
  });

  it('rejects a token minted for another action', async () => {
    const { client, verify } = setup();
    const token = client.issueResultToken(ALICE, 'PASSKEY', 'addAuthenticator');
    expect((await verify(answer(token))).response.answerCorrect).toBe(false);
  });

  it('rejects a replayed token (single use)', async () => {
    const { client, verify } = setup();
    const token = client.issueResultToken(ALICE, 'PASSKEY');
    expect((await verify(answer(token))).response.answerCorrect).toBe(true);
    expect((await verify(answer(token))).response.answerCorrect).toBe(false);
  });

  it('rejects an unknown token (e.g. a typed OTP code)', async () => {
    const { verify } = setup();
    expect((await verify(answer('123456'))).response.answerCorrect).toBe(false);
  });

  it('rejects a valid answer whose reported user differs from the sub (defence in depth)', async () => {
    const client = new StubClient();
    client.validateChallenge = async () => ({ isValid: true, userId: BOB, action: 'cognitoAuth' });
    const verify = createVerifyAuthChallengeHandler({ client });
    expect((await verify(answer('t'))).response.answerCorrect).toBe(false);
  });

  describe('answers false without calling the server', () => {
    it('for userNotFound', async () => {
      const { client, verify } = setup();
      const event = await verify(fixture('verify-auth-challenge.user-not-found'));
      expect(event.response.answerCorrect).toBe(false);
      expect(client.calls).toHaveLength(0);
    });

    it('for a missing sub', async () => {
      const { client, verify } = setup();
      const event = await verify(answer('x', { userAttributes: { email: 'ada@example.com' } }));
      expect(event.response.answerCorrect).toBe(false);
      expect(client.calls).toHaveLength(0);
    });

    it('for an empty answer', async () => {
      const { client, verify } = setup();
      expect((await verify(answer(''))).response.answerCorrect).toBe(false);
      expect(client.calls).toHaveLength(0);
    });

    it('for the PROVIDE_AUTH_PARAMETERS round', async () => {
      const { client, verify } = setup();
      const event = await verify(
        answer('dummy', { privateChallengeParameters: { challenge: 'PROVIDE_AUTH_PARAMETERS' } }),
      );
      expect(event.response.answerCorrect).toBe(false);
      expect(client.calls).toHaveLength(0);
    });
  });

  describe('server errors', () => {
    it('a 4xx refusal → false, logged, not thrown', async () => {
      const { client, verify, logger } = setup();
      client.failures.validateChallenge = new LatchkeyError({
        statusCode: 400,
        errorCode: 'invalid_request',
      });
      const event = await verify(answer('t'));
      expect(event.response.answerCorrect).toBe(false);
      expect(logger.error).toHaveBeenCalledOnce();
    });

    it('a network error → thrown, so Cognito reports a Lambda failure', async () => {
      const { client, verify } = setup();
      client.failures.validateChallenge = new LatchkeyError({ statusCode: 0, errorCode: 'network_error' });
      await expect(verify(answer('t'))).rejects.toMatchObject({ errorCode: 'network_error' });
    });

    it('a timeout → thrown', async () => {
      const { client, verify } = setup();
      client.failures.validateChallenge = new LatchkeyError({ statusCode: 0, errorCode: 'timeout' });
      await expect(verify(answer('t'))).rejects.toMatchObject({ errorCode: 'timeout' });
    });

    it('a 5xx → thrown', async () => {
      const { client, verify } = setup();
      client.failures.validateChallenge = new LatchkeyError({ statusCode: 503, errorCode: 'internal_error' });
      await expect(verify(answer('t'))).rejects.toMatchObject({ statusCode: 503 });
    });

    it('anything that is not a LatchkeyError (a bug) → thrown', async () => {
      const { client, verify } = setup();
      client.failures.validateChallenge = new RangeError('boom');
      await expect(verify(answer('t'))).rejects.toBeInstanceOf(RangeError);
    });
  });

  describe('email_verified after an email OTP', () => {
    function withVerifiedEmail(client: StubClient, email = 'ada@example.com') {
      client.authenticators.set(ALICE, [
        {
          userId: ALICE,
          userAuthenticatorId: 'ua-email',
          verificationMethod: 'EMAIL_OTP',
          createdAt: '2025-01-01T00:00:00.000Z',
          verifiedAt: '2025-01-01T00:01:00.000Z',
          email,
        },
      ]);
    }

    it('marks the email verified when the OTP went to the Cognito email', async () => {
      const { client, verify, markEmailVerified, marked } = setup();
      withVerifiedEmail(client, 'Ada@Example.com');
      const token = client.issueResultToken(ALICE, 'EMAIL_OTP');
      const event = await verify(answer(token));
      expect(event.response.answerCorrect).toBe(true);
      expect(markEmailVerified).toHaveBeenCalledOnce();
      expect(marked[0]).toBe(event);
      expect(client.calls.map((call) => call.method)).toEqual(['validateChallenge', 'getAuthenticators']);
    });

    it('does not mark when email_verified is already true', async () => {
      const { client, verify, markEmailVerified } = setup();
      withVerifiedEmail(client);
      const token = client.issueResultToken(ALICE, 'EMAIL_OTP');
      const event = answer(token);
      event.request.userAttributes.email_verified = 'true';
      await verify(event);
      expect(markEmailVerified).not.toHaveBeenCalled();
    });

    it('does not mark after a passkey', async () => {
      const { client, verify, markEmailVerified } = setup();
      withVerifiedEmail(client);
      await verify(answer(client.issueResultToken(ALICE, 'PASSKEY')));
      expect(markEmailVerified).not.toHaveBeenCalled();
    });

    it('does not mark after a wrong answer', async () => {
      const { client, verify, markEmailVerified } = setup();
      withVerifiedEmail(client);
      await verify(answer('not-a-token'));
      expect(markEmailVerified).not.toHaveBeenCalled();
    });

    it('does not mark when the OTP proved another address', async () => {
      const { client, verify, markEmailVerified } = setup();
      withVerifiedEmail(client, 'attacker@example.net');
      const event = await verify(answer(client.issueResultToken(ALICE, 'EMAIL_OTP')));
      expect(event.response.answerCorrect).toBe(true);
      expect(markEmailVerified).not.toHaveBeenCalled();
    });

    it('a failure while marking is logged; the sign-in still succeeds', async () => {
      const { client, verify, markEmailVerified, logger } = setup();
      withVerifiedEmail(client);
      markEmailVerified.mockRejectedValueOnce(new Error('AccessDeniedException'));
      const event = await verify(answer(client.issueResultToken(ALICE, 'EMAIL_OTP')));
      expect(event.response.answerCorrect).toBe(true);
      expect(logger.error).toHaveBeenCalledOnce();
    });

    it('a failure loading authenticators is logged; nothing is marked; the sign-in succeeds', async () => {
      const { client, verify, markEmailVerified, logger } = setup();
      client.failures.getAuthenticators = new LatchkeyError({ statusCode: 0, errorCode: 'network_error' });
      const event = await verify(answer(client.issueResultToken(ALICE, 'EMAIL_OTP')));
      expect(event.response.answerCorrect).toBe(true);
      expect(markEmailVerified).not.toHaveBeenCalled();
      expect(logger.error).toHaveBeenCalledOnce();
    });

    it('without markEmailVerified, nothing is looked up or changed', async () => {
      const client = new StubClient();
      withVerifiedEmail(client);
      const verify = createVerifyAuthChallengeHandler({ client });
      const event = await verify(answer(client.issueResultToken(ALICE, 'EMAIL_OTP')));
      expect(event.response.answerCorrect).toBe(true);
      expect(client.calls.map((call) => call.method)).toEqual(['validateChallenge']);
    });
  });
});
