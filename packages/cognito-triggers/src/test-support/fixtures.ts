import { readFileSync } from 'node:fs';
import type {
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  PreSignUpTriggerEvent,
  VerifyAuthChallengeResponseTriggerEvent,
} from '../types.js';

/** Each fixture file in `src/fixtures/` and the event type it holds. */
interface Fixtures {
  'pre-sign-up': PreSignUpTriggerEvent;
  'define-auth-challenge': DefineAuthChallengeTriggerEvent;
  'define-auth-challenge.user-not-found': DefineAuthChallengeTriggerEvent;
  'create-auth-challenge': CreateAuthChallengeTriggerEvent;
  'create-auth-challenge.user-not-found': CreateAuthChallengeTriggerEvent;
  'verify-auth-challenge': VerifyAuthChallengeResponseTriggerEvent;
  'verify-auth-challenge.user-not-found': VerifyAuthChallengeResponseTriggerEvent;
}

/**
 * A fresh copy of an AWS-shaped fixture event, with optional changes to `request`.
 *
 * @example
 * ```ts
 * const event = fixture('define-auth-challenge', { session: [] });
 * ```
 */
export function fixture<K extends keyof Fixtures>(
  name: K,
  request: Partial<Fixtures[K]['request']> = {},
): Fixtures[K] {
  const event: Fixtures[K] = JSON.parse(
    readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'),
  );
  Object.assign(event.request, request);
  return event;
}
