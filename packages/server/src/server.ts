import { isAbsolute, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveOrigins } from './config/relying-party.js';
import type { Config } from './config/schema.js';
import type { CoreContext, CorePolicy } from './core/context.js';
import { ConfigError } from './core/errors.js';
import { deriveKey } from './core/keys.js';
import { type Clock, type Mailer, type PoolStore, type Store, systemClock } from './core/ports.js';
import { TokenService } from './core/tokens.js';
import { createApp } from './http/app.js';
import { injectFetch } from './http/inject-fetch.js';
import { DevMailbox } from './mail/dev-mailbox.js';
import { createSmtpMailer } from './mail/smtp-mailer.js';
import { createPostgresStore, createSqliteStore, isPostgresUrl } from './store/index.js';
import { type Pruning, schedulePruning } from './store/pruning.js';
import type { PoolContext } from './user-pool/context.js';
import { createPoolContext } from './user-pool/setup.js';

/** A store backing both the auth service and the user pool. */
export type LatchkeyStore = Store & PoolStore;

export type ServerMode = 'dev' | 'production';

export interface LatchkeyServerOptions {
  config: Config;
  mode: ServerMode;
  /** Overrides the store chosen from `config.database` (tests). */
  store?: LatchkeyStore;
  /** Overrides the mailer chosen from `config.mail` (tests). */
  mailer?: Mailer;
  clock?: Clock;
  /** Request logs as JSON lines: `true` writes them to stdout (what `serve` does), a stream writes them there. */
  logger?: boolean | { stream: { write(line: string): void } };
  /** Where the dev mailbox prints messages (console by default). */
  devMailLog?: (text: string) => void;
  /** Where relative paths such as `dataDir` resolve from. */
  cwd?: string;
}

export interface LatchkeyServer {
  app: FastifyInstance;
  ctx: CoreContext;
  store: LatchkeyStore;
  /** The user pool, when configured. */
  pool: PoolContext | undefined;
  devMailbox: DevMailbox | undefined;
  /** Starts listening; resolves to the bound URL (useful with port 0). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function policyFromConfig(config: Config): CorePolicy {
  return {
    tenantId: config.tenant.id,
    appName: config.relyingParty.name,
    rp: {
      id: config.relyingParty.id,
      name: config.relyingParty.name,
      origins: resolveOrigins(config),
      userVerification: config.relyingParty.userVerification,
      timeoutMs: config.relyingParty.timeoutMs,
    },
    trackTokenTtlSeconds: config.tokens.trackTokenTtlSeconds,
    resultTokenTtlSeconds: config.tokens.resultTokenTtlSeconds,
    challengeTtlSeconds: config.challenges.ttlSeconds,
    otp: config.otp,
    rateLimits: config.rateLimits,
    passkeyFirst: config.policy.passkeyFirst,
    freshVerificationSeconds: config.policy.freshVerificationSeconds,
    notifications: config.policy.notifications,
  };
}

/** The store named by `database.url`: PostgreSQL for a `postgres://` URL, else a SQLite file. */
function openStore(config: Config, cwd: string): LatchkeyStore {
  const { url, poolMax, connectionTimeoutMs, idleTimeoutMs, statementTimeoutMs } = config.database;
  if (isPostgresUrl(url)) {
    return createPostgresStore({ url, poolMax, connectionTimeoutMs, idleTimeoutMs, statementTimeoutMs });
  }
  const file = url ?? join(config.dataDir, 'latchkey.db');
  return createSqliteStore({ filename: file === ':memory:' || isAbsolute(file) ? file : join(cwd, file) });
}

/**
 * Builds a Latchkey server from validated config: store (migrated), mailer,
 * token keys and the HTTP app. Nothing listens until `listen()`.
 */
export async function createLatchkeyServer(options: LatchkeyServerOptions): Promise<LatchkeyServer> {
  const { config, mode } = options;
  const cwd = options.cwd ?? process.cwd();
  const clock = options.clock ?? systemClock;
  let devMailbox: DevMailbox | undefined;
  let mailer = options.mailer;
  if (!mailer) {
    if (config.mail.smtpUrl) mailer = createSmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from });
    else if (mode === 'dev') {
      mailer = devMailbox = new DevMailbox(
        options.devMailLog ? { log: options.devMailLog, clock } : { clock },
      );
    } else throw new ConfigError('mail.smtpUrl: production needs a real mailer (set LATCHKEY_SMTP_URL).');
  }
  const store = options.store ?? openStore(config, cwd);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  const ctx: CoreContext = {
    store,
    mailer,
    clock,
    tokens: new TokenService({
      key: deriveKey(config.serverSecret, 'token-signing'),
      tenantId: config.tenant.id,
      clock,
    }),
    otpKey: deriveKey(config.serverSecret, 'otp-hashing'),
    policy: policyFromConfig(config),
  };
  let app: FastifyInstance | undefined;
  const pool = config.userPool
    ? await createPoolContext({
        config: config.userPool,
        baseUrl: config.baseUrl,
        appName: config.relyingParty.name,
        serverSecret: config.serverSecret,
        tenantSecretKey: config.tenant.secretKey,
        store,
        clock,
        mailer,
        fetch: injectFetch(() => {
          if (!app) throw new Error('the app is not ready');
          return app;
        }),
        cwd,
        rateLimit: (key, windows) => store.hitRateLimit(key, windows, clock.now()),
        signUpsPerHourPerIp: config.rateLimits.signUpsPerHourPerIp,
        signInStartsPerMinutePerIp: config.rateLimits.signInStartsPerMinutePerIp,
      })
    : undefined;
  app = createApp({
    config,
    ctx,
    origins: ctx.policy.rp.origins,
    ...(devMailbox ? { devMailbox } : {}),
    ...(pool ? { pool } : {}),
    logger: options.logger ?? false,
  });
  // While draining, answer in-flight requests with `Connection: close`, so kept-alive
  // connections (a load balancer's, a client's) end with their last response instead
  // of holding the shutdown open until their keep-alive timeout.
  let draining = false;
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  let pruning: Pruning | undefined;
  return {
    app,
    ctx,
    store,
    pool,
    devMailbox,
    async listen() {
      const address = await (app as FastifyInstance).listen({ host: config.host, port: config.port });
      pruning ??= schedulePruning({ store, clock, log: (app as FastifyInstance).log });
      return address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    },
    /** Stops accepting connections, waits for in-flight requests, then closes the mailer and the store. */
    async close() {
      draining = true;
      try {
        await (app as FastifyInstance).close();
      } finally {
        try {
          await pruning?.stop(); // never throws: a failed run is only logged
          await mailer.close?.();
        } finally {
          await store.close();
        }
      }
    },
  };
}
