/**
 * A throwaway PostgreSQL cluster for one test run: initdb into a temp
 * directory, start on 127.0.0.1 with a free port (fsync off: crash safety is
 * not under test), stop and delete at the end. As root the server runs as the
 * `postgres` user through `runuser`; as anyone else the binaries run directly.
 *
 * Only Node built-ins here: `vitest.config.ts` imports this module too.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where to find the PostgreSQL server binaries, or why there are none. */
export type PostgresForTests =
  | { kind: 'url'; url: string }
  | { kind: 'binaries'; bin: string }
  | { kind: 'missing'; reason: string };

/** A running throwaway cluster. */
export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: a superuser, so tests can create databases. */
  url: string;
  /** The server log, for diagnostics. */
  logFile: string;
  stop(): Promise<void>;
}

/** Newest `/usr/lib/postgresql/<version>/bin` (Debian), else a directory on PATH holding `pg_ctl`. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.LATCHKEY_PG_BIN;
  if (given) return existsSync(join(given, 'initdb')) ? given : undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(debian, versions[0], 'bin');
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

/**
 * How the PostgreSQL tests get a server: `LATCHKEY_TEST_DATABASE_URL` (a role
 * that may create databases), else a throwaway cluster from local binaries.
 */
export function postgresForTests(env: NodeJS.ProcessEnv = process.env): PostgresForTests {
  const url = env.LATCHKEY_TEST_DATABASE_URL;
  if (url) return { kind: 'url', url };
  const bin = findPostgresBin(env);
  if (bin) return { kind: 'binaries', bin };
  return {
    kind: 'missing',
    reason:
      'no PostgreSQL server binaries (looked in LATCHKEY_PG_BIN, /usr/lib/postgresql/*/bin and PATH) ' +
      'and no LATCHKEY_TEST_DATABASE_URL; on Debian: apt-get install postgresql',
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('Running as root, but there is no "postgres" user to run the PostgreSQL server as.');
  }
}

/**
 * Starts a cluster and resolves once it accepts connections (about a second).
 * The cluster is also stopped if the process exits without calling `stop()`.
 */
export async function startPgCluster(bin: string): Promise<PgCluster> {
  const base = mkdtempSync(join(tmpdir(), 'latchkey-pg-'));
  // The postgres user must reach the data directory through this one.
  chmodSync(base, 0o755);
  const data = join(base, 'data');
  const socketDir = join(base, 'sock');
  mkdirSync(data, { mode: 0o700 });
  mkdirSync(socketDir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(data, uid, gid);
    chownSync(socketDir, uid, gid);
  }
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  const exec = async (tool: string, args: string[]) => {
    const [file, argv] = command(tool, args);
    try {
      await run(file, argv, { cwd: base, timeout: 60_000 });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${tool} failed: ${stderr || stdout || (error as Error).message}`, { cause: error });
    }
  };
  const logFile = join(data, 'server.log');
  try {
    await exec('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }

  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      const [file, argv] = command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      execFileSync(file, argv, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // Not running.
    }
    rmSync(base, { recursive: true, force: true });
  };

  // A port found free may be taken before the server binds it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const settings = [
      '-c listen_addresses=127.0.0.1',
      `-p ${port}`,
      `-k ${socketDir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      // Parallel test files each open pools; two server processes open more.
      '-c max_connections=300',
    ].join(' ');
    try {
      await exec('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '30', '-o', settings, 'start']);
    } catch (error) {
      lastError = error;
      continue;
    }
    process.once('exit', stopSync);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      logFile,
      async stop() {
        process.off('exit', stopSync);
        if (stopped) return;
        stopped = true;
        try {
          await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
        } finally {
          rmSync(base, { recursive: true, force: true });
        }
      },
    };
  }
  stopSync();
  throw lastError;
}
