/**
 * Error codes the Latchkey server answers with (`spec/auth-api.md` §6).
 *
 * @example
 * ```ts
 * const code: ServerErrorCode = 'not_found';
 * ```
 */
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

/** The list behind {@link ServerErrorCode}, so the type and {@link isServerErrorCode} cannot drift apart. */
const SERVER_ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'token_invalid',
  'expired_token',
  'insufficient_scope',
  'invalid_challenge',
  'invalid_credential',
  'unknown_credential',
  'too_many_requests',
  'not_found',
  'internal_error',
] as const;

/**
 * Every {@link LatchkeyError} code: the server's, plus the SDK's own:
 * - `network_error`: no HTTP response (connection refused or reset, DNS failure…);
 * - `timeout`: no complete response within `timeoutMs`;
 * - `invalid_response`: a 2xx whose body is not JSON;
 * - `unexpected_error`: a non-2xx whose body names no known code (for example a proxy's HTML 502).
 *
 * @example
 * ```ts
 * function isRetryableByCaller(code: LatchkeyErrorCode): boolean {
 *   return code === 'network_error' || code === 'timeout' || code === 'too_many_requests';
 * }
 * ```
 */
export type LatchkeyErrorCode =
  | ServerErrorCode
  | 'network_error'
  | 'timeout'
  | 'invalid_response'
  | 'unexpected_error';

const SERVER_ERROR_CODE_SET: ReadonlySet<string> = new Set(SERVER_ERROR_CODES);

/**
 * Whether `value` is one of the server's {@link ServerErrorCode}s.
 *
 * @example
 * ```ts
 * isServerErrorCode('not_found'); // true
 * isServerErrorCode('Not Found'); // false
 * ```
 */
export function isServerErrorCode(value: unknown): value is ServerErrorCode {
  return typeof value === 'string' && SERVER_ERROR_CODE_SET.has(value);
}

/**
 * Options of {@link LatchkeyError}.
 *
 * @example
 * ```ts
 * const options: LatchkeyErrorOptions = { statusCode: 404, errorCode: 'not_found', errorDescription: 'No such user.' };
 * ```
 */
export interface LatchkeyErrorOptions {
  /** HTTP status; `0` when no HTTP response arrived (`network_error`, `timeout`). */
  statusCode: number;
  errorCode: LatchkeyErrorCode;
  errorDescription?: string | undefined;
  /** The body's raw `error` field, when the server sent one; else `errorCode`. */
  error?: string | undefined;
  cause?: unknown;
}

/**
 * A failed server-API call: a non-2xx answer, or no usable answer at all. The
 * same fields as the Authsignal SDK's `AuthsignalError`; `errorCode` is a closed
 * union so a `switch` narrows.
 *
 * @example
 * ```ts
 * try {
 *   await latchkey.getUser({ userId });
 * } catch (error) {
 *   if (error instanceof LatchkeyError && error.errorCode === 'not_found') return null;
 *   throw error;
 * }
 * ```
 */
export class LatchkeyError extends Error {
  override readonly name = 'LatchkeyError';
  /** HTTP status; `0` when no HTTP response arrived. */
  readonly statusCode: number;
  readonly errorCode: LatchkeyErrorCode;
  readonly errorDescription: string | undefined;
  /** The body's raw `error` field (an unrecognised code is kept here), else `errorCode`. */
  readonly error: string;

  constructor({ statusCode, errorCode, errorDescription, error, cause }: LatchkeyErrorOptions) {
    super(`${statusCode} - ${errorDescription || errorCode}`, cause === undefined ? undefined : { cause });
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.errorDescription = errorDescription;
    this.error = error ?? errorCode;
  }

  /**
   * Whether the failure says nothing about the request itself: no response
   * (`statusCode` 0) or a 5xx. Callers that must not mistake an outage for a
   * "no" (the Cognito Verify trigger) rethrow these.
   *
   * @example
   * ```ts
   * if (error instanceof LatchkeyError && error.isTransient) throw error;
   * ```
   */
  get isTransient(): boolean {
    return this.statusCode === 0 || this.statusCode >= 500;
  }
}
