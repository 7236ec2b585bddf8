/** The browser platform: `fetch`, `localStorage` and WebAuthn through `@simplewebauthn/browser`. */
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import { identifyWebAuthnError, PasskeyError } from '../core/errors.js';
import type { FetchLike, KeyValueStorage, LatchkeyPlatform, PasskeyPlatform } from '../core/platform.js';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../core/webauthn-json.js';

type RegistrationOptionsJSON = Parameters<typeof startRegistration>[0]['optionsJSON'];
type AuthenticationOptionsJSON = Parameters<typeof startAuthentication>[0]['optionsJSON'];

/**
 * `localStorage` as a {@link KeyValueStorage}, or an in-memory map where
 * `localStorage` is missing or refuses access (some private modes, sandboxed frames).
 *
 * @example
 * ```ts
 * const storage = browserStorage();
 * await storage.setItem('greeting', 'hello');
 * ```
 */
export function browserStorage(): KeyValueStorage {
  const memory = new Map<string, string>();
  const local = (): Storage | undefined => {
    try {
      return globalThis.localStorage ?? undefined;
    } catch {
      return undefined;
    }
  };
  return {
    async getItem(key) {
      const storage = local();
      return storage ? storage.getItem(key) : (memory.get(key) ?? null);
    },
    async setItem(key, value) {
      const storage = local();
      if (storage) storage.setItem(key, value);
      else memory.set(key, value);
    },
    async removeItem(key) {
      const storage = local();
      if (storage) storage.removeItem(key);
      else memory.delete(key);
    },
  };
}

/** Runs a SimpleWebAuthn ceremony, ending it when `signal` aborts, and maps what it throws. */
async function ceremony<T>(signal: AbortSignal, kind: 'create' | 'get', run: () => Promise<T>): Promise<T> {
  if (signal.aborted) throw new PasskeyError('aborted', 'The passkey request was canceled by the app');
  // SimpleWebAuthn owns the AbortController it passes to navigator.credentials; cancelCeremony() aborts it.
  const onAbort = () => WebAuthnAbortService.cancelCeremony();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await run();
  } catch (error) {
    throw identifyWebAuthnError(error, kind);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * WebAuthn in the browser via `@simplewebauthn/browser`: `startRegistration`
 * for `create`, `startAuthentication` (with `useBrowserAutofill` for
 * conditional mediation) for `get`. DOMExceptions become codes with
 * {@link identifyWebAuthnError}. `preferImmediatelyAvailableCredentials` has no
 * web equivalent and is ignored.
 *
 * @example
 * ```ts
 * const passkeys = browserPasskeys();
 * if (await passkeys.isAutofillSupported()) console.log('passkeys can be offered in autofill');
 * ```
 */
export function browserPasskeys(): PasskeyPlatform {
  return {
    isSupported: async () => browserSupportsWebAuthn(),
    isAutofillSupported: () => browserSupportsWebAuthnAutofill(),
    create: (options, { signal }) =>
      ceremony(signal, 'create', async () => {
        const response = await startRegistration({ optionsJSON: options as RegistrationOptionsJSON });
        return response as RegistrationResponseJSON;
      }),
    get: (options, { mediation, signal }) =>
      ceremony(signal, 'get', async () => {
        const response = await startAuthentication({
          optionsJSON: options as AuthenticationOptionsJSON,
          useBrowserAutofill: mediation === 'conditional',
        });
        return response as AuthenticationResponseJSON;
      }),
    async signalUnknownCredential(rpId, credentialId) {
      const signal = (
        globalThis.PublicKeyCredential as unknown as {
          signalUnknownCredential?: (options: { rpId: string; credentialId: string }) => Promise<void>;
        }
      )?.signalUnknownCredential;
      if (typeof signal === 'function')
        await signal.call(globalThis.PublicKeyCredential, { rpId, credentialId });
    },
    rememberCrossPlatformCredentials: false,
  };
}

/**
 * Options of {@link browserPlatform}: override `fetch` or the storage.
 *
 * @example
 * ```ts
 * const options: BrowserPlatformOptions = { storage: sessionStorageAdapter };
 * ```
 */
export interface BrowserPlatformOptions {
  fetch?: FetchLike | undefined;
  storage?: KeyValueStorage | undefined;
}

/**
 * The browser {@link LatchkeyPlatform}: `globalThis.fetch`, {@link browserStorage}
 * and {@link browserPasskeys}.
 *
 * @example
 * ```ts
 * import { LatchkeyClient } from '@latchkey/client/core';
 * import { browserPlatform } from '@latchkey/client';
 *
 * const latchkey = new LatchkeyClient({ tenantId, baseUrl, platform: browserPlatform() });
 * ```
 */
export function browserPlatform(options: BrowserPlatformOptions = {}): LatchkeyPlatform {
  return {
    fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    storage: options.storage ?? browserStorage(),
    passkeys: browserPasskeys(),
  };
}
