/**
 * The client packages pass publint (strict), as `npx publint --strict packages/client` does,
 * and ship no tests or test support; the packages agree on the server's error codes.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerErrorCode as ClientServerErrorCode } from '@latchkey/client/core';
import { isServerErrorCode, type ServerErrorCode } from '@latchkey/node';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AUTH_ERROR_STATUS, type AuthErrorCode } from '../packages/server/src/core/errors.js';

describe.each(['client', 'react-native'])('@latchkey/%s', (name) => {
  it('passes publint --strict', async () => {
    const pkgDir = fileURLToPath(new URL(`../packages/${name}`, import.meta.url));
    const { messages, pkg } = await publint({ pkgDir, strict: true, pack: 'npm' });
    const problems = messages.map(
      (message) => `${message.type}: ${formatMessage(message, pkg) ?? message.code}`,
    );
    expect(problems).toEqual([]);
  });

  it('packs its sources, README and package.json only (no tests, no test support)', () => {
    const cwd = fileURLToPath(new URL(`../packages/${name}`, import.meta.url));
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd, encoding: 'utf8' }),
    ) as {
      files: { path: string }[];
    }[];
    const paths = packed?.files.map((file) => file.path) ?? [];
    expect(paths).toContain('src/index.ts');
    expect(paths).toContain('README.md');
    expect(
      paths.filter(
        (path) =>
          !/^(package\.json|README\.md|LICENSE|src\/(?!test-support\/)[\w/-]+(?<!\.test)\.ts)$/.test(path),
      ),
    ).toEqual([]);
  });
});

// Each package must stand alone (the browser client cannot depend on the Node SDK or the
// server), so each spells out the server's error codes; this keeps the three in step.
it('the server, @latchkey/node and @latchkey/client agree on the server error codes', () => {
  expectTypeOf<AuthErrorCode>().toEqualTypeOf<ServerErrorCode>();
  expectTypeOf<ClientServerErrorCode>().toEqualTypeOf<ServerErrorCode>();
  const codes = Object.keys(AUTH_ERROR_STATUS);
  expect(codes.length).toBe(11);
  for (const code of codes) expect(isServerErrorCode(code), code).toBe(true);
});
