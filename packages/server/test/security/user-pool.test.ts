/**
 * Custom-auth sessions and rounds of the Cognito-compatible pool (security-bar
 * T6, T8) beyond `user-pool/cognito-api.test.ts`: a Session is bound to its
 * pool, client and user, and the endpoint caps a sign-in at 10 rounds whatever
 * the Define trigger says.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ROUNDS } from '../../src/user-pool/custom-auth.js';
import { ADMIN_KEY, CLIENT_ID, POOL_ID, poolCall } from '../support/pool.js';
import { startTestServer, type TestServer, testConfig } from '../support/server.js';
import { nextUser } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-security-triggers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function trigger(name: string, body: string): string {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, `export const handler = async (event) => {\n${body}\nreturn event;\n};\n`);
  return file;
}

/** A scheme whose Define never fails and never issues tokens on its own: only the endpoint can stop it. */
const endlessTriggers = () => ({
  preSignUp: trigger('pre', 'event.response.autoConfirmUser = true;'),
  defineAuthChallenge: trigger(
    'define',
    `const last = event.request.session.at(-1);
     if (last?.challengeResult === true) { event.response.issueTokens = true; }
     else { event.response.challengeName = 'CUSTOM_CHALLENGE'; }`,
  ),
  createAuthChallenge: trigger(
    'create',
    `event.response.publicChallengeParameters = { round: String(event.request.session.length + 1) };
     event.response.privateChallengeParameters = { answer: 'open sesame' };`,
  ),
  verifyAuthChallengeResponse: trigger(
    'verify',
    `event.response.answerCorrect = event.request.challengeAnswer === event.request.privateChallengeParameters.answer;`,
  ),
});

const SECOND_CLIENT = 'otherclient0002';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    config: testConfig({
      userPool: {
        id: POOL_ID,
        clients: [
          { id: CLIENT_ID, name: 'test' },
          { id: SECOND_CLIENT, name: 'other' },
        ],
        triggers: endlessTriggers(),
        adminKeys: [ADMIN_KEY],
      },
    }),
  });
});
afterAll(async () => t.close());

async function signedUp(): Promise<string> {
  const { email } = nextUser('pool');
  const response = await poolCall(t, 'SignUp', {
    ClientId: CLIENT_ID,
    Username: email,
    Password: 'Throwaway-123!',
  });
  expect(response.status).toBe(200);
  return email;
}

async function initiate(email: string, clientId = CLIENT_ID) {
  const response = await poolCall(t, 'InitiateAuth', {
    AuthFlow: 'CUSTOM_AUTH',
    ClientId: clientId,
    AuthParameters: { USERNAME: email },
  });
  expect(response.status).toBe(200);
  return response.body as { Session: string; ChallengeParameters: Record<string, string> };
}

function respond(session: string, username: string, answer: string, clientId = CLIENT_ID) {
  return poolCall(t, 'RespondToAuthChallenge', {
    ClientId: clientId,
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: session,
    ChallengeResponses: { USERNAME: username, ANSWER: answer },
  });
}

const INVALID_SESSION = { __type: 'NotAuthorizedException', message: 'Invalid session for the user.' };

describe('T6 session binding', () => {
  it('T6 a Session is bound to its app client (and refusing it there does not spend it)', async () => {
    const email = await signedUp();
    const start = await initiate(email);
    const username = start.ChallengeParameters.USERNAME as string;
    const foreign = await respond(start.Session, username, 'open sesame', SECOND_CLIENT);
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual(INVALID_SESSION);
    const own = await respond(start.Session, username, 'open sesame');
    expect(own.status).toBe(200);
    expect(own.body.AuthenticationResult).toBeDefined();
  });

  it('T6 a Session is bound to its user', async () => {
    const alice = await signedUp();
    const bob = await signedUp();
    const aliceStart = await initiate(alice);
    const bobStart = await initiate(bob);
    const response = await respond(
      aliceStart.Session,
      bobStart.ChallengeParameters.USERNAME as string,
      'open sesame',
    );
    expect(response.status).toBe(400);
    expect(response.body).toEqual(INVALID_SESSION);
    const byEmail = await respond(bobStart.Session, alice, 'open sesame');
    expect(byEmail.body).toEqual(INVALID_SESSION);
  });

  it('T6 a Session is bound to its pool (sealed with the pool id as associated data)', async () => {
    const other = await startTestServer({
      config: {
        ...t.config,
        userPool: {
          ...(t.config.userPool as NonNullable<typeof t.config.userPool>),
          id: 'us-east-1_OtherPool9',
        },
      },
    });
    try {
      const email = await signedUp();
      const start = await initiate(email);
      const response = await poolCall(other, 'RespondToAuthChallenge', {
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: start.Session,
        ChallengeResponses: { USERNAME: start.ChallengeParameters.USERNAME as string, ANSWER: 'open sesame' },
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(INVALID_SESSION);
    } finally {
      await other.close();
    }
  });
});

describe('T8 round cap', () => {
  it('T8 the endpoint fails a sign-in at its 10th wrong answer even when Define never does', async () => {
    expect(MAX_ROUNDS).toBe(10);
    const email = await signedUp();
    let { Session: session, ChallengeParameters: parameters } = await initiate(email);
    const username = parameters.USERNAME as string;
    const rounds: string[] = [parameters.round as string];
    for (let answer = 1; answer < MAX_ROUNDS; answer++) {
      const response = await respond(session, username, 'wrong');
      expect(response.status).toBe(200);
      const body = response.body as { Session: string; ChallengeParameters: Record<string, string> };
      session = body.Session;
      parameters = body.ChallengeParameters;
      rounds.push(parameters.round as string);
    }
    expect(rounds).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    const last = await respond(session, username, 'wrong');
    expect(last.status).toBe(400);
    expect(last.body).toEqual({
      __type: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('T8 a right answer in the last round still signs in', async () => {
    const email = await signedUp();
    let { Session: session, ChallengeParameters: parameters } = await initiate(email);
    const username = parameters.USERNAME as string;
    for (let answer = 1; answer < MAX_ROUNDS; answer++) {
      const body = (await respond(session, username, 'wrong')).body as { Session: string };
      session = body.Session;
    }
    const right = await respond(session, username, 'open sesame');
    expect(right.status).toBe(200);
    expect(right.body.AuthenticationResult).toBeDefined();
  });
});
