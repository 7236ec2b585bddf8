import { ConfigError } from '../core/errors.js';
import { resolveConfigPath } from './schema-walk.js';
import { isSafeKey } from './tree.js';

/** One config value taken from an environment variable. */
export interface EnvAssignment {
  /** The variable it came from, e.g. `LATCHKEY_ORIGINS`. */
  variable: string;
  /** Where it goes in the config, e.g. `['relyingParty', 'origins']`. */
  path: string[];
  value: unknown;
}

type Parse = 'string' | 'port' | 'list';

/** Named variables and the settings they set. */
export const ENV_ALIASES: readonly { variable: string; path: readonly string[]; parse: Parse }[] = [
  { variable: 'PORT', path: ['port'], parse: 'port' },
  { variable: 'LATCHKEY_HOST', path: ['host'], parse: 'string' },
  { variable: 'DATABASE_URL', path: ['database', 'url'], parse: 'string' },
  { variable: 'LATCHKEY_BASE_URL', path: ['baseUrl'], parse: 'string' },
  { variable: 'LATCHKEY_TENANT_ID', path: ['tenant', 'id'], parse: 'string' },
  { variable: 'LATCHKEY_SECRET_KEY', path: ['tenant', 'secretKey'], parse: 'string' },
  { variable: 'LATCHKEY_SERVER_SECRET', path: ['serverSecret'], parse: 'string' },
  { variable: 'LATCHKEY_RP_ID', path: ['relyingParty', 'id'], parse: 'string' },
  { variable: 'LATCHKEY_RP_NAME', path: ['relyingParty', 'name'], parse: 'string' },
  { variable: 'LATCHKEY_ORIGINS', path: ['relyingParty', 'origins'], parse: 'list' },
  { variable: 'LATCHKEY_SMTP_URL', path: ['mail', 'smtpUrl'], parse: 'string' },
  { variable: 'LATCHKEY_MAIL_FROM', path: ['mail', 'from'], parse: 'string' },
  { variable: 'LATCHKEY_DATA_DIR', path: ['dataDir'], parse: 'string' },
];

/** Prefix of the generic form `LATCHKEY__SECTION__FIELD`. */
export const GENERIC_PREFIX = 'LATCHKEY__';

function parseAlias(raw: string, parse: Parse): unknown {
  switch (parse) {
    case 'port':
      // Anything but digits stays a string, so validation names the variable.
      return /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'string':
      return raw;
  }
}

function parseGeneric(raw: string, isString: boolean): unknown {
  // A string field keeps the text as is: a numeric tenant id or a secret that
  // happens to be valid JSON must not turn into a number or an object.
  if (isString) return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * The config values set by the environment, in the order they apply: the
 * named aliases (see {@link ENV_ALIASES}), then the generic variables
 * `LATCHKEY__SECTION__FIELD=value` sorted by name, so a generic variable wins
 * over an alias for the same setting.
 *
 * Generic segments are matched to schema fields ignoring case and underscores
 * (`LATCHKEY__OTP__MAX_ATTEMPTS` = `LATCHKEY__otp__maxAttempts`); the value is
 * parsed as JSON when it parses (numbers, booleans, arrays), except for string
 * fields. Empty variables count as unset.
 *
 * @throws ConfigError for a generic variable with an empty or reserved segment.
 */
export function readEnvironment(env: NodeJS.ProcessEnv): EnvAssignment[] {
  const assignments: EnvAssignment[] = [];
  for (const { variable, path, parse } of ENV_ALIASES) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    assignments.push({ variable, path: [...path], value: parseAlias(raw, parse) });
  }
  const generic = Object.keys(env)
    .filter((name) => name.startsWith(GENERIC_PREFIX))
    .sort();
  for (const variable of generic) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const segments = variable.slice(GENERIC_PREFIX.length).split('__');
    if (segments.some((segment) => segment === '' || !isSafeKey(segment))) {
      throw new ConfigError(
        `${variable}: expected LATCHKEY__<section>__<field> with non-empty names separated by double underscores`,
      );
    }
    const { path, isString } = resolveConfigPath(segments);
    assignments.push({ variable, path, value: parseGeneric(raw, isString) });
  }
  return assignments;
}
