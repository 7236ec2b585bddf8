/**
 * What the flows need from the app: the user-pool calls (with the shapes of
 * Amplify v6's `aws-amplify/auth`, so Amplify's functions can be passed as
 * they are) and the Latchkey SDK.
 */
import type { LatchkeyErrorCode } from '../core/errors.js';
import type {
  EmailChallengeData,
  EmailEnrollData,
  EmailVerifyData,
  LatchkeyResponse,
  PasskeySignInData,
  PasskeySignInInput,
  PasskeySignUpData,
  PasskeySignUpInput,
} from '../core/types.js';

/**
 * The user-pool `signIn` (Amplify: `signIn` from `aws-amplify/auth`), called
 * with `authFlowType: 'CUSTOM_WITHOUT_SRP'`. The custom challenge step carries
 * the Latchkey track token and whether the user is enrolled (`'true'`/`'false'`).
 *
 * @example
 * ```ts
 * import { signIn } from 'aws-amplify/auth';
 * const userPoolSignIn: UserPoolSignIn = signIn;
 * ```
 */
export type UserPoolSignIn = (input: {
  username: string;
  options: { authFlowType: 'CUSTOM_WITHOUT_SRP' };
}) => Promise<{
  isSignedIn: boolean;
  nextStep: { signInStep: string; additionalInfo?: Record<string, string> | undefined };
}>;

/**
 * The user-pool `confirmSignIn` (Amplify: `confirmSignIn` from `aws-amplify/auth`),
 * answered with the Latchkey result token.
 *
 * @example
 * ```ts
 * import { confirmSignIn } from 'aws-amplify/auth';
 * const userPoolConfirmSignIn: UserPoolConfirmSignIn = confirmSignIn;
 * ```
 */
export type UserPoolConfirmSignIn = (input: { challengeResponse: string }) => Promise<{
  isSignedIn: boolean;
  nextStep?: { signInStep: string } | undefined;
}>;

/**
 * The user-pool `signUp` (Amplify: `signUp` from `aws-amplify/auth`); the Pre
 * sign-up trigger auto-confirms, so `isSignUpComplete` is expected to be true.
 *
 * @example
 * ```ts
 * import { signUp } from 'aws-amplify/auth';
 * const userPoolSignUp: UserPoolSignUp = signUp;
 * ```
 */
export type UserPoolSignUp = (input: {
  username: string;
  password: string;
  options: { userAttributes: { email: string } };
}) => Promise<{ isSignUpComplete: boolean }>;

/**
 * The part of the Latchkey SDK the flows use (`LatchkeyClient`, the browser
 * `Latchkey` and the React Native `Latchkey` all fit).
 *
 * @example
 * ```ts
 * const sdk: FlowLatchkey = new Latchkey({ tenantId, baseUrl });
 * ```
 */
export interface FlowLatchkey {
  setToken(token: string): void;
  passkey: {
    signIn(input?: PasskeySignInInput): Promise<LatchkeyResponse<PasskeySignInData>>;
    signUp(input?: PasskeySignUpInput): Promise<LatchkeyResponse<PasskeySignUpData>>;
    shouldPromptToCreatePasskey(input?: {
      username?: string | undefined;
    }): Promise<LatchkeyResponse<boolean>>;
    cancel(): void;
  };
  email: {
    enroll(input: { email: string }): Promise<LatchkeyResponse<EmailEnrollData>>;
    challenge(): Promise<LatchkeyResponse<EmailChallengeData>>;
    verify(input: { code: string }): Promise<LatchkeyResponse<EmailVerifyData>>;
  };
}

/**
 * Codes of flow errors: an SDK {@link LatchkeyErrorCode}, or one of the flow's own:
 *
 * | code | when |
 * |---|---|
 * | `invalid_code` | the code was wrong or expired (`CODE_INVALID_OR_EXPIRED`), or the answer was refused |
 * | `too_many_attempts` | too many wrong codes (`MAX_ATTEMPTS_EXCEEDED`); ask for a new code later |
 * | `passkey_not_verified` | the server refused the passkey (`isVerified: false`) |
 * | `sign_in_failed` | the user pool's `signIn`/`confirmSignIn` threw or did not sign in (`name` has the exception, e.g. `NotAuthorizedException`) |
 * | `unexpected_step` | `signIn` did not answer with `CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE` and a token |
 * | `sign_up_failed` | the user pool's `signUp` threw or did not complete |
 * | `user_exists` | `signUp` threw `UsernameExistsException`: use the sign-in flow |
 * | `unexpected_error` | an injected function broke its contract |
 *
 * @example
 * ```ts
 * const message = (code: FlowErrorCode) => (code === 'invalid_code' ? 'Invalid code' : 'Something went wrong');
 * ```
 */
export type FlowErrorCode =
  | LatchkeyErrorCode
  | 'invalid_code'
  | 'too_many_attempts'
  | 'passkey_not_verified'
  | 'sign_in_failed'
  | 'unexpected_step'
  | 'sign_up_failed'
  | 'user_exists'
  | 'unexpected_error';

/**
 * An error shown in a flow state: a code to branch on, a message for people,
 * and (for user-pool errors) the exception's `name`.
 *
 * @example
 * ```ts
 * const error: FlowError = { code: 'sign_in_failed', message: 'Incorrect username or password.', name: 'NotAuthorizedException' };
 * ```
 */
export interface FlowError {
  code: FlowErrorCode | (string & {});
  message: string;
  name?: string;
}

/** @internal A `FlowError` from an SDK error result. */
export function fromResponse(result: LatchkeyResponse<unknown>): FlowError {
  const code = result.errorCode ?? 'unexpected_error';
  return { code, message: result.error ?? result.errorDescription ?? code };
}

/** @internal A `FlowError` from something an injected user-pool function threw. */
export function fromThrown(code: FlowErrorCode, error: unknown): FlowError {
  const name =
    typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
      ? error.name
      : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return { code, message, ...(name && name !== 'Error' ? { name } : {}) };
}

/**
 * How the code was sent: `enroll` (first code to a new address) or `challenge` (enrolled address).
 *
 * @example
 * ```ts
 * const hint = (mode: CodeMode) => (mode === 'enroll' ? 'We sent a code to confirm your address' : 'We sent you a code');
 * ```
 */
export type CodeMode = 'enroll' | 'challenge';

/**
 * @internal
 * Starts the user pool's custom-auth sign-in for `username`, caches its track
 * token in the SDK and sends the first code (`challenge` when enrolled, else
 * `enroll`). Flow 2.1 steps 2–4.
 */
export async function startEmailSignIn(
  deps: { latchkey: FlowLatchkey; signIn: UserPoolSignIn },
  email: string,
): Promise<{ ok: true; mode: CodeMode } | { ok: false; error: FlowError }> {
  let output: Awaited<ReturnType<UserPoolSignIn>>;
  try {
    output = await deps.signIn({ username: email, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  } catch (error) {
    return { ok: false, error: fromThrown('sign_in_failed', error) };
  }
  const token = output.nextStep.additionalInfo?.token;
  if (output.nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE' || !token) {
    return {
      ok: false,
      error: {
        code: 'unexpected_step',
        message: `The user pool answered ${output.nextStep.signInStep}${token ? '' : ' without a token'}`,
      },
    };
  }
  deps.latchkey.setToken(token);
  const mode: CodeMode = output.nextStep.additionalInfo?.isEnrolled === 'true' ? 'challenge' : 'enroll';
  return sendCode(deps.latchkey, email, mode);
}

/** What a code send ends in. */
export type CodeSendResult = { ok: true; mode: CodeMode } | { ok: false; error: FlowError };

/** @internal The event both flows' state machines get when a code send ends. */
export function codeSentEvent(
  sent: CodeSendResult,
): { type: 'CODE_SENT'; mode: CodeMode } | { type: 'SEND_FAILED'; error: FlowError } {
  return sent.ok ? { type: 'CODE_SENT', mode: sent.mode } : { type: 'SEND_FAILED', error: sent.error };
}

/** @internal Sends (or re-sends, with the same token) a code. */
export async function sendCode(
  latchkey: FlowLatchkey,
  email: string,
  mode: CodeMode,
): Promise<CodeSendResult> {
  const sent =
    mode === 'challenge' ? await latchkey.email.challenge() : await latchkey.email.enroll({ email });
  return sent.errorCode || sent.error ? { ok: false, error: fromResponse(sent) } : { ok: true, mode };
}

/**
 * @internal
 * Verifies `code` and answers the user pool's challenge with the result token
 * (flow 2.1 step 5).
 */
export async function verifyAndConfirm(
  deps: { latchkey: FlowLatchkey; confirmSignIn: UserPoolConfirmSignIn },
  code: string,
): Promise<{ ok: true } | { ok: false; retry: boolean; error: FlowError }> {
  const verified = await deps.latchkey.email.verify({ code });
  if (verified.errorCode || verified.error) {
    // Worth another try with the same token only when nothing was decided; else start over.
    const retry = verified.errorCode === 'network_error' || verified.errorCode === 'too_many_requests';
    return { ok: false, retry, error: fromResponse(verified) };
  }
  const token = verified.data?.isVerified ? verified.data.token : undefined;
  if (!token) {
    const tooMany = verified.data?.failureReason === 'MAX_ATTEMPTS_EXCEEDED';
    return {
      ok: false,
      retry: !tooMany,
      error: tooMany
        ? { code: 'too_many_attempts', message: 'Too many wrong codes. Ask for a new code later.' }
        : { code: 'invalid_code', message: 'Invalid code' },
    };
  }
  return confirmWithToken(deps.confirmSignIn, token);
}

/** @internal `confirmSignIn({ challengeResponse: token })`, expecting to be signed in. */
export async function confirmWithToken(
  confirmSignIn: UserPoolConfirmSignIn,
  token: string,
): Promise<{ ok: true } | { ok: false; retry: false; error: FlowError }> {
  try {
    const confirmed = await confirmSignIn({ challengeResponse: token });
    if (confirmed.isSignedIn) return { ok: true };
    return {
      ok: false,
      retry: false,
      // The pool asked again: the answer was refused (for example an unknown user, flow 2.3).
      error: { code: 'sign_in_failed', message: 'Invalid credentials' },
    };
  } catch (error) {
    return { ok: false, retry: false, error: fromThrown('sign_in_failed', error) };
  }
}
