/**
 * `latchkey serve`'s request log: one JSON line per request, written when it ends,
 * naming the Cognito operation, and never carrying bodies or credentials.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLIENT_ID, poolCall, poolTestConfig } from './support/pool.js';
import { basicAuth, startTestServer, type TestServer } from './support/server.js';

let t: TestServer;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  t = await startTestServer({
    config: poolTestConfig(),
    logStream: { write: (line) => void lines.push(JSON.parse(line)) },
  });
});
afterAll(() => t.close());

const completed = () => lines.filter((l) => l.msg === 'request completed');

it('logs one line per request with its method, URL, Cognito target, status and time', async () => {
  lines.length = 0;
  expect((await t.api('GET', '/health')).status).toBe(200);
  const email = 'log-probe@example.com';
  const answer = await poolCall(t, 'InitiateAuth', {
    AuthFlow: 'CUSTOM_AUTH',
    ClientId: CLIENT_ID,
    AuthParameters: { USERNAME: email },
  });
  expect(answer.status).toBe(200);
  expect((await t.api('GET', '/v1/users/nobody', { auth: basicAuth('wrong-secret') })).status).toBe(401);

  const health = completed().find((l) => l.url === '/health');
  expect(health).toMatchObject({ method: 'GET', statusCode: 200, level: 30 });
  expect(typeof health?.responseTime).toBe('number');
  expect(
    completed().find((l) => l.target === 'AWSCognitoIdentityProviderService.InitiateAuth'),
  ).toMatchObject({
    method: 'POST',
    url: '/',
  });
  expect(completed().find((l) => l.url === '/v1/users/nobody')).toMatchObject({ statusCode: 401 });
  // Fastify's own "incoming request" lines are off: each request is logged once.
  expect(lines.filter((l) => l.msg === 'incoming request')).toEqual([]);
  const requestIds = completed().map((l) => l.reqId);
  expect(new Set(requestIds).size).toBe(requestIds.length);
  // Neither the body (the email) nor the credentials reach the log.
  const text = JSON.stringify(lines);
  expect(text).not.toContain(email);
  expect(text).not.toContain(Buffer.from('wrong-secret:').toString('base64'));
});
