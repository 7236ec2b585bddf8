/**
 * The client packages pass publint (strict), as `npx publint --strict packages/client` does,
 * and ship no tests or test support.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';

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
