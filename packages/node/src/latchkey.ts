import { apiPath, query } from './paths.js';
import { type FetchLike, Transport } from './transport.js';
import type {
  ActionAttributes,
  DeleteAuthenticatorRequest,
  DeleteUserRequest,
  EnrollVerifiedAuthenticatorRequest,
  EnrollVerifiedAuthenticatorResponse,
  GetActionRequest,
  GetActionResponse,
  GetAuthenticatorsRequest,
  GetChallengeRequest,
  GetChallengeResponse,
  GetUserRequest,
  GetUserResponse,
  QueryUsersRequest,
  QueryUsersResponse,
  TrackRequest,
  TrackResponse,
  UpdateActionRequest,
  UpdateUserRequest,
  UserAttributes,
  UserAuthenticator,
  ValidateChallengeRequest,
  ValidateChallengeResponse,
} from './types.js';

/**
 * Options of {@link Latchkey}; `apiSecretKey`, `apiUrl` and `retries` as for
 * `new Authsignal(…)`.
 *
 * @example
 * ```ts
 * const options: LatchkeyOptions = {
 *   apiSecretKey: process.env.LATCHKEY_SECRET_KEY ?? '',
 *   apiUrl: 'https://auth.example.com/v1',
 *   timeoutMs: 3000,
 * };
 * ```
 */
export interface LatchkeyOptions {
  /** The tenant's server-only secret key, sent as `Basic base64(secretKey + ':')`. */
  apiSecretKey: string;
  /** Base URL of the server API, ending in `/v1`. */
  apiUrl: string;
  /** Replaces `globalThis.fetch`, for example with an in-process dispatcher. */
  fetch?: FetchLike | undefined;
  /** Timeout of each attempt, body included. Default 5000 ms. */
  timeoutMs?: number | undefined;
  /**
   * Extra attempts (default 2): after connection failures for every method;
   * after resets, timeouts and 5xx for GET only. A POST that may have reached
   * the server is never repeated.
   */
  retries?: number | undefined;
  /** Base of the exponential back-off between attempts. Default 100 ms. */
  retryDelayMs?: number | undefined;
}

/** Wire shape of `/validate`: `actionCode`, renamed `action` by the SDK. */
type ValidateWire = Omit<ValidateChallengeResponse, 'action'> & { actionCode?: string };

/**
 * Client for the Latchkey server API, method for method compatible with the
 * subset of `@authsignal/node` 2.21 that backends and Cognito triggers use.
 * Every method throws {@link LatchkeyError} on a non-2xx answer or when no
 * answer arrives, and `TypeError` for an id that cannot be a path segment.
 *
 * @example
 * ```ts
 * import { Latchkey } from '@latchkey/node';
 *
 * const latchkey = new Latchkey({ apiSecretKey: process.env.LATCHKEY_SECRET_KEY!, apiUrl: 'https://auth.example.com/v1' });
 * const { token, isEnrolled } = await latchkey.track({ userId: sub, action: 'cognitoAuth', attributes: { email } });
 * ```
 */
export class Latchkey {
  readonly #transport: Transport;

  constructor(options: LatchkeyOptions) {
    this.#transport = new Transport(options);
  }

  /** Base URL the client sends to, without a trailing slash. */
  get apiUrl(): string {
    return this.#transport.apiUrl;
  }

  /**
   * Records an action for a user (creating the user if unknown) and returns a
   * track token for the client SDK. `POST /users/{userId}/actions/{action}`.
   *
   * @example
   * ```ts
   * const { token, isEnrolled } = await latchkey.track({
   *   userId: sub,
   *   action: 'addAuthenticator',
   *   attributes: { scope: 'add:authenticators', email },
   * });
   * ```
   */
  async track({ userId, action, attributes = {} }: TrackRequest): Promise<TrackResponse> {
    return (await this.#transport.send(
      'POST',
      apiPath`/users/${userId}/actions/${action}`,
      attributes,
    )) as TrackResponse;
  }

  /**
   * Checks a result token (single use on Latchkey). Pass `userId` and `action`
   * to bind it: a token for another user or action is `isValid: false`. A bad
   * token is a normal `{isValid: false, error}` answer, not an exception.
   * `POST /validate`, with `actionCode` renamed `action`.
   *
   * @example
   * ```ts
   * const { isValid, verificationMethod } = await latchkey.validateChallenge({
   *   token: challengeAnswer,
   *   userId: sub,
   *   action: 'cognitoAuth',
   * });
   * ```
   */
  async validateChallenge(request: ValidateChallengeRequest): Promise<ValidateChallengeResponse> {
    const wire = (await this.#transport.send('POST', '/validate', request)) as ValidateWire;
    const { actionCode: action, ...rest } = wire;
    return { action, ...rest } as ValidateChallengeResponse;
  }

  /**
   * A user's attributes and enrolment. `GET /users/{userId}`.
   *
   * @example
   * ```ts
   * const { isEnrolled, email, emailVerified } = await latchkey.getUser({ userId: sub });
   * ```
   */
  async getUser({ userId }: GetUserRequest): Promise<GetUserResponse> {
    return (await this.#transport.send('GET', apiPath`/users/${userId}`)) as GetUserResponse;
  }

  /**
   * Finds users by email, phone number, username or token; paginated with
   * `limit` and `lastEvaluatedUserId`. `GET /users?…`.
   *
   * @example
   * ```ts
   * const { users } = await latchkey.queryUsers({ email: 'ada@example.com' });
   * ```
   */
  async queryUsers({
    username,
    email,
    phoneNumber,
    token,
    limit,
    lastEvaluatedUserId,
  }: QueryUsersRequest): Promise<QueryUsersResponse> {
    const search = query({ username, email, phoneNumber, token, limit, lastEvaluatedUserId });
    return (await this.#transport.send('GET', `/users${search}`)) as QueryUsersResponse;
  }

  /**
   * Updates a user's attributes and returns them. `PATCH /users/{userId}`.
   *
   * @example
   * ```ts
   * await latchkey.updateUser({ userId: sub, attributes: { email, emailVerified: true } });
   * ```
   */
  async updateUser({ userId, attributes }: UpdateUserRequest): Promise<UserAttributes> {
    return (await this.#transport.send('PATCH', apiPath`/users/${userId}`, attributes)) as UserAttributes;
  }

  /**
   * Deletes a user with their authenticators and actions. `DELETE /users/{userId}`.
   *
   * @example
   * ```ts
   * await latchkey.deleteUser({ userId: sub });
   * ```
   */
  async deleteUser({ userId }: DeleteUserRequest): Promise<void> {
    await this.#transport.send('DELETE', apiPath`/users/${userId}`);
  }

  /**
   * A user's authenticators. `GET /users/{userId}/authenticators`.
   *
   * @example
   * ```ts
   * const hasPasskey = (await latchkey.getAuthenticators({ userId: sub })).some(
   *   (authenticator) => authenticator.verificationMethod === 'PASSKEY',
   * );
   * ```
   */
  async getAuthenticators({ userId }: GetAuthenticatorsRequest): Promise<UserAuthenticator[]> {
    return (await this.#transport.send(
      'GET',
      apiPath`/users/${userId}/authenticators`,
    )) as UserAuthenticator[];
  }

  /**
   * Adds an authenticator the backend has already verified (for example an
   * email it confirmed itself). `POST /users/{userId}/authenticators`.
   *
   * @example
   * ```ts
   * const { authenticator } = await latchkey.enrollVerifiedAuthenticator({
   *   userId: sub,
   *   attributes: { verificationMethod: 'EMAIL_OTP', email: 'ada@example.com' },
   * });
   * ```
   */
  async enrollVerifiedAuthenticator({
    userId,
    attributes,
  }: EnrollVerifiedAuthenticatorRequest): Promise<EnrollVerifiedAuthenticatorResponse> {
    return (await this.#transport.send(
      'POST',
      apiPath`/users/${userId}/authenticators`,
      attributes,
    )) as EnrollVerifiedAuthenticatorResponse;
  }

  /**
   * Removes one authenticator. `DELETE /users/{userId}/authenticators/{userAuthenticatorId}`.
   *
   * @example
   * ```ts
   * await latchkey.deleteAuthenticator({ userId: sub, userAuthenticatorId });
   * ```
   */
  async deleteAuthenticator({ userId, userAuthenticatorId }: DeleteAuthenticatorRequest): Promise<void> {
    await this.#transport.send('DELETE', apiPath`/users/${userId}/authenticators/${userAuthenticatorId}`);
  }

  /**
   * One action's state. `GET /users/{userId}/actions/{action}/{idempotencyKey}`.
   *
   * @example
   * ```ts
   * const { state, verificationMethod } = await latchkey.getAction({ userId: sub, action: 'cognitoAuth', idempotencyKey });
   * ```
   */
  async getAction({ userId, action, idempotencyKey }: GetActionRequest): Promise<GetActionResponse> {
    return (await this.#transport.send(
      'GET',
      apiPath`/users/${userId}/actions/${action}/${idempotencyKey}`,
    )) as GetActionResponse;
  }

  /**
   * Sets an action's state (`BLOCK` makes its tokens fail).
   * `PATCH /users/{userId}/actions/{action}/{idempotencyKey}`.
   *
   * @example
   * ```ts
   * await latchkey.updateAction({ userId: sub, action: 'cognitoAuth', idempotencyKey, attributes: { state: 'BLOCK' } });
   * ```
   */
  async updateAction({
    userId,
    action,
    idempotencyKey,
    attributes,
  }: UpdateActionRequest): Promise<ActionAttributes> {
    return (await this.#transport.send(
      'PATCH',
      apiPath`/users/${userId}/actions/${action}/${idempotencyKey}`,
      attributes,
    )) as ActionAttributes;
  }

  /**
   * The pending challenge matching the filters, or `{}`. `GET /challenges?…`.
   *
   * @example
   * ```ts
   * const { challengeId, expiresAt } = await latchkey.getChallenge({ userId: sub, action: 'cognitoAuth' });
   * ```
   */
  async getChallenge({
    challengeId,
    userId,
    action,
    verificationMethod,
  }: GetChallengeRequest): Promise<GetChallengeResponse> {
    const search = query({ challengeId, userId, action, verificationMethod });
    return (await this.#transport.send('GET', `/challenges${search}`)) as GetChallengeResponse;
  }
}
