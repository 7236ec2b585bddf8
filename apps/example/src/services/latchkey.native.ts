/**
 * The Latchkey SDK on iOS and Android: `@latchkey/react-native` over
 * react-native-passkey, with the remembered passkey ids in the Keychain /
 * Keystore (expo-secure-store). The web uses latchkey.ts instead.
 */
import type { LatchkeyClient } from '@latchkey/client/core';
import { Latchkey } from '@latchkey/react-native';
import * as SecureStore from 'expo-secure-store';
import { Passkey } from 'react-native-passkey';
import type { LatchkeyAppConfig } from '../config/app-config';

export function createLatchkey(config: Pick<LatchkeyAppConfig, 'tenantId' | 'baseUrl'>): LatchkeyClient {
  return new Latchkey({
    tenantId: config.tenantId,
    baseUrl: config.baseUrl,
    passkey: Passkey,
    secureStorage: SecureStore,
  });
}
