/**
 * `@latchkey/node`: a fetch-based client for the Latchkey server API,
 * compatible with the subset of `@authsignal/node` 2.21 used by backends and
 * Cognito triggers.
 *
 * @example
 * ```ts
 * import { Latchkey, LatchkeyError } from '@latchkey/node';
 *
 * const latchkey = new Latchkey({ apiSecretKey: 'sk_live_…', apiUrl: 'https://auth.example.com/v1' });
 * const { isValid } = await latchkey.validateChallenge({ token, userId, action: 'signIn' });
 * ```
 *
 * @packageDocumentation
 */
export {
  isServerErrorCode,
  LatchkeyError,
  type LatchkeyErrorCode,
  type LatchkeyErrorOptions,
  type ServerErrorCode,
} from './errors.js';
export { Latchkey, type LatchkeyOptions } from './latchkey.js';
export { encodePathSegment } from './paths.js';
export type { FetchLike, HttpMethod } from './transport.js';
export * from './types.js';
