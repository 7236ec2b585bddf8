/**
 * `@latchkey/cognito-triggers`: the Cognito custom-auth triggers Latchkey
 * ships (Pre sign-up, Define, Create and Verify auth challenge), as factories
 * over injected dependencies and as Lambda handlers (`npm run build` → `dist/*.mjs`).
 *
 * @example
 * ```ts
 * import { createTriggers } from '@latchkey/cognito-triggers';
 *
 * const triggers = createTriggers({ client: latchkey, phantomSecret });
 * await triggers.CreateAuthChallenge(event);
 * ```
 *
 * @packageDocumentation
 */
export { COGNITO_AUTH_ACTION, PROVIDE_AUTH_PARAMETERS } from './constants.js';
export { type CreateAuthChallengeDeps, createCreateAuthChallengeHandler } from './create-auth-challenge.js';
export {
  createDefineAuthChallengeHandler,
  type DefineAuthChallengeOptions,
} from './define-auth-challenge.js';
export { clientFromEnv, lazyHandler, readTriggerEnv, type TriggerEnv } from './env.js';
export { TriggerError, type TriggerErrorCode } from './errors.js';
export { type CognitoEmailVerifierOptions, createCognitoEmailVerifier } from './mark-email-verified.js';
export { phantomUserId } from './phantom.js';
export { createPreSignUpHandler } from './pre-sign-up.js';
export { type CreateTriggersOptions, createTriggers, type Triggers } from './triggers.js';
export type {
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  MarkEmailVerified,
  PreSignUpTriggerEvent,
  TriggerClient,
  TriggerHandler,
  TriggerLogger,
  VerifyAuthChallengeResponseTriggerEvent,
} from './types.js';
export { createVerifyAuthChallengeHandler, type VerifyAuthChallengeDeps } from './verify-auth-challenge.js';
