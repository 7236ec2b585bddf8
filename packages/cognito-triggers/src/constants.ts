/**
 * The action code every Cognito sign-in is tracked and validated under
 * (`spec/auth-api.md` §12).
 *
 * @example
 * ```ts
 * await client.track({ userId: sub, action: COGNITO_AUTH_ACTION });
 * ```
 */
export const COGNITO_AUTH_ACTION = 'cognitoAuth';

/**
 * `challengeMetadata` (and private `challenge`) of the optional round that only
 * collects client parameters; Define never counts it as a failed answer.
 *
 * @example
 * ```ts
 * const isParameterRound = entry.challengeMetadata === PROVIDE_AUTH_PARAMETERS;
 * ```
 */
export const PROVIDE_AUTH_PARAMETERS = 'PROVIDE_AUTH_PARAMETERS';
