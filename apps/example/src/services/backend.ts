/** The client of the example backend (apps/example/dev/backend.ts). */
import type { Backend, PasskeyItem } from './types';

/** A failed backend call, with the backend's message. */
export class BackendError extends Error {
  override name = 'BackendError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface BackendOptions {
  url: string;
  /** The signed-in user's Cognito access token. */
  accessToken: () => Promise<string>;
  fetch?: typeof fetch;
}

export function createBackend({ url, accessToken, fetch: fetchImpl = fetch }: BackendOptions): Backend {
  const root = url.replace(/\/+$/, '');
  async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string): Promise<T> {
    const token = await accessToken();
    let response: Response;
    try {
      response = await fetchImpl(`${root}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    } catch {
      throw new BackendError(`Can't reach the app's backend at ${root}. Is it running?`, 0);
    }
    const body = (await response.json().catch(() => undefined)) as { message?: string } | undefined;
    if (!response.ok) {
      throw new BackendError(
        body?.message ?? `The app's backend answered HTTP ${response.status}`,
        response.status,
      );
    }
    return body as T;
  }
  return {
    async listPasskeys() {
      return (await call<{ passkeys: PasskeyItem[] }>('GET', '/passkeys')).passkeys;
    },
    async deletePasskey(id) {
      await call('DELETE', `/passkeys/${encodeURIComponent(id)}`);
    },
    async passkeyToken() {
      return (await call<{ token: string }>('POST', '/passkeys/token')).token;
    },
  };
}
