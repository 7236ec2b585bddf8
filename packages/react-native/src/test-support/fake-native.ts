/**
 * Fake native modules that fail exactly as the real ones do. The rejection
 * objects are those react-native-passkey 3.6.2's JS layer builds
 * (`handleNativeError` in its `PasskeyError.ts`) from the native codes its
 * Swift (`Passkey.handleErrorCode`) and Kotlin (`handle…Exception`, `mapDomError`)
 * code rejects with; the messages are the platforms' own.
 */
import type {
  NativePasskeyCreateRequest,
  NativePasskeyCreateResult,
  NativePasskeyError,
  NativePasskeyGetRequest,
  NativePasskeyGetResult,
  NativePasskeyModule,
  SecureStoreLike,
} from '../native-passkey.js';

/** Rejections as the app sees them, by scenario. */
export const NATIVE_ERRORS = {
  /** iOS: ASAuthorizationError.canceled (1001), a dismissed sheet (no failure reason). */
  iosCanceled: {
    error: 'UserCancelled',
    message:
      'The operation couldn’t be completed. (com.apple.AuthenticationServices.AuthorizationError error 1001.)',
  },
  /** iOS: 1001 under getImmediate with "No credentials available for login." as the failure reason. */
  iosImmediateNoCredential: {
    error: 'NoCredentials',
    message: 'The operation couldn’t be completed. No credentials available for login.',
  },
  /** iOS 18+: ASAuthorizationError.matchedExcludedCredential (1006). */
  iosMatchedExcluded: {
    error: 'CredentialAlreadyExists',
    message:
      'The operation couldn’t be completed. (com.apple.AuthenticationServices.AuthorizationError error 1006.)',
  },
  /** iOS: 4004, the app is not associated with the RP domain. */
  iosNotAssociated: {
    error: 'BadConfiguration',
    message:
      'Application with identifier ABCDE12345.com.example.app is not associated with domain example.com',
  },
  /** Android: NoCredentialException. */
  androidNoCredential: { error: 'NoCredentials', message: 'No credentials available' },
  /** Android: GetCredentialCancellationException. */
  androidCanceled: { error: 'UserCancelled', message: 'activity is cancelled by the user.' },
  /** Android: CreatePublicKeyCredentialDomException(InvalidStateError). */
  androidInvalidState: {
    error: 'CredentialAlreadyExists',
    message: 'One of the excluded credentials exists on the local device',
  },
  /** Android: GetCredentialInterruptedException. */
  androidInterrupted: { error: 'Interrupted', message: 'The operation was interrupted and may be retried.' },
  /** Android: CreateCredentialNoCreateOptionException. */
  androidNoCreateOption: {
    error: 'NoCreateOption',
    message: 'No create options available.',
  },
  /** JS layer: Passkey.isSupported() was false (NotSupportedError constant). */
  notSupported: {
    error: 'NotSupported',
    message:
      'Passkeys are not supported on this device. iOS 15 or Android SDK 28 and above is required to use Passkeys',
  },
  /** JS layer: an unmapped native code (e.g. Android `NotConfigured`) becomes NativeError(String(error)). */
  nativeError: { error: 'Native error', message: 'Error: NotConfigured' },
} satisfies Record<string, NativePasskeyError>;

type Outcome<T> = T | NativePasskeyError | 'pending';

/** A react-native-passkey `Passkey` double with scripted outcomes and recorded requests. */
export function fakePasskeyModule(
  options: {
    create?: Outcome<NativePasskeyCreateResult>[];
    get?: Outcome<NativePasskeyGetResult>[];
    supported?: boolean;
    withImmediate?: boolean;
  } = {},
) {
  const calls: { method: string; request: NativePasskeyCreateRequest | NativePasskeyGetRequest }[] = [];
  const signals: { rpId: string; credentialId: string }[] = [];
  const next = <T>(list: Outcome<T>[] | undefined): Promise<T> => {
    const outcome = list?.shift();
    if (outcome === undefined) return Promise.reject({ error: 'Unknown error', message: 'nothing scripted' });
    if (outcome === 'pending') return new Promise<T>(() => {});
    if (typeof outcome === 'object' && outcome !== null && 'error' in outcome) return Promise.reject(outcome);
    return Promise.resolve(outcome as T);
  };
  const module: NativePasskeyModule = {
    create(request) {
      calls.push({ method: 'create', request });
      if (options.supported === false) return Promise.reject(NATIVE_ERRORS.notSupported);
      return next(options.create);
    },
    get(request) {
      calls.push({ method: 'get', request });
      if (options.supported === false) return Promise.reject(NATIVE_ERRORS.notSupported);
      return next(options.get);
    },
    isSupported: () => options.supported !== false,
    async signalUnknownCredential(request) {
      signals.push(request);
    },
  };
  if (options.withImmediate !== false) {
    module.getImmediate = (request) => {
      calls.push({ method: 'getImmediate', request });
      if (options.supported === false) return Promise.reject(NATIVE_ERRORS.notSupported);
      return next(options.get);
    };
  }
  return { module, calls, signals };
}

/** expo-secure-store double that enforces its key rule (`[A-Za-z0-9._-]+`). */
export function fakeSecureStore() {
  const items = new Map<string, string>();
  const check = (key: string) => {
    if (!/^[\w.-]+$/.test(key)) throw new Error(`Invalid key provided to SecureStore: ${key}`);
  };
  const store: SecureStoreLike = {
    async getItemAsync(key) {
      check(key);
      return items.get(key) ?? null;
    },
    async setItemAsync(key, value) {
      check(key);
      items.set(key, value);
    },
    async deleteItemAsync(key) {
      check(key);
      items.delete(key);
    },
  };
  return { store, items };
}

/** A minimal scripted client API behind `fetch`. */
export function fakeFetch(
  routes: Record<string, (body: Record<string, unknown>) => { status?: number; body: unknown }>,
) {
  const requests: {
    method: string;
    path: string;
    authorization: string | null;
    body: Record<string, unknown>;
  }[] = [];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const path = new URL(url).pathname.replace(/^\/v1/, '') + new URL(url).search;
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    const method = init.method ?? 'GET';
    requests.push({ method, path, authorization: new Headers(init.headers).get('authorization'), body });
    const route = routes[`${method} ${path.split('?')[0]}`];
    const reply = route ? route(body) : { status: 404, body: { error: 'not_found', errorCode: 'not_found' } };
    return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200 });
  };
  return { fetch, requests };
}
