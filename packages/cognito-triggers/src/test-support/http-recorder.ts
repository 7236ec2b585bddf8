import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A request the recorder received.
 *
 * @example
 * ```ts
 * const body = JSON.parse(server.requests[0]?.body ?? '{}');
 * ```
 */
export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * What to answer: status, JSON body, headers.
 *
 * @example
 * ```ts
 * const answer: Answer = { status: 400, body: { __type: 'NotAuthorizedException' } };
 * ```
 */
export interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A tiny HTTP server on 127.0.0.1 (port 0) that records requests and answers through `respond`.
 *
 * @example
 * ```ts
 * const server: HttpRecorder = await startHttpRecorder(() => ({ body: {} }));
 * await server.close();
 * ```
 */
export interface HttpRecorder {
  readonly url: string;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

/**
 * Starts an {@link HttpRecorder}.
 *
 * @example
 * ```ts
 * const server = await startHttpRecorder(() => ({ body: { ok: true } }));
 * ```
 */
export async function startHttpRecorder(respond: (request: Recorded) => Answer): Promise<HttpRecorder> {
  const requests: Recorded[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: Recorded = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const { status = 200, body = {}, headers = {} } = respond(recorded);
      const text = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
