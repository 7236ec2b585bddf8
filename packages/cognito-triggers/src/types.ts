import type { Latchkey } from '@latchkey/node';
import type {
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  PreSignUpTriggerEvent,
  VerifyAuthChallengeResponseTriggerEvent,
} from 'aws-lambda';

export type {
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  PreSignUpTriggerEvent,
  VerifyAuthChallengeResponseTriggerEvent,
};

/**
 * A Cognito trigger as Latchkey runs it: takes the event, fills in
 * `response`, and resolves to the same event. Assignable to the matching
 * `@types/aws-lambda` handler type (`PreSignUpTriggerHandler`, …).
 *
 * @example
 * ```ts
 * const noop: TriggerHandler<PreSignUpTriggerEvent> = async (event) => event;
 * ```
 */
export type TriggerHandler<E> = (event: E) => Promise<E>;

/**
 * The server-API calls the triggers make: a {@link Latchkey} client, or any
 * object with these methods (an in-process adapter, a test stub).
 *
 * @example
 * ```ts
 * const client: TriggerClient = new Latchkey({ apiSecretKey, apiUrl });
 * ```
 */
export type TriggerClient = Pick<Latchkey, 'track' | 'validateChallenge' | 'getAuthenticators'>;

/**
 * Where triggers report problems they deliberately swallow. `console` fits.
 *
 * @example
 * ```ts
 * const logger: TriggerLogger = { error: (message, detail) => pino.error({ detail }, message) };
 * ```
 */
export interface TriggerLogger {
  error(message: string, detail?: unknown): void;
}

/**
 * Sets the Cognito user's `email_verified` to `'true'`; called by Verify after
 * a successful email-OTP answer from a user whose email was not yet verified.
 *
 * @example
 * ```ts
 * const markEmailVerified: MarkEmailVerified = async (event) => {
 *   await pool.setAttribute(event.userPoolId, event.userName, 'email_verified', 'true');
 * };
 * ```
 */
export type MarkEmailVerified = (event: VerifyAuthChallengeResponseTriggerEvent) => Promise<void>;
