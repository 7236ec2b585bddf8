/** Inputs and results of the SDK's public methods (auth-api.md §9). */
import type { LatchkeyErrorCode } from './errors.js';

/**
 * What every SDK call resolves with: `data` on success, otherwise `error` (a
 * human-readable description), `errorCode` (machine-readable) and, for server
 * errors, `errorDescription`. Expected failures never throw.
 *
 * @example
 * ```ts
 * const { data, error, errorCode } = await latchkey.email.verify({ code });
 * if (errorCode) console.warn(errorCode, error);
 * else if (data?.isVerified) await confirmSignIn({ challengeResponse: data.token! });
 * ```
 */
export interface LatchkeyResponse<T> {
  data?: T;
  error?: string;
  errorCode?: LatchkeyErrorCode | (string & {});
  errorDescription?: string;
}

/**
 * Input of `passkey.signUp`.
 *
 * @example
 * ```ts
 * const input: PasskeySignUpInput = { username: 'ada@example.com', displayName: 'Ada', ignorePasskeyAlreadyExistsError: true };
 * ```
 */
export interface PasskeySignUpInput {
  /** Bearer token; defaults to the cached one (from `setToken` or the last success). */
  token?: string | undefined;
  /** Name shown in the passkey sheet; the server infers it (username → email → phone → user id) when absent. */
  username?: string | undefined;
  /** Display name; defaults to the username. */
  displayName?: string | undefined;
  /** Resolve `{}` instead of `matched_excluded_credential` when this device already holds one of the user's passkeys. */
  ignorePasskeyAlreadyExistsError?: boolean | undefined;
  /** `platform` (default on the server) or `cross-platform` (security keys, other devices). */
  authenticatorAttachment?: 'platform' | 'cross-platform' | undefined;
}

/**
 * `data` of a `passkey.signUp` the server answered. `token` is the result
 * token (also cached); `isVerified: false` comes with the server's `failureReason`.
 *
 * @example
 * ```ts
 * const { data } = await latchkey.passkey.signUp();
 * if (data?.isVerified) console.log('passkey', data.credentialId, 'added');
 * ```
 */
export interface PasskeySignUpData {
  isVerified: boolean;
  token?: string;
  userId?: string;
  userAuthenticatorId?: string;
  credentialId?: string;
  failureReason?: string;
}

/**
 * Input of `passkey.signIn`.
 *
 * @example
 * ```ts
 * const usernameless: PasskeySignInInput = { action: 'cognitoAuth' };
 * const autofill: PasskeySignInInput = { action: 'cognitoAuth', autofill: true };
 * const stepUp: PasskeySignInInput = { token: trackToken };
 * ```
 */
export interface PasskeySignInInput {
  /**
   * Start a usernameless sign-in for this action code (`POST /client/challenge`
   * with the tenant id); the user comes from the passkey. Not with `token`.
   */
  action?: string | undefined;
  /** Idempotency key of the action started by `action`. Not with `token`. */
  idempotencyKey?: string | undefined;
  /**
   * Bearer token of a tracked action (step-up: only that user's passkeys).
   * Without `action` and `token`, the cached token is used if there is one.
   */
  token?: string | undefined;
  /**
   * Conditional UI: offer passkeys in the browser's autofill of an
   * `<input autocomplete="username webauthn">` and wait for the user to pick
   * one. While one is pending, another autofill call resolves `{}`. Not with `token`.
   */
  autofill?: boolean | undefined;
  /**
   * Fail at once (`no_credential`, or `user_canceled` on iOS) when this device
   * holds no passkey, instead of offering other devices. Default true; only
   * native platforms honour it.
   */
  preferImmediatelyAvailableCredentials?: boolean | undefined;
  /** Called after the user picked a passkey, before the server verifies it (to show a spinner). */
  onVerificationStarted?: (() => void) | undefined;
}

/**
 * `data` of a `passkey.signIn` the server answered.
 *
 * @example
 * ```ts
 * const { data } = await latchkey.passkey.signIn({ action: 'cognitoAuth' });
 * if (data?.isVerified && data.username && data.token) {
 *   await signIn({ username: data.username, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
 *   await confirmSignIn({ challengeResponse: data.token });
 * }
 * ```
 */
export interface PasskeySignInData {
  isVerified: boolean;
  /** Result token: validate it on the backend (Cognito: `confirmSignIn`). */
  token?: string;
  userId?: string;
  userAuthenticatorId?: string;
  username?: string;
  displayName?: string;
  failureReason?: string;
}

/**
 * `data` of `email.enroll`: the new (unverified) email authenticator.
 *
 * @example
 * ```ts
 * const { data } = await latchkey.email.enroll({ email: 'ada@example.com' });
 * console.log(data?.userAuthenticatorId);
 * ```
 */
export interface EmailEnrollData {
  userAuthenticatorId: string;
}

/**
 * `data` of `email.challenge`.
 *
 * @example
 * ```ts
 * const { data } = await latchkey.email.challenge();
 * console.log(data?.challengeId);
 * ```
 */
export interface EmailChallengeData {
  challengeId: string;
}

/**
 * `data` of `email.verify`: `token` is the result token on success (also
 * cached); a wrong or expired code is `isVerified: false` with `failureReason`
 * `CODE_INVALID_OR_EXPIRED` or `MAX_ATTEMPTS_EXCEEDED`.
 *
 * @example
 * ```ts
 * const { data } = await latchkey.email.verify({ code: '123456' });
 * if (!data?.isVerified) showError(data?.failureReason === 'MAX_ATTEMPTS_EXCEEDED' ? 'Too many tries' : 'Invalid code');
 * ```
 */
export interface EmailVerifyData {
  isVerified: boolean;
  token?: string;
  failureReason?: string;
}
