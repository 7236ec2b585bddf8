import { LatchkeyError, type ValidateChallengeResponse } from '@latchkey/node';
import { COGNITO_AUTH_ACTION } from './constants.js';
import { clientFromEnv, lazyHandler, readTriggerEnv } from './env.js';
import { createCognitoEmailVerifier } from './mark-email-verified.js';
import type {
  MarkEmailVerified,
  TriggerClient,
  TriggerHandler,
  TriggerLogger,
  VerifyAuthChallengeResponseTriggerEvent,
} from './types.js';

/**
 * Dependencies of {@link createVerifyAuthChallengeHandler}.
 *
 * @example
 * ```ts
 * const deps: VerifyAuthChallengeDeps = { client: latchkey, markEmailVerified: createCognitoEmailVerifier() };
 * ```
 */
export interface VerifyAuthChallengeDeps {
  client: Pick<TriggerClient, 'validateChallenge' | 'getAuthenticators'>;
  /** Sets the Cognito `email_verified` attribute; without it, Verify never changes attributes. */
  markEmailVerified?: MarkEmailVerified | undefined;
  /** Default `console`. */
  logger?: TriggerLogger | undefined;
}

/** An outage (no response, or a 5xx) rather than an answer about this token. */
function isTransient(error: unknown): boolean {
  return !(error instanceof LatchkeyError) || error.isTransient;
}

/**
 * Verify auth challenge response: the answer is a Latchkey result token, valid
 * only for this user and action (`auth-api.md` §12, `security-bar.md` T3):
 * `answerCorrect = (await validateChallenge({token: answer, userId: sub, action: 'cognitoAuth'})).isValid`.
 *
 * - `userNotFound`, a missing `sub`, an empty answer, or a round that is not a
 *   `cognitoAuth` challenge (the `PROVIDE_AUTH_PARAMETERS` round) → `false`
 *   without calling the server, so an unknown user leaves no trace there.
 * - The server refusing the call (a 4xx: bad request, wrong secret…) → `false`, logged.
 * - No answer or a 5xx from the server, or any other exception → **thrown**:
 *   Cognito reports a Lambda failure and the sign-in stops, instead of counting
 *   an outage as the user's wrong answer (the token may still be good; the
 *   server never answers 5xx after consuming one).
 * - A valid `EMAIL_OTP` answer from a user whose `email_verified` is not `'true'`
 *   calls `markEmailVerified`, but only when the user's verified Latchkey email
 *   authenticator holds exactly the Cognito email (an OTP sent to another address
 *   proves nothing about this one). A failure there is logged; the sign-in still succeeds.
 *
 * @example
 * ```ts
 * const verify = createVerifyAuthChallengeHandler({ client: latchkey });
 * const { response } = await verify(event); // response.answerCorrect === true for this user's fresh token
 * ```
 */
export function createVerifyAuthChallengeHandler({
  client,
  markEmailVerified,
  logger = console,
}: VerifyAuthChallengeDeps): TriggerHandler<VerifyAuthChallengeResponseTriggerEvent> {
  async function ownsVerifiedEmail(sub: string, email: string): Promise<boolean> {
    const authenticators = await client.getAuthenticators({ userId: sub });
    return authenticators.some(
      (authenticator) =>
        authenticator.verificationMethod === 'EMAIL_OTP' &&
        Boolean(authenticator.verifiedAt) &&
        authenticator.email?.toLowerCase() === email.toLowerCase(),
    );
  }

  async function maybeMarkEmailVerified(event: VerifyAuthChallengeResponseTriggerEvent, sub: string) {
    const { email, email_verified: emailVerified } = event.request.userAttributes;
    if (markEmailVerified === undefined || emailVerified === 'true' || !email) return;
    try {
      if (await ownsVerifiedEmail(sub, email)) await markEmailVerified(event);
    } catch (error) {
      logger.error('Latchkey Verify: could not set email_verified; the sign-in continues', error);
    }
  }

  return async (event) => {
    event.response.answerCorrect = false;
    const { request } = event;
    const sub = request.userAttributes.sub;
    if (
      request.userNotFound === true ||
      !sub ||
      !request.challengeAnswer ||
      request.privateChallengeParameters?.challenge !== COGNITO_AUTH_ACTION
    ) {
      return event;
    }

    let result: ValidateChallengeResponse;
    try {
      result = await client.validateChallenge({
        token: request.challengeAnswer,
        userId: sub,
        action: COGNITO_AUTH_ACTION,
      });
    } catch (error) {
      if (isTransient(error)) throw error;
      logger.error('Latchkey Verify: the server refused validateChallenge; answering false', error);
      return event;
    }

    // The server binds the token to userId and action; re-check what it reports.
    const valid =
      result.isValid === true &&
      (result.userId === undefined || result.userId === sub) &&
      (result.action === undefined || result.action === COGNITO_AUTH_ACTION);
    event.response.answerCorrect = valid;
    if (valid && result.verificationMethod === 'EMAIL_OTP') await maybeMarkEmailVerified(event, sub);
    return event;
  };
}

/**
 * Lambda entry point (`verify-auth-challenge.handler`). Reads `LATCHKEY_API_URL`
 * and `LATCHKEY_SECRET_KEY` on the first invocation; sets `email_verified` with
 * {@link createCognitoEmailVerifier} (needs `cognito-idp:AdminUpdateUserAttributes`).
 *
 * @example
 * ```ts
 * // Lambda handler setting: verify-auth-challenge.handler (dist/verify-auth-challenge.mjs)
 * ```
 */
export const handler: TriggerHandler<VerifyAuthChallengeResponseTriggerEvent> = lazyHandler(() =>
  createVerifyAuthChallengeHandler({
    client: clientFromEnv(readTriggerEnv()),
    markEmailVerified: createCognitoEmailVerifier(),
  }),
);
