import { randomBytes } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Config } from '../../src/config/schema.js';
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
