import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, type ConfigInput, configSchema } from '../../src/config/schema.js';
import type { Clock, Mailer } from '../../src/core/ports.js';
import { createLatchkeyServer, type LatchkeyServer } from '../../src/server.js';
import { createTestDatabase, usePostgres } from './postgres.js';

export const TEST_ORIGIN = 'http://localhost:4000';

/** A parsed JSON response body; tests read it field by field and assert on every field they use. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export type JsonBody = any;

export interface TestServer {
  server: LatchkeyServer;
  config: Config;
  /** `http://localhost:<port>` */
  baseUrl: string;
  /** Client or server API call with JSON in and out. */
  api(
    method: string,
    path: string,
    options?: { body?: unknown; auth?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: JsonBody; headers: Headers }>;
  tenantAuth: string;
  secretAuth: string;
  /** The newest code mailed to `email` (dev mailbox). */
  latestCode(email: string): string;
  close(): Promise<void>;
}

/** What the flow helpers need from a server: its HTTP API, keys and mail (an in-process or a spawned one). */
export type ApiTarget = Omit<TestServer, 'server' | 'close'>;

/** A port free right now on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function testConfig(overrides: Partial<ConfigInput> = {}): Config {
  return configSchema.parse({
    host: '127.0.0.1',
    port: 0,
    tenant: {
      id: `tenant-${randomBytes(4).toString('hex')}`,
      secretKey: randomBytes(32).toString('base64url'),
    },
    serverSecret: randomBytes(32).toString('base64url'),
    relyingParty: { id: 'localhost', name: 'Latchkey Test', origins: [TEST_ORIGIN] },
    // Tests send many codes from one IP; the limits have their own tests.
    otp: { resendIntervalSeconds: 0, sendsPerHour: 1000 },
    rateLimits: {
      challengesPerMinutePerIp: 10_000,
      passkeyVerificationsPerMinutePerIp: 10_000,
      otpVerificationsPerHourPerIp: 10_000,
      signUpsPerHourPerIp: 10_000,
      signInStartsPerMinutePerIp: 10_000,
    },
    ...overrides,
  });
}

/** `Basic base64(user:)`, as the SDKs send the tenant id or the secret key. */
export function basicAuth(user: string): string {
  return `Basic ${Buffer.from(`${user}:`).toString('base64')}`;
}

/** A JSON-in, JSON-out HTTP call against `baseUrl` (see {@link TestServer.api}). */
export function jsonApi(baseUrl: string): TestServer['api'] {
  return async (method, path, { body, auth, headers } = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(auth ? { authorization: auth } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
      headers: response.headers,
    };
  };
}

/**
 * Starts a real server listening on a free loopback port: SQLite in a temp
 * dir, or, in the `postgres` vitest project, a fresh PostgreSQL database.
 */
export async function startTestServer(
  options: {
    config?: Config;
    clock?: Clock;
    mailer?: Mailer;
    logStream?: { write(line: string): void };
  } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
  const database = usePostgres() ? await createTestDatabase('server') : undefined;
  // Bind a known free port so baseUrl (and the user pool's issuer) name the real address.
  const port = await freePort();
  const base = options.config ?? testConfig();
  const config = {
    ...base,
    port,
    baseUrl: `http://localhost:${port}`,
    ...(database ? { database: { ...base.database, url: database.url } } : {}),
  };
  let server: LatchkeyServer;
  try {
    server = await createLatchkeyServer({
      config: { ...config, dataDir: dir },
      mode: 'dev',
      cwd: dir,
      devMailLog: () => {},
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.mailer ? { mailer: options.mailer } : {}),
      ...(options.logStream ? { logger: { stream: options.logStream } } : {}),
    });
  } catch (error) {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const baseUrl = await server.listen();
  return {
    server,
    config,
    baseUrl,
    tenantAuth: basicAuth(config.tenant.id),
    secretAuth: basicAuth(config.tenant.secretKey),
    api: jsonApi(baseUrl),
    latestCode(email) {
      const message = server.devMailbox?.list(email)[0];
      const code = message?.text.match(/\b(\d{6})\b/)?.[1];
      if (!code) throw new Error(`no code mailed to ${email}`);
      return code;
    },
    async close() {
      try {
        await server.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await database?.drop();
      }
    },
  };
}
