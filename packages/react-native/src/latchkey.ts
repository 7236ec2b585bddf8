/** `Latchkey` for React Native. */
import { LatchkeyClient, type LatchkeyClientOptions } from '@latchkey/client/core';
import { type ReactNativePlatformOptions, reactNativePlatform } from './platform.js';

/**
 * Options of the React Native {@link Latchkey}: those of `LatchkeyClient`
 * without `platform`, plus the native modules.
 *
 * @example
 * ```ts
 * import { Passkey } from 'react-native-passkey';
 * import * as SecureStore from 'expo-secure-store';
 *
 * const options: LatchkeyOptions = { tenantId: 'my-tenant', baseUrl: 'https://auth.example.com', passkey: Passkey, secureStorage: SecureStore };
 * ```
 */
export interface LatchkeyOptions
  extends Omit<LatchkeyClientOptions, 'platform'>,
    ReactNativePlatformOptions {}

/**
 * The Latchkey client SDK for React Native, with the API of
 * `react-native-authsignal`'s passkey and email parts: `setToken`,
 * `passkey.signUp / signIn / isSupported / shouldPromptToCreatePasskey / cancel`,
 * `email.enroll / challenge / verify`, each resolving `{ data?, error?, errorCode? }`.
 * Native errors map to codes as {@link mapNativePasskeyError} documents
 * (iOS `canceled` → `user_canceled`; Android `NoCredentialException` →
 * `no_credential`; an excluded credential → `matched_excluded_credential`).
 *
 * @example
 * ```ts
 * import { Latchkey } from '@latchkey/react-native';
 * import { Passkey } from 'react-native-passkey';
 * import * as SecureStore from 'expo-secure-store';
 *
 * export const latchkey = new Latchkey({ tenantId, baseUrl, passkey: Passkey, secureStorage: SecureStore });
 *
 * const { data, errorCode } = await latchkey.passkey.signIn({ action: 'cognitoAuth' });
 * if (errorCode === 'user_canceled' || errorCode === 'no_credential') navigation.navigate('EmailSignIn');
 * ```
 */
export class Latchkey extends LatchkeyClient {
  constructor(options: LatchkeyOptions) {
    const { passkey, secureStorage, storage, fetch, ...rest } = options;
    super({ ...rest, platform: reactNativePlatform({ passkey, secureStorage, storage, fetch }) });
  }
}
