/**
 * The sign-up flow (auth-api.md §2.1): user-pool `signUp` with a throwaway
 * password → `signIn` → email code → `confirmSignIn` → offer a passkey.
 *
 * ```text
 * start ─SUBMIT_EMAIL─▶ signingUp ─CODE_SENT─▶ code ─SUBMIT_CODE─▶ verifyingCode
 *   ▲ SIGN_UP_FAILED | SEND_FAILED ◀┘          │ RESEND_CODE ─▶ resendingCode ─CODE_SENT─▶ code
 * verifyingCode ─SIGNED_UP─▶ passkeyOffer ─CREATE_PASSKEY─▶ creatingPasskey ─PASSKEY_CREATED─▶ done
 *               (no offer) ─▶ done          └─SKIP_PASSKEY─▶ done
 * any ─RESET─▶ start
 * ```
 */
import { createMachine, type Effect, type Machine, type MachineDefinition } from './machine.js';
import {
  type CodeMode,
  codeSentEvent,
  type FlowError,
  type FlowLatchkey,
  fromResponse,
  fromThrown,
  sendCode,
  startEmailSignIn,
  type UserPoolConfirmSignIn,
  type UserPoolSignIn,
  type UserPoolSignUp,
  verifyAndConfirm,
} from './user-pool.js';

/**
 * What became of the passkey offer at the end of sign-up: `created`, `exists`
 * (this device already holds one of the user's passkeys), `skipped` by the
 * user, or `not_offered` (no passkey support, or the device already has one).
 *
 * @example
 * ```ts
 * const outcome: PasskeyOutcome = 'skipped';
 * ```
 */
export type PasskeyOutcome = 'created' | 'exists' | 'skipped' | 'not_offered';

/**
 * States of the sign-up flow. Busy states: `signingUp`, `resendingCode`,
 * `verifyingCode`, `creatingPasskey`.
 *
 * | state | show |
 * |---|---|
 * | `start` | an email field (and `error`; `user_exists` → switch to the sign-in flow) |
 * | `code` | a code field and "Resend" |
 * | `passkeyOffer` | "Create a passkey" and "Not now" (the user is signed in already) |
 * | `done` | signed in; `passkey` says what became of the offer |
 *
 * @example
 * ```ts
 * if (state.name === 'passkeyOffer') showOffer(state.error?.message);
 * ```
 */
export type SignUpState =
  | { name: 'start'; email?: string; error?: FlowError }
  | { name: 'signingUp'; email: string }
  | { name: 'code'; email: string; mode: CodeMode; error?: FlowError }
  | { name: 'resendingCode'; email: string; mode: CodeMode }
  | { name: 'verifyingCode'; email: string; mode: CodeMode }
  | { name: 'passkeyOffer'; email: string; error?: FlowError }
  | { name: 'creatingPasskey'; email: string }
  | { name: 'done'; email: string; passkey: PasskeyOutcome };

/**
 * Events of the sign-up flow; the app sends the first group, effects the rest.
 *
 * @example
 * ```ts
 * await flow.send({ type: 'SUBMIT_EMAIL', email: 'ada@example.com' });
 * await flow.send({ type: 'SUBMIT_CODE', code: '123456' });
 * await flow.send({ type: 'CREATE_PASSKEY' });
 * ```
 */
export type SignUpEvent =
  | { type: 'SUBMIT_EMAIL'; email: string }
  | { type: 'SUBMIT_CODE'; code: string }
  | { type: 'RESEND_CODE' }
  | { type: 'CREATE_PASSKEY' }
  | { type: 'SKIP_PASSKEY' }
  | { type: 'RESET' }
  | { type: 'CODE_SENT'; mode: CodeMode }
  | { type: 'SIGN_UP_FAILED'; error: FlowError }
  | { type: 'SEND_FAILED'; error: FlowError }
  | { type: 'CODE_REJECTED'; error: FlowError; retry: boolean }
  | { type: 'SIGNED_UP'; offerPasskey: boolean }
  | { type: 'PASSKEY_CREATED' }
  | { type: 'PASSKEY_FAILED'; error: FlowError }
  | { type: 'CRASHED'; error: FlowError };

/**
 * The sign-up transition table, pure.
 *
 * @example
 * ```ts
 * signUpTransition({ name: 'passkeyOffer', email: 'ada@example.com' }, { type: 'SKIP_PASSKEY' });
 * // → { name: 'done', email: 'ada@example.com', passkey: 'skipped' }
 * ```
 */
export function signUpTransition(state: SignUpState, event: SignUpEvent): SignUpState | undefined {
  if (event.type === 'RESET') return { name: 'start' };
  if (event.type === 'CRASHED') return { name: 'start', error: event.error };
  switch (state.name) {
    case 'start': {
      if (event.type !== 'SUBMIT_EMAIL') return undefined;
      const email = event.email.trim();
      if (!email)
        return { name: 'start', error: { code: 'invalid_request', message: 'Enter your email address' } };
      return { name: 'signingUp', email };
    }
    case 'signingUp':
      if (event.type === 'CODE_SENT') return { name: 'code', email: state.email, mode: event.mode };
      if (event.type === 'SIGN_UP_FAILED' || event.type === 'SEND_FAILED') {
        return { name: 'start', email: state.email, error: event.error };
      }
      return undefined;
    case 'code':
      if (event.type === 'SUBMIT_CODE')
        return { name: 'verifyingCode', email: state.email, mode: state.mode };
      if (event.type === 'RESEND_CODE')
        return { name: 'resendingCode', email: state.email, mode: state.mode };
      return undefined;
    case 'resendingCode':
      if (event.type === 'CODE_SENT') return { name: 'code', email: state.email, mode: event.mode };
      if (event.type === 'SEND_FAILED')
        return { name: 'code', email: state.email, mode: state.mode, error: event.error };
      return undefined;
    case 'verifyingCode':
      if (event.type === 'SIGNED_UP') {
        return event.offerPasskey
          ? { name: 'passkeyOffer', email: state.email }
          : { name: 'done', email: state.email, passkey: 'not_offered' };
      }
      if (event.type === 'CODE_REJECTED') {
        return event.retry
          ? { name: 'code', email: state.email, mode: state.mode, error: event.error }
          : { name: 'start', email: state.email, error: event.error };
      }
      return undefined;
    case 'passkeyOffer':
      if (event.type === 'CREATE_PASSKEY') return { name: 'creatingPasskey', email: state.email };
      if (event.type === 'SKIP_PASSKEY') return { name: 'done', email: state.email, passkey: 'skipped' };
      return undefined;
    case 'creatingPasskey':
      if (event.type === 'PASSKEY_CREATED') return { name: 'done', email: state.email, passkey: 'created' };
      if (event.type === 'PASSKEY_FAILED') {
        return event.error.code === 'matched_excluded_credential'
          ? { name: 'done', email: state.email, passkey: 'exists' }
          : { name: 'passkeyOffer', email: state.email, error: event.error };
      }
      return undefined;
    case 'done':
      return undefined;
  }
}

/**
 * A password for `signUp` that nobody will ever type: 32 random characters
 * plus `Aa1!` so that any Cognito password policy accepts it. Needs
 * `crypto.getRandomValues` (React Native: `react-native-get-random-values`).
 *
 * @example
 * ```ts
 * await signUp({ username: email, password: generateThrowawayPassword(), options: { userAttributes: { email } } });
 * ```
 */
export function generateThrowawayPassword(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  let out = 'Aa1!';
  for (const byte of bytes) out += alphabet[byte & 63];
  return out;
}

/**
 * Dependencies of {@link createSignUpFlow}.
 *
 * @example
 * ```ts
 * import { confirmSignIn, signIn, signUp } from 'aws-amplify/auth';
 * const options: SignUpFlowOptions = { latchkey, signUp, signIn, confirmSignIn };
 * ```
 */
export interface SignUpFlowOptions {
  latchkey: FlowLatchkey;
  signUp: UserPoolSignUp;
  signIn: UserPoolSignIn;
  confirmSignIn: UserPoolConfirmSignIn;
  /** The throwaway password; default {@link generateThrowawayPassword}. */
  generatePassword?: (() => string) | undefined;
}

/**
 * The running sign-up flow.
 *
 * @example
 * ```ts
 * const flow: SignUpFlow = createSignUpFlow({ latchkey, signUp, signIn, confirmSignIn });
 * ```
 */
export type SignUpFlow = Machine<SignUpState, SignUpEvent>;

/**
 * Creates the sign-up flow: `signUp(email, throwaway password)` (Pre sign-up
 * auto-confirms) → `signIn(email)` → `email.enroll` → code → `email.verify` →
 * `confirmSignIn(result token)` → if `shouldPromptToCreatePasskey`, offer a
 * passkey, created with `passkey.signUp()` and the cached result token (the
 * server infers the username).
 *
 * Throws `TypeError` at once when no `generatePassword` is given and
 * `crypto.getRandomValues` is missing.
 *
 * @example
 * ```ts
 * import { confirmSignIn, signIn, signUp } from 'aws-amplify/auth';
 * import { Latchkey, createSignUpFlow } from '@latchkey/client';
 *
 * const flow = createSignUpFlow({ latchkey: new Latchkey({ tenantId, baseUrl }), signUp, signIn, confirmSignIn });
 * let state = await flow.send({ type: 'SUBMIT_EMAIL', email });
 * if (state.name === 'code') state = await flow.send({ type: 'SUBMIT_CODE', code: await askCode() });
 * if (state.name === 'passkeyOffer') state = await flow.send({ type: (await askWantsPasskey()) ? 'CREATE_PASSKEY' : 'SKIP_PASSKEY' });
 * ```
 */
export function createSignUpFlow(options: SignUpFlowOptions): SignUpFlow {
  const { latchkey, signUp, signIn, confirmSignIn } = options;
  if (!options.generatePassword && typeof globalThis.crypto?.getRandomValues !== 'function') {
    throw new TypeError(
      'createSignUpFlow: crypto.getRandomValues is missing; install a polyfill (react-native-get-random-values) or pass generatePassword',
    );
  }
  const generatePassword = options.generatePassword ?? generateThrowawayPassword;

  const definition: MachineDefinition<SignUpState, SignUpEvent> = {
    initial: { name: 'start' },
    transition: signUpTransition,
    crashed: (error) => ({ type: 'CRASHED', error: fromThrown('unexpected_error', error) }),
    exit(state, event) {
      if (state.name === 'creatingPasskey' && event.type === 'RESET') latchkey.passkey.cancel();
    },
    enter(state, event): Effect<SignUpEvent> | undefined {
      switch (state.name) {
        case 'signingUp':
          return {
            run: async () => {
              try {
                const output = await signUp({
                  username: state.email,
                  password: generatePassword(),
                  options: { userAttributes: { email: state.email } },
                });
                if (!output.isSignUpComplete) {
                  return {
                    type: 'SIGN_UP_FAILED',
                    error: {
                      code: 'sign_up_failed',
                      message: 'The user pool did not confirm the new user (is Pre sign-up auto-confirming?)',
                    },
                  };
                }
              } catch (error) {
                const failure = fromThrown('sign_up_failed', error);
                if (failure.name === 'UsernameExistsException') failure.code = 'user_exists';
                return { type: 'SIGN_UP_FAILED', error: failure };
              }
              return codeSentEvent(await startEmailSignIn({ latchkey, signIn }, state.email));
            },
          };
        case 'resendingCode':
          return {
            run: async () => codeSentEvent(await sendCode(latchkey, state.email, state.mode)),
          };
        case 'verifyingCode': {
          if (event.type !== 'SUBMIT_CODE') return undefined;
          const { code } = event;
          return {
            run: async () => {
              const done = await verifyAndConfirm({ latchkey, confirmSignIn }, code.trim());
              if (!done.ok) return { type: 'CODE_REJECTED', error: done.error, retry: done.retry };
              const offer = await latchkey.passkey.shouldPromptToCreatePasskey({ username: state.email });
              return { type: 'SIGNED_UP', offerPasskey: offer.data === true };
            },
          };
        }
        case 'creatingPasskey':
          return {
            run: async () => {
              // No token and no username: the result token cached by email.verify is used,
              // and the server infers the username (flow 2.1 step 6).
              const created = await latchkey.passkey.signUp();
              if (created.errorCode || created.error)
                return { type: 'PASSKEY_FAILED', error: fromResponse(created) };
              if (created.data && !created.data.isVerified) {
                return {
                  type: 'PASSKEY_FAILED',
                  error: {
                    code: 'passkey_not_verified',
                    message: created.data.failureReason ?? 'The passkey was not accepted',
                  },
                };
              }
              return { type: 'PASSKEY_CREATED' };
            },
          };
        default:
          return undefined;
      }
    },
  };
  return createMachine(definition);
}
