/**
 * What the SDK core needs from the platform it runs on. The browser and React
 * Native packages each provide one; tests provide fakes.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from './webauthn-json.js';

/**
 * The part of `fetch` the SDK uses; `globalThis.fetch` fits.
 *
 * @example
 * ```ts
 * const logged: FetchLike = (url, init) => {
 *   console.log(init.method, url);
 *   return fetch(url, init);
 * };
 * ```
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Asynchronous string storage (the shape of AsyncStorage and of Amplify's
 * `KeyValueStorageInterface`). The SDK keeps the ids of the passkeys it
 * created or used here, never tokens.
 *
 * @example
 * ```ts
 * const memory = new Map<string, string>();
 * const storage: KeyValueStorage = {
 *   getItem: async (key) => memory.get(key) ?? null,
 *   setItem: async (key, value) => void memory.set(key, value),
 *   removeItem: async (key) => void memory.delete(key),
 * };
 * ```
 */
export interface KeyValueStorage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

/**
 * Options of one authentication ceremony, beyond the server's request options.
 *
 * @example
 * ```ts
 * const request: PasskeyGetRequest = { mediation: 'conditional', preferImmediatelyAvailableCredentials: true, signal };
 * ```
 */
export interface PasskeyGetRequest {
  /** `'conditional'`: offer passkeys in the autofill of an `autocomplete="username webauthn"` field. */
  mediation?: 'conditional' | undefined;
  /**
   * Fail at once with `no_credential` (or, on iOS, `user_canceled`) instead of
   * offering other devices when this device holds no passkey for the RP.
   */
  preferImmediatelyAvailableCredentials: boolean;
  /** Aborted by `passkey.cancel()`; the platform should end the ceremony with an `aborted` PasskeyError. */
  signal: AbortSignal;
}

/**
 * Options of one registration ceremony, beyond the server's creation options.
 *
 * @example
 * ```ts
 * const request: PasskeyCreateRequest = { signal: new AbortController().signal };
 * ```
 */
export interface PasskeyCreateRequest {
  /** Aborted by `passkey.cancel()`. */
  signal: AbortSignal;
}

/**
 * The device's passkey API. `create` and `get` resolve the credential JSON or
 * throw a {@link PasskeyError} (anything else thrown becomes `unexpected_error`).
 *
 * @example
 * ```ts
 * const passkeys: PasskeyPlatform = {
 *   isSupported: async () => true,
 *   isAutofillSupported: async () => false,
 *   create: (options) => startRegistration({ optionsJSON: options }),
 *   get: (options) => startAuthentication({ optionsJSON: options }),
 *   rememberCrossPlatformCredentials: false,
 * };
 * ```
 */
export interface PasskeyPlatform {
  /** Whether this device can use passkeys at all. */
  isSupported(): Promise<boolean>;
  /** Whether `get` supports `mediation: 'conditional'` (passkeys in autofill). */
  isAutofillSupported(): Promise<boolean>;
  create(
    options: PublicKeyCredentialCreationOptionsJSON,
    request: PasskeyCreateRequest,
  ): Promise<RegistrationResponseJSON>;
  get(
    options: PublicKeyCredentialRequestOptionsJSON,
    request: PasskeyGetRequest,
  ): Promise<AuthenticationResponseJSON>;
  /**
   * Tell the OS credential manager that the server no longer knows a
   * credential, so it can hide it (WebAuthn Signal API). Best effort.
   */
  signalUnknownCredential?(rpId: string, credentialId: string): Promise<void>;
  /**
   * Whether to remember credentials reported as `cross-platform` (security keys,
   * phones over hybrid) for `shouldPromptToCreatePasskey`. Browsers report the
   * attachment truthfully, so the web skips them; iOS reports every passkey as
   * `cross-platform`, so React Native keeps them.
   */
  rememberCrossPlatformCredentials: boolean;
}

/**
 * Everything the core needs from a platform.
 *
 * @example
 * ```ts
 * const platform: LatchkeyPlatform = { fetch: globalThis.fetch.bind(globalThis), storage, passkeys };
 * const latchkey = new LatchkeyClient({ tenantId: 'my-tenant', baseUrl: 'https://auth.example.com/v1', platform });
 * ```
 */
export interface LatchkeyPlatform {
  fetch: FetchLike;
  storage: KeyValueStorage;
  passkeys: PasskeyPlatform;
}
