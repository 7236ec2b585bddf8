import { createCreateAuthChallengeHandler } from './create-auth-challenge.js';
import { createDefineAuthChallengeHandler } from './define-auth-challenge.js';
import { createPreSignUpHandler } from './pre-sign-up.js';
import type {
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  MarkEmailVerified,
  PreSignUpTriggerEvent,
  TriggerClient,
  TriggerHandler,
  TriggerLogger,
  VerifyAuthChallengeResponseTriggerEvent,
} from './types.js';
import { createVerifyAuthChallengeHandler } from './verify-auth-challenge.js';

/**
 * Options of {@link createTriggers}.
 *
 * @example
 * ```ts
 * const options: CreateTriggersOptions = { client: latchkey, phantomSecret: keys.phantomUser };
 * ```
 */
export interface CreateTriggersOptions {
  /** Server-API client; in-process, a `Latchkey` with an injected `fetch`. */
  client: TriggerClient;
  /** HMAC key for unknown users' phantom ids (Create). */
  phantomSecret: string | Uint8Array;
  /** Sets Cognito `email_verified` after a first email OTP (Verify); omitted → attributes are never changed. */
  markEmailVerified?: MarkEmailVerified | undefined;
  /** Wrong answers allowed before Define fails the sign-in. Default 3. */
  maxFailedAnswers?: number | undefined;
  /** Default `console`. */
  logger?: TriggerLogger | undefined;
}

/**
 * The four triggers Latchkey ships, keyed as Cognito's `LambdaConfig` names them.
 *
 * @example
 * ```ts
 * const { DefineAuthChallenge }: Triggers = createTriggers({ client, phantomSecret });
 * ```
 */
export interface Triggers {
  PreSignUp: TriggerHandler<PreSignUpTriggerEvent>;
  DefineAuthChallenge: TriggerHandler<DefineAuthChallengeTriggerEvent>;
  CreateAuthChallenge: TriggerHandler<CreateAuthChallengeTriggerEvent>;
  VerifyAuthChallengeResponse: TriggerHandler<VerifyAuthChallengeResponseTriggerEvent>;
}

/**
 * All four handlers over one client, for in-process use (the Latchkey server's
 * `builtin` triggers). Nothing here loads the AWS SDK.
 *
 * @example
 * ```ts
 * const triggers = createTriggers({
 *   client: new Latchkey({ apiSecretKey, apiUrl: 'http://in-process/v1', fetch: inProcessFetch }),
 *   phantomSecret,
 *   markEmailVerified: async (event) => pool.markEmailVerified(event.userPoolId, event.userName),
 * });
 * const event = await triggers.DefineAuthChallenge(defineEvent);
 * ```
 */
export function createTriggers({
  client,
  phantomSecret,
  markEmailVerified,
  maxFailedAnswers,
  logger,
}: CreateTriggersOptions): Triggers {
  return {
    PreSignUp: createPreSignUpHandler(),
    DefineAuthChallenge: createDefineAuthChallengeHandler(
      maxFailedAnswers === undefined ? {} : { maxFailedAnswers },
    ),
    CreateAuthChallenge: createCreateAuthChallengeHandler({ client, phantomSecret }),
    VerifyAuthChallengeResponse: createVerifyAuthChallengeHandler({ client, markEmailVerified, logger }),
  };
}
