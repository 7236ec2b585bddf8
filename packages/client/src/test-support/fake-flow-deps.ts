/**
 * Fakes for the flow tests: a scripted SDK (`FlowLatchkey`) and a tiny user
 * pool with Amplify's call shapes (custom challenge carrying `token` and
 * `isEnrolled` as strings; the answer must be the result token of the same user).
 */
import type { LatchkeyResponse, PasskeySignInData, PasskeySignUpData } from '../core/types.js';
import type {
  FlowLatchkey,
  UserPoolConfirmSignIn,
  UserPoolSignIn,
  UserPoolSignUp,
} from '../flows/user-pool.js';

type Deferred<T> = { promise: Promise<T>; resolve: (value: T) => void };
export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A user pool in memory; `codes` are the valid email codes per address. */
export function fakeUserPool(options: { users?: Record<string, { enrolled: boolean }> } = {}) {
  const users = new Map(Object.entries(options.users ?? {}));
  const log: string[] = [];
  let pending: { username: string; token: string } | undefined;
  let signedIn: string | undefined;
  let seq = 0;

  const signUp: UserPoolSignUp = async ({ username, password, options: { userAttributes } }) => {
    log.push(`signUp ${username}`);
    if (users.has(username)) {
      const error = new Error('User already exists');
      error.name = 'UsernameExistsException';
      throw error;
    }
    if (password.length < 8 || userAttributes.email !== username) throw new Error('bad sign-up input');
    users.set(username, { enrolled: false });
    return { isSignUpComplete: true };
  };

  const signIn: UserPoolSignIn = async ({ username, options }) => {
    log.push(`signIn ${username}`);
    if (options.authFlowType !== 'CUSTOM_WITHOUT_SRP') throw new Error('expected CUSTOM_WITHOUT_SRP');
    const user = users.get(username);
    if (!user) {
      const error = new Error('Incorrect username or password.');
      error.name = 'NotAuthorizedException';
      throw error;
    }
    const token = `track-${username}-${++seq}`;
    pending = { username, token };
    return {
      isSignedIn: false,
      nextStep: {
        signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE',
        additionalInfo: { token, isEnrolled: String(user.enrolled), USERNAME: username },
      },
    };
  };

  const confirmSignIn: UserPoolConfirmSignIn = async ({ challengeResponse }) => {
    log.push(`confirmSignIn ${challengeResponse}`);
    if (!pending) throw new Error('No sign-in in progress');
    if (challengeResponse !== `result-${pending.username}`) {
      return { isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE' } };
    }
    signedIn = pending.username;
    pending = undefined;
    return { isSignedIn: true, nextStep: { signInStep: 'DONE' } };
  };

  return {
    signUp,
    signIn,
    confirmSignIn,
    users,
    log,
    signedIn: () => signedIn,
  };
}

/**
 * A scripted SDK. `passkeySignIn` results are consumed in order (a deferred
 * result stays pending until resolved or `cancel()`ed); email codes are
 * `123456`; the verify result token is `result-<email>`.
 */
export function fakeLatchkey() {
  const log: string[] = [];
  let token: string | undefined;
  /** The email the current token belongs to, from `track-<email>-n`. */
  const emailOfToken = () => token?.match(/^(?:track|result)-(.+?)(?:-\d+)?$/)?.[1];
  const script = {
    passkeySignIn: [] as (
      | LatchkeyResponse<PasskeySignInData>
      | Deferred<LatchkeyResponse<PasskeySignInData>>
    )[],
    passkeySignUp: [] as LatchkeyResponse<PasskeySignUpData>[],
    shouldPrompt: { data: true } as LatchkeyResponse<boolean>,
    sendError: undefined as LatchkeyResponse<never> | undefined,
    verifyError: undefined as LatchkeyResponse<never> | undefined,
    failureReason: 'CODE_INVALID_OR_EXPIRED',
  };
  const pendingSignIns: Deferred<LatchkeyResponse<PasskeySignInData>>[] = [];

  const latchkey: FlowLatchkey = {
    setToken(value) {
      log.push(`setToken ${value}`);
      token = value;
    },
    passkey: {
      async signIn(input = {}) {
        log.push(`passkey.signIn ${JSON.stringify(input)}`);
        const next = script.passkeySignIn.shift();
        if (!next) throw new Error('fake latchkey: no passkey.signIn scripted');
        if ('promise' in next) {
          pendingSignIns.push(next);
          return next.promise;
        }
        return next;
      },
      async signUp(input = {}) {
        log.push(`passkey.signUp ${JSON.stringify(input)} with ${token}`);
        return script.passkeySignUp.shift() ?? { errorCode: 'unexpected_error', error: 'nothing scripted' };
      },
      async shouldPromptToCreatePasskey(input = {}) {
        log.push(`passkey.shouldPromptToCreatePasskey ${JSON.stringify(input)}`);
        return script.shouldPrompt;
      },
      cancel() {
        log.push('passkey.cancel');
        for (const pending of pendingSignIns.splice(0))
          pending.resolve({ errorCode: 'aborted', error: 'canceled' });
      },
    },
    email: {
      async enroll({ email }) {
        log.push(`email.enroll ${email} with ${token}`);
        if (!token) return { errorCode: 'token_not_set', error: 'no token' };
        return script.sendError ?? { data: { userAuthenticatorId: 'ua-1' } };
      },
      async challenge() {
        log.push(`email.challenge with ${token}`);
        if (!token) return { errorCode: 'token_not_set', error: 'no token' };
        return script.sendError ?? { data: { challengeId: 'ch-1' } };
      },
      async verify({ code }) {
        log.push(`email.verify ${code} with ${token}`);
        if (script.verifyError) return script.verifyError;
        if (code !== '123456') return { data: { isVerified: false, failureReason: script.failureReason } };
        token = `result-${emailOfToken()}`;
        return { data: { isVerified: true, token } };
      },
    },
  };
  return { latchkey, log, script, token: () => token };
}

/** A verified passkey sign-in result for `username`. */
export function passkeySuccess(username: string): LatchkeyResponse<PasskeySignInData> {
  return { data: { isVerified: true, token: `result-${username}`, userId: `sub-${username}`, username } };
}
