/**
 * The sign-in flow (auth-api.md §2.2, §2.3): passkey first; on `user_canceled`
 * or `no_credential` fall back to an email code; finish with the user pool's
 * `signIn` + `confirmSignIn`.
 *
 * ```text
 * start ─START_PASSKEY─▶ passkey ─PASSKEY_SUCCEEDED─▶ completing ─SIGNED_IN─▶ signedIn
 *                          │ PASSKEY_FAILED user_canceled | no_credential ─▶ email
 *                          │ PASSKEY_FAILED aborted ─▶ start, any other ─▶ start + error
 * start ─USE_EMAIL | START_AUTOFILL─▶ email ─SUBMIT_EMAIL─▶ sendingCode ─CODE_SENT─▶ code
 *                                       ▲ SEND_FAILED ◀───────────┘
 * email (autofill) ─PASSKEY_SUCCEEDED─▶ completing
 * code ─SUBMIT_CODE─▶ verifyingCode ─SIGNED_IN─▶ signedIn   (CODE_REJECTED ─▶ code + error)
 * code ─RESEND_CODE─▶ resendingCode ─CODE_SENT─▶ code
 * any ─RESET─▶ start
 * ```
 */
import { createMachine, type Effect, type Machine, type MachineDefinition } from './machine.js';
import {
  type CodeMode,
  codeSentEvent,
  confirmWithToken,
  type FlowError,
  type FlowLatchkey,
  fromResponse,
  fromThrown,
  sendCode,
  startEmailSignIn,
  type UserPoolConfirmSignIn,
  type UserPoolSignIn,
  verifyAndConfirm,
} from './user-pool.js';

/**
 * States of the sign-in flow. Busy states (`passkey`, `sendingCode`,
 * `resendingCode`, `verifyingCode`, `completing`) end by themselves; the
 * others wait for the user.
 *
 * | state | show |
 * |---|---|
 * | `start` | "Sign in with a passkey" and "Use email instead" (and `error`, if any) |
 * | `passkey` | the OS passkey sheet is open |
 * | `email` | an email field (`reason` says why: the passkey sheet was dismissed, or no passkey); with `autofill`, passkeys are offered in its autofill |
 * | `code` | a code field, "Resend" and "Change email" (and `error`, e.g. `invalid_code`) |
 * | `signedIn` | done: the user pool has issued tokens |
 *
 * @example
 * ```ts
 * function render(state: SignInState) {
 *   if (state.name === 'code') return codeScreen(state.email, state.error?.message);
 * }
 * ```
 */
export type SignInState =
  | { name: 'start'; error?: FlowError }
  | { name: 'passkey' }
  | {
      name: 'email';
      /** Why the email screen shows: the passkey attempt's code, or absent when the user chose email. */
      reason?: 'user_canceled' | 'no_credential';
      /** A passkey autofill (conditional UI) offer is pending on the email field. */
      autofill: boolean;
      /** The address typed before, to prefill. */
      email?: string;
      error?: FlowError;
    }
  | { name: 'sendingCode'; email: string }
  | { name: 'code'; email: string; mode: CodeMode; error?: FlowError }
  | { name: 'resendingCode'; email: string; mode: CodeMode }
  | { name: 'verifyingCode'; email: string; mode: CodeMode }
  | { name: 'completing'; username: string }
  | { name: 'signedIn'; method: 'passkey' | 'email'; username: string };

/**
 * Events of the sign-in flow. The app sends the first group; effects send the second.
 *
 * @example
 * ```ts
 * await flow.send({ type: 'START_PASSKEY' });
 * await flow.send({ type: 'SUBMIT_EMAIL', email: 'ada@example.com' });
 * await flow.send({ type: 'SUBMIT_CODE', code: '123456' });
 * ```
 */
export type SignInEvent =
  | { type: 'START_PASSKEY' }
  | { type: 'START_AUTOFILL' }
  | { type: 'USE_EMAIL' }
  | { type: 'SUBMIT_EMAIL'; email: string }
  | { type: 'SUBMIT_CODE'; code: string }
  | { type: 'RESEND_CODE' }
  | { type: 'CHANGE_EMAIL' }
  | { type: 'RESET' }
  | { type: 'PASSKEY_SUCCEEDED'; username: string; token: string }
  | { type: 'PASSKEY_FAILED'; error: FlowError }
  | { type: 'CODE_SENT'; mode: CodeMode }
  | { type: 'SEND_FAILED'; error: FlowError }
  | { type: 'CODE_REJECTED'; error: FlowError; retry: boolean }
  | { type: 'SIGNED_IN' }
  | { type: 'SIGN_IN_FAILED'; error: FlowError }
  | { type: 'CRASHED'; error: FlowError };

/**
 * The sign-in transition table, pure: the next state, or `undefined` when the
 * state ignores the event.
 *
 * @example
 * ```ts
 * signInTransition({ name: 'passkey' }, { type: 'PASSKEY_FAILED', error: { code: 'no_credential', message: '' } });
 * // → { name: 'email', reason: 'no_credential', autofill: false }
 * ```
 */
export function signInTransition(state: SignInState, event: SignInEvent): SignInState | undefined {
  if (event.type === 'RESET') return { name: 'start' };
  if (event.type === 'CRASHED') return { name: 'start', error: event.error };
  switch (state.name) {
    case 'start':
      if (event.type === 'START_PASSKEY') return { name: 'passkey' };
      if (event.type === 'USE_EMAIL') return { name: 'email', autofill: false };
      if (event.type === 'START_AUTOFILL') return { name: 'email', autofill: true };
      return undefined;
    case 'passkey':
      if (event.type === 'PASSKEY_SUCCEEDED') return { name: 'completing', username: event.username };
      if (event.type === 'PASSKEY_FAILED') {
        const code = event.error.code;
        if (code === 'user_canceled') return { name: 'email', reason: 'user_canceled', autofill: false };
        if (code === 'no_credential') return { name: 'email', reason: 'no_credential', autofill: false };
        if (code === 'aborted') return { name: 'start' };
        return { name: 'start', error: event.error };
      }
      return undefined;
    case 'email':
      if (event.type === 'START_PASSKEY') return { name: 'passkey' };
      if (event.type === 'START_AUTOFILL' && !state.autofill) return { ...state, autofill: true };
      if (event.type === 'SUBMIT_EMAIL') {
        const email = event.email.trim();
        if (!email) {
          return { ...state, error: { code: 'invalid_request', message: 'Enter your email address' } };
        }
        return { name: 'sendingCode', email };
      }
      if (state.autofill && event.type === 'PASSKEY_SUCCEEDED')
        return { name: 'completing', username: event.username };
      // A failed or canceled autofill offer just goes away; the email field stays.
      if (state.autofill && event.type === 'PASSKEY_FAILED') return { ...state, autofill: false };
      return undefined;
    case 'sendingCode':
      if (event.type === 'CODE_SENT') return { name: 'code', email: state.email, mode: event.mode };
      if (event.type === 'SEND_FAILED')
        return { name: 'email', email: state.email, autofill: false, error: event.error };
      return undefined;
    case 'code':
      if (event.type === 'SUBMIT_CODE')
        return { name: 'verifyingCode', email: state.email, mode: state.mode };
      if (event.type === 'RESEND_CODE')
        return { name: 'resendingCode', email: state.email, mode: state.mode };
      if (event.type === 'CHANGE_EMAIL') return { name: 'email', email: state.email, autofill: false };
      return undefined;
    case 'resendingCode':
      if (event.type === 'CODE_SENT') return { name: 'code', email: state.email, mode: event.mode };
      if (event.type === 'SEND_FAILED')
        return { name: 'code', email: state.email, mode: state.mode, error: event.error };
      return undefined;
    case 'verifyingCode':
      if (event.type === 'SIGNED_IN') return { name: 'signedIn', method: 'email', username: state.email };
      if (event.type === 'CODE_REJECTED') {
        return event.retry
          ? { name: 'code', email: state.email, mode: state.mode, error: event.error }
          : { name: 'email', email: state.email, autofill: false, error: event.error };
      }
      if (event.type === 'SIGN_IN_FAILED')
        return { name: 'email', email: state.email, autofill: false, error: event.error };
      return undefined;
    case 'completing':
      if (event.type === 'SIGNED_IN')
        return { name: 'signedIn', method: 'passkey', username: state.username };
      if (event.type === 'SIGN_IN_FAILED') return { name: 'start', error: event.error };
      return undefined;
    case 'signedIn':
      return undefined;
  }
}

/**
 * Dependencies of {@link createSignInFlow}.
 *
 * @example
 * ```ts
 * import { confirmSignIn, signIn } from 'aws-amplify/auth';
 * const options: SignInFlowOptions = { latchkey, signIn, confirmSignIn };
 * ```
 */
export interface SignInFlowOptions {
  latchkey: FlowLatchkey;
  signIn: UserPoolSignIn;
  confirmSignIn: UserPoolConfirmSignIn;
  /** Action code of the passkey sign-in; the Latchkey Cognito triggers use `cognitoAuth` (the default). */
  action?: string | undefined;
}

/**
 * The running sign-in flow.
 *
 * @example
 * ```ts
 * const flow: SignInFlow = createSignInFlow({ latchkey, signIn, confirmSignIn });
 * ```
 */
export type SignInFlow = Machine<SignInState, SignInEvent>;

function passkeyOutcome(result: Awaited<ReturnType<FlowLatchkey['passkey']['signIn']>>): SignInEvent {
  if (result.errorCode || result.error) return { type: 'PASSKEY_FAILED', error: fromResponse(result) };
  const data = result.data;
  if (!data)
    return {
      type: 'PASSKEY_FAILED',
      error: { code: 'aborted', message: 'Another passkey request is pending' },
    };
  if (!data.isVerified) {
    return {
      type: 'PASSKEY_FAILED',
      error: { code: 'passkey_not_verified', message: data.failureReason ?? 'The passkey was not accepted' },
    };
  }
  if (!data.username || !data.token) {
    return {
      type: 'PASSKEY_FAILED',
      error: { code: 'unexpected_response', message: 'The passkey sign-in returned no username or token' },
    };
  }
  return { type: 'PASSKEY_SUCCEEDED', username: data.username, token: data.token };
}

/**
 * Creates the sign-in flow: passkey sign-in (usernameless, action
 * `cognitoAuth`) → on success `signIn(username)` + `confirmSignIn(token)`; on
 * `user_canceled`/`no_credential` the email screen (`signIn(email)` → code →
 * `confirmSignIn`); any other passkey error returns to `start` with the error
 * and offers no fallback.
 *
 * @example
 * ```ts
 * import { confirmSignIn, signIn } from 'aws-amplify/auth';
 * import { Latchkey, createSignInFlow } from '@latchkey/client';
 *
 * const latchkey = new Latchkey({ tenantId, baseUrl });
 * const flow = createSignInFlow({ latchkey, signIn, confirmSignIn });
 * flow.subscribe(render);
 *
 * let state = await flow.send({ type: 'START_PASSKEY' });
 * if (state.name === 'email') state = await flow.send({ type: 'SUBMIT_EMAIL', email: await askEmail() });
 * if (state.name === 'code') state = await flow.send({ type: 'SUBMIT_CODE', code: await askCode() });
 * if (state.name === 'signedIn') goHome();
 * ```
 */
export function createSignInFlow(options: SignInFlowOptions): SignInFlow {
  const { latchkey, signIn, confirmSignIn } = options;
  const action = options.action ?? 'cognitoAuth';

  const definition: MachineDefinition<SignInState, SignInEvent> = {
    initial: { name: 'start' },
    transition: signInTransition,
    crashed: (error) => ({ type: 'CRASHED', error: fromThrown('unexpected_error', error) }),
    exit(state, event) {
      // Leaving while a passkey request is pending (RESET, or an email typed during autofill) cancels it;
      // its own result ends it without that.
      if (event.type === 'PASSKEY_SUCCEEDED' || event.type === 'PASSKEY_FAILED') return;
      if (state.name === 'passkey' || (state.name === 'email' && state.autofill)) latchkey.passkey.cancel();
    },
    enter(state, event): Effect<SignInEvent> | undefined {
      switch (state.name) {
        case 'passkey':
          return { run: async () => passkeyOutcome(await latchkey.passkey.signIn({ action })) };
        case 'email':
          if (event.type !== 'START_AUTOFILL') return undefined;
          return {
            background: true,
            run: async () => passkeyOutcome(await latchkey.passkey.signIn({ action, autofill: true })),
          };
        case 'completing': {
          if (event.type !== 'PASSKEY_SUCCEEDED') return undefined;
          const { username, token } = event;
          return {
            run: async () => {
              // Create Auth Challenge runs and returns its own token, which is not needed here.
              let output: Awaited<ReturnType<UserPoolSignIn>>;
              try {
                output = await signIn({ username, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
              } catch (error) {
                return { type: 'SIGN_IN_FAILED', error: fromThrown('sign_in_failed', error) };
              }
              if (output.nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE') {
                return {
                  type: 'SIGN_IN_FAILED',
                  error: {
                    code: 'unexpected_step',
                    message: `The user pool answered ${output.nextStep.signInStep}`,
                  },
                };
              }
              const confirmed = await confirmWithToken(confirmSignIn, token);
              return confirmed.ok
                ? { type: 'SIGNED_IN' }
                : { type: 'SIGN_IN_FAILED', error: confirmed.error };
            },
          };
        }
        case 'sendingCode':
          return {
            run: async () => codeSentEvent(await startEmailSignIn({ latchkey, signIn }, state.email)),
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
              return done.ok
                ? { type: 'SIGNED_IN' }
                : { type: 'CODE_REJECTED', error: done.error, retry: done.retry };
            },
          };
        }
        default:
          return undefined;
      }
    },
  };
  return createMachine(definition);
}
