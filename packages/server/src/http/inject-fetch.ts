import type { FastifyInstance } from 'fastify';

type InjectOptions = { method: 'GET'; url: string; headers: Record<string, string>; payload?: string };

/**
 * A `fetch` that serves requests from the app in-process (Fastify's `inject`):
 * built-in triggers call the server API over real HTTP semantics without a
 * socket, so they behave the same in-process as from a Lambda.
 */
export function injectFetch(getApp: () => FastifyInstance): typeof fetch {
  return async (input, init) => {
    const options = plainRequest(input, init) ?? (await viaRequest(new Request(input, init)));
    const response = await getApp().inject(options);
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(response.headers)) {
      if (value !== undefined)
        responseHeaders.set(key, Array.isArray(value) ? value.join(', ') : String(value));
    }
    const nullBody = response.statusCode === 204 || response.statusCode === 304;
    return new Response(nullBody ? null : new Uint8Array(response.rawPayload), {
      status: response.statusCode,
      headers: responseHeaders,
    });
  };
}

/**
 * The common call (a URL string, headers as a plain object, a string body or none; what
 * `@latchkey/node` sends) read without building a WebAPI `Request`: that and reading its
 * body back as a stream cost about as much as the injected request itself (sign-in profile).
 */
function plainRequest(input: RequestInfo | URL, init: RequestInit | undefined): InjectOptions | undefined {
  if (typeof input !== 'string' || !init) return undefined;
  const { body, headers } = init;
  if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
  if (
    headers !== undefined &&
    (typeof headers !== 'object' || Array.isArray(headers) || headers instanceof Headers)
  )
    return undefined;
  const url = new URL(input);
  const lowered: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) lowered[key.toLowerCase()] = String(value);
  // As `new Request` would: a string body without a content type is text/plain.
  if (typeof body === 'string' && lowered['content-type'] === undefined)
    lowered['content-type'] = 'text/plain;charset=UTF-8';
  return {
    method: (init.method ?? 'GET').toUpperCase() as 'GET',
    url: `${url.pathname}${url.search}`,
    headers: lowered,
    ...(typeof body === 'string' ? { payload: body } : {}),
  };
}

async function viaRequest(request: Request): Promise<InjectOptions> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const body = request.body ? await request.text() : undefined;
  return {
    method: request.method as 'GET',
    url: `${url.pathname}${url.search}`,
    headers,
    ...(body !== undefined ? { payload: body } : {}),
  };
}
