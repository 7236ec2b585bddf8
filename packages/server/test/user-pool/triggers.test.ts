/**
 * Triggers configured as module paths, as a user deploys their own: the events
 * they receive are AWS-shaped, and their failures surface as Cognito reports them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, POOL_ID, sdkClient } from '../support/pool.js';
import { type JsonBody, startTestServer, type TestServer, testConfig } from '../support/server.js';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-triggers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an ES module trigger; `body` is the handler's body with `event` in scope. */
function trigger(name: string, body: string): string {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, `export const handler = async (event, context) => {\n${body}\n};\n`);
  return file;
}

/** Recording triggers: a tiny passwordless scheme where the answer is "open sesame". */
const recordingTriggers = () => ({
  preSignUp: trigger(
    'pre',
    `(globalThis.__events ??= []).push(structuredClone(event)); event.response.autoConfirmUser = true; return event;`,
  ),
  defineAuthChallenge: trigger(
    'define',
    `(globalThis.__events ??= []).push(structuredClone(event));
     const last = event.request.session.at(-1);
     if (last?.challengeResult === true) { event.response.issueTokens = true; event.response.failAuthentication = false; }
     else if (event.request.session.length >= 3) { event.response.failAuthentication = true; }
     else { event.response.challengeName = 'CUSTOM_CHALLENGE'; }
     return event;`,
  ),
  createAuthChallenge: trigger(
    'create',
    `(globalThis.__events ??= []).push(structuredClone(event));
     event.response.publicChallengeParameters = { hint: 'say the words' };
     event.response.privateChallengeParameters = { answer: 'open sesame' };
     event.response.challengeMetadata = 'ROUND-' + (event.request.session.length + 1);
     return event;`,
  ),
  verifyAuthChallengeResponse: trigger(
    'verify',
    `(globalThis.__events ??= []).push(structuredClone(event));
     event.response.answerCorrect = event.request.challengeAnswer === event.request.privateChallengeParameters.answer;
     return event;`,
  ),
});

const events = () => (globalThis as unknown as { __events?: Record<string, unknown>[] }).__events ?? [];

function poolConfig(triggers: Record<string, string>, extra: Record<string, unknown> = {}) {
  return testConfig({
    userPool: {
      id: POOL_ID,
      clients: [
        { id: CLIENT_ID, name: 'test' },
        { id: 'refreshonly', name: 'refresh only', explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] },
      ],
      triggers,
      triggerTimeoutMs: 200,
      ...extra,
    },
  });
}

describe('module-path triggers receive AWS-shaped events', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: poolConfig(recordingTriggers()) });
  });
  afterAll(async () => t.close());

  it('runs Pre sign-up, Define, Create and Verify with Cognito’s fields', async () => {
    const client = sdkClient(t);
    const signUp = await client.send(
      new SignUpCommand({ ClientId: CLIENT_ID, Username: 'shape@example.com', Password: 'Throwaway-1!' }),
    );
    expect(signUp.UserConfirmed).toBe(true);
    const start = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'shape@example.com' },
        ClientMetadata: { lang: 'en' },
      }),
    );
    expect(start.ChallengeParameters).toEqual({ hint: 'say the words', USERNAME: signUp.UserSub });
    const wrong = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: start.Session,
        ChallengeResponses: { USERNAME: 'shape@example.com', ANSWER: 'abracadabra' },
        ClientMetadata: { attempt: '1' },
      }),
    );
    const done = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: wrong.Session,
        ChallengeResponses: { USERNAME: signUp.UserSub as string, ANSWER: 'open sesame' },
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).toBeTypeOf('string');

    const seen = events();
    const sources = seen.map((e) => e.triggerSource);
    expect(sources).toEqual([
      'PreSignUp_SignUp',
      'DefineAuthChallenge_Authentication',
      'CreateAuthChallenge_Authentication',
      'VerifyAuthChallengeResponse_Authentication',
      'DefineAuthChallenge_Authentication',
      'CreateAuthChallenge_Authentication',
      'VerifyAuthChallengeResponse_Authentication',
      'DefineAuthChallenge_Authentication',
    ]);
    for (const event of seen) {
      expect(event).toMatchObject({
        version: '1',
        region: 'us-east-1',
        userPoolId: POOL_ID,
        userName: signUp.UserSub,
        callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: CLIENT_ID },
      });
    }
    const [, firstDefine, , firstVerify, secondDefine, , , lastDefine] = seen as JsonBody[];
    // InitiateAuth's ClientMetadata never reaches Define or Create.
    expect(firstDefine?.request).toEqual({
      userAttributes: expect.objectContaining({
        sub: signUp.UserSub,
        email: 'shape@example.com',
        'cognito:user_status': 'CONFIRMED',
      }),
      session: [],
      userNotFound: false,
    });
    expect(firstVerify?.request).toMatchObject({
      privateChallengeParameters: { answer: 'open sesame' },
      challengeAnswer: 'abracadabra',
      clientMetadata: { attempt: '1' },
      userNotFound: false,
    });
    expect(secondDefine?.request.session).toEqual([
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'ROUND-1' },
    ]);
    expect(lastDefine?.request.session).toEqual([
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'ROUND-1' },
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'ROUND-2' },
    ]);
  });

  it('refuses CUSTOM_AUTH for a client that does not allow it', async () => {
    await expect(
      sdkClient(t).send(
        new InitiateAuthCommand({
          AuthFlow: 'CUSTOM_AUTH',
          ClientId: 'refreshonly',
          AuthParameters: { USERNAME: 'x@example.com' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Auth flow not enabled for this client',
    });
  });
});

describe('trigger failures', () => {
  const servers: TestServer[] = [];
  afterAll(async () => Promise.all(servers.map((s) => s.close())));

  async function initiateWith(define: string) {
    const triggers = { ...recordingTriggers(), defineAuthChallenge: define };
    const t = await startTestServer({ config: poolConfig(triggers) });
    servers.push(t);
    await sdkClient(t).send(
      new SignUpCommand({ ClientId: CLIENT_ID, Username: 'fail@example.com', Password: 'Throwaway-1!' }),
    );
    return sdkClient(t).send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'fail@example.com' },
      }),
    );
  }

  it('maps a thrown error to UserLambdaValidationException with Cognito’s message', async () => {
    await expect(initiateWith(trigger('throws', `throw new Error('boom');`))).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: 'DefineAuthChallenge failed with error boom.',
    });
  });

  it('maps a malformed output to InvalidLambdaResponseException', async () => {
    await expect(initiateWith(trigger('garbage', `return 'not an event';`))).rejects.toMatchObject({
      name: 'InvalidLambdaResponseException',
    });
  });

  it('times out a slow trigger', async () => {
    await expect(
      initiateWith(trigger('slow', `await new Promise((r) => setTimeout(r, 2000)); return event;`)),
    ).rejects.toMatchObject({
      name: 'UnexpectedLambdaException',
    });
  });

  it('supports callback-style handlers', async () => {
    const file = join(dir, 'callback.mjs');
    writeFileSync(
      file,
      `export const handler = (event, context, callback) => { event.response.challengeName = 'CUSTOM_CHALLENGE'; callback(null, event); };\n`,
    );
    const start = await initiateWith(file);
    expect(start.ChallengeName).toBe('CUSTOM_CHALLENGE');
  });
});

describe('preventUserExistenceErrors LEGACY', () => {
  it('reports an unknown user as UserNotFoundException', async () => {
    const t = await startTestServer({
      config: poolConfig(recordingTriggers(), { preventUserExistenceErrors: 'LEGACY' }),
    });
    try {
      await expect(
        sdkClient(t).send(
          new InitiateAuthCommand({
            AuthFlow: 'CUSTOM_AUTH',
            ClientId: CLIENT_ID,
            AuthParameters: { USERNAME: 'ghost@example.com' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
    } finally {
      await t.close();
    }
  });
});
