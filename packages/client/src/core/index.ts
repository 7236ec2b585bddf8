/**
 * `@latchkey/client/core`: the platform-independent client SDK and flows,
 * without browser dependencies. React Native and tests build on it with their
 * own {@link LatchkeyPlatform}.
 *
 * @example
 * ```ts
 * import { LatchkeyClient, createSignInFlow } from '@latchkey/client/core';
 *
 * const latchkey = new LatchkeyClient({ tenantId, baseUrl, platform });
 * const flow = createSignInFlow({ latchkey, signIn, confirmSignIn });
 * ```
 *
 * @packageDocumentation
 */
export * from '../flows/index.js';
export { LatchkeyClient, type LatchkeyClientOptions } from './client.js';
export { credentialStorageKey, type RememberedCredential } from './credential-store.js';
export { LatchkeyEmail } from './email.js';
export {
  type Ceremony,
  type ClientErrorCode,
  identifyWebAuthnError,
  type LatchkeyErrorCode,
  PasskeyError,
  type PasskeyErrorCode,
  type ServerErrorCode,
  TOKEN_NOT_SET_MESSAGE,
} from './errors.js';
export { LatchkeyPasskey } from './passkey.js';
export type {
  FetchLike,
  KeyValueStorage,
  LatchkeyPlatform,
  PasskeyCreateRequest,
  PasskeyGetRequest,
  PasskeyPlatform,
} from './platform.js';
export type * from './types.js';
export type * from './webauthn-json.js';
