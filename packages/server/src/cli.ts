/**
 * `latchkey dev`: local development server (SQLite, dev mailbox, generated keys).
 * `latchkey serve`: production server; refuses dev secrets and a missing mailer.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { ConfigError } from './core/errors.js';
import { createLatchkeyServer, type LatchkeyServer } from './server.js';
import { DatabaseUnavailableError, describePostgresUrl, isPostgresUrl } from './store/index.js';

/** Generated dev secrets carry this prefix so `serve` can recognise and refuse them. */
export const DEV_SECRET_PREFIX = 'lk_dev_';

interface DevSecrets {
  tenantId: string;
  secretKey: string;
  serverSecret: string;
  userPoolId: string;
  userPoolClientId: string;
  adminAccessKeyId: string;
  adminSecretAccessKey: string;
}

const USAGE = `Usage: latchkey <command>

Commands:
  dev     Run the development server: SQLite in ./.latchkey (PostgreSQL with
          DATABASE_URL=postgres://…), dev mailbox at /dev/mailbox,
          a dev user pool wired to the built-in triggers, keys generated on first start
          and kept; writes ./.latchkey/dev.json.
  serve   Run the production server from latchkey.config.json and the environment.
          Refuses dev secrets and requires mail.smtpUrl.
  rotate-keys [--dev]
          Create new user-pool signing keys. The old keys keep verifying (and stay in
          the JWKS) for userPool.keyRotationOverlapMinutes; every instance picks the
          new keys up within a minute.

Configuration: latchkey.config.json (or LATCHKEY_CONFIG), overridden by PORT, LATCHKEY_HOST,
DATABASE_URL, LATCHKEY_* variables and LATCHKEY__SECTION__FIELD=value.`;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomString(length: number, alphabet: string): string {
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

function generateDevSecrets(): DevSecrets {
  return {
    tenantId: `${DEV_SECRET_PREFIX}tenant_${randomBytes(6).toString('hex')}`,
    secretKey: `${DEV_SECRET_PREFIX}sk_${randomBytes(32).toString('base64url')}`,
    serverSecret: `${DEV_SECRET_PREFIX}ss_${randomBytes(32).toString('base64url')}`,
    userPoolId: `us-east-1_${randomString(9, ALNUM)}`,
    userPoolClientId: randomString(26, ALNUM.slice(26).toLowerCase()),
    adminAccessKeyId: `LKDEV${randomString(15, ALNUM.slice(0, 26) + ALNUM.slice(52))}`,
    adminSecretAccessKey: `${DEV_SECRET_PREFIX}${randomBytes(30).toString('base64url')}`,
  };
}

/** Dev keys and ids: generated on first start, kept, and completed when a newer version adds fields. */
function loadDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {};
  const secrets = { ...generateDevSecrets(), ...stored };
  if (Object.keys(stored).length !== Object.keys(secrets).length) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return secrets;
}

function devConfig(cwd: string): Config {
  const env = process.env;
  const dataDir = resolve(cwd, env.LATCHKEY_DATA_DIR ?? '.latchkey');
  const secrets = loadDevSecrets(dataDir);
  const port = Number(env.PORT ?? 4000);
  const baseUrl = `http://localhost:${port}`;
  return loadConfig({
    cwd,
    defaults: {
      baseUrl,
      dataDir,
      tenant: { id: secrets.tenantId, secretKey: secrets.secretKey },
      serverSecret: secrets.serverSecret,
      relyingParty: { origins: [baseUrl, 'http://localhost:8081', 'http://localhost:19006'] },
      userPool: {
        id: secrets.userPoolId,
        clients: [{ id: secrets.userPoolClientId, name: 'dev' }],
        triggers: {
          preSignUp: 'builtin',
          defineAuthChallenge: 'builtin',
          createAuthChallenge: 'builtin',
          verifyAuthChallengeResponse: 'builtin',
        },
        adminKeys: [{ accessKeyId: secrets.adminAccessKeyId, secretAccessKey: secrets.adminSecretAccessKey }],
      },
    },
  });
}

function checkProductionConfig(config: Config): void {
  const problems: string[] = [];
  if (config.tenant.secretKey.startsWith(DEV_SECRET_PREFIX))
    problems.push('tenant.secretKey is a dev secret');
  if (config.serverSecret.startsWith(DEV_SECRET_PREFIX)) problems.push('serverSecret is a dev secret');
  if (!config.mail.smtpUrl) problems.push('mail.smtpUrl is missing (production needs a real mailer)');
  for (const key of config.userPool?.adminKeys ?? []) {
    if (key.secretAccessKey.startsWith(DEV_SECRET_PREFIX))
      problems.push(`userPool.adminKeys: ${key.accessKeyId} has a dev secret`);
  }
  if (problems.length > 0)
    throw new ConfigError(`latchkey serve refuses to start:\n  - ${problems.join('\n  - ')}`);
}

function writeDevJson(config: Config): void {
  const pool = config.userPool;
  const adminKey = pool?.adminKeys[0];
  const devJson = {
    baseUrl: config.baseUrl,
    tenantId: config.tenant.id,
    secretKey: config.tenant.secretKey,
    rpId: config.relyingParty.id,
    ...(pool
      ? {
          region: pool.id.slice(0, pool.id.indexOf('_')),
          userPoolId: pool.id,
          userPoolClientId: pool.clients[0]?.id,
          userPoolEndpoint: config.baseUrl,
          ...(adminKey
            ? { adminAccessKeyId: adminKey.accessKeyId, adminSecretAccessKey: adminKey.secretAccessKey }
            : {}),
        }
      : {}),
  };
  writeFileSync(join(config.dataDir, 'dev.json'), `${JSON.stringify(devJson, null, 2)}\n`, { mode: 0o600 });
}

/** How long a signal waits for in-flight requests to finish before the process gives up on them. */
export const DRAIN_TIMEOUT_MS = 25_000;

/**
 * Graceful shutdown on SIGTERM / SIGINT: stop accepting connections, let
 * in-flight requests finish (Fastify's `close()` waits for them and answers
 * 503 to new requests on kept-alive connections), then close the mailer and
 * the store. A second signal, or {@link DRAIN_TIMEOUT_MS}, exits at once.
 */
function shutdownOn(server: LatchkeyServer): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) {
      console.error(`${signal} again: exiting without waiting for requests.`);
      process.exit(1);
    }
    closing = true;
    console.log(`\n${signal}: shutting down (draining in-flight requests)…`);
    setTimeout(() => {
      console.error(`latchkey: requests still running after ${DRAIN_TIMEOUT_MS / 1000} s; exiting.`);
      process.exit(1);
    }, DRAIN_TIMEOUT_MS).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** The database in use, without credentials. */
function describeDatabase(config: Config): string {
  const { url } = config.database;
  if (isPostgresUrl(url)) return `PostgreSQL ${describePostgresUrl(url)}`;
  return `SQLite ${url ?? join(config.dataDir, 'latchkey.db')}`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const command = argv[0];
  const cwd = process.cwd();
  try {
    if (command === 'dev') {
      const config = devConfig(cwd);
      const server = await createLatchkeyServer({ config, mode: 'dev', cwd, logger: false });
      await server.listen();
      writeDevJson(config);
      shutdownOn(server);
      console.log(`Latchkey dev server on ${config.baseUrl}
  auth API      ${config.baseUrl}/v1
  dev mailbox   ${config.baseUrl}/dev/mailbox?to=EMAIL
  database      ${describeDatabase(config)}
  tenant id     ${config.tenant.id}
  user pool     ${config.userPool?.id} (client ${config.userPool?.clients[0]?.id}), endpoint ${config.baseUrl}
  settings      ${join(config.dataDir, 'dev.json')}`);
      return -1;
    }
    if (command === 'rotate-keys') {
      const config = argv.includes('--dev') ? devConfig(cwd) : loadConfig({ cwd });
      if (!config.userPool)
        throw new ConfigError('userPool is not configured: there are no signing keys to rotate.');
      const server = await createLatchkeyServer({
        config,
        mode: argv.includes('--dev') ? 'dev' : 'production',
        cwd,
      });
      const kids = await server.pool?.keys.rotate();
      await server.close();
      console.log(`New signing keys: ${kids?.join(', ')}`);
      return 0;
    }
    if (command === 'serve') {
      const config = loadConfig({ cwd });
      checkProductionConfig(config);
      const server = await createLatchkeyServer({ config, mode: 'production', cwd, logger: true });
      await server.listen();
      shutdownOn(server);
      return -1;
    }
    console.log(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`latchkey: ${error.message}`);
      return 78; // EX_CONFIG
    }
    if (error instanceof DatabaseUnavailableError) {
      console.error(`latchkey: ${error.message}`);
      return 69; // EX_UNAVAILABLE
    }
    throw error;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
