import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One request as the fake API received it; `url` is the raw request target.
 *
 * @example
 * ```ts
 * const [first]: RecordedRequest[] = api.requests;
 * ```
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * How the fake API answers one request: a JSON `body` (or a `raw` text body)
 * with `status`, after `delayMs`; or `destroy` the socket without answering.
 *
 * @example
 * ```ts
 * api.reply({ status: 503, body: { error: 'internal_error' } }, { destroy: true }, { delayMs: 1000 });
 * ```
 */
export interface Reply {
  status?: number;
  body?: unknown;
  raw?: string;
  delayMs?: number;
  destroy?: boolean;
}

/**
 * A tiny HTTP server on 127.0.0.1, port 0, that records requests and plays queued replies.
 *
 * @example
 * ```ts
 * const api: FakeApi = await startFakeApi();
 * const latchkey = new Latchkey({ apiSecretKey: 'sk', apiUrl: api.apiUrl });
 * ```
 */
export interface FakeApi {
  /** `http://127.0.0.1:<port>/v1` */
  readonly apiUrl: string;
  readonly requests: RecordedRequest[];
  /** Queues replies for the next requests; when the queue is empty the answer is `200 {}`. */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

/**
 * Starts a {@link FakeApi} for wire-level tests of the SDK.
 *
 * @example
 * ```ts
 * const api = await startFakeApi();
 * api.reply({ status: 404, body: { error: 'not_found', errorCode: 'not_found' } });
 * ```
 */
export async function startFakeApi(): Promise<FakeApi> {
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = queue.shift() ?? {};
      const send = (): void => {
        if (reply.destroy) {
          request.socket.destroy();
          return;
        }
        answer(response, reply);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (...replies) => {
      queue.push(...replies);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(response: ServerResponse, { status = 200, body = {}, raw }: Reply): void {
  if (response.destroyed) return;
  const text = raw ?? JSON.stringify(body);
  response.writeHead(status, {
    'content-type': raw === undefined ? 'application/json' : 'text/html',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
