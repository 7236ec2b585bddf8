/**
 * Peer: better-auth's passkey sign-in (generate-authenticate-options → verify-authentication,
 * which ends in a session) against Latchkey's passkey step, one process on the server's CPU.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SoftPasskey } from '../lib/authenticator.js';
import { HttpClient, HttpError } from '../lib/http.js';
import { closedLoop, type LoadOptions, type LoadResult } from '../lib/load.js';
import { pinned } from '../lib/proc.js';
import type { Row } from '../lib/report.js';

export interface PeerRun {
  port: number;
  dir: string;
  cpus: string | undefined;
  users: number;
  concurrency: number;
  measure: <U>(
    scenario: string,
    server: string,
    pids: number[],
    options: Omit<LoadOptions<U>, 'onWindow' | 'warmupMs' | 'durationMs'>,
    run: (o: LoadOptions<U>) => Promise<LoadResult>,
  ) => Promise<Row>;
  log: (message: string) => void;
}

/** Starts a peer server process and resolves once it prints `ready`. */
export async function startPeer(
  command: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  logName: string,
) {
  const log = openSync(join(cwd, logName), 'a');
  const [cmd, ...args] = command;
  const child = spawn(cmd as string, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', log],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`${logName}: not ready after 60 s: ${seen.slice(-500)}`)),
      60_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (ready.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // Its stderr went to the log file, which goes with the run's temp dir: quote it here.
      const stderr = readFileSync(join(cwd, logName), 'utf8').slice(-1500);
      reject(new Error(`${logName}: exited with ${code}: ${seen.slice(-500)}\n${stderr}`));
    });
  });
  // Keep draining its output (a full pipe would stall it), into nothing.
  child.stdout?.resume();
  return {
    pid: child.pid as number,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function runBetterAuth(run: PeerRun): Promise<Row> {
  mkdirSync(run.dir, { recursive: true });
  const origin = `http://localhost:${run.port}`;
  const users = Array.from({ length: run.users }, (_, i) => ({
    email: `ba${i}@bench.example`,
    passkey: new SoftPasskey(origin),
  }));
  const seedFile = join(run.dir, 'seed.json');
  writeFileSync(
    seedFile,
    JSON.stringify({
      users: users.map((u) => ({
        email: u.email,
        credentialId: u.passkey.id,
        publicKey: u.passkey.cosePublicKey.toString('base64'),
      })),
    }),
  );
  const server = await startPeer(
    pinned(run.cpus, [
      process.execPath,
      join(import.meta.dirname, 'better-auth-server.mjs'),
      String(run.port),
      join(run.dir, 'auth.db'),
      seedFile,
    ]),
    run.dir,
    { NODE_ENV: 'production', BETTER_AUTH_TELEMETRY: '0' },
    /ready/,
    'better-auth.log',
  );
  const client = new HttpClient(origin, run.concurrency * 2);
  const base = '/api/auth/passkey';
  const signIn = async (user: (typeof users)[number]) => {
    const options = await client.send('GET', `${base}/generate-authenticate-options`, undefined, { origin });
    if (options.status !== 200) throw new HttpError('better-auth options', options.status, options.text);
    const cookie = ([] as string[])
      .concat(options.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0])
      .join('; ');
    const response = user.passkey.get(JSON.parse(options.text), '');
    const verified = await client.send(
      'POST',
      `${base}/verify-authentication`,
      JSON.stringify({ response }),
      {
        'content-type': 'application/json',
        origin,
        cookie,
      },
    );
    if (verified.status !== 200) throw new HttpError('better-auth verify', verified.status, verified.text);
    if (!(JSON.parse(verified.text) as { session?: unknown }).session)
      throw new Error('better-auth: no session');
  };
  try {
    return await run.measure(
      'passkey step (options→verify→session)',
      'better-auth',
      [server.pid],
      { users, op: signIn },
      (o) => closedLoop(o, run.concurrency),
    );
  } finally {
    client.close();
    await server.stop();
  }
}
