/**
 * A tiny round-robin HTTP proxy standing in for a load balancer without
 * sticky sessions. User-pool calls (with `X-Amz-Target`) and other calls each
 * alternate over the targets on their own, so consecutive rounds of a
 * Cognito custom-auth sign-in always land on different instances.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One proxied request: which target served it. */
export interface ProxiedRequest {
  target: string;
  method: string;
  path: string;
  /** The user-pool operation (`InitiateAuth`, …), if any. */
  operation: string | undefined;
  status: number;
}

export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request served, in order of arrival. */
  log: ProxiedRequest[];
  /** Base URLs (`http://127.0.0.1:<port>`) to alternate over. */
  setTargets(targets: readonly string[]): void;
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port. */
export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let targets: readonly string[] = [];
  const next = { pool: 0, other: 0 };
  const log: ProxiedRequest[] = [];

  const server = createServer((incoming, outgoing) => {
    const amzTarget = incoming.headers['x-amz-target'];
    const operation = typeof amzTarget === 'string' ? amzTarget.split('.').pop() : undefined;
    const kind = operation === undefined ? 'other' : 'pool';
    const target = targets[next[kind]++ % Math.max(targets.length, 1)];
    if (target === undefined) {
      outgoing.writeHead(502).end('no targets');
      return;
    }
    const entry: ProxiedRequest = {
      target,
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      operation,
      status: 0,
    };
    log.push(entry);
    const url = new URL(entry.path, target);
    const upstream = request(
      url,
      { method: entry.method, headers: { ...incoming.headers, host: url.host } },
      (response) => {
        entry.status = response.statusCode ?? 0;
        outgoing.writeHead(entry.status, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on('error', (error) => {
      entry.status = 502;
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end(String(error));
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    setTargets(list) {
      targets = [...list];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
