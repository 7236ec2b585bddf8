/**
 * `latchkey dev`: local development server (SQLite, dev mailbox, generated keys).
 * `latchkey serve`: production server; refuses dev secrets and a missing mailer.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { ConfigError } from './core/errors.js';
import { createLatchkeyServer, type LatchkeyServer } from './server.js';

/** Generated dev secrets carry this prefix so `serve` can recognise and refuse them. */
export const DEV_SECRET_PREFIX = 'lk_dev_';

interface DevSecrets {
  tenantId: string;
  secretKey: string;
  serverSecret: string;
}

const USAGE = `Usage: latchkey <command>

Commands:
  dev     Run the development server: SQLite in ./.latchkey, dev mailbox at /dev/mailbox,
          keys generated on first start and kept; writes ./.latchkey/dev.json.
  serve   Run the production server from latchkey.config.json and the environment.
          Refuses dev secrets and requires mail.smtpUrl.

Configuration: latchkey.config.json (or LATCHKEY_CONFIG), overridden by PORT, LATCHKEY_HOST,
DATABASE_URL, LATCHKEY_* variables and LATCHKEY__SECTION__FIELD=value.`;

function loadDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  const secrets: DevSecrets = {
    tenantId: `${DEV_SECRET_PREFIX}tenant_${randomBytes(6).toString('hex')}`,
    secretKey: `${DEV_SECRET_PREFIX}sk_${randomBytes(32).toString('base64url')}`,
    serverSecret: `${DEV_SECRET_PREFIX}ss_${randomBytes(32).toString('base64url')}`,
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
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
    },
  });
}

function checkProductionConfig(config: Config): void {
  const problems: string[] = [];
  if (config.tenant.secretKey.startsWith(DEV_SECRET_PREFIX))
    problems.push('tenant.secretKey is a dev secret');
  if (config.serverSecret.startsWith(DEV_SECRET_PREFIX)) problems.push('serverSecret is a dev secret');
  if (!config.mail.smtpUrl) problems.push('mail.smtpUrl is missing (production needs a real mailer)');
  if (problems.length > 0)
    throw new ConfigError(`latchkey serve refuses to start:\n  - ${problems.join('\n  - ')}`);
}

function writeDevJson(config: Config): void {
  const devJson = {
    baseUrl: config.baseUrl,
    tenantId: config.tenant.id,
    secretKey: config.tenant.secretKey,
    rpId: config.relyingParty.id,
  };
  writeFileSync(join(config.dataDir, 'dev.json'), `${JSON.stringify(devJson, null, 2)}\n`, { mode: 0o600 });
}

function shutdownOn(server: LatchkeyServer): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: shutting down…`);
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
  tenant id     ${config.tenant.id}
  settings      ${join(config.dataDir, 'dev.json')}`);
      return -1;
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
    throw error;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
