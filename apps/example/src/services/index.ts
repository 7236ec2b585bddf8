/** The real services: Latchkey SDK (platform file), Amplify, and the example backend. */
import type { LatchkeyAppConfig } from '../config/app-config';
import { accessToken, amplifyUserPool, configureAmplify } from './amplify';
import { createBackend } from './backend';
import { createLatchkey } from './latchkey';
import type { Services } from './types';

export type { Backend, CurrentUser, PasskeyItem, Services, UserPool } from './types';

export function createServices(config: LatchkeyAppConfig): Services {
  configureAmplify(config);
  return {
    config,
    latchkey: createLatchkey(config),
    userPool: amplifyUserPool,
    backend: createBackend({ url: config.backendUrl, accessToken }),
  };
}
