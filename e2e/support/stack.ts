/**
 * A running Latchkey (the real server, in process, with SQLite and the dev
 * mailbox, as `latchkey dev` runs it) plus the page server whose origin it
 * trusts, and helpers that use the server API with the secret key.
 */
import { randomUUID } from 'node:crypto';
import { CLIENT_ID, POOL_ID, poolTestConfig } from '../../packages/server/test/support/pool.js';
import {
  type JsonBody,
  startTestServer,
  type TestServer,
} from '../../packages/server/test/support/server.js';
import { type PageServer, startPageServer } from './page-server.js';

export interface Stack {
  t: TestServer;
  pages: PageServer;
  /** What a page needs to talk to the server. */
  client: { tenantId: string; baseUrl: string };
  /** The same plus the user pool's ids, for Amplify. */
  pool: { tenantId: string; baseUrl: string; userPoolId: string; userPoolClientId: string };
  /** Moves the server's clock forward (tokens expire); `0` puts it back. */
  setClockOffset(ms: number): void;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const pages = await startPageServer();
  const config = poolTestConfig({
    relyingParty: { id: 'localhost', name: 'Latchkey e2e', origins: [pages.origin] },
  });
  let offset = 0;
  const t = await startTestServer({ config, clock: { now: () => new Date(Date.now() + offset) } });
  return {
    t,
    pages,
    client: { tenantId: config.tenant.id, baseUrl: t.baseUrl },
    pool: {
      tenantId: config.tenant.id,
      baseUrl: t.baseUrl,
      userPoolId: POOL_ID,
      userPoolClientId: CLIENT_ID,
    },
    setClockOffset(ms) {
      offset = ms;
    },
    async close() {
      await t.close();
      await pages.close();
    },
  };
}

let seq = 0;
/** A new user id and email address. */
export function newUser(prefix: string): { userId: string; email: string } {
  seq += 1;
  return {
    userId: `${prefix}-${seq}-${randomUUID().slice(0, 8)}`,
    email: `${prefix}-${seq}-${Date.now()}@example.com`,
  };
}

/** Server API `track` with the secret key; returns the track token. */
export async function track(
  t: TestServer,
  user: { userId: string; email: string },
  action = 'cognitoAuth',
  extra: Record<string, unknown> = {},
): Promise<string> {
  const response = await t.api('POST', `/v1/users/${encodeURIComponent(user.userId)}/actions/${action}`, {
    auth: t.secretAuth,
    body: { email: user.email, ...extra },
  });
  if (response.status !== 200 || typeof response.body?.token !== 'string') {
    throw new Error(`track failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.token as string;
}

/** Server API `/validate`. */
export async function validate(
  t: TestServer,
  token: string,
  userId: string,
  action = 'cognitoAuth',
): Promise<JsonBody> {
  const response = await t.api('POST', '/v1/validate', {
    auth: t.secretAuth,
    body: { token, userId, action },
  });
  return response.body;
}

/** The user's authenticators, from the server API. */
export async function authenticators(t: TestServer, userId: string): Promise<JsonBody[]> {
  const response = await t.api('GET', `/v1/users/${encodeURIComponent(userId)}/authenticators`, {
    auth: t.secretAuth,
  });
  return response.body as JsonBody[];
}
