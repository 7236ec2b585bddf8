/**
 * The example app's backend, for development: the part of an app that holds
 * the Latchkey **secret key** (never shipped in the app bundle). It serves
 * the signed-in user's passkey list, deletes a passkey, and hands out a track
 * token with scope `add:authenticators` to add a passkey later (auth-api.md
 * §2.4), each call authorized by the user's Cognito access token (an RS256
 * JWT checked against the user pool's JWKS: issuer, `token_use`, `client_id`).
 *
 * In production this is your API (a Lambda behind API Gateway in the AWS
 * reference app); the routes are small enough to copy.
 *
 * | route | does |
 * |---|---|
 * | `GET /passkeys` | `GET /v1/users/{sub}/authenticators`, passkeys only |
 * | `DELETE /passkeys/{id}` | `DELETE /v1/users/{sub}/authenticators/{id}` (only the caller's passkeys) |
 * | `POST /passkeys/token` | `POST /v1/users/{sub}/actions/addAuthenticator {scope: 'add:authenticators'}` → `{token}` |
 * | `GET /health` | `{ok: true}` |
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

/** The fields of `.latchkey/dev.json` the backend uses (server-side only). */
export interface BackendSettings {
  baseUrl: string;
  secretKey: string;
  userPoolId: string;
  userPoolClientId: string;
}

export interface ExampleBackendOptions {
  settings: BackendSettings;
  /** Web origins allowed by CORS (the app's web build). */
  origins: readonly string[];
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface ExampleBackend {
  /** `http://localhost:<port>`. */
  url: string;
  close(): Promise<void>;
}

/** What the app lists (a trimmed UserAuthenticator). */
export interface PasskeyItem {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string;
  backedUp: boolean;
}

interface UserAuthenticator {
  userAuthenticatorId: string;
  verificationMethod: string;
  createdAt: string;
  verifiedAt?: string;
  lastVerifiedAt?: string;
  webauthnCredential?: { name?: string; credentialBackedUp?: boolean; credentialDeviceType?: string };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function toPasskey(authenticator: UserAuthenticator, index: number): PasskeyItem {
  const credential = authenticator.webauthnCredential ?? {};
  return {
    id: authenticator.userAuthenticatorId,
    name: credential.name || `Passkey ${index + 1}`,
    createdAt: authenticator.createdAt,
    ...(authenticator.lastVerifiedAt ? { lastUsedAt: authenticator.lastVerifiedAt } : {}),
    backedUp: credential.credentialBackedUp === true,
  };
}

/**
 * Starts the backend.
 *
 * @example
 * ```ts
 * const dev = JSON.parse(readFileSync('.latchkey/dev.json', 'utf8'));
 * const backend = await startExampleBackend({ settings: dev, origins: ['http://localhost:8081'], port: 4001 });
 * ```
 */
export async function startExampleBackend(options: ExampleBackendOptions): Promise<ExampleBackend> {
  const { settings } = options;
  const api = `${settings.baseUrl.replace(/\/+$/, '')}/v1`;
  const secretAuth = `Basic ${Buffer.from(`${settings.secretKey}:`).toString('base64')}`;
  const issuer = `${settings.baseUrl.replace(/\/+$/, '')}/${settings.userPoolId}`;
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));

  /** The caller's user id (the Cognito `sub`), from a valid access token of this app's client. */
  async function authenticate(request: IncomingMessage): Promise<string> {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match?.[1]) throw new HttpError(401, 'Sign in first.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], jwks, { issuer, algorithms: ['RS256'] }));
    } catch {
      throw new HttpError(401, 'Your session has expired. Sign in again.');
    }
    if (payload.token_use !== 'access' || payload.client_id !== settings.userPoolClientId || !payload.sub) {
      throw new HttpError(401, 'Your session has expired. Sign in again.');
    }
    return payload.sub;
  }

  async function serverApi<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: {
        authorization: secretAuth,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const description = (json as { errorDescription?: string } | undefined)?.errorDescription;
      throw new HttpError(
        response.status === 404 ? 404 : 502,
        description ?? `Latchkey answered ${response.status}`,
      );
    }
    return json as T;
  }

  async function passkeysOf(userId: string): Promise<PasskeyItem[]> {
    const all = await serverApi<UserAuthenticator[]>(
      'GET',
      `/users/${encodeURIComponent(userId)}/authenticators`,
    );
    return all
      .filter((a) => a.verificationMethod === 'PASSKEY')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(toPasskey);
  }

  async function route(request: IncomingMessage): Promise<unknown> {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    if (pathname === '/health' && method === 'GET') return { ok: true };
    if (pathname === '/passkeys' && method === 'GET') {
      return { passkeys: await passkeysOf(await authenticate(request)) };
    }
    if (pathname === '/passkeys/token' && method === 'POST') {
      const userId = await authenticate(request);
      const tracked = await serverApi<{ token: string }>(
        'POST',
        `/users/${encodeURIComponent(userId)}/actions/addAuthenticator`,
        { scope: 'add:authenticators' },
      );
      return { token: tracked.token };
    }
    const remove = /^\/passkeys\/([^/]+)$/.exec(pathname);
    if (remove?.[1] && method === 'DELETE') {
      const userId = await authenticate(request);
      const id = decodeURIComponent(remove[1]);
      // Only the caller's own passkeys (the server API path is per user too).
      if (!(await passkeysOf(userId)).some((p) => p.id === id)) throw new HttpError(404, 'No such passkey.');
      await serverApi(
        'DELETE',
        `/users/${encodeURIComponent(userId)}/authenticators/${encodeURIComponent(id)}`,
      );
      return { deleted: id };
    }
    throw new HttpError(404, 'Not found.');
  }

  function cors(request: IncomingMessage, response: ServerResponse): void {
    const origin = request.headers.origin;
    if (origin && options.origins.includes(origin)) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('vary', 'origin');
      response.setHeader('access-control-allow-methods', 'GET, POST, DELETE');
      response.setHeader('access-control-allow-headers', 'authorization, content-type');
      response.setHeader('access-control-max-age', '600');
    }
  }

  const server = createServer((request, response) => {
    cors(request, response);
    if (request.method === 'OPTIONS') {
      response.writeHead(204).end();
      return;
    }
    route(request).then(
      (body) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      },
      (error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof HttpError ? error.message : 'The backend failed. See its log.';
        if (!(error instanceof HttpError)) console.error('example backend:', error);
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('example backend: no address');
  return {
    url: `http://localhost:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
