/**
 * Starts what the app talks to, for real: `latchkey dev` (a fresh data
 * directory, free ports) and the example backend, through the same script as
 * `npm run example -- --no-web`. The tests read `LATCHKEY_TEST_DEV_JSON`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

export default async function globalSetup(): Promise<void> {
  const appDir = resolve(__dirname, '..');
  const [latchkeyPort, backendPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-example-jest-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(appDir, 'dev/example.ts'), '--no-web'], {
    cwd: appDir,
    env: {
      ...process.env,
      PORT: String(latchkeyPort),
      EXAMPLE_BACKEND_PORT: String(backendPort),
      LATCHKEY_DATA_DIR: dataDir,
      // All tests mail codes from 127.0.0.1: lift the per-IP pacing (1 code per 30 s, 5 per hour).
      LATCHKEY__OTP__RESEND_INTERVAL_SECONDS: '0',
      LATCHKEY__OTP__SENDS_PER_HOUR: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  await new Promise<void>((done, fail) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('Servers ready')) done();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`example servers exited (${code}):\n${output.join('')}`)));
    setTimeout(() => fail(new Error(`example servers did not start:\n${output.join('')}`)), 60_000).unref();
  });
  (globalThis as { __LATCHKEY_SERVERS__?: unknown }).__LATCHKEY_SERVERS__ = { child, dataDir };
  process.env.LATCHKEY_TEST_DEV_JSON = join(dataDir, 'dev.json');
  process.env.LATCHKEY_TEST_BACKEND_URL = `http://localhost:${backendPort}`;
}
