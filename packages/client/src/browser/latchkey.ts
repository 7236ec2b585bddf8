/** `Latchkey`: the client SDK on the browser platform. */
import { LatchkeyClient, type LatchkeyClientOptions } from '../core/client.js';
import { type BrowserPlatformOptions, browserPlatform } from './platform.js';

/**
 * Options of the browser {@link Latchkey}: those of `LatchkeyClient` without
 * `platform`, plus optional `fetch` and `storage` overrides.
 *
 * @example
 * ```ts
 * const options: LatchkeyOptions = { tenantId: 'my-tenant', baseUrl: 'https://auth.example.com' };
 * ```
 */
export interface LatchkeyOptions extends Omit<LatchkeyClientOptions, 'platform'>, BrowserPlatformOptions {}

/**
 * The Latchkey client SDK for the browser (the API of `@authsignal/browser`'s
 * passkey and email parts, resolving codes instead of throwing):
 * `setToken`, `passkey.signUp / signIn / isSupported /
 * shouldPromptToCreatePasskey / cancel`, `email.enroll / challenge / verify`.
 *
 * @example
 * ```ts
 * import { Latchkey } from '@latchkey/client';
 *
 * const latchkey = new Latchkey({ tenantId: 'my-tenant', baseUrl: 'https://auth.example.com' });
 * const { data, errorCode } = await latchkey.passkey.signIn({ action: 'cognitoAuth' });
 * ```
 */
export class Latchkey extends LatchkeyClient {
  constructor(options: LatchkeyOptions) {
    const { fetch, storage, ...rest } = options;
    super({ ...rest, platform: browserPlatform({ fetch, storage }) });
  }
}
