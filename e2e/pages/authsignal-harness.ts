/**
 * Browser entry: the unmodified `@authsignal/browser` package on
 * `window.authsignalHarness`. Its ceremonies throw WebAuthnError on failure;
 * the harness reports those as `{ thrown: { name, code, message } }`.
 */
import * as authsignalBrowser from '@authsignal/browser';

/**
 * The parts of `@authsignal/browser` 1.16 used here. Its published .d.ts files
 * use extensionless relative imports, which NodeNext resolution cannot follow,
 * so the types are declared locally; the runtime is the package, unmodified.
 */
type Response<T> = { data?: T; error?: string; errorCode?: string; errorDescription?: string };
interface Authsignal {
  setToken(token: string): void;
  passkey: {
    signUp(input: {
      token?: string;
      username?: string;
      displayName?: string;
    }): Promise<Response<{ token?: string; registrationResponse?: { id: string } }>>;
    signIn(input: {
      action?: string;
      token?: string;
      autofill?: boolean;
    }): Promise<Response<Record<string, unknown> & { authenticationResponse?: unknown }>>;
    isAvailableOnDevice(input: { userId: string }): Promise<boolean>;
  };
  email: {
    enroll(input: { email: string }): Promise<Response<unknown>>;
    verify(input: { code: string }): Promise<Response<{ isVerified: boolean; token?: string }>>;
  };
}
const { Authsignal: AuthsignalClass } = authsignalBrowser as unknown as {
  Authsignal: new (options: { tenantId: string; baseUrl: string }) => Authsignal;
};

let client: Authsignal | undefined;
const sdk = (): Authsignal => {
  if (!client) throw new Error('authsignalHarness.init first');
  return client;
};

async function settle<T>(
  work: () => Promise<T>,
): Promise<T | { thrown: { name: string; code?: string; message: string } }> {
  try {
    return await work();
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    return {
      thrown: { name: String(e.name), ...(e.code ? { code: e.code } : {}), message: String(e.message) },
    };
  }
}

const authsignalHarness = {
  init(options: { tenantId: string; baseUrl: string }) {
    client = new AuthsignalClass(options);
    return true;
  },
  setToken: (token: string) => sdk().setToken(token),
  passkeySignUp: (input: { token?: string; username?: string; displayName?: string }) =>
    settle(async () => {
      const result = await sdk().passkey.signUp(input);
      // registrationResponse is large and not needed by the tests.
      return {
        ...result,
        data: result.data
          ? { token: result.data.token, credentialId: result.data.registrationResponse?.id }
          : undefined,
      };
    }),
  passkeySignIn: (input: { action?: string; token?: string; autofill?: boolean }) =>
    settle(async () => {
      const result = await sdk().passkey.signIn(input);
      const { authenticationResponse: _, ...data } = result.data ?? { authenticationResponse: undefined };
      return { ...result, data: result.data ? data : undefined };
    }),
  isAvailableOnDevice: (userId: string) => sdk().passkey.isAvailableOnDevice({ userId }),
  emailEnroll: (email: string) => sdk().email.enroll({ email }),
  emailVerify: (code: string) => sdk().email.verify({ code }),
};

(window as unknown as { authsignalHarness: typeof authsignalHarness }).authsignalHarness = authsignalHarness;
