/**
 * Codes of {@link TriggerError}:
 * - `missing_configuration`: a required environment variable is unset;
 * - `invalid_configuration`: one is set to an unusable value;
 * - `missing_sub`: a known user's event has no `sub` attribute.
 *
 * @example
 * ```ts
 * const code: TriggerErrorCode = 'missing_sub';
 * ```
 */
export type TriggerErrorCode = 'missing_configuration' | 'invalid_configuration' | 'missing_sub';

/**
 * A trigger cannot run. Thrown to Cognito, which fails the sign-in with
 * `UserLambdaValidationException`.
 *
 * @example
 * ```ts
 * throw new TriggerError('missing_sub', 'The user has no sub attribute');
 * ```
 */
export class TriggerError extends Error {
  override readonly name = 'TriggerError';
  readonly code: TriggerErrorCode;

  constructor(code: TriggerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
