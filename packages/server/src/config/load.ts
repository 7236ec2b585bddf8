import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { readEnvironment } from './env.js';
import { formatIssues, SourceMap } from './issues.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { checkAndroidOrigins } from './relying-party.js';
import type { Config, ConfigInput } from './schema.js';
import { configSchema } from './schema.js';
import type { ConfigTree } from './tree.js';
import { isPlainObject, mergeInto, setPath } from './tree.js';

/** Name of the config file looked up in the working directory. */
export const CONFIG_FILE_NAME = 'latchkey.config.json';

/** Every field optional, at every depth; arrays are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** A partial config: `overrides` win over the file and the environment, `defaults` lose to them. */
export type ConfigOverrides = DeepPartial<ConfigInput>;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Config file to read; it must exist. Relative paths are resolved against `cwd`. */
  file?: string;
  /** Environment to read; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Deep-merged under the file (e.g. generated dev secrets that a file or variable may replace). */
  defaults?: ConfigOverrides;
  /** Deep-merged over the file and the environment. */
  overrides?: ConfigOverrides;
  /** Directory for relative paths and the default config file; `process.cwd()` by default. */
  cwd?: string;
}

/** The config file to read, and whether it was asked for (so it must exist). */
export interface ConfigFileChoice {
  path: string;
  required: boolean;
  /** How it was named: `file` option, `LATCHKEY_CONFIG`, or the default. */
  from: 'option' | 'LATCHKEY_CONFIG' | 'default';
}

/** Picks the config file: `file`, else `LATCHKEY_CONFIG`, else `<cwd>/latchkey.config.json`. */
export function chooseConfigFile(options: Pick<LoadConfigOptions, 'file' | 'env' | 'cwd'>): ConfigFileChoice {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  if (options.file !== undefined) return { path: resolve(cwd, options.file), required: true, from: 'option' };
  const fromEnv = env.LATCHKEY_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') {
    return { path: resolve(cwd, fromEnv), required: true, from: 'LATCHKEY_CONFIG' };
  }
  return { path: resolve(cwd, CONFIG_FILE_NAME), required: false, from: 'default' };
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The file's JSON object, or `{}` when the default file is absent. */
function readConfigFile(choice: ConfigFileChoice): { tree: ConfigTree; read: boolean } {
  const named = choice.from === 'LATCHKEY_CONFIG' ? ' (from LATCHKEY_CONFIG)' : '';
  let text: string;
  try {
    text = readFileSync(choice.path, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' && !choice.required) return { tree: {}, read: false };
    if (code === 'ENOENT')
      throw new ConfigError(`Config file not found: ${choice.path}${named}`, { cause: error });
    throw new ConfigError(`Cannot read config file ${choice.path}${named}: ${code ?? String(error)}`, {
      cause: error,
    });
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const problem = findJsonSyntaxError(text);
    const where = problem
      ? ` at line ${problem.line}, column ${problem.column} (position ${problem.position}): ${problem.reason}`
      : '';
    // The JSON.parse message is not passed on (nor kept as the cause): it may quote the file, secrets included.
    throw new ConfigError(`Invalid JSON in ${choice.path}${where}`);
  }
  if (!isPlainObject(parsed)) throw new ConfigError(`${choice.path} must contain a JSON object`);
  return { tree: parsed, read: true };
}

/**
 * Builds the server configuration from, in increasing precedence:
 * 1. `defaults`, deep-merged;
 * 2. the config file: `file`, else the `LATCHKEY_CONFIG` variable, else
 *    `<cwd>/latchkey.config.json` if present (a named file must exist);
 * 3. the environment: `PORT`, `HOST`, `DATABASE_URL`, `LATCHKEY_*` aliases and
 *    the generic `LATCHKEY__SECTION__FIELD` form (see `readEnvironment`);
 * 4. `overrides`, deep-merged.
 *
 * The result is validated with {@link configSchema} (defaults applied, unknown
 * keys rejected) and Android origins are checked with `checkAndroidOrigins`.
 *
 * @throws ConfigError listing every problem as `<dotted.path>: <message>`,
 *   naming the variable when the value came from the environment. Values are
 *   never quoted, so secrets stay out of logs.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const choice = chooseConfigFile({ ...options, env });
  const file = readConfigFile(choice);
  const sources = new SourceMap();
  const tree: ConfigTree = {};
  if (options.defaults !== undefined) {
    mergeInto(tree, options.defaults, (path) => sources.set(path, { kind: 'defaults' }));
  }
  mergeInto(tree, file.tree, (path) => sources.set(path, { kind: 'file' }));

  for (const { variable, path, value } of readEnvironment(env)) {
    setPath(tree, path, value);
    sources.set(path, { kind: 'env', variable });
  }
  if (options.overrides !== undefined) {
    mergeInto(tree, options.overrides, (path) => sources.set(path, { kind: 'override' }));
  }

  const result = configSchema.safeParse(tree);
  if (!result.success) {
    const where = file.read ? ` (file: ${choice.path})` : '';
    const lines = formatIssues(result.error.issues, sources).map((line) => `  - ${line}`);
    throw new ConfigError(`Invalid configuration${where}:\n${lines.join('\n')}`);
  }
  checkAndroidOrigins(result.data);
  return result.data;
}
