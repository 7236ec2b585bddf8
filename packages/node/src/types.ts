/**
 * Request and response shapes of the Latchkey server API, field for field as
 * `@authsignal/node` 2.21 declares them (`spec/auth-api.md` §5), so code written
 * against the Authsignal SDK type-checks unchanged.
 */

/**
 * Verification methods. A value object plus a type of the same name, so both
 * `VerificationMethod.EMAIL_OTP` (as with the Authsignal SDK's enum) and the
 * literal `'EMAIL_OTP'` work. Latchkey itself supports `PASSKEY` and `EMAIL_OTP`.
 *
 * @example
 * ```ts
 * if (result.verificationMethod === VerificationMethod.EMAIL_OTP) markEmailVerified();
 * ```
 */
export const VerificationMethod = {
  SMS: 'SMS',
  EMAIL_OTP: 'EMAIL_OTP',
  EMAIL_MAGIC_LINK: 'EMAIL_MAGIC_LINK',
  AUTHENTICATOR_APP: 'AUTHENTICATOR_APP',
  PASSKEY: 'PASSKEY',
  SECURITY_KEY: 'SECURITY_KEY',
  PUSH: 'PUSH',
  VERIFF: 'VERIFF',
  IPROOV: 'IPROOV',
  IDVERSE: 'IDVERSE',
  PALM_BIOMETRICS_RR: 'PALM_BIOMETRICS_RR',
  RECOVERY_CODE: 'RECOVERY_CODE',
  DEVICE: 'DEVICE',
  WHATSAPP: 'WHATSAPP',
} as const;
/**
 * One of the {@link VerificationMethod} values.
 *
 * @example
 * ```ts
 * const method: VerificationMethod = 'PASSKEY';
 * ```
 */
export type VerificationMethod = (typeof VerificationMethod)[keyof typeof VerificationMethod];

/**
 * Action states (`spec/auth-api.md` §8), usable as values and as a type.
 *
 * @example
 * ```ts
 * await latchkey.updateAction({ userId, action, idempotencyKey, attributes: { state: UserActionState.BLOCK } });
 * ```
 */
export const UserActionState = {
  ALLOW: 'ALLOW',
  BLOCK: 'BLOCK',
  CHALLENGE_REQUIRED: 'CHALLENGE_REQUIRED',
  CHALLENGE_SUCCEEDED: 'CHALLENGE_SUCCEEDED',
  CHALLENGE_FAILED: 'CHALLENGE_FAILED',
  REVIEW_REQUIRED: 'REVIEW_REQUIRED',
  REVIEW_SUCCEEDED: 'REVIEW_SUCCEEDED',
  REVIEW_FAILED: 'REVIEW_FAILED',
} as const;
/**
 * One of the {@link UserActionState} values.
 *
 * @example
 * ```ts
 * const state: UserActionState = 'CHALLENGE_SUCCEEDED';
 * ```
 */
export type UserActionState = (typeof UserActionState)[keyof typeof UserActionState];

/**
 * Free-form custom attributes stored on a user or sent with `track`.
 *
 * @example
 * ```ts
 * const custom: CustomData = { plan: 'pro', seats: 3, trial: false };
 * ```
 */
export type CustomData = { [key: string]: string | number | boolean };

/**
 * `GET /users/{userId}` request.
 *
 * @example
 * ```ts
 * const request: GetUserRequest = { userId: sub };
 * ```
 */
export interface GetUserRequest {
  userId: string;
}

/**
 * `GET /users/{userId}` response.
 *
 * @example
 * ```ts
 * const { isEnrolled, emailVerified }: GetUserResponse = await latchkey.getUser({ userId });
 * ```
 */
export interface GetUserResponse {
  isEnrolled: boolean;
  email?: string;
  emailVerified: boolean;
  phoneNumber?: string;
  phoneNumberVerified: boolean;
  username?: string;
  displayName?: string;
  custom?: CustomData;
  enrolledVerificationMethods?: VerificationMethod[];
  allowedVerificationMethods?: VerificationMethod[];
}

/**
 * `GET /users?…` filters; empty values are not sent.
 *
 * @example
 * ```ts
 * const request: QueryUsersRequest = { email: 'ada@example.com', limit: 10 };
 * ```
 */
export interface QueryUsersRequest {
  username?: string;
  email?: string;
  phoneNumber?: string;
  token?: string;
  limit?: number;
  lastEvaluatedUserId?: string;
}

/**
 * One row of {@link QueryUsersResponse}.
 *
 * @example
 * ```ts
 * const ids = (await latchkey.queryUsers({ email })).users.map((user: QueryUsersItem) => user.userId);
 * ```
 */
export interface QueryUsersItem {
  userId: string;
  email?: string;
  emailVerified: boolean;
  phoneNumber?: string;
  phoneNumberVerified: boolean;
  username?: string;
}

/**
 * `GET /users` response. `tokenPayload` is present when querying by `token`.
 *
 * @example
 * ```ts
 * const { users, lastEvaluatedUserId }: QueryUsersResponse = await latchkey.queryUsers({ limit: 50 });
 * ```
 */
export interface QueryUsersResponse {
  users: QueryUsersItem[];
  lastEvaluatedUserId?: string;
  tokenPayload?: Record<string, unknown>;
}

/**
 * Attributes of a user, as sent by `updateUser` and returned by it.
 *
 * @example
 * ```ts
 * const attributes: UserAttributes = { displayName: 'Ada Lovelace' };
 * ```
 */
export interface UserAttributes {
  email?: string;
  emailVerified?: boolean;
  phoneNumber?: string;
  phoneNumberVerified?: boolean;
  username?: string;
  displayName?: string;
  custom?: CustomData;
  locale?: string;
}

/**
 * `PATCH /users/{userId}` request.
 *
 * @example
 * ```ts
 * await latchkey.updateUser({ userId, attributes: { username: 'ada' } } satisfies UpdateUserRequest);
 * ```
 */
export interface UpdateUserRequest {
  userId: string;
  attributes: UserAttributes;
}

/**
 * `DELETE /users/{userId}` request.
 *
 * @example
 * ```ts
 * await latchkey.deleteUser({ userId } satisfies DeleteUserRequest);
 * ```
 */
export interface DeleteUserRequest {
  userId: string;
}

/**
 * Attributes sent with `track` (the request body of `POST /users/{userId}/actions/{action}`).
 *
 * @example
 * ```ts
 * const attributes: TrackAttributes = { email: 'ada@example.com', scope: 'add:authenticators' };
 * ```
 */
export interface TrackAttributes {
  idempotencyKey?: string;
  redirectUrl?: string;
  redirectToSettings?: boolean;
  ipAddress?: string;
  userAgent?: string;
  deviceId?: string;
  scope?: string;
  email?: string;
  phoneNumber?: string;
  username?: string;
  custom?: CustomData;
  challengeId?: string;
  locale?: string;
  customDomain?: string;
}

/**
 * `track` request.
 *
 * @example
 * ```ts
 * const request: TrackRequest = { userId: sub, action: 'cognitoAuth', attributes: { email } };
 * ```
 */
export interface TrackRequest {
  userId: string;
  action: string;
  attributes?: TrackAttributes;
}

/**
 * `track` response. `url` is `""` on Latchkey (no hosted UI).
 *
 * @example
 * ```ts
 * const { token, isEnrolled }: TrackResponse = await latchkey.track({ userId, action: 'signIn' });
 * ```
 */
export interface TrackResponse {
  idempotencyKey: string;
  state: UserActionState;
  url: string;
  token: string;
  isEnrolled: boolean;
  enrolledVerificationMethods?: VerificationMethod[];
  allowedVerificationMethods?: VerificationMethod[];
  defaultVerificationMethod?: VerificationMethod;
  ruleIds?: string[];
}

/**
 * `POST /validate` request. Give `userId` and `action` to bind the token to them.
 *
 * @example
 * ```ts
 * const request: ValidateChallengeRequest = { token, userId: sub, action: 'cognitoAuth' };
 * ```
 */
export interface ValidateChallengeRequest {
  token: string;
  action?: string;
  userId?: string;
}

/**
 * `POST /validate` response, with the wire's `actionCode` renamed to `action`
 * as the Authsignal SDK does. A bad token is `{isValid: false, error}`, not an exception.
 *
 * @example
 * ```ts
 * const { isValid, verificationMethod }: ValidateChallengeResponse = await latchkey.validateChallenge({ token });
 * ```
 */
export interface ValidateChallengeResponse {
  isValid: boolean;
  state?: UserActionState;
  stateUpdatedAt?: string;
  userId?: string;
  action?: string;
  idempotencyKey?: string;
  verificationMethod?: VerificationMethod;
  error?: string;
}

/**
 * `GET /users/{userId}/authenticators` request.
 *
 * @example
 * ```ts
 * const authenticators = await latchkey.getAuthenticators({ userId } satisfies GetAuthenticatorsRequest);
 * ```
 */
export interface GetAuthenticatorsRequest {
  userId: string;
}

/**
 * Passkey details of a {@link UserAuthenticator}.
 *
 * @example
 * ```ts
 * const names = authenticators.flatMap((a) => (a.webauthnCredential ? [a.webauthnCredential.name] : []));
 * ```
 */
export interface WebauthnCredential {
  credentialId: string;
  deviceId: string;
  name: string;
  aaguid?: string;
  credentialBackedUp?: boolean;
  credentialDeviceType?: string;
  authenticatorAttachment?: string;
}

/**
 * A user's authenticator (`spec/auth-api.md` §5).
 *
 * @example
 * ```ts
 * const passkeys = (await latchkey.getAuthenticators({ userId })).filter(
 *   (a: UserAuthenticator) => a.verificationMethod === 'PASSKEY',
 * );
 * ```
 */
export interface UserAuthenticator {
  userId: string;
  userAuthenticatorId: string;
  verificationMethod: VerificationMethod;
  createdAt: string;
  verifiedAt?: string;
  lastVerifiedAt?: string;
  phoneNumber?: string;
  email?: string;
  username?: string;
  displayName?: string;
  webauthnCredential?: WebauthnCredential;
}

/**
 * Body of `POST /users/{userId}/authenticators`.
 *
 * @example
 * ```ts
 * const attributes: EnrollVerifiedAuthenticatorAttributes = { verificationMethod: 'EMAIL_OTP', email };
 * ```
 */
export interface EnrollVerifiedAuthenticatorAttributes {
  verificationMethod: VerificationMethod;
  phoneNumber?: string;
  email?: string;
  isDefault?: boolean;
}

/**
 * `enrollVerifiedAuthenticator` request.
 *
 * @example
 * ```ts
 * const request: EnrollVerifiedAuthenticatorRequest = {
 *   userId,
 *   attributes: { verificationMethod: 'EMAIL_OTP', email: 'ada@example.com' },
 * };
 * ```
 */
export interface EnrollVerifiedAuthenticatorRequest {
  userId: string;
  attributes: EnrollVerifiedAuthenticatorAttributes;
}

/**
 * `enrollVerifiedAuthenticator` response.
 *
 * @example
 * ```ts
 * const { authenticator }: EnrollVerifiedAuthenticatorResponse = await latchkey.enrollVerifiedAuthenticator(request);
 * ```
 */
export interface EnrollVerifiedAuthenticatorResponse {
  authenticator: UserAuthenticator;
  recoveryCodes?: string[];
}

/**
 * `DELETE /users/{userId}/authenticators/{userAuthenticatorId}` request.
 *
 * @example
 * ```ts
 * await latchkey.deleteAuthenticator({ userId, userAuthenticatorId } satisfies DeleteAuthenticatorRequest);
 * ```
 */
export interface DeleteAuthenticatorRequest {
  userId: string;
  userAuthenticatorId: string;
}

/**
 * `GET /users/{userId}/actions/{action}/{idempotencyKey}` request.
 *
 * @example
 * ```ts
 * const request: GetActionRequest = { userId, action: 'cognitoAuth', idempotencyKey };
 * ```
 */
export interface GetActionRequest {
  userId: string;
  action: string;
  idempotencyKey: string;
}

/**
 * `getAction` response.
 *
 * @example
 * ```ts
 * const { state }: GetActionResponse = await latchkey.getAction({ userId, action, idempotencyKey });
 * ```
 */
export interface GetActionResponse {
  state: UserActionState;
  stateUpdatedAt: string;
  createdAt: string;
  verificationMethod?: VerificationMethod;
}

/**
 * Body of `PATCH /users/{userId}/actions/{action}/{idempotencyKey}`, and its response.
 *
 * @example
 * ```ts
 * const attributes: ActionAttributes = { state: 'BLOCK' };
 * ```
 */
export interface ActionAttributes {
  state: UserActionState;
}

/**
 * `updateAction` request.
 *
 * @example
 * ```ts
 * const request: UpdateActionRequest = { userId, action, idempotencyKey, attributes: { state: 'REVIEW_SUCCEEDED' } };
 * ```
 */
export interface UpdateActionRequest {
  userId: string;
  action: string;
  idempotencyKey: string;
  attributes: ActionAttributes;
}

/**
 * `GET /challenges?…` filters; empty values are not sent.
 *
 * @example
 * ```ts
 * const request: GetChallengeRequest = { userId, action: 'cognitoAuth', verificationMethod: 'EMAIL_OTP' };
 * ```
 */
export interface GetChallengeRequest {
  challengeId?: string;
  userId?: string;
  action?: string;
  verificationMethod?: VerificationMethod;
}

/**
 * `getChallenge` response: the pending challenge, or `{}` when there is none.
 *
 * @example
 * ```ts
 * const { challengeId, expiresAt }: GetChallengeResponse = await latchkey.getChallenge({ userId });
 * ```
 */
export interface GetChallengeResponse {
  challengeId?: string;
  expiresAt?: number;
  verificationMethod?: VerificationMethod;
  phoneNumber?: string;
  email?: string;
  action?: string;
}
