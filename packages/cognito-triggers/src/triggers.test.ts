import { describe, expect, it } from 'vitest';
import { fixture } from './test-support/fixtures.js';
import { StubClient } from './test-support/stub-client.js';
import { createTriggers } from './triggers.js';
import type { VerifyAuthChallengeResponseTriggerEvent } from './types.js';

describe('createTriggers', () => {
  it('wires one client into a full passwordless sign-in', async () => {
    const client = new StubClient();
    const marked: VerifyAuthChallengeResponseTriggerEvent[] = [];
    const triggers = createTriggers({
      client,
      phantomSecret: 'secret',
      markEmailVerified: async (event) => {
        marked.push(event);
      },
    });
    const sub = '3f6d2c1e-8b5a-4e27-9c41-6a0d2f8b7e15';

    expect((await triggers.PreSignUp(fixture('pre-sign-up'))).response.autoConfirmUser).toBe(true);
    expect(
      (await triggers.DefineAuthChallenge(fixture('define-auth-challenge'))).response.challengeName,
    ).toBe('CUSTOM_CHALLENGE');
    const created = await triggers.CreateAuthChallenge(fixture('create-auth-challenge'));
    expect(created.response.publicChallengeParameters.token).toBe(`track-token-for-${sub}`);

    const token = client.issueResultToken(sub, 'PASSKEY');
    const verified = await triggers.VerifyAuthChallengeResponse(
      fixture('verify-auth-challenge', { challengeAnswer: token }),
    );
    expect(verified.response.answerCorrect).toBe(true);

    const session = [
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'cognitoAuth' },
    ] as const;
    const done = await triggers.DefineAuthChallenge(
      fixture('define-auth-challenge', { session: [...session] }),
    );
    expect(done.response).toEqual({ issueTokens: true, failAuthentication: false });
    expect(marked).toHaveLength(0);
  });

  it('passes maxFailedAnswers to Define', async () => {
    const triggers = createTriggers({ client: new StubClient(), phantomSecret: 's', maxFailedAnswers: 0 });
    const wrong = {
      challengeName: 'CUSTOM_CHALLENGE',
      challengeResult: false,
      challengeMetadata: 'cognitoAuth',
    } as const;
    const event = await triggers.DefineAuthChallenge(fixture('define-auth-challenge', { session: [wrong] }));
    expect(event.response.failAuthentication).toBe(true);
  });
});
