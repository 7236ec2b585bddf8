/**
 * Peer: cognito-local's refresh-token sign-in (InitiateAuth REFRESH_TOKEN_AUTH) against
 * Latchkey's, one process on the server's CPU, run as shipped (its `start` bin).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HttpClient, HttpError } from '../lib/http.js';
import { closedLoop } from '../lib/load.js';
import { pinned } from '../lib/proc.js';
import type { Row } from '../lib/report.js';
import { type PeerRun, startPeer } from './better-auth.js';

export async function runCognitoLocal(run: PeerRun): Promise<Row> {
  mkdirSync(run.dir, { recursive: true });
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
  const server = await startPeer(
    pinned(run.cpus, [process.execPath, bin]),
    run.dir,
    { PORT: String(run.port), HOST: '127.0.0.1', NODE_ENV: 'production' },
    /Cognito Local running/,
    'cognito-local.log',
  );
  const client = new HttpClient(`http://127.0.0.1:${run.port}`, run.concurrency * 2);
  const call = async <T>(operation: string, body: unknown): Promise<T> => {
    const res = await client.send('POST', '/', JSON.stringify(body), {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/local/cognito-idp/aws4_request',
    });
    if (res.status !== 200) throw new HttpError(`cognito-local ${operation}`, res.status, res.text);
    return JSON.parse(res.text) as T;
  };
  try {
    const { UserPool } = await call<{ UserPool: { Id: string } }>('CreateUserPool', { PoolName: 'bench' });
    const { UserPoolClient } = await call<{ UserPoolClient: { ClientId: string } }>('CreateUserPoolClient', {
      UserPoolId: UserPool.Id,
      ClientName: 'bench',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    const users: { refreshToken: string }[] = [];
    for (let i = 0; i < run.users; i++) {
      const email = `cl${i}@bench.example`;
      const password = `Bench-password-${i}!`;
      await call('AdminCreateUser', {
        UserPoolId: UserPool.Id,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      });
      await call('AdminSetUserPassword', {
        UserPoolId: UserPool.Id,
        Username: email,
        Password: password,
        Permanent: true,
      });
      const auth = await call<{ AuthenticationResult: { RefreshToken: string } }>('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: UserPoolClient.ClientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      });
      users.push({ refreshToken: auth.AuthenticationResult.RefreshToken });
    }
    const refresh = async (user: { refreshToken: string }) => {
      const answer = await call<{ AuthenticationResult?: { AccessToken?: string } }>('InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: UserPoolClient.ClientId,
        AuthParameters: { REFRESH_TOKEN: user.refreshToken },
      });
      if (!answer.AuthenticationResult?.AccessToken) throw new Error('cognito-local: no tokens');
    };
    return await run.measure(
      'refresh-token sign-in',
      'cognito-local',
      [server.pid],
      { users, op: refresh },
      (o) => closedLoop(o, run.concurrency),
    );
  } finally {
    client.close();
    await server.stop();
  }
}
