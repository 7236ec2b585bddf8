import type { DefineAuthChallengeTriggerHandler } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createDefineAuthChallengeHandler, handler } from './define-auth-challenge.js';
import { fixture } from './test-support/fixtures.js';
import type { DefineAuthChallengeTriggerEvent } from './types.js';

const _typed: DefineAuthChallengeTriggerHandler = handler;

type Session = DefineAuthChallengeTriggerEvent['request']['session'];

const wrong = {
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: false,
  challengeMetadata: 'cognitoAuth',
} as const;
const right = {
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: true,
  challengeMetadata: 'cognitoAuth',
} as const;
const parameters = {
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: false,
  challengeMetadata: 'PROVIDE_AUTH_PARAMETERS',
} as const;

const define = createDefineAuthChallengeHandler();

async function decide(session: Session, userNotFound = false) {
  const name = userNotFound ? 'define-auth-challenge.user-not-found' : 'define-auth-challenge';
  return (await define(fixture(name, { session }))).response;
}

const CHALLENGE = { challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false };
const TOKENS = { issueTokens: true, failAuthentication: false };
const FAIL = { issueTokens: false, failAuthentication: true };

describe('define auth challenge', () => {
  it('first round (empty session) → CUSTOM_CHALLENGE, never tokens', async () => {
    expect(await decide([])).toEqual(CHALLENGE);
  });

  it('last answer right → issue tokens', async () => {
    expect(await decide([right])).toEqual(TOKENS);
  });

  it('1, 2 and 3 wrong answers → challenge again', async () => {
    expect(await decide([wrong])).toEqual(CHALLENGE);
    expect(await decide([wrong, wrong])).toEqual(CHALLENGE);
    expect(await decide([wrong, wrong, wrong])).toEqual(CHALLENGE);
  });

  it('the 4th wrong answer fails the sign-in', async () => {
    expect(await decide([wrong, wrong, wrong, wrong])).toEqual(FAIL);
  });

  it('3 wrong then right → issue tokens', async () => {
    expect(await decide([wrong, wrong, wrong, right])).toEqual(TOKENS);
  });

  it('only the LAST entry counts: an earlier right answer then a wrong one → challenge', async () => {
    expect(await decide([right, wrong])).toEqual(CHALLENGE);
  });

  it('a PROVIDE_AUTH_PARAMETERS round is not a failure', async () => {
    expect(await decide([parameters])).toEqual(CHALLENGE);
    expect(await decide([parameters, wrong, wrong, wrong])).toEqual(CHALLENGE);
    expect(await decide([parameters, wrong, wrong, wrong, wrong])).toEqual(FAIL);
    expect(await decide([parameters, wrong, wrong, wrong, right])).toEqual(TOKENS);
  });

  it('a true SRP_A entry proves nothing: no tokens', async () => {
    expect(await decide([{ challengeName: 'SRP_A', challengeResult: true }])).toEqual(CHALLENGE);
    expect(await decide([wrong, { challengeName: 'PASSWORD_VERIFIER', challengeResult: true }])).toEqual(
      CHALLENGE,
    );
  });

  describe('userNotFound', () => {
    it('is challenged like a known user', async () => {
      expect(await decide([], true)).toEqual(CHALLENGE);
      expect(await decide([wrong, wrong, wrong], true)).toEqual(CHALLENGE);
    });

    it('never gets tokens, even with a right answer in the session', async () => {
      expect(await decide([right], true)).toEqual(CHALLENGE);
      expect(await decide([wrong, wrong, wrong, right], true)).toEqual(CHALLENGE);
    });

    it('fails at the 4th wrong answer, like a known user', async () => {
      expect(await decide([wrong, wrong, wrong, wrong], true)).toEqual(FAIL);
    });
  });

  it('maxFailedAnswers is configurable', async () => {
    const strict = createDefineAuthChallengeHandler({ maxFailedAnswers: 1 });
    expect((await strict(fixture('define-auth-challenge', { session: [wrong] }))).response).toEqual(
      CHALLENGE,
    );
    expect((await strict(fixture('define-auth-challenge', { session: [wrong, wrong] }))).response).toEqual(
      FAIL,
    );
    expect(() => createDefineAuthChallengeHandler({ maxFailedAnswers: -1 })).toThrow(TypeError);
  });

  it('the Lambda handler returns the event it was given', async () => {
    const event = fixture('define-auth-challenge');
    await expect(handler(event)).resolves.toBe(event);
    expect(event.response).toEqual(CHALLENGE);
  });
});
