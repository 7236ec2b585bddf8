import { lazyHandler } from './env.js';
import type { PreSignUpTriggerEvent, TriggerHandler } from './types.js';

/**
 * Pre sign-up: confirms every new user at once (`autoConfirmUser`), and marks
 * the email verified when one was given (`autoVerifyEmail`): passwordless users
 * prove the address with their first email OTP. `autoVerifyPhone` is left as sent.
 *
 * @example
 * ```ts
 * const preSignUp = createPreSignUpHandler();
 * const event = await preSignUp(signUpEvent); // event.response.autoConfirmUser === true
 * ```
 */
export function createPreSignUpHandler(): TriggerHandler<PreSignUpTriggerEvent> {
  return async (event) => {
    event.response.autoConfirmUser = true;
    const email = event.request.userAttributes.email;
    if (email !== undefined && email !== '') event.response.autoVerifyEmail = true;
    return event;
  };
}

/**
 * Lambda entry point (`pre-sign-up.handler`); needs no configuration.
 *
 * @example
 * ```ts
 * // Lambda handler setting: pre-sign-up.handler
 * // built by `npm run build` into dist/pre-sign-up.mjs
 * ```
 */
export const handler: TriggerHandler<PreSignUpTriggerEvent> = lazyHandler(createPreSignUpHandler);
