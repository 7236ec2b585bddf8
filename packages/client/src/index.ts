/**
 * `@latchkey/client`: the Latchkey client SDK for the browser (passkeys and
 * email one-time codes over the Authsignal-compatible client API) and the
 * sign-in / sign-up flows with the passkey → email fallback.
 *
 * @example
 * ```ts
 * import { Latchkey, createSignInFlow } from '@latchkey/client';
 * import { confirmSignIn, signIn } from 'aws-amplify/auth';
 *
 * const latchkey = new Latchkey({ tenantId: 'my-tenant', baseUrl: 'https://auth.example.com' });
 * const flow = createSignInFlow({ latchkey, signIn, confirmSignIn });
 * await flow.send({ type: 'START_PASSKEY' });
 * ```
 *
 * @packageDocumentation
 */

export { Latchkey, type LatchkeyOptions } from './browser/latchkey.js';
export {
  type BrowserPlatformOptions,
  browserPasskeys,
  browserPlatform,
  browserStorage,
} from './browser/platform.js';
export * from './core/index.js';
