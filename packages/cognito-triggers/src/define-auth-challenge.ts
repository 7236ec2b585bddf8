import { PROVIDE_AUTH_PARAMETERS } from './constants.js';
import { lazyHandler } from './env.js';
import type { DefineAuthChallengeTriggerEvent, TriggerHandler } from './types.js';

/**
 * Options of {@link createDefineAuthChallengeHandler}.
 *
 * @example
 * ```ts
 * const options: DefineAuthChallengeOptions = { maxFailedAnswers: 3 };
 * ```
 */
export interface DefineAuthChallengeOptions {
  /** Wrong answers allowed; the next one fails the sign-in. Default 3 (the 4th wrong answer fails). */
  maxFailedAnswers?: number;
}

type SessionEntry = DefineAuthChallengeTriggerEvent['request']['session'][number];

/** A wrong answer to one of our challenges; the parameter-collecting round is not one. */
function isFailedAnswer(entry: SessionEntry): boolean {
  return (
    entry.challengeName === 'CUSTOM_CHALLENGE' &&
    entry.challengeResult !== true &&
    entry.challengeMetadata !== PROVIDE_AUTH_PARAMETERS
  );
}

/**
 * Define auth challenge: the custom-auth state machine (`cognito-api.md` §3).
 * 1. The **last** session entry is a correctly answered `CUSTOM_CHALLENGE` → issue tokens.
 *    Only a custom challenge counts: an `SRP_A` entry is always `true` and proves nothing.
 * 2. More than `maxFailedAnswers` wrong custom answers → fail the sign-in.
 * 3. Otherwise → another `CUSTOM_CHALLENGE`.
 *
 * For `userNotFound` step 1 never applies: an unknown user is challenged like a
 * known one and fails at the same point, so the two cannot be told apart.
 *
 * @example
 * ```ts
 * const define = createDefineAuthChallengeHandler({ maxFailedAnswers: 3 });
 * const { response } = await define(event); // { challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false }
 * ```
 */
export function createDefineAuthChallengeHandler({
  maxFailedAnswers = 3,
}: DefineAuthChallengeOptions = {}): TriggerHandler<DefineAuthChallengeTriggerEvent> {
  if (!Number.isInteger(maxFailedAnswers) || maxFailedAnswers < 0) {
    throw new TypeError('maxFailedAnswers must be a non-negative integer');
  }
  return async (event) => {
    const session = event.request.session ?? [];
    const last = session.at(-1);
    const response = event.response;

    if (
      event.request.userNotFound !== true &&
      last?.challengeName === 'CUSTOM_CHALLENGE' &&
      last.challengeResult === true
    ) {
      response.issueTokens = true;
      response.failAuthentication = false;
      return event;
    }

    response.issueTokens = false;
    if (session.filter(isFailedAnswer).length > maxFailedAnswers) {
      response.failAuthentication = true;
      return event;
    }
    response.failAuthentication = false;
    response.challengeName = 'CUSTOM_CHALLENGE';
    return event;
  };
}

/**
 * Lambda entry point (`define-auth-challenge.handler`); needs no configuration.
 *
 * @example
 * ```ts
 * // Lambda handler setting: define-auth-challenge.handler (dist/define-auth-challenge.mjs)
 * ```
 */
export const handler: TriggerHandler<DefineAuthChallengeTriggerEvent> = lazyHandler(() =>
  createDefineAuthChallengeHandler(),
);
