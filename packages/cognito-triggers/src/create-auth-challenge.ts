import type { TrackAttributes } from '@latchkey/node';
import { COGNITO_AUTH_ACTION } from './constants.js';
import { clientFromEnv, lazyHandler, readTriggerEnv } from './env.js';
import { TriggerError } from './errors.js';
import { phantomUserId } from './phantom.js';
import type { CreateAuthChallengeTriggerEvent, TriggerClient, TriggerHandler } from './types.js';

/**
 * Dependencies of {@link createCreateAuthChallengeHandler}.
 *
 * @example
 * ```ts
 * const deps: CreateAuthChallengeDeps = { client: new Latchkey({ apiSecretKey, apiUrl }), phantomSecret };
 * ```
 */
export interface CreateAuthChallengeDeps {
  client: Pick<TriggerClient, 'track'>;
  /** HMAC key for {@link phantomUserId}; keep it secret and stable, or unknown users' ids change. */
  phantomSecret: string | Uint8Array;
}

/**
 * Create auth challenge: tracks a `cognitoAuth` action for the user and hands
 * the client its track token (`auth-api.md` §12).
 * - Known user: `track({userId: sub, action: 'cognitoAuth', attributes: {email}})`; public
 *   parameters `{token, isEnrolled: 'true' | 'false'}`; throws if `sub` is missing.
 * - `userNotFound` (preventUserExistenceErrors): **enumeration parity**
 *   (`security-bar.md` E1). It tracks a phantom user, a UUID-shaped HMAC of pool id and
 *   username, so the same username always gets the same id, and answers
 *   `isEnrolled: 'true'`, the shape a known, enrolled user gets. The client then
 *   goes down the same path as for a known user and fails at Verify like a wrong code.
 *
 * Either way private parameters are `{challenge: 'cognitoAuth'}` and
 * `challengeMetadata` is `'cognitoAuth'`.
 *
 * @example
 * ```ts
 * const create = createCreateAuthChallengeHandler({ client: latchkey, phantomSecret: secretKey });
 * const { response } = await create(event);
 * // response.publicChallengeParameters → { token: 'eyJ…', isEnrolled: 'false' }
 * ```
 */
export function createCreateAuthChallengeHandler({
  client,
  phantomSecret,
}: CreateAuthChallengeDeps): TriggerHandler<CreateAuthChallengeTriggerEvent> {
  if (phantomSecret.length === 0) throw new TypeError('phantomSecret must not be empty');
  return async (event) => {
    let token: string;
    let isEnrolled: string;
    if (event.request.userNotFound === true) {
      const userId = phantomUserId(phantomSecret, event.userPoolId, event.userName);
      // The typed address goes along, so the email step sends a code as it would for a real user.
      const attributes: TrackAttributes = event.userName.includes('@') ? { email: event.userName } : {};
      ({ token } = await client.track({ userId, action: COGNITO_AUTH_ACTION, attributes }));
      isEnrolled = 'true';
    } else {
      const { sub, email } = event.request.userAttributes;
      if (sub === undefined || sub === '') {
        throw new TriggerError('missing_sub', 'The user has no sub attribute');
      }
      const attributes: TrackAttributes = email ? { email } : {};
      const result = await client.track({ userId: sub, action: COGNITO_AUTH_ACTION, attributes });
      token = result.token;
      isEnrolled = String(result.isEnrolled);
    }
    event.response.publicChallengeParameters = { token, isEnrolled };
    event.response.privateChallengeParameters = { challenge: COGNITO_AUTH_ACTION };
    event.response.challengeMetadata = COGNITO_AUTH_ACTION;
    return event;
  };
}

/**
 * Lambda entry point (`create-auth-challenge.handler`). Reads `LATCHKEY_API_URL`,
 * `LATCHKEY_SECRET_KEY` and optionally `LATCHKEY_PHANTOM_SECRET` / `LATCHKEY_TIMEOUT_MS`
 * on the first invocation.
 *
 * @example
 * ```ts
 * // Lambda handler setting: create-auth-challenge.handler (dist/create-auth-challenge.mjs)
 * ```
 */
export const handler: TriggerHandler<CreateAuthChallengeTriggerEvent> = lazyHandler(() => {
  const env = readTriggerEnv();
  return createCreateAuthChallengeHandler({ client: clientFromEnv(env), phantomSecret: env.phantomSecret });
});
