/**
 * Error codes the SDK resolves with, and the mapping from WebAuthn
 * `DOMException`s to them.
 */

/**
 * Codes of a failed passkey ceremony on the device (not from the server).
 *
 * | code | meaning | the sign-in flow |
 * |---|---|---|
 * | `user_canceled` | the user dismissed the sheet, or it timed out, or user verification failed; on the web and on iOS also "no passkey for this site" (indistinguishable by design) | falls back to email |
 * | `no_credential` | the OS reports that no passkey for this relying party exists (Android; iOS immediate requests) | falls back to email |
 * | `matched_excluded_credential` | sign-up: this authenticator already holds one of the user's passkeys | – |
 * | `aborted` | the app called `passkey.cancel()`, or a newer ceremony replaced this one | stays put |
 * | `not_supported` | no WebAuthn / passkeys / autofill here, or no authenticator can satisfy the options | error |
 * | `bad_configuration` | the RP ID does not match this origin or app (associated domains, asset links) | error |
 * | `invalid_request` | the options were malformed | error |
 * | `interrupted` | the OS interrupted the request; it may be retried (Android) | error |
 * | `authenticator_error` | the authenticator failed to process the request | error |
 * | `unexpected_error` | anything else | error |
 *
 * @example
 * ```ts
 * const fallBack = (code: PasskeyErrorCode) => code === 'user_canceled' || code === 'no_credential';
 * ```
 */
export type PasskeyErrorCode =
  | 'user_canceled'
  | 'no_credential'
  | 'matched_excluded_credential'
  | 'aborted'
  | 'not_supported'
  | 'bad_configuration'
  | 'invalid_request'
  | 'interrupted'
  | 'authenticator_error'
  | 'unexpected_error';

/**
 * Codes the auth API answers with (auth-api.md §6), passed through unchanged.
 *
 * @example
 * ```ts
 * const retryLater: ServerErrorCode = 'too_many_requests';
 * ```
 */
export type ServerErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'token_invalid'
  | 'expired_token'
  | 'insufficient_scope'
  | 'invalid_challenge'
  | 'invalid_credential'
  | 'unknown_credential'
  | 'too_many_requests'
  | 'not_found'
  | 'internal_error';

/**
 * Codes the SDK itself produces around a request: no token to send
 * (`token_not_set`), no HTTP answer (`network_error`: offline, DNS, CORS,
 * timeout), or an answer that is not the API's JSON (`unexpected_response`).
 *
 * @example
 * ```ts
 * if (result.errorCode === 'network_error') showOfflineBanner();
 * ```
 */
export type ClientErrorCode = 'token_not_set' | 'network_error' | 'unexpected_response';

/**
 * Every code a Latchkey SDK call may resolve with in `errorCode`. A newer
 * server may send codes not listed here; they are passed through as strings.
 *
 * @example
 * ```ts
 * switch (result.errorCode) {
 *   case 'user_canceled':
 *   case 'no_credential':
 *     return showEmailSignIn();
 *   case 'expired_token':
 *     return restart();
 * }
 * ```
 */
export type LatchkeyErrorCode = PasskeyErrorCode | ServerErrorCode | ClientErrorCode;

/**
 * The description resolved with `token_not_set` (as the Authsignal SDKs word it).
 *
 * @example
 * ```ts
 * if (result.errorCode === 'token_not_set') console.warn(TOKEN_NOT_SET_MESSAGE);
 * ```
 */
export const TOKEN_NOT_SET_MESSAGE = "A token has not been set. Call 'setToken' first.";

/**
 * A failed passkey ceremony, with its {@link PasskeyErrorCode}. Platform
 * adapters throw it from `create`/`get`; the SDK turns it into
 * `{ error, errorCode }` and never lets it reach the app.
 *
 * @example
 * ```ts
 * throw new PasskeyError('user_canceled', 'The user dismissed the passkey sheet', { cause: nativeError });
 * ```
 */
export class PasskeyError extends Error {
  override readonly name = 'PasskeyError';
  readonly code: PasskeyErrorCode;

  constructor(code: PasskeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Which WebAuthn ceremony failed: `create` (registration) or `get` (authentication).
 *
 * @example
 * ```ts
 * const ceremony: Ceremony = 'get';
 * ```
 */
export type Ceremony = 'create' | 'get';

/**
 * Maps what `navigator.credentials.create()`/`get()` (or
 * `@simplewebauthn/browser`, whose `WebAuthnError` carries the DOMException's
 * name) threw to a {@link PasskeyError}. Spec steps are WebAuthn Level 3.
 *
 * | DOMException name | ceremony | raised when | code |
 * |---|---|---|---|
 * | `NotAllowedError` | both | the user dismissed the sheet, the timeout passed, user verification failed, or no credential was available (§5.1.4.1 step 21 and §14.5.2: browsers do not reveal which) | `user_canceled` |
 * | `InvalidStateError` | create | the authenticator holds a credential listed in `excludeCredentials` (§6.3.2 step 3) | `matched_excluded_credential` |
 * | `InvalidStateError` | get | (not raised by the spec) | `authenticator_error` |
 * | `AbortError` | both | `passkey.cancel()`, or a newer ceremony aborted this one (§5.1.3 step 16) | `aborted` |
 * | `SecurityError` | both | the RP ID is not the origin's domain or a registrable suffix of it, or the context is not secure (§5.1.3 steps 7–8) | `bad_configuration` |
 * | `NotSupportedError` | both | no offered algorithm is supported (§5.1.3 step 10, §6.3.2 step 2) | `not_supported` |
 * | `ConstraintError` | create | a resident key or user verification was required and no authenticator can do it (§6.3.2 steps 4–5) | `not_supported` |
 * | `TypeError` | both | malformed options, e.g. a user id outside 1–64 bytes (§5.1.3 step 5) | `invalid_request` |
 * | `UnknownError` | both | the authenticator failed (§6.3.2 steps 1, 8) | `authenticator_error` |
 * | – | both | WebAuthn or (for autofill) conditional mediation is missing in this browser | `not_supported` |
 * | anything else | both | | `unexpected_error` |
 *
 * @example
 * ```ts
 * try {
 *   await navigator.credentials.get({ publicKey });
 * } catch (error) {
 *   const { code } = identifyWebAuthnError(error, 'get'); // e.g. 'user_canceled'
 * }
 * ```
 */
export function identifyWebAuthnError(error: unknown, ceremony: Ceremony): PasskeyError {
  if (error instanceof PasskeyError) return error;
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  const message =
    typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
      ? error.message
      : String(error);
  const fail = (code: PasskeyErrorCode) => new PasskeyError(code, message || code, { cause: error });
  switch (name) {
    case 'NotAllowedError':
      return fail('user_canceled');
    case 'InvalidStateError':
      return fail(ceremony === 'create' ? 'matched_excluded_credential' : 'authenticator_error');
    case 'AbortError':
      return fail('aborted');
    case 'SecurityError':
      return fail('bad_configuration');
    case 'NotSupportedError':
    case 'ConstraintError':
      return fail('not_supported');
    case 'TypeError':
      return fail('invalid_request');
    case 'UnknownError':
      return fail('authenticator_error');
  }
  // @simplewebauthn/browser's own checks throw plain Errors with these messages.
  if (
    /WebAuthn is not supported|does not support WebAuthn autofill|No <input> with "webauthn"/.test(message)
  ) {
    return fail('not_supported');
  }
  return fail('unexpected_error');
}
