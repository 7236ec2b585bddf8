/**
 * A production-like deployment for tests: N real `latchkey serve` processes
 * sharing one config file and one PostgreSQL database, a real SMTP server
 * capturing their mail, and a round-robin HTTP proxy standing in for the load
 * balancer. Every process is killed in `close()`, and on process exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../../src/config/schema.js';
import { poolTestConfig } from '../support/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { type ApiTarget, basicAuth, freePort, jsonApi } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp-capture.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './proxy.js';

const BIN = resolve(import.meta.dirname, '../../bin/latchkey.js');
/** Output kept per process, for failure messages. */
const OUTPUT_LIMIT = 64 * 1024;

/** One `latchkey serve` process. */
export interface Instance extends ApiTarget {
  name: string;
  port: number;
  child: ChildProcess;
  /** Resolves to the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** The process's recent stdout and stderr. */
  output(): string;
  /** Sends `signal` (default SIGTERM) and resolves to the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export type SmtpCapture = Awaited<ReturnType<typeof startSmtpCapture>>;

export interface Deployment {
  /** The config every instance reads (as written to `latchkey.config.json`). */
  config: Config;
  /** Holds `latchkey.config.json`; the processes' working directory. */
  dir: string;
  database: TestDatabase;
  smtp: SmtpCapture;
  /** The load balancer: `config.baseUrl` points here. */
  proxy: RoundRobinProxy;
  instances: Instance[];
  /** The newest code mailed to `email`, whichever instance sent it. */
  latestCode(email: string): string;
  /** Starts (or restarts) an instance on `port`, and waits until it is healthy. */
  startInstance(name: string, port: number): Promise<Instance>;
  /** Runs another `latchkey` command (e.g. `rotate-keys`) with the same config. */
  runCli(args: string[]): Promise<{ code: number | null; output: string }>;
  close(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function spawnLatchkey(args: string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    // A clean environment: nothing from the test run (DATABASE_URL, LATCHKEY_*) leaks in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      children.delete(child);
      done(code);
    }),
  );
  return { child, exited, output: () => output };
}

async function waitUntilHealthy(url: string, exited: Promise<number | null>, output: () => string) {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`latchkey exited before it was healthy:\n${output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became healthy:\n${output()}`);
}

/**
 * Starts `count` instances (at the same time, so they also race to migrate the
 * empty database) behind a round-robin proxy.
 *
 * @param configure - adjusts the shared config before it is written.
 */
export async function startDeployment(
  label: string,
  options: { count?: number; configure?: (config: Config) => Config } = {},
): Promise<Deployment> {
  const { count = 2, configure = (c) => c } = options;
  const cleanups: (() => Promise<void> | void)[] = [];
  const instances: Instance[] = [];
  try {
    const database = await createTestDatabase(label);
    cleanups.push(() => database.drop());
    const smtp = await startSmtpCapture();
    cleanups.push(() => smtp.close());
    const proxy = await startRoundRobinProxy();
    cleanups.push(() => proxy.close());
    const dir = mkdtempSync(join(tmpdir(), `latchkey-${label}-`));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

    const base = poolTestConfig();
    const config = configure({
      ...base,
      baseUrl: proxy.url,
      host: '127.0.0.1',
      dataDir: join(dir, 'data'),
      tenant: { id: `tenant-${label}`, secretKey: randomBytes(32).toString('base64url') },
      serverSecret: randomBytes(32).toString('base64url'),
      database: { ...base.database, url: database.url },
      mail: { ...base.mail, smtpUrl: smtp.url },
    });
    writeFileSync(join(dir, 'latchkey.config.json'), JSON.stringify(config, null, 2));

    const latestCode = (email: string): string => {
      const message = smtp.messages.filter((m) => m.to === email).at(-1);
      const code = message?.text.match(/\b(\d{6})\b/)?.[1];
      if (!code) throw new Error(`no code mailed to ${email}`);
      return code;
    };

    const startInstance = async (name: string, port: number): Promise<Instance> => {
      const proc = spawnLatchkey(['serve'], dir, { PORT: String(port) });
      const baseUrl = `http://127.0.0.1:${port}`;
      const instance: Instance = {
        name,
        port,
        child: proc.child,
        exited: proc.exited,
        output: proc.output,
        config,
        baseUrl,
        api: jsonApi(baseUrl),
        tenantAuth: basicAuth(config.tenant.id),
        secretAuth: basicAuth(config.tenant.secretKey),
        latestCode,
        async stop(signal = 'SIGTERM') {
          if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
          return proc.exited;
        },
      };
      try {
        await waitUntilHealthy(baseUrl, proc.exited, proc.output);
      } catch (error) {
        proc.child.kill('SIGKILL');
        throw error;
      }
      const index = instances.findIndex((i) => i.name === name);
      if (index >= 0) instances[index] = instance;
      else instances.push(instance);
      proxy.setTargets(instances.map((i) => i.baseUrl));
      return instance;
    };

    const ports: number[] = [];
    while (ports.length < count) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    await Promise.all(ports.map((port, i) => startInstance(String.fromCharCode(65 + i), port)));
    instances.sort((a, b) => a.name.localeCompare(b.name));
    proxy.setTargets(instances.map((i) => i.baseUrl));

    return {
      config,
      dir,
      database,
      smtp,
      proxy,
      instances,
      latestCode,
      startInstance,
      async runCli(args) {
        const proc = spawnLatchkey(args, dir);
        const code = await proc.exited;
        return { code, output: proc.output() };
      },
      async close() {
        await Promise.all(instances.map((i) => i.stop('SIGKILL')));
        for (const cleanup of cleanups.reverse()) await cleanup();
      },
    };
  } catch (error) {
    for (const instance of instances) instance.child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    throw error;
  }
}

/** A user-pool (AWS JSON 1.1) call to one instance or the proxy, unsigned as a mobile app sends it. */
export async function poolRequest(
  baseUrl: string,
  operation: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The `kid` in a JWT's header. */
export function kidOf(jwt: string): string {
  const header = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
    kid?: string;
  };
  if (!header.kid) throw new Error('the token has no kid');
  return header.kid;
}
