/** The React Native platform: react-native-passkey + secure storage + the global fetch. */
import {
  type AuthenticationResponseJSON,
  type FetchLike,
  type KeyValueStorage,
  type LatchkeyPlatform,
  PasskeyError,
  type PasskeyPlatform,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@latchkey/client/core';
import { mapNativePasskeyError } from './errors.js';
import type {
  NativePasskeyCreateRequest,
  NativePasskeyGetRequest,
  NativePasskeyModule,
  SecureStoreLike,
} from './native-passkey.js';

/**
 * expo-secure-store (or anything with `getItemAsync`/`setItemAsync`/`deleteItemAsync`)
 * as the SDK's {@link KeyValueStorage}.
 *
 * @example
 * ```ts
 * import * as SecureStore from 'expo-secure-store';
 * const storage = secureStoreStorage(SecureStore);
 * ```
 */
export function secureStoreStorage(secureStore: SecureStoreLike): KeyValueStorage {
  return {
    getItem: (key) => secureStore.getItemAsync(key),
    setItem: (key, value) => secureStore.setItemAsync(key, value),
    removeItem: (key) => secureStore.deleteItemAsync(key),
  };
}

/** Ends with an `aborted` PasskeyError when `signal` aborts; the native sheet itself cannot be closed. */
function abortable<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted)
    return Promise.reject(new PasskeyError('aborted', 'The passkey request was canceled by the app'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new PasskeyError('aborted', 'The passkey request was canceled by the app'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The creation options as react-native-passkey takes them. As the Authsignal
 * Android SDK does, user verification is required and EdDSA (−8) is dropped
 * (Credential Manager providers reject it).
 *
 * @example
 * ```ts
 * const request = toNativeCreateRequest(optionsFromServer);
 * const credential = await Passkey.create(request);
 * ```
 */
export function toNativeCreateRequest(
  options: PublicKeyCredentialCreationOptionsJSON,
): NativePasskeyCreateRequest {
  const rpId = options.rp.id;
  if (!rpId) throw new PasskeyError('invalid_request', 'The creation options name no rp.id');
  return {
    ...options,
    rp: { id: rpId, name: options.rp.name },
    pubKeyCredParams: options.pubKeyCredParams.filter((param) => param.alg !== -8),
    authenticatorSelection: { ...options.authenticatorSelection, userVerification: 'required' },
  } as NativePasskeyCreateRequest;
}

/**
 * The request options as react-native-passkey takes them (user verification required).
 *
 * @example
 * ```ts
 * const assertion = await Passkey.get(toNativeGetRequest(optionsFromServer));
 * ```
 */
export function toNativeGetRequest(options: PublicKeyCredentialRequestOptionsJSON): NativePasskeyGetRequest {
  const rpId = options.rpId;
  if (!rpId) throw new PasskeyError('invalid_request', 'The request options name no rpId');
  return { ...options, rpId, userVerification: 'required' } as NativePasskeyGetRequest;
}

/**
 * react-native-passkey as a {@link PasskeyPlatform}:
 * - `get` uses `Passkey.getImmediate` when `preferImmediatelyAvailableCredentials`
 *   is true (the default) and the module has it (3.6+), else `Passkey.get`;
 * - errors are mapped by {@link mapNativePasskeyError};
 * - results get the fields the server requires (`type`, `rawId`, `clientExtensionResults`);
 * - there is no autofill (conditional UI) in react-native-passkey: `signIn({ autofill: true })`
 *   resolves `not_supported`;
 * - `cancel()` ends the pending call with `aborted`, but cannot close the native sheet.
 *
 * @example
 * ```ts
 * import { Passkey } from 'react-native-passkey';
 * const passkeys = nativePasskeys(Passkey);
 * ```
 */
export function nativePasskeys(passkey: NativePasskeyModule): PasskeyPlatform {
  return {
    isSupported: async () => passkey.isSupported(),
    isAutofillSupported: async () => false,
    async create(options, { signal }): Promise<RegistrationResponseJSON> {
      try {
        const result = await abortable(signal, passkey.create(toNativeCreateRequest(options)));
        return {
          ...result,
          id: result.id,
          rawId: result.rawId || result.id,
          type: 'public-key',
          clientExtensionResults: result.clientExtensionResults ?? {},
        } as RegistrationResponseJSON;
      } catch (error) {
        throw mapNativePasskeyError(error, 'create');
      }
    },
    async get(
      options,
      { preferImmediatelyAvailableCredentials, signal },
    ): Promise<AuthenticationResponseJSON> {
      try {
        const request = toNativeGetRequest(options);
        const call =
          preferImmediatelyAvailableCredentials && typeof passkey.getImmediate === 'function'
            ? passkey.getImmediate(request)
            : passkey.get(request);
        const result = await abortable(signal, call);
        return {
          ...result,
          id: result.id,
          rawId: result.rawId || result.id,
          type: 'public-key',
          clientExtensionResults: result.clientExtensionResults ?? {},
        } as AuthenticationResponseJSON;
      } catch (error) {
        throw mapNativePasskeyError(error, 'get');
      }
    },
    async signalUnknownCredential(rpId, credentialId) {
      await passkey.signalUnknownCredential?.({ rpId, credentialId });
    },
    // iOS reports every passkey as `cross-platform`, so the attachment says nothing here.
    rememberCrossPlatformCredentials: true,
  };
}

/**
 * Options of {@link reactNativePlatform}.
 *
 * @example
 * ```ts
 * import { Passkey } from 'react-native-passkey';
 * import * as SecureStore from 'expo-secure-store';
 * const options: ReactNativePlatformOptions = { passkey: Passkey, secureStorage: SecureStore };
 * ```
 */
export interface ReactNativePlatformOptions {
  /** react-native-passkey's `Passkey` (or a compatible module). */
  passkey: NativePasskeyModule;
  /** expo-secure-store (or compatible), for the remembered passkey ids. Or give `storage`. */
  secureStorage?: SecureStoreLike | undefined;
  /** Any async key-value storage (for example AsyncStorage), instead of `secureStorage`. */
  storage?: KeyValueStorage | undefined;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike | undefined;
}

/**
 * The React Native {@link LatchkeyPlatform}. Needs `secureStorage` or `storage`.
 *
 * @example
 * ```ts
 * import { LatchkeyClient } from '@latchkey/client/core';
 * import { Passkey } from 'react-native-passkey';
 * import * as SecureStore from 'expo-secure-store';
 *
 * const platform = reactNativePlatform({ passkey: Passkey, secureStorage: SecureStore });
 * const latchkey = new LatchkeyClient({ tenantId, baseUrl, platform });
 * ```
 */
export function reactNativePlatform(options: ReactNativePlatformOptions): LatchkeyPlatform {
  const storage =
    options.storage ?? (options.secureStorage ? secureStoreStorage(options.secureStorage) : undefined);
  if (!storage) throw new TypeError('reactNativePlatform: pass secureStorage (expo-secure-store) or storage');
  if (!options.passkey)
    throw new TypeError('reactNativePlatform: pass passkey (react-native-passkey’s Passkey)');
  return {
    fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    storage,
    passkeys: nativePasskeys(options.passkey),
  };
}
