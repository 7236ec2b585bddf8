/**
 * Two real `latchkey serve` processes on one PostgreSQL database, as behind a
 * load balancer without sticky sessions: whatever one instance issues (a
 * WebAuthn challenge, a track or result token, a sealed auth session, a signed
 * JWT) the other accepts. Also key rotation across instances and the drain
 * on SIGTERM.
 */

import { connect } from 'node:net';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchUserAttributes, signIn, signOut, signUp } from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSdk, trackUser } from '../support/flows.js';
import { CLIENT_ID, POOL_ID } from '../support/pool.js';
import { jsonApi, TEST_ORIGIN } from '../support/server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { type Deployment, type Instance, kidOf, poolRequest, startDeployment } from './deployment.js';

let deployment: Deployment;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  deployment = await startDeployment('handoff');
  [a, b] = deployment.instances as [Instance, Instance];
}, 120_000);

afterAll(async () => {
  await signOut().catch(() => undefined);
  await deployment?.close();
});

let seq = 0;
const newEmail = () => `multi-${++seq}-${Date.now()}@example.com`;
const bearer = (token: string) => `Bearer ${token}`;

/** Email OTP: the code is sent by `sender` and checked by `checker`; returns the result token. */
async function emailOtp(sender: Instance, checker: Instance, token: string, email: string): Promise<string> {
  const enroll = await sender.api('POST', '/v1/client/user-authenticators/email-otp', {
    auth: bearer(token),
    body: { email },
  });
  expect(enroll.status).toBe(200);
  const verify = await checker.api('POST', '/v1/client/verify/email-otp', {
    auth: bearer(token),
    body: { verificationCode: deployment.latestCode(email) },
  });
  expect(verify.status).toBe(200);
  expect(verify.body.isVerified).toBe(true);
  return verify.body.accessToken as string;
}

/** Sign-up and sign-in through the user pool with raw calls, each round on the given instance. */
async function signUpAndIn(email: string, rounds: { initiate: Instance; respond: Instance }) {
  const up = await poolRequest(rounds.initiate.baseUrl, 'SignUp', {
    ClientId: CLIENT_ID,
    Username: email,
    Password: 'Throwaway-123!',
    UserAttributes: [{ Name: 'email', Value: email }],
  });
  expect(up.status).toBe(200);
  const started = await poolRequest(rounds.initiate.baseUrl, 'InitiateAuth', {
    AuthFlow: 'CUSTOM_AUTH',
    ClientId: CLIENT_ID,
    AuthParameters: { USERNAME: email },
  });
  expect(started.status).toBe(200);
  const parameters = started.body.ChallengeParameters as Record<string, string>;
  const resultToken = await emailOtp(rounds.respond, rounds.initiate, parameters.token as string, email);
  const done = await poolRequest(rounds.respond.baseUrl, 'RespondToAuthChallenge', {
    ClientId: CLIENT_ID,
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: started.body.Session,
    ChallengeResponses: { USERNAME: parameters.USERNAME, ANSWER: resultToken },
  });
  expect(done.status).toBe(200);
  return done.body.AuthenticationResult as { AccessToken: string; IdToken: string; RefreshToken: string };
}

describe('two instances on one PostgreSQL database', () => {
  it('a passkey is registered and used with every challenge issued by one instance and verified by the other', async () => {
    const userId = `user-${Date.now()}`;
    const email = newEmail();
    const { token } = await trackUser(a, userId, email);
    const resultToken = await emailOtp(a, b, token, email);

    // Registration: options (and challenge) from B, credential verified by A.
    const authenticator = new SoftAuthenticator({ backupEligible: false, backupState: false });
    const creation = await b.api('POST', '/v1/client/user-authenticators/passkey/registration-options', {
      auth: bearer(resultToken),
      body: {},
    });
    expect(creation.status).toBe(200);
    const credential = await authenticator.createCredential(creation.body.options, { origin: TEST_ORIGIN });
    const registered = await a.api('POST', '/v1/client/user-authenticators/passkey', {
      auth: bearer(resultToken),
      body: { challengeId: creation.body.challengeId, registrationCredential: credential },
    });
    expect(registered.body.isVerified).toBe(true);

    // Usernameless sign-in: challenge and options from A, assertion verified by B.
    const challenge = await a.api('POST', '/v1/client/challenge', {
      auth: a.tenantAuth,
      body: { action: 'signIn' },
    });
    expect(challenge.status).toBe(200);
    const options = await a.api('POST', '/v1/client/user-authenticators/passkey/authentication-options', {
      auth: a.tenantAuth,
      body: { challengeId: challenge.body.challengeId },
    });
    expect(options.status).toBe(200);
    const assertion = await authenticator.getAssertion(options.body.options, { origin: TEST_ORIGIN });
    const verified = await b.api('POST', '/v1/client/verify/passkey', {
      auth: b.tenantAuth,
      body: { challengeId: options.body.challengeId, authenticationCredential: assertion },
    });
    expect(verified.status).toBe(200);
    expect(verified.body.isVerified).toBe(true);
    expect(verified.body.userId).toBe(userId);

    // B's result token validates once, on A; then on neither.
    const signInResult = verified.body.accessToken as string;
    const first = await nodeSdk(a).validateChallenge({ token: signInResult, userId, action: 'signIn' });
    expect(first.isValid).toBe(true);
    const again = await nodeSdk(b).validateChallenge({ token: signInResult, userId, action: 'signIn' });
    expect(again.isValid).toBe(false);

    // The spent challenge is refused by A too.
    const replay = await a.api('POST', '/v1/client/verify/passkey', {
      auth: a.tenantAuth,
      body: { challengeId: options.body.challengeId, authenticationCredential: assertion },
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_challenge');
  });

  it('Amplify signs up and in through a load balancer that alternates instances between rounds', async () => {
    const storage = new Map<string, string>();
    Amplify.configure({
      Auth: {
        Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: deployment.proxy.url },
      },
    });
    cognitoUserPoolsTokenProvider.setKeyValueStorage({
      setItem: async (key, value) => void storage.set(key, value),
      getItem: async (key) => storage.get(key) ?? null,
      removeItem: async (key) => void storage.delete(key),
      clear: async () => storage.clear(),
    });
    const lb = jsonApi(deployment.proxy.url);
    const first = deployment.proxy.log.length;

    const email = newEmail();
    const up = await signUp({
      username: email,
      password: `Aa1!${crypto.randomUUID()}`,
      options: { userAttributes: { email } },
    });
    expect(up.isSignUpComplete).toBe(true);
    const started = await signIn({ username: email, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    expect(started.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    const info = (started.nextStep as { additionalInfo?: Record<string, string> }).additionalInfo ?? {};
    // The app's own auth-API calls go through the load balancer too.
    const enroll = await lb('POST', '/v1/client/user-authenticators/email-otp', {
      auth: bearer(info.token as string),
      body: { email },
    });
    expect(enroll.status).toBe(200);
    const verify = await lb('POST', '/v1/client/verify/email-otp', {
      auth: bearer(info.token as string),
      body: { verificationCode: deployment.latestCode(email) },
    });
    expect(verify.body.isVerified).toBe(true);
    const done = await confirmSignIn({ challengeResponse: verify.body.accessToken as string });
    expect(done.isSignedIn).toBe(true);
    expect((await fetchUserAttributes()).email).toBe(email);

    const served = deployment.proxy.log.slice(first);
    const round = (operation: string) => served.find((r) => r.operation === operation)?.target;
    expect(round('InitiateAuth')).toBeDefined();
    expect(round('RespondToAuthChallenge')).toBeDefined();
    expect(round('InitiateAuth')).not.toBe(round('RespondToAuthChallenge'));
    const enrollAt = served.find(
      (r) => r.path.endsWith('/email-otp') && r.path.includes('user-authenticators'),
    );
    const verifyAt = served.find((r) => r.path.endsWith('/verify/email-otp'));
    expect(enrollAt?.target).not.toBe(verifyAt?.target);
    expect(new Set(served.map((r) => r.target))).toEqual(new Set([a.baseUrl, b.baseUrl]));
    expect(served.every((r) => r.status < 500)).toBe(true);
    await signOut();
  });

  it('after `latchkey rotate-keys`, tokens signed with the new keys verify on an instance that never loaded them', async () => {
    const before = await signUpAndIn(newEmail(), { initiate: a, respond: a });
    const oldKid = kidOf(before.AccessToken);

    const rotated = await deployment.runCli(['rotate-keys']);
    expect(rotated.code, rotated.output).toBe(0);
    const [newIdKid, newAccessKid] = rotated.output.match(/New signing keys: (\S+), (\S+)/)?.slice(1) ?? [];
    expect(newAccessKid).toMatch(/^access-/);
    expect(newAccessKid).not.toBe(oldKid);

    // A rolling restart of A: a graceful stop, then A loads the new keys at start.
    expect(await a.stop('SIGTERM')).toBe(0);
    a = await deployment.startInstance('A', a.port);
    const after = await signUpAndIn(newEmail(), { initiate: a, respond: a });
    expect(kidOf(after.AccessToken)).toBe(newAccessKid);
    expect(kidOf(after.IdToken)).toBe(newIdKid);

    // B still holds only the old keys in memory: an unknown kid makes it reload.
    const onB = await poolRequest(b.baseUrl, 'GetUser', { AccessToken: after.AccessToken });
    expect(onB.status).toBe(200);
    const jwks = (await b.api('GET', `/${POOL_ID}/.well-known/jwks.json`)).body as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([newAccessKid, newIdKid, oldKid]));
    // Tokens signed before the rotation keep verifying during the overlap, on both.
    expect((await poolRequest(a.baseUrl, 'GetUser', { AccessToken: before.AccessToken })).status).toBe(200);
    expect((await poolRequest(b.baseUrl, 'GetUser', { AccessToken: before.AccessToken })).status).toBe(200);
    // And B signs with the newest key once it has reloaded (it did, for the unknown kid).
    const onBAfter = await signUpAndIn(newEmail(), { initiate: b, respond: b });
    expect(kidOf(onBAfter.AccessToken)).toBe(newAccessKid);
  });

  it('SIGTERM lets an in-flight request finish, refuses new connections, and exits 0', async () => {
    const email = newEmail();
    const { token } = await trackUser(b, `drain-${Date.now()}`, email);
    const release = deployment.smtp.hold();
    const sent = deployment.smtp.messages.length;
    // The code's email is on its way to a slow mail server when B is told to stop.
    const inFlight = b.api('POST', '/v1/client/user-authenticators/email-otp', {
      auth: bearer(token),
      body: { email },
    });
    try {
      for (let i = 0; i < 300 && deployment.smtp.messages.length === sent; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(deployment.smtp.messages.length).toBe(sent + 1);
      b.child.kill('SIGTERM');
      await expect.poll(() => refusesConnections(b.port), { timeout: 15_000 }).toBe(true);
      expect(b.child.exitCode).toBeNull();
    } finally {
      release();
    }
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await b.exited).toBe(0);
    expect(b.output()).toContain('SIGTERM: shutting down');
  });
});

/** True when a new TCP connection to the port is refused. */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
