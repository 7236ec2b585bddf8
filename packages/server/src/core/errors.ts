/**
 * Error codes of the auth API (see `spec/auth-api.md` §6). The HTTP layer maps
 * each code to a status and renders the Authsignal error envelope.
 */
export type AuthErrorCode =
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

/** HTTP status for each auth error code. */
export const AUTH_ERROR_STATUS: Readonly<Record<AuthErrorCode, number>> = {
  invalid_request: 400,
  unauthorized: 401,
  token_invalid: 401,
  expired_token: 401,
  insufficient_scope: 403,
  invalid_challenge: 400,
  invalid_credential: 400,
  unknown_credential: 400,
  too_many_requests: 429,
  not_found: 404,
  internal_error: 500,
};

/**
 * A failure the caller can act on, carrying a stable {@link AuthErrorCode}.
 *
 * @example
 * ```ts
 * throw new AuthError('invalid_challenge', 'The challenge has expired or was already used.');
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** HTTP status the API answers with. */
  get status(): number {
    return AUTH_ERROR_STATUS[this.code];
  }
}

/** Configuration that cannot be used; the message names the bad field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Exception names the user-pool API answers with (`__type`), as Cognito does. */
export type PoolErrorType =
  | 'AliasExistsException'
  | 'CodeMismatchException'
  | 'ExpiredCodeException'
  | 'InvalidLambdaResponseException'
  | 'InvalidParameterException'
  | 'InvalidPasswordException'
  | 'InvalidSignatureException'
  | 'LimitExceededException'
  | 'MissingAuthenticationTokenException'
  | 'NotAuthorizedException'
  | 'ResourceNotFoundException'
  | 'SerializationException'
  | 'TooManyFailedAttemptsException'
  | 'TooManyRequestsException'
  | 'UnauthorizedException'
  | 'UnexpectedLambdaException'
  | 'UnknownOperationException'
  | 'UnrecognizedClientException'
  | 'UnsupportedTokenTypeException'
  | 'UserLambdaValidationException'
  | 'UserNotConfirmedException'
  | 'UserNotFoundException'
  | 'UsernameExistsException'
  | 'InternalErrorException';

/**
 * A user-pool failure, rendered as HTTP 400 `{__type, message}` with
 * `x-amzn-errortype` (Cognito sends 400 for every business error).
 *
 * @example
 * ```ts
 * throw new PoolError('NotAuthorizedException', 'Incorrect username or password.');
 * ```
 */
export class PoolError extends Error {
  override readonly name = 'PoolError';
  readonly type: PoolErrorType;

  constructor(type: PoolErrorType, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.type = type;
  }
}
