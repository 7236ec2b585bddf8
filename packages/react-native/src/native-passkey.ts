/**
 * The shapes of `react-native-passkey` 3.6 (`Passkey` and its request, result
 * and error types), declared here so this package needs neither React Native
 * nor react-native-passkey at build time: the app passes the real module in.
 */

/**
 * A credential descriptor as react-native-passkey takes it.
 *
 * @example
 * ```ts
 * const descriptor: NativeCredentialDescriptor = { type: 'public-key', id: 'AbCd…', transports: ['internal'] };
 * ```
 */
export interface NativeCredentialDescriptor {
  type: 'public-key';
  id: string;
  transports?: string[];
}

/**
 * `PasskeyCreateRequest` of react-native-passkey: the creation options JSON.
 *
 * @example
 * ```ts
 * const request: NativePasskeyCreateRequest = {
 *   challenge: 'q83v', rp: { id: 'example.com', name: 'Example' },
 *   user: { id: 'dXNlcg', name: 'ada@example.com', displayName: 'Ada' },
 *   pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
 * };
 * ```
 */
export interface NativePasskeyCreateRequest {
  challenge: string;
  rp: { id: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  timeout?: number;
  excludeCredentials?: NativeCredentialDescriptor[];
  authenticatorSelection?: {
    authenticatorAttachment?: 'platform' | 'cross-platform';
    requireResidentKey?: boolean;
    residentKey?: 'discouraged' | 'preferred' | 'required';
    userVerification?: 'discouraged' | 'preferred' | 'required';
  };
  attestation?: 'none' | 'indirect' | 'direct' | 'enterprise';
  extensions?: Record<string, unknown>;
}

/**
 * `PasskeyCreateResult` of react-native-passkey: the registration response JSON
 * (`type` and `clientExtensionResults` may be missing).
 *
 * @example
 * ```ts
 * const result: NativePasskeyCreateResult = { id: 'AbCd', rawId: 'AbCd', response: { clientDataJSON: 'eyJ…', attestationObject: 'o2N…' } };
 * ```
 */
export interface NativePasskeyCreateResult {
  id: string;
  rawId: string;
  type?: string;
  authenticatorAttachment?: string;
  response: {
    clientDataJSON: string;
    attestationObject: string;
    authenticatorData?: string;
    transports?: string[];
    publicKeyAlgorithm?: number;
    publicKey?: string;
  };
  clientExtensionResults?: Record<string, unknown>;
}

/**
 * `PasskeyGetRequest` of react-native-passkey: the request options JSON.
 *
 * @example
 * ```ts
 * const request: NativePasskeyGetRequest = { challenge: 'q83v', rpId: 'example.com', allowCredentials: [], userVerification: 'required' };
 * ```
 */
export interface NativePasskeyGetRequest {
  challenge: string;
  rpId: string;
  timeout?: number;
  allowCredentials?: NativeCredentialDescriptor[];
  userVerification?: 'discouraged' | 'preferred' | 'required';
  extensions?: Record<string, unknown>;
}

/**
 * `PasskeyGetResult` of react-native-passkey: the assertion JSON (`rawId`,
 * `type` and `clientExtensionResults` may be missing; iOS sends `userHandle`
 * as the user id's text).
 *
 * @example
 * ```ts
 * const result: NativePasskeyGetResult = { id: 'AbCd', response: { clientDataJSON: 'eyJ…', authenticatorData: 'SZY…', signature: 'MEU…' } };
 * ```
 */
export interface NativePasskeyGetResult {
  id: string;
  rawId?: string;
  type?: string;
  authenticatorAttachment?: string;
  response: {
    authenticatorData: string;
    clientDataJSON: string;
    signature: string;
    userHandle?: string;
  };
  clientExtensionResults?: Record<string, unknown>;
}

/**
 * The `Passkey` class of react-native-passkey (its static methods), or any
 * object with the same methods. `getImmediate` (3.6+) serves
 * `preferImmediatelyAvailableCredentials`; `signalUnknownCredential` (3.6+)
 * lets the OS hide passkeys the server forgot.
 *
 * @example
 * ```ts
 * import { Passkey } from 'react-native-passkey';
 * const module: NativePasskeyModule = Passkey;
 * ```
 */
export interface NativePasskeyModule {
  create(request: NativePasskeyCreateRequest): Promise<NativePasskeyCreateResult>;
  get(request: NativePasskeyGetRequest): Promise<NativePasskeyGetResult>;
  getImmediate?(request: NativePasskeyGetRequest): Promise<NativePasskeyGetResult>;
  isSupported(): boolean;
  signalUnknownCredential?(request: { rpId: string; credentialId: string }): Promise<void>;
}

/**
 * What react-native-passkey rejects with: `{ error, message }`, where `error`
 * is one of `UserCancelled`, `NoCredentials`, `CredentialAlreadyExists`,
 * `RequestFailed`, `NotSupported`, `BadConfiguration`, `TimedOut`,
 * `Interrupted`, `NoCreateOption`, `InvalidChallenge`, `Unknown error` or
 * `Native error` (its `PasskeyError.ts`).
 *
 * @example
 * ```ts
 * const canceled: NativePasskeyError = { error: 'UserCancelled', message: 'The user cancelled the request.' };
 * ```
 */
export interface NativePasskeyError {
  error: string;
  message: string;
}

/**
 * expo-secure-store's functions (or anything with the same three), used to
 * keep the remembered passkey ids in the Keychain / Keystore.
 *
 * @example
 * ```ts
 * import * as SecureStore from 'expo-secure-store';
 * const secureStorage: SecureStoreLike = SecureStore;
 * ```
 */
export interface SecureStoreLike {
  getItemAsync(key: string): Promise<string | null>;
  setItemAsync(key: string, value: string): Promise<void>;
  deleteItemAsync(key: string): Promise<void>;
}
