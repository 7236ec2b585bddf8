/**
 * Exactly-once across processes: 50 parallel requests split over two real
 * `latchkey serve` processes on one PostgreSQL database. Whatever must happen
 * once (a result token's validation, a challenge, a refresh with rotation, an
 * auth session round) happens once, and the email-code budget of 5 holds.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSdk, registerPasskey, startPasskeySignIn, trackUser } from '../support/flows.js';
import { CLIENT_ID } from '../support/pool.js';
import { TEST_ORIGIN } from '../support/server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { type Deployment, type Instance, poolRequest, startDeployment } from './deployment.js';

const RACERS = 50;

let deployment: Deployment;
let a: Instance;
let b: Instance;
let db: pg.Client;

beforeAll(async () => {
  deployment = await startDeployment('races', {
    // One-use refresh tokens, so a refresh is something that must happen once.
    configure: (config) => {
      const pool = config.userPool;
      if (!pool) throw new Error('the deployment has no user pool');
      return { ...config, userPool: { ...pool, tokens: { ...pool.tokens, rotateRefreshTokens: true } } };
    },
  });
  [a, b] = deployment.instances as [Instance, Instance];
  db = new pg.Client({ connectionString: deployment.database.url });
  await db.connect();
}, 120_000);

afterAll(async () => {
  await db?.end();
  await deployment?.close();
});

let seq = 0;
const unique = (label: string) => `${label}-${++seq}-${Date.now()}`;
const bearer = (token: string) => `Bearer ${token}`;

/** Runs `task` RACERS times at once, on A for even and B for odd indexes. */
function race<T>(task: (instance: Instance, i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: RACERS }, (_, i) => task(i % 2 === 0 ? a : b, i)));
}

/** Email OTP with the code sent by A and checked by B; returns the result token. */
async function verifiedEmail(token: string, email: string): Promise<string> {
  const enroll = await a.api('POST', '/v1/client/user-authenticators/email-otp', {
    auth: bearer(token),
    body: { email },
  });
  expect(enroll.status).toBe(200);
  const verify = await b.api('POST', '/v1/client/verify/email-otp', {
    auth: bearer(token),
    body: { verificationCode: deployment.latestCode(email) },
  });
  expect(verify.body.isVerified).toBe(true);
  return verify.body.accessToken as string;
}

/** A pool user signed in through A; returns the tokens and a started second sign-in. */
async function poolUser() {
  const email = `${unique('pool')}@example.com`;
  const up = await poolRequest(a.baseUrl, 'SignUp', {
    ClientId: CLIENT_ID,
    Username: email,
    Password: 'Throwaway-123!',
    UserAttributes: [{ Name: 'email', Value: email }],
  });
  expect(up.status).toBe(200);
  const initiate = async () => {
    const started = await poolRequest(a.baseUrl, 'InitiateAuth', {
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: email },
    });
    expect(started.status).toBe(200);
    const parameters = started.body.ChallengeParameters as Record<string, string>;
    return {
      session: started.body.Session as string,
      username: parameters.USERNAME as string,
      answer: await verifiedEmail(parameters.token as string, email),
    };
  };
  const round = await initiate();
  const done = await poolRequest(b.baseUrl, 'RespondToAuthChallenge', {
    ClientId: CLIENT_ID,
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: round.session,
    ChallengeResponses: { USERNAME: round.username, ANSWER: round.answer },
  });
  expect(done.status).toBe(200);
  const tokens = done.body.AuthenticationResult as { RefreshToken: string };
  return { email, refreshToken: tokens.RefreshToken, initiate };
}

describe(`${RACERS} parallel requests across two instances`, () => {
  it('validate one result token: exactly one is valid', async () => {
    const userId = unique('user');
    const email = `${userId}@example.com`;
    const { token } = await trackUser(a, userId, email);
    const resultToken = await verifiedEmail(token, email);

    const answers = await race((instance) =>
      instance.api('POST', '/v1/validate', {
        auth: instance.secretAuth,
        body: { token: resultToken, userId, action: 'cognitoAuth' },
      }),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(RACERS).fill(200));
    expect(answers.filter((r) => r.body.isValid === true)).toHaveLength(1);
    expect(answers.filter((r) => r.body.isValid === false)).toHaveLength(RACERS - 1);
    // Still spent afterwards, from either side.
    expect(
      (await nodeSdk(b).validateChallenge({ token: resultToken, userId, action: 'cognitoAuth' })).isValid,
    ).toBe(false);
  });

  it('one WebAuthn challenge answered 50 times: at most one is verified', async () => {
    const userId = unique('user');
    const email = `${userId}@example.com`;
    const { token } = await trackUser(a, userId, email);
    const resultToken = await verifiedEmail(token, email);
    // A counter that stays 0 (as synced passkeys do) leaves the challenge as the only guard.
    const authenticator = new SoftAuthenticator({
      signCount: 'zero',
      backupEligible: false,
      backupState: false,
    });
    expect((await registerPasskey(a, authenticator, resultToken)).body.isVerified).toBe(true);

    const { challengeId, options } = await startPasskeySignIn(a);
    const assertions = await Promise.all(
      Array.from({ length: RACERS }, () => authenticator.getAssertion(options, { origin: TEST_ORIGIN })),
    );
    const answers = await race((instance, i) =>
      instance.api('POST', '/v1/client/verify/passkey', {
        auth: instance.tenantAuth,
        body: { challengeId, authenticationCredential: assertions[i] },
      }),
    );
    const verified = answers.filter((r) => r.status === 200 && r.body.isVerified === true);
    expect(verified).toHaveLength(1);
    expect(verified[0]?.body.userId).toBe(userId);
    const refused = answers.filter((r) => r.status === 400 && r.body.error === 'invalid_challenge');
    expect(refused).toHaveLength(RACERS - 1);
  });

  it('50 wrong email codes at once: never more than 5 are checked, and the authenticator locks', async () => {
    const userId = unique('user');
    const email = `${userId}@example.com`;
    const { token } = await trackUser(a, userId, email);
    const enroll = await a.api('POST', '/v1/client/user-authenticators/email-otp', {
      auth: bearer(token),
      body: { email },
    });
    expect(enroll.status).toBe(200);
    const code = deployment.latestCode(email);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    const failures = async (): Promise<number[]> =>
      (
        await db.query<{ otp_failures: number }>(
          "select otp_failures from authenticators where user_id = $1 and method = 'EMAIL_OTP'",
          [userId],
        )
      ).rows.map((r) => r.otp_failures);
    // Watch the stored failure count while the guesses run.
    let racing = true;
    const seen: number[] = [];
    const watcher = (async () => {
      while (racing) {
        seen.push(...(await failures()));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const answers = await race((instance) =>
      instance.api('POST', '/v1/client/verify/email-otp', {
        auth: bearer(token),
        body: { verificationCode: wrong },
      }),
    );
    racing = false;
    await watcher;

    expect(answers.every((r) => r.status === 200 && r.body.isVerified === false)).toBe(true);
    expect(answers.some((r) => r.body.failureReason === 'MAX_ATTEMPTS_EXCEEDED')).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThanOrEqual(5);
    expect(await failures()).toEqual([5]);
    // Exactly 5 guesses were evaluated (each one records an event), the other 45 refused unseen.
    const events = await db.query<{ n: string }>(
      "select count(*) as n from events where user_id = $1 and type = 'email_otp.failed'",
      [userId],
    );
    expect(Number(events.rows[0]?.n)).toBe(5);
    const locked = await db.query<{ otp_locked_until: string | null }>(
      'select otp_locked_until from authenticators where user_id = $1',
      [userId],
    );
    expect(locked.rows[0]?.otp_locked_until).not.toBeNull();
    // Even the right code fails now.
    const right = await b.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(token),
      body: { verificationCode: code },
    });
    expect(right.body.isVerified).toBe(false);
  });

  it('a revoked refresh token: none of 50 refreshes succeeds', async () => {
    const { refreshToken } = await poolUser();
    const revoke = await poolRequest(b.baseUrl, 'RevokeToken', { Token: refreshToken, ClientId: CLIENT_ID });
    expect(revoke.status).toBe(200);

    const answers = await race((instance, i) =>
      // Both refresh paths: GetTokensFromRefreshToken and InitiateAuth REFRESH_TOKEN_AUTH.
      i % 4 < 2
        ? poolRequest(instance.baseUrl, 'GetTokensFromRefreshToken', {
            RefreshToken: refreshToken,
            ClientId: CLIENT_ID,
          })
        : poolRequest(instance.baseUrl, 'InitiateAuth', {
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: CLIENT_ID,
            AuthParameters: { REFRESH_TOKEN: refreshToken },
          }),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(0);
    expect(
      answers.every((r) => r.status === 400 && String(r.body.__type).includes('NotAuthorizedException')),
    ).toBe(true);
  });

  it('a one-use (rotated) refresh token: exactly one of 50 refreshes succeeds', async () => {
    const { refreshToken } = await poolUser();
    const answers = await race((instance) =>
      poolRequest(instance.baseUrl, 'GetTokensFromRefreshToken', {
        RefreshToken: refreshToken,
        ClientId: CLIENT_ID,
      }),
    );
    const succeeded = answers.filter((r) => r.status === 200);
    expect(succeeded).toHaveLength(1);
    const next = (succeeded[0]?.body.AuthenticationResult as { RefreshToken?: string } | undefined)
      ?.RefreshToken;
    expect(next).toBeTypeOf('string');
    expect(next).not.toBe(refreshToken);
    expect(answers.filter((r) => r.status === 400)).toHaveLength(RACERS - 1);
  });

  it('one auth session answered 50 times: exactly one round yields tokens', async () => {
    const { initiate } = await poolUser();
    const round = await initiate();
    const answers = await race((instance) =>
      poolRequest(instance.baseUrl, 'RespondToAuthChallenge', {
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: round.session,
        ChallengeResponses: { USERNAME: round.username, ANSWER: round.answer },
      }),
    );
    const withTokens = answers.filter((r) => r.status === 200 && r.body.AuthenticationResult !== undefined);
    expect(withTokens).toHaveLength(1);
    expect(answers.filter((r) => r.status === 400)).toHaveLength(RACERS - 1);
  });

  it('one auth session answered wrongly 50 times: the session admits exactly one round', async () => {
    // A wrong answer is checked by no other single-use rule, so only the session guards it.
    const { initiate } = await poolUser();
    const round = await initiate();
    const answers = await race((instance) =>
      poolRequest(instance.baseUrl, 'RespondToAuthChallenge', {
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: round.session,
        ChallengeResponses: { USERNAME: round.username, ANSWER: 'wrong' },
      }),
    );
    const replayed = (r: { body: Record<string, unknown> }) =>
      r.body.message === 'Invalid session for the user.';
    expect(answers.filter(replayed)).toHaveLength(RACERS - 1);
    expect(answers.filter((r) => !replayed(r))).toHaveLength(1);
  });
});
