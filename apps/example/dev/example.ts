/**
 * `npm run example` (at the repository root): the Latchkey dev server, the
 * example backend and the example app on the web, together.
 *
 *   npm run example                  Expo's dev server for the web (live reload) on :8081
 *   npm run example -- --web-build   `expo export --platform web`, served on :8081
 *   npm run example -- --no-web      only Latchkey and the backend (for `npx expo run:ios|android`)
 *
 * Environment: PORT (Latchkey, default 4000), EXAMPLE_BACKEND_PORT (4001),
 * EXAMPLE_WEB_PORT (8081), LATCHKEY_DATA_DIR (default ./.latchkey at the
 * repository root), EXAMPLE_DIST_DIR (the web build, default apps/example/dist).
 * A Latchkey already answering on PORT (`npm start` in another terminal) is reused.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startExampleBackend } from './backend.js';
import { serveStatic } from './static-server.js';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(appDir, '../..');
const env = process.env;
const webBuild = process.argv.includes('--web-build');
const noWeb = process.argv.includes('--no-web');
const latchkeyPort = Number(env.PORT ?? 4000);
const backendPort = Number(env.EXAMPLE_BACKEND_PORT ?? 4001);
const webPort = Number(env.EXAMPLE_WEB_PORT ?? 8081);
const baseUrl = `http://localhost:${latchkeyPort}`;
const webOrigin = `http://localhost:${webPort}`;
const dataDir = resolve(repoRoot, env.LATCHKEY_DATA_DIR ?? '.latchkey');
const devJsonPath = join(dataDir, 'dev.json');
const distDir = resolve(appDir, env.EXAMPLE_DIST_DIR ?? 'dist');

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
let stopping = false;

function log(message: string): void {
  console.log(`[example] ${message}`);
}

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
    await Promise.all(
      children.map((child) =>
        child.exitCode === null ? new Promise((done) => child.once('exit', done)) : undefined,
      ),
    );
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): ChildProcess {
  const child = spawn(command, args, { ...options, stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping && !(command === process.execPath && args.includes('export'))) {
      log(`${args.join(' ')} exited (${signal ?? code}); stopping.`);
      void stop(code ?? 1);
    }
  });
  return child;
}

async function startLatchkey(): Promise<void> {
  if (await healthy(baseUrl)) {
    log(`reusing the Latchkey already running on ${baseUrl}`);
  } else {
    // Its default origins already include :8081 and :19006; another web port is added.
    const origins = [baseUrl, 'http://localhost:8081', 'http://localhost:19006'];
    if (!origins.includes(webOrigin)) origins.push(webOrigin);
    run(process.execPath, [join(repoRoot, 'packages/server/bin/latchkey.js'), 'dev'], {
      cwd: repoRoot,
      env: {
        ...env,
        PORT: String(latchkeyPort),
        LATCHKEY_ORIGINS: env.LATCHKEY_ORIGINS ?? origins.join(','),
      },
    });
    await until(`Latchkey on ${baseUrl}`, () => healthy(baseUrl));
  }
  await until(devJsonPath, () => existsSync(devJsonPath), 10_000);
}

const expoCli = join(repoRoot, 'node_modules/expo/bin/cli');

async function main(): Promise<void> {
  await startLatchkey();
  const dev = JSON.parse(readFileSync(devJsonPath, 'utf8')) as {
    baseUrl: string;
    secretKey: string;
    userPoolId: string;
    userPoolClientId: string;
  };
  if (dev.baseUrl !== baseUrl) throw new Error(`${devJsonPath} is for ${dev.baseUrl}, not ${baseUrl}`);
  const backend = await startExampleBackend({ settings: dev, origins: [webOrigin], port: backendPort });
  cleanups.push(backend.close);
  log(`example backend on ${backend.url} (holds the secret key; the app never sees it)`);

  const appEnv = {
    ...env,
    EXPO_NO_TELEMETRY: '1',
    LATCHKEY_APP_CONFIG: devJsonPath,
    LATCHKEY_EXAMPLE_BACKEND_URL: backend.url,
  };
  if (noWeb) {
    log(`Servers ready: Latchkey ${baseUrl}, backend ${backend.url}`);
  } else if (webBuild) {
    log('building the web app (expo export --platform web)…');
    const exporter = run(
      process.execPath,
      [expoCli, 'export', '--platform', 'web', '--output-dir', distDir],
      { cwd: appDir, env: { ...appEnv, CI: '1' } },
    );
    const code = await new Promise<number | null>((done) => exporter.once('exit', done));
    if (code !== 0) throw new Error(`expo export failed (${code})`);
    const web = await serveStatic(distDir, webPort);
    cleanups.push(web.close);
    log(`Example app ready on ${web.url}`);
  } else {
    run(process.execPath, [expoCli, 'start', '--web', '--port', String(webPort)], {
      cwd: appDir,
      env: appEnv,
    });
    log(`Example app starting on ${webOrigin} (Expo dev server)`);
  }
  log(`dev mailbox: ${baseUrl}/dev/mailbox?to=EMAIL (codes are also printed above)`);
}

main().catch((error: unknown) => {
  console.error(`[example] ${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
