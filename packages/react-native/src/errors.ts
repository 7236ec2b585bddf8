/** Native passkey errors → Latchkey codes (auth-api.md §2.3, §9). */
import { type Ceremony, PasskeyError, type PasskeyErrorCode } from '@latchkey/client/core';

/**
 * The mapping of react-native-passkey's `error` values, with the native
 * errors behind them (its `ios/Passkey.swift` and `android/…/PasskeyModule.kt`, 3.6.2):
 *
 * | `error` | iOS | Android | code |
 * |---|---|---|---|
 * | `UserCancelled` | `ASAuthorizationError.canceled` (1001): the sheet was dismissed, **or** (with `preferImmediatelyAvailableCredentials`) there is no passkey; iOS does not tell these apart | `GetCredentialCancellationException`, `CreateCredentialCancellationException`, DOM `NotAllowedError` / `AbortError` | `user_canceled` |
 * | `NoCredentials` | `.notInteractive` (1005); `.canceled` with a failure reason under `getImmediate` | `NoCredentialException` | `no_credential` |
 * | `CredentialAlreadyExists` | `.matchedExcludedCredential` (1006, iOS 18+) | DOM `InvalidStateError` | `matched_excluded_credential` |
 * | `TimedOut` | 31 | DOM `TimeoutError` | `user_canceled` (a sheet left open, as on the web) |
 * | `BadConfiguration` | 4004: the app is not associated with the RP domain | DOM `ConstraintError` | `bad_configuration` |
 * | `NotSupported`, `NoCreateOption` | iOS < 15; 1 | API < 28; `…UnsupportedException`; no credential provider | `not_supported` |
 * | `Interrupted` | – | `…InterruptedException` | `interrupted` |
 * | `RequestFailed` | `.failed` (1004) | DOM `SecurityError` / `DataError`; no Activity | `authenticator_error` |
 * | `InvalidChallenge` | unreadable challenge | – | `invalid_request` |
 * | `Unknown error`, `Native error`, anything else | | | `unexpected_error` |
 *
 * A raw native rejection (`{ code, message }`, when the native module is
 * called directly) is mapped by its `code` the same way.
 */
const NATIVE_CODES: Readonly<Record<string, PasskeyErrorCode>> = {
  UserCancelled: 'user_canceled',
  NoCredentials: 'no_credential',
  CredentialAlreadyExists: 'matched_excluded_credential',
  TimedOut: 'user_canceled',
  BadConfiguration: 'bad_configuration',
  NotSupported: 'not_supported',
  NoCreateOption: 'not_supported',
  Interrupted: 'interrupted',
  RequestFailed: 'authenticator_error',
  InvalidChallenge: 'invalid_request',
};

function field(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const found = (value as Record<string, unknown>)[key];
  return typeof found === 'string' ? found : undefined;
}

/**
 * Maps what react-native-passkey rejected with to a `PasskeyError` with a
 * Latchkey code (see the table above). On `create`, `matched_excluded_credential`
 * stays as it is; on `get` (where the OS never raises it) it becomes `authenticator_error`.
 *
 * @example
 * ```ts
 * try {
 *   await Passkey.get(request);
 * } catch (error) {
 *   mapNativePasskeyError(error, 'get').code; // 'user_canceled', 'no_credential', …
 * }
 * ```
 */
export function mapNativePasskeyError(error: unknown, ceremony: Ceremony): PasskeyError {
  if (error instanceof PasskeyError) return error;
  const name = field(error, 'error') ?? field(error, 'code') ?? '';
  const message = field(error, 'message') ?? (name || String(error));
  let code: PasskeyErrorCode = NATIVE_CODES[name] ?? 'unexpected_error';
  if (code === 'matched_excluded_credential' && ceremony === 'get') code = 'authenticator_error';
  return new PasskeyError(code, message, { cause: error });
}
