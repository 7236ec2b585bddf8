/**
 * A lean keep-alive JSON client over node:http. The load generator shares two
 * cores with the server, so it avoids fetch (undici's per-request overhead is
 * several times node:http's) and does the least work per request it can.
 */
import { Agent, request } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export class HttpError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 200)}`);
  }
}

export class HttpClient {
  readonly #agent: Agent;
  readonly #host: string;
  readonly #port: number;

  constructor(baseUrl: string, maxSockets = 256) {
    const url = new URL(baseUrl);
    this.#host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
    this.#port = Number(url.port);
    this.#agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const all: Record<string, string | number> = { ...headers };
      if (body !== undefined) all['content-length'] = Buffer.byteLength(body);
      const req = request(
        { host: this.#host, port: this.#port, method, path, headers: all, agent: this.#agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** POSTs JSON and parses the JSON answer; anything but 200 is an {@link HttpError}. */
  async json<T = Record<string, unknown>>(
    what: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const res = await this.send('POST', path, JSON.stringify(body), {
      'content-type': 'application/json',
      ...headers,
    });
    if (res.status !== 200) throw new HttpError(what, res.status, res.text);
    return JSON.parse(res.text) as T;
  }

  close(): void {
    this.#agent.destroy();
  }
}
