/**
 * Test doubles for unit tests of the core: a scripted client API behind a
 * fake `fetch`, an in-memory storage, and a scripted passkey platform. (The
 * end-to-end tests in /e2e use the real server and real Chromium instead.)
 */
import { PasskeyError, type PasskeyErrorCode } from '../core/errors.js';
import type {
  FetchLike,
  KeyValueStorage,
  LatchkeyPlatform,
  PasskeyCreateRequest,
  PasskeyGetRequest,
  PasskeyPlatform,
} from '../core/platform.js';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '../core/webauthn-json.js';

export interface RecordedRequest {
  method: string;
  /** Path after the API root, with the query. */
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown> | undefined;
}

export type Reply = { status?: number; body?: unknown; text?: string } | 'network-down';
export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export const API_ROOT = 'https://auth.test/v1';

/** A fake client API: `routes['POST /client/challenge']` answers that call; unknown routes get a 404 envelope. */
export function fakeApi(routes: Record<string, Handler> = {}) {
  const requests: RecordedRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    if (!url.startsWith(API_ROOT)) throw new Error(`fake fetch: unexpected URL ${url}`);
    const path = url.slice(API_ROOT.length);
    const headers = new Headers(init.headers);
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      path,
      authorization: headers.get('authorization') ?? undefined,
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined,
    };
    requests.push(request);
    const handler = routes[`${request.method} ${path.split('?')[0]}`];
    const reply: Reply = handler
      ? await handler(request)
      : {
          status: 404,
          body: { error: 'not_found', errorCode: 'not_found', errorDescription: `No route ${path}` },
        };
    if (reply === 'network-down') throw new TypeError('Failed to fetch');
    const text = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    return new Response(text, {
      status: reply.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch, requests, routes };
}

/** In-memory {@link KeyValueStorage}. */
export function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  const storage: KeyValueStorage = {
    getItem: async (key) => map.get(key) ?? null,
    setItem: async (key, value) => void map.set(key, value),
    removeItem: async (key) => void map.delete(key),
  };
  return { storage, map };
}

export const CREATION_OPTIONS: PublicKeyCredentialCreationOptionsJSON = {
  rp: { id: 'auth.test', name: 'Test' },
  user: { id: 'dXNlci0x', name: 'ada@example.com', displayName: 'ada@example.com' },
  challenge: 'Y2hhbGxlbmdlLWNyZWF0ZQ',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  excludeCredentials: [],
  authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
};

export const REQUEST_OPTIONS: PublicKeyCredentialRequestOptionsJSON = {
  challenge: 'Y2hhbGxlbmdlLWdldA',
  rpId: 'auth.test',
  allowCredentials: [],
  userVerification: 'required',
};

export function registration(id: string, attachment: string = 'platform'): RegistrationResponseJSON {
  return {
    id,
    rawId: id,
    type: 'public-key',
    authenticatorAttachment: attachment,
    clientExtensionResults: {},
    response: { clientDataJSON: 'e30', attestationObject: 'o2M' },
  };
}

export function assertion(id: string, attachment: string = 'platform'): AuthenticationResponseJSON {
  return {
    id,
    rawId: id,
    type: 'public-key',
    authenticatorAttachment: attachment,
    clientExtensionResults: {},
    response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'MEU', userHandle: 'dXNlci0x' },
  };
}

type Outcome<T> = T | PasskeyErrorCode | 'pending';

/**
 * A scripted passkey platform: each `create`/`get` takes the next scripted
 * outcome (a credential, an error code, or `'pending'`: wait until aborted).
 */
export function fakePasskeys(
  script: { create?: Outcome<RegistrationResponseJSON>[]; get?: Outcome<AuthenticationResponseJSON>[] } = {},
) {
  const calls = {
    create: [] as { options: PublicKeyCredentialCreationOptionsJSON; request: PasskeyCreateRequest }[],
    get: [] as { options: PublicKeyCredentialRequestOptionsJSON; request: PasskeyGetRequest }[],
    signalUnknownCredential: [] as { rpId: string; credentialId: string }[],
  };
  const settle = <T>(outcome: Outcome<T> | undefined, signal: AbortSignal): Promise<T> => {
    if (outcome === undefined) return Promise.reject(new Error('fake passkeys: nothing scripted'));
    if (outcome === 'pending') {
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => reject(new PasskeyError('aborted', 'aborted by the app')), {
          once: true,
        });
      });
    }
    if (typeof outcome === 'string') {
      const code = outcome as PasskeyErrorCode;
      return Promise.reject(new PasskeyError(code, `fake ${code}`));
    }
    return Promise.resolve(outcome);
  };
  const state = { supported: true, autofill: true, rememberCrossPlatform: false };
  const passkeys: PasskeyPlatform = {
    isSupported: async () => state.supported,
    isAutofillSupported: async () => state.autofill,
    create(options, request) {
      calls.create.push({ options, request });
      return settle(script.create?.shift(), request.signal);
    },
    get(options, request) {
      calls.get.push({ options, request });
      return settle(script.get?.shift(), request.signal);
    },
    async signalUnknownCredential(rpId, credentialId) {
      calls.signalUnknownCredential.push({ rpId, credentialId });
    },
    get rememberCrossPlatformCredentials() {
      return state.rememberCrossPlatform;
    },
  };
  return { passkeys, calls, state, script };
}

export function platformOf(
  api: ReturnType<typeof fakeApi>,
  passkeys: PasskeyPlatform,
  storage: KeyValueStorage = memoryStorage().storage,
): LatchkeyPlatform {
  return { fetch: api.fetch, storage, passkeys };
}
