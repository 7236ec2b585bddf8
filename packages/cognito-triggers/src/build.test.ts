import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './test-support/fixtures.js';

const run = promisify(execFile);
const buildScript = fileURLToPath(new URL('../build.mjs', import.meta.url));
const NAMES = ['pre-sign-up', 'define-auth-challenge', 'create-auth-challenge', 'verify-auth-challenge'];
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'latchkey-triggers-'));
  await run(process.execPath, [buildScript, outDir], { cwd: tmpdir() });
}, 60_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('build.mjs', () => {
  it('writes one self-contained ES module per handler, each exporting handler', async () => {
    for (const name of NAMES) {
      const file = join(outDir, `${name}.mjs`);
      const text = await readFile(file, 'utf8');
      expect(text, name).not.toMatch(/from ["']@latchkey\//);
      expect(text, name).not.toMatch(/from ["']\.{1,2}\//);
      const module: Record<string, unknown> = await import(pathToFileURL(file).href);
      expect(typeof module.handler, name).toBe('function');
    }
  });

  it('keeps the AWS SDK external, loaded only on demand', async () => {
    const text = await readFile(join(outDir, 'verify-auth-challenge.mjs'), 'utf8');
    expect(text).toContain('import("@aws-sdk/client-cognito-identity-provider")');
    expect(text).not.toMatch(/^import .*@aws-sdk/m);
  });

  it('a built handler runs on an AWS-shaped event', async () => {
    const module: { handler: (event: unknown) => Promise<{ response: unknown }> } = await import(
      pathToFileURL(join(outDir, 'define-auth-challenge.mjs')).href
    );
    const event = await module.handler(fixture('define-auth-challenge'));
    expect(event.response).toEqual({
      challengeName: 'CUSTOM_CHALLENGE',
      issueTokens: false,
      failAuthentication: false,
    });
  });
});
