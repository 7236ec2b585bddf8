/**
 * Bundles each Lambda handler into one self-contained ES module:
 * `dist/<name>.mjs` exporting `handler` (ESM, Node 20, not minified). The AWS SDK
 * stays external: the Lambda Node.js 20 runtime provides `@aws-sdk/*`.
 *
 * Usage: `node build.mjs [outDir]` (default `dist`, relative to the working directory),
 * or `npm run build -w @latchkey/cognito-triggers`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * The Lambda handlers, by file name in `src/` and in the output.
 *
 * @example
 * ```js
 * for (const name of HANDLERS) console.log(`dist/${name}.mjs`);
 * ```
 */
export const HANDLERS = [
  'pre-sign-up',
  'define-auth-challenge',
  'create-auth-challenge',
  'verify-auth-challenge',
];

const packageDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * Builds every handler into `outDir`.
 *
 * @example
 * ```js
 * await buildTriggers('/tmp/triggers'); // writes /tmp/triggers/pre-sign-up.mjs, …
 * ```
 *
 * @param {string} [outDir] output directory; default `<package>/dist`
 * @returns {Promise<string[]>} the written files
 */
export async function buildTriggers(outDir = resolve(packageDir, 'dist')) {
  const outdir = resolve(outDir);
  await build({
    absWorkingDir: packageDir,
    entryPoints: HANDLERS.map((name) => ({ in: `src/${name}.ts`, out: name })),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: false,
    sourcemap: false,
    splitting: false,
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  return HANDLERS.map((name) => resolve(outdir, `${name}.mjs`));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildTriggers(process.argv[2] ? resolve(process.cwd(), process.argv[2]) : undefined);
  for (const file of files) console.log(`built ${file}`);
}
