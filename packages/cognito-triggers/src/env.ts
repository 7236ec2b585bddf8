import { Latchkey } from '@latchkey/node';
import { TriggerError } from './errors.js';

/**
 * Settings a Lambda trigger reads from its environment:
 * - `LATCHKEY_API_URL` (required): the server API base URL, ending in `/v1`;
 * - `LATCHKEY_SECRET_KEY` (required): the tenant's secret key;
 * - `LATCHKEY_PHANTOM_SECRET` (optional): HMAC key for phantom user ids; defaults to the secret key;
 * - `LATCHKEY_TIMEOUT_MS` (optional): per-request timeout, default 3000, under Cognito's 5 s trigger limit.
 *
 * @example
 * ```ts
 * const { apiUrl } = readTriggerEnv({ LATCHKEY_API_URL: 'https://auth.example.com/v1', LATCHKEY_SECRET_KEY: 'sk' });
 * ```
 */
export interface TriggerEnv {
  apiUrl: string;
  secretKey: string;
  phantomSecret: string;
  timeoutMs: number;
}

/** Default per-request timeout of the Lambda triggers' client. */
const LAMBDA_TIMEOUT_MS = 3000;

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new TriggerError('missing_configuration', `Environment variable ${name} is not set`);
  }
  return value.trim();
}

/**
 * Reads and checks {@link TriggerEnv}; throws {@link TriggerError} naming the bad variable.
 *
 * @example
 * ```ts
 * const settings = readTriggerEnv(process.env);
 * ```
 */
export function readTriggerEnv(env: NodeJS.ProcessEnv = process.env): TriggerEnv {
  const apiUrl = required(env, 'LATCHKEY_API_URL');
  const secretKey = required(env, 'LATCHKEY_SECRET_KEY');
  const phantomSecret = env.LATCHKEY_PHANTOM_SECRET?.trim() || secretKey;
  const timeoutText = env.LATCHKEY_TIMEOUT_MS?.trim();
  const timeoutMs = timeoutText ? Number(timeoutText) : LAMBDA_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new TriggerError('invalid_configuration', 'LATCHKEY_TIMEOUT_MS must be a positive integer');
  }
  return { apiUrl, secretKey, phantomSecret, timeoutMs };
}

/**
 * A {@link Latchkey} client for {@link TriggerEnv}.
 *
 * @example
 * ```ts
 * const client = clientFromEnv(readTriggerEnv());
 * ```
 */
export function clientFromEnv({ apiUrl, secretKey, timeoutMs }: TriggerEnv): Latchkey {
  try {
    return new Latchkey({ apiSecretKey: secretKey, apiUrl, timeoutMs });
  } catch (cause) {
    throw new TriggerError(
      'invalid_configuration',
      `Cannot configure the Latchkey client: ${String(cause)}`,
      {
        cause,
      },
    );
  }
}

/**
 * A Lambda handler that builds its real handler on the first call (so a cold
 * start with bad configuration fails the invocation, not the module import)
 * and reuses it afterwards. A failed build is retried on the next call.
 *
 * @example
 * ```ts
 * export const handler = lazyHandler(() => createVerifyAuthChallengeHandler({ client: clientFromEnv(readTriggerEnv()) }));
 * ```
 */
export function lazyHandler<E>(build: () => (event: E) => Promise<E>): (event: E) => Promise<E> {
  let built: ((event: E) => Promise<E>) | undefined;
  return async (event) => {
    built ??= build();
    return built(event);
  };
}
