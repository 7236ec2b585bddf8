/** `LatchkeyClient`: the platform-independent SDK (auth-api.md §9). */
import { CredentialStore, credentialStorageKey } from './credential-store.js';
import { LatchkeyEmail } from './email.js';
import { AuthApi } from './http.js';
import { LatchkeyPasskey } from './passkey.js';
import type { LatchkeyPlatform } from './platform.js';
import { TokenCache } from './token-cache.js';

/**
 * Options of {@link LatchkeyClient}.
 *
 * @example
 * ```ts
 * const options: LatchkeyClientOptions = {
 *   tenantId: dev.tenantId,
 *   baseUrl: dev.baseUrl, // `/v1` is appended when missing
 *   platform,
 *   onTokenExpired: () => restartSignIn(),
 * };
 * ```
 */
export interface LatchkeyClientOptions {
  /** The tenant id (public): authenticates unauthenticated calls (usernameless sign-in). */
  tenantId: string;
  /** The auth service's URL, with or without the trailing `/v1`. */
  baseUrl: string;
  /** fetch, storage and the device's passkey API. */
  platform: LatchkeyPlatform;
  /** Sent as `deviceId` with passkey registrations and verifications. */
  deviceId?: string | undefined;
  /** Called when the server answers `expired_token` (the call still resolves with that code). */
  onTokenExpired?: (() => void) | undefined;
  /** Per request, including reading the body; then `network_error`. Default 30 000. */
  requestTimeoutMs?: number | undefined;
}

/**
 * The Latchkey client SDK on an injected platform: a token cache plus
 * `passkey` and `email`. `@latchkey/client`'s `Latchkey` is this class on the
 * browser platform; `@latchkey/react-native`'s is it on react-native-passkey.
 *
 * Every call resolves `{ data?, error?, errorCode?, errorDescription? }` and
 * never throws for an expected failure (server errors, network errors, a
 * canceled sheet).
 *
 * @example
 * ```ts
 * import { LatchkeyClient } from '@latchkey/client/core';
 *
 * const latchkey = new LatchkeyClient({ tenantId, baseUrl, platform: myPlatform });
 * latchkey.setToken(trackToken);
 * await latchkey.email.enroll({ email });
 * ```
 */
export class LatchkeyClient {
  /** Passkey sign-up and sign-in. */
  readonly passkey: LatchkeyPasskey;
  /** Email one-time codes. */
  readonly email: LatchkeyEmail;
  /** The tenant id given to the constructor. */
  readonly tenantId: string;
  private readonly cache = new TokenCache();

  constructor(options: LatchkeyClientOptions) {
    if (!options.tenantId) throw new TypeError('LatchkeyClient: tenantId is required');
    if (!options.baseUrl) throw new TypeError('LatchkeyClient: baseUrl is required');
    this.tenantId = options.tenantId;
    const api = new AuthApi({
      baseUrl: options.baseUrl,
      tenantId: options.tenantId,
      fetch: options.platform.fetch,
      timeoutMs: options.requestTimeoutMs ?? 30_000,
      onTokenExpired: options.onTokenExpired,
    });
    const store = new CredentialStore(options.platform.storage, credentialStorageKey(options.tenantId));
    this.passkey = new LatchkeyPasskey({
      api,
      cache: this.cache,
      platform: options.platform.passkeys,
      store,
      deviceId: options.deviceId,
    });
    this.email = new LatchkeyEmail({ api, cache: this.cache });
  }

  /**
   * Caches a track token (from your backend or the Cognito challenge's
   * `additionalInfo.token`) for `email.*` and `passkey.signUp`. Each success
   * replaces it with the result token; empty values are ignored.
   *
   * @example
   * ```ts
   * latchkey.setToken(nextStep.additionalInfo.token);
   * ```
   */
  setToken(token: string): void {
    this.cache.token = token;
  }

  /**
   * The cached token, if any: the last `setToken` or the last result token.
   *
   * @example
   * ```ts
   * const resultToken = latchkey.getToken();
   * ```
   */
  getToken(): string | undefined {
    return this.cache.token;
  }

  /**
   * Forgets the cached token (for example on sign-out).
   *
   * @example
   * ```ts
   * latchkey.clearToken();
   * ```
   */
  clearToken(): void {
    this.cache.clear();
  }
}
