import { randomBytes } from 'node:crypto';
import {
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Config } from '../../src/config/schema.js';
import { enrollEmailOtp } from './flows.js';
import type { TestServer } from './server.js';
import { testConfig } from './server.js';

export const POOL_ID = 'us-east-1_LatchkeyT1';
export const CLIENT_ID = 'testclient0001';
export const ADMIN_KEY = {
  accessKeyId: 'LKTESTADMINKEY0001',
  secretAccessKey: randomBytes(30).toString('base64url'),
};

/** Test config with a user pool wired to the built-in triggers. */
export function poolTestConfig(overrides: Parameters<typeof testConfig>[0] = {}): Config {
  return testConfig({
    userPool: {
      id: POOL_ID,
      clients: [{ id: CLIENT_ID, name: 'test' }],
      triggers: {
        preSignUp: 'builtin',
        defineAuthChallenge: 'builtin',
        createAuthChallenge: 'builtin',
        verifyAuthChallengeResponse: 'builtin',
      },
      adminKeys: [ADMIN_KEY],
    },
    ...overrides,
  });
}

/** The real AWS SDK client pointed at the test server. */
export function sdkClient(t: TestServer, credentials = ADMIN_KEY): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: t.baseUrl,
    credentials,
    maxAttempts: 1,
  });
}

/** A raw AWS JSON 1.1 call (no signature), as a browser or a hostile client sends one. */
export async function poolCall(
  t: TestServer,
  operation: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${t.baseUrl}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** SignUp, then InitiateAuth(CUSTOM_AUTH), through the AWS SDK: a new user's first round. */
export async function sdkSignUpAndStart(
  t: TestServer,
  email: string,
): Promise<{ client: CognitoIdentityProviderClient; start: InitiateAuthCommandOutput }> {
  const client = sdkClient(t);
  await client.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: email, Password: 'Throwaway-123!' }));
  const start = await client.send(
    new InitiateAuthCommand({
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: email },
    }),
  );
  return { client, start };
}

/** A new user's first sign-in through the AWS SDK, answered with an email code: the tokens. */
export async function sdkSignUpAndSignIn(
  t: TestServer,
  email: string,
): Promise<{ client: CognitoIdentityProviderClient; tokens: AuthenticationResultType }> {
  const { client, start } = await sdkSignUpAndStart(t, email);
  const result = await enrollEmailOtp(t, start.ChallengeParameters?.token as string, email);
  const done = await client.send(
    new RespondToAuthChallengeCommand({
      ClientId: CLIENT_ID,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: start.Session,
      ChallengeResponses: { USERNAME: start.ChallengeParameters?.USERNAME as string, ANSWER: result },
    }),
  );
  return { client, tokens: done.AuthenticationResult ?? {} };
}
