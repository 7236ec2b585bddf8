/**
 * Latchkey under load: starts `latchkey serve` processes (pinned to CPUs) with a
 * bench config, creates users over the real API, and runs the measured flows.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SoftPasskey } from './authenticator.js';
import { HttpClient, HttpError } from './http.js';
import { pinned } from './proc.js';
import type { SmtpSink } from './smtp-sink.js';

export const REPO = join(import.meta.dirname, '..', '..');
export const POOL_ID = 'us-east-1_LatchkeyBench';
export const CLIENT_ID = 'benchclient';
const NO_LIMIT = 1_000_000_000;

export interface BenchConfig {
  tenantId: string;
  secretKey: string;
  serverSecret: string;
  dataDir: string;
}

export function benchConfig(dataDir: string): BenchConfig {
  return {
    tenantId: 'bench-tenant',
    secretKey: randomBytes(32).toString('base64url'),
    serverSecret: randomBytes(32).toString('base64url'),
    dataDir,
  };
}

/** How the server runs: `tsx` is the shipped `bin/latchkey.js`; `bundle` is one esbuild file. */
export type ServerMode = 'tsx' | 'bundle';

/**
 * Bundles `src/cli.ts` (with the workspace packages it imports) into one ESM file with
 * esbuild, npm dependencies left external: a production-like start without tsx's loader.
 * The file goes under packages/server/node_modules/.cache so its imports resolve exactly
 * as the server's do (and never to the peers' copies under bench/node_modules).
 */
export async function bundleServer(): Promise<string> {
  const { build } = await import('esbuild');
  const server = join(REPO, 'packages', 'server');
  const manifest = JSON.parse(readFileSync(join(server, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const external = Object.keys(manifest.dependencies).filter((name) => !name.startsWith('@latchkey/'));
  const outfile = join(server, 'node_modules', '.cache', 'latchkey-bench', 'latchkey.mjs');
  await build({
    entryPoints: [join(server, 'src', 'cli.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    external: [...external, ...external.map((name) => `${name}/*`)],
    logLevel: 'error',
  });
  return outfile;
}

export interface ServerProcess {
  pid: number;
  baseUrl: string;
  stop(): Promise<void>;
}

/** Writes the config and starts `latchkey serve` on `port`, pinned to `cpus`. */
export async function startLatchkey(options: {
  config: BenchConfig;
  port: number;
  /** The origin every instance accepts (instances of one deployment share it). */
  origin: string;
  smtpPort: number;
  cpus?: string;
  mode: ServerMode;
  bundlePath?: string;
  name: string;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}): Promise<ServerProcess> {
  const { config, port } = options;
  const dir = join(config.dataDir, options.name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latchkey.config.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        baseUrl: options.origin,
        host: '127.0.0.1',
        port,
        dataDir: config.dataDir,
        database: { url: join(config.dataDir, 'latchkey.db') },
        tenant: { id: config.tenantId, secretKey: config.secretKey },
        serverSecret: config.serverSecret,
        relyingParty: { id: 'localhost', name: 'Latchkey Bench', origins: [options.origin] },
        mail: { from: 'Bench <bench@localhost>', smtpUrl: `smtp://127.0.0.1:${options.smtpPort}` },
        // One loopback client stands for many users: the limits are raised, not removed (each
        // check is still a store write), and X-Forwarded-For gives each virtual user its own IP.
        otp: { resendIntervalSeconds: 0, sendsPerHour: 1000 },
        rateLimits: {
          challengesPerMinutePerIp: NO_LIMIT,
          passkeyVerificationsPerMinutePerIp: NO_LIMIT,
          otpVerificationsPerHourPerIp: NO_LIMIT,
          signUpsPerHourPerIp: NO_LIMIT,
          signInStartsPerMinutePerIp: NO_LIMIT,
        },
        http: { trustProxy: true },
        userPool: {
          id: POOL_ID,
          clients: [{ id: CLIENT_ID, name: 'bench' }],
          triggers: {
            preSignUp: 'builtin',
            defineAuthChallenge: 'builtin',
            createAuthChallenge: 'builtin',
            verifyAuthChallengeResponse: 'builtin',
          },
        },
      },
      null,
      2,
    ),
  );
  const entry =
    options.mode === 'bundle'
      ? (options.bundlePath ?? '')
      : join(REPO, 'packages', 'server', 'bin', 'latchkey.js');
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  const nodeArgs = [
    ...(options.nodeArgs ?? []),
    ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  const [command, ...args] = pinned(options.cpus, [process.execPath, ...nodeArgs, entry, 'serve']);
  // Request logs (pino, as `serve` ships) go to a file, as they would to a log collector.
  const log = openSync(join(dir, 'server.log'), 'a');
  const child: ChildProcess = spawn(command as string, args, {
    cwd: dir,
    env: { ...process.env, LATCHKEY_CONFIG: file, NODE_ENV: 'production' },
    stdio: ['ignore', log, log],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForHealth(baseUrl, child, join(dir, 'server.log'));
  return {
    pid: child.pid as number,
    baseUrl,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitForHealth(baseUrl: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`latchkey exited with ${child.exitCode}; see ${log}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`latchkey did not become healthy; see ${log}`);
}

export interface LatchkeyUser {
  email: string;
  /** The virtual user's client IP (a benchmarking-range address, RFC 2544), sent as X-Forwarded-For. */
  ip: string;
  passkey: SoftPasskey;
  refreshToken: string;
}

interface PoolAnswer {
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  AuthenticationResult?: { AccessToken?: string; IdToken?: string; RefreshToken?: string };
}

/** The client side of every flow; requests go round-robin over the instances (no sticky sessions). */
export class LatchkeyFlows {
  readonly #clients: HttpClient[];
  #next = 0;
  readonly #tenant: string;

  constructor(
    baseUrls: string[],
    readonly origin: string,
    tenantId: string,
    readonly sink: SmtpSink,
    maxSockets = 256,
  ) {
    this.#clients = baseUrls.map((url) => new HttpClient(url, maxSockets));
    this.#tenant = `Basic ${Buffer.from(`${tenantId}:`).toString('base64')}`;
  }

  #client(): HttpClient {
    const client = this.#clients[this.#next] as HttpClient;
    this.#next = (this.#next + 1) % this.#clients.length;
    return client;
  }

  #api<T>(what: string, path: string, body: unknown, user: { ip: string }, auth: string): Promise<T> {
    return this.#client().json<T>(what, path, body, { authorization: auth, 'x-forwarded-for': user.ip });
  }

  async #pool(operation: string, body: unknown, user: { ip: string }): Promise<PoolAnswer> {
    const res = await this.#client().send('POST', '/', JSON.stringify(body), {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      'x-forwarded-for': user.ip,
    });
    if (res.status !== 200) throw new HttpError(operation, res.status, res.text);
    return JSON.parse(res.text) as PoolAnswer;
  }

  /** Sign-up, email-OTP enrolment, a passkey, and a first sign-in for its refresh token. */
  async createUser(index: number, runId: string): Promise<LatchkeyUser> {
    const email = `user${index}-${runId}@bench.example`;
    const ip = `198.18.${(index >> 8) & 0xff}.${index & 0xff}`;
    const passkey = new SoftPasskey(this.origin);
    const user = { email, ip, passkey, refreshToken: '' };
    await this.#pool(
      'SignUp',
      {
        ClientId: CLIENT_ID,
        Username: email,
        Password: randomBytes(12).toString('base64url'),
        UserAttributes: [{ Name: 'email', Value: email }],
      },
      user,
    );
    const init = await this.#initiate(user, email);
    const track = init.ChallengeParameters?.token as string;
    const bearer = `Bearer ${track}`;
    await this.#api('enroll', '/v1/client/user-authenticators/email-otp', { email }, user, bearer);
    const code = await this.sink.nextCode(email);
    const verified = await this.#api<{ accessToken: string }>(
      'verify email',
      '/v1/client/verify/email-otp',
      { verificationCode: code },
      user,
      bearer,
    );
    const result = `Bearer ${verified.accessToken}`;
    const options = await this.#api<{ challengeId: string; options: Parameters<SoftPasskey['create']>[0] }>(
      'registration options',
      '/v1/client/user-authenticators/passkey/registration-options',
      {},
      user,
      result,
    );
    const added = await this.#api<{ isVerified: boolean; failureReason?: string }>(
      'add passkey',
      '/v1/client/user-authenticators/passkey',
      { challengeId: options.challengeId, registrationCredential: passkey.create(options.options) },
      user,
      result,
    );
    if (!added.isVerified) throw new Error(`passkey registration refused: ${added.failureReason}`);
    const tokens = await this.#respond(user, init, verified.accessToken);
    user.refreshToken = tokens.RefreshToken as string;
    return user;
  }

  #initiate(user: { ip: string }, username: string): Promise<PoolAnswer> {
    return this.#pool(
      'InitiateAuth',
      { AuthFlow: 'CUSTOM_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: username } },
      user,
    );
  }

  async #respond(user: { ip: string }, init: PoolAnswer, answer: string) {
    const answered = await this.#pool(
      'RespondToAuthChallenge',
      {
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: init.Session,
        ChallengeResponses: { USERNAME: init.ChallengeParameters?.USERNAME, ANSWER: answer },
      },
      user,
    );
    const tokens = answered.AuthenticationResult;
    if (!tokens?.AccessToken || !tokens.IdToken) throw new Error('RespondToAuthChallenge issued no tokens');
    return tokens;
  }

  /** Usernameless passkey ceremony: challenge → options → verify; returns username and result token. */
  async passkeyStep(user: LatchkeyUser): Promise<{ username: string; token: string }> {
    const { challengeId } = await this.#api<{ challengeId: string }>(
      'challenge',
      '/v1/client/challenge',
      { action: 'cognitoAuth' },
      user,
      this.#tenant,
    );
    const { options } = await this.#api<{ options: { challenge: string; rpId?: string } }>(
      'authentication options',
      '/v1/client/user-authenticators/passkey/authentication-options',
      { challengeId },
      user,
      this.#tenant,
    );
    const verified = await this.#api<{
      isVerified: boolean;
      failureReason?: string;
      username: string;
      accessToken: string;
    }>(
      'verify passkey',
      '/v1/client/verify/passkey',
      { challengeId, authenticationCredential: user.passkey.get(options) },
      user,
      this.#tenant,
    );
    if (!verified.isVerified) throw new Error(`passkey refused: ${verified.failureReason}`);
    return { username: verified.username, token: verified.accessToken };
  }

  /** The full passkey sign-in: the ceremony, then InitiateAuth + RespondToAuthChallenge → tokens. */
  async passkeySignIn(user: LatchkeyUser): Promise<void> {
    const { username, token } = await this.passkeyStep(user);
    const init = await this.#initiate(user, username);
    await this.#respond(user, init, token);
  }

  /** Email-OTP sign-in: InitiateAuth → code mailed → verify → RespondToAuthChallenge → tokens. */
  async emailOtpSignIn(user: LatchkeyUser): Promise<void> {
    const init = await this.#initiate(user, user.email);
    const bearer = `Bearer ${init.ChallengeParameters?.token}`;
    await this.#api('challenge email', '/v1/client/challenge/email-otp', {}, user, bearer);
    const code = await this.sink.nextCode(user.email);
    const verified = await this.#api<{ isVerified: boolean; accessToken: string }>(
      'verify email',
      '/v1/client/verify/email-otp',
      { verificationCode: code },
      user,
      bearer,
    );
    if (!verified.isVerified) throw new Error('email code refused');
    await this.#respond(user, init, verified.accessToken);
  }

  /** `GET /health`: an empty request through the same server, the per-request floor. */
  async health(user: { ip: string }): Promise<void> {
    const res = await this.#client().send('GET', '/health', undefined, { 'x-forwarded-for': user.ip });
    if (res.status !== 200) throw new HttpError('health', res.status, res.text);
  }

  /** Refresh-token sign-in: InitiateAuth(REFRESH_TOKEN_AUTH) → new ID and access tokens. */
  async refresh(user: LatchkeyUser): Promise<void> {
    const answer = await this.#pool(
      'InitiateAuth',
      {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { REFRESH_TOKEN: user.refreshToken },
      },
      user,
    );
    if (!answer.AuthenticationResult?.AccessToken) throw new Error('refresh issued no tokens');
  }

  close(): void {
    for (const client of this.#clients) client.close();
  }
}
