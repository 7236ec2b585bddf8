/**
 * Browser entry (bundled by esbuild at test time): the `@latchkey/client`
 * browser SDK on `window.harness`, driven by the tests with string
 * expressions. It also records the `mediation` of every
 * `navigator.credentials.get` call, so tests can see conditional UI happen.
 */
import { Latchkey, type PasskeySignInInput, type PasskeySignUpInput } from '@latchkey/client';

const mediations: (string | null)[] = [];
const originalGet = navigator.credentials.get.bind(navigator.credentials);
navigator.credentials.get = (options?: CredentialRequestOptions) => {
  mediations.push(options?.mediation ?? null);
  return originalGet(options);
};

let latchkey: Latchkey | undefined;
let autofill: Promise<unknown> | undefined;
const sdk = (): Latchkey => {
  if (!latchkey) throw new Error('harness.init first');
  return latchkey;
};

const harness = {
  init(options: { tenantId: string; baseUrl: string; requestTimeoutMs?: number }) {
    latchkey = new Latchkey(options);
    return true;
  },
  setToken: (token: string) => sdk().setToken(token),
  getToken: () => sdk().getToken() ?? null,
  passkeySignUp: (input?: PasskeySignUpInput) => sdk().passkey.signUp(input),
  passkeySignIn: (input?: PasskeySignInInput) => sdk().passkey.signIn(input),
  startAutofill(input: PasskeySignInInput) {
    autofill = sdk().passkey.signIn({ ...input, autofill: true });
    return true;
  },
  autofillResult: () => autofill,
  cancel: () => sdk().passkey.cancel(),
  isSupported: () => sdk().passkey.isSupported(),
  isAutofillSupported: () => sdk().passkey.isAutofillSupported(),
  shouldPromptToCreatePasskey: (input?: { username?: string }) =>
    sdk().passkey.shouldPromptToCreatePasskey(input),
  emailEnroll: (email: string) => sdk().email.enroll({ email }),
  emailChallenge: () => sdk().email.challenge(),
  emailVerify: (code: string) => sdk().email.verify({ code }),
  mediations: () => [...mediations],
  storage: () => ({ ...localStorage }),
};

(window as unknown as { harness: typeof harness }).harness = harness;
