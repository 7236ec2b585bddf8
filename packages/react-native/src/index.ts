/**
 * `@latchkey/react-native`: the Latchkey client SDK on React Native, over an
 * injected `react-native-passkey` module and secure storage (this package
 * imports neither React Native nor any native module itself). The flows and
 * every type of `@latchkey/client/core` are re-exported.
 *
 * @example
 * ```ts
 * import { Latchkey, createSignInFlow } from '@latchkey/react-native';
 * import { Passkey } from 'react-native-passkey';
 * import * as SecureStore from 'expo-secure-store';
 * import { confirmSignIn, signIn } from 'aws-amplify/auth';
 *
 * const latchkey = new Latchkey({ tenantId, baseUrl, passkey: Passkey, secureStorage: SecureStore });
 * const flow = createSignInFlow({ latchkey, signIn, confirmSignIn });
 * ```
 *
 * @packageDocumentation
 */
export * from '@latchkey/client/core';
export { mapNativePasskeyError } from './errors.js';
export { Latchkey, type LatchkeyOptions } from './latchkey.js';
export type {
  NativeCredentialDescriptor,
  NativePasskeyCreateRequest,
  NativePasskeyCreateResult,
  NativePasskeyError,
  NativePasskeyGetRequest,
  NativePasskeyGetResult,
  NativePasskeyModule,
  SecureStoreLike,
} from './native-passkey.js';
export {
  nativePasskeys,
  type ReactNativePlatformOptions,
  reactNativePlatform,
  secureStoreStorage,
  toNativeCreateRequest,
  toNativeGetRequest,
} from './platform.js';
