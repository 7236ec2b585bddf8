/**
 * Shared pieces of the hostile-input properties: raw HTTP requests, the
 * checks every answer must pass (no 5xx, JSON error envelope, security
 * headers), and a guard proving that a refused request wrote nothing.
 */
import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestServer } from '../support/server.js';
import { database, diff, onPostgres, type RowChange, type Snapshot, snapshot } from './helpers.js';

/**
 * fast-check runs per property (each endpoint of the sweep, each decoder): modest, so the
 * suite stays quick on two cores. `LATCHKEY_FUZZ_RUNS=1000` for a deeper local run.
 */
export const RUNS = Number(process.env.LATCHKEY_FUZZ_RUNS ?? 100);
/** Per-test timeout of a property, generous enough for a raised run count. */
export const PROPERTY_TIMEOUT = Math.max(30_000, RUNS * 150);

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON body, read field by field.
  json: any;
}

/** Kept-alive connections: undici's fetch costs several ms a request, node:http about one. */
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** One real HTTP request with exactly these bytes, over a kept-alive loopback connection. */
export function rawRequest(t: TestServer, request: RawRequest): Promise<RawResponse> {
  const url = new URL(t.baseUrl);
  const body = request.body !== undefined && request.method !== 'GET' ? Buffer.from(request.body) : undefined;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        method: request.method,
        path: request.path,
        agent,
        headers: { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: incoming.statusCode ?? 0, headers, text, json });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The headers every answer carries (`http/app.ts`). */
export function expectSecurityHeaders(headers: Headers, { cacheable = false } = {}): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('DENY');
  if (!cacheable) expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('access-control-allow-credentials')).toBeNull();
}

/**
 * No 5xx; a JSON body; on refusal the documented envelope: the auth API's
 * `{error, errorCode, errorDescription}` or the user pool's `{__type, message}`
 * with `x-amzn-errortype`.
 */
export function expectWellFormed(response: RawResponse, api: 'auth' | 'pool'): void {
  expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
  expectSecurityHeaders(response.headers);
  if (response.status === 204) return;
  expect(response.json, response.text.slice(0, 300)).toBeDefined();
  if (response.status < 400) return;
  if (api === 'pool') {
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ __type: expect.any(String), message: expect.any(String) });
    expect(response.headers.get('x-amzn-errortype')).toBe(`${response.json.__type}:`);
  } else {
    expect(response.json).toEqual({
      error: expect.any(String),
      errorCode: response.json.error,
      errorDescription: expect.any(String),
    });
  }
}

/**
 * Proves that refused requests leave every state table as it was. Successful
 * requests may change state; the guard then moves its reference point.
 */
export class StateGuard {
  #last: Snapshot | undefined;
  #writes: number | undefined;

  constructor(private readonly t: TestServer) {}

  async reset(): Promise<void> {
    this.#last = await snapshot(this.t);
    this.#writes = await this.#writeCount();
  }

  /** The changes since the reference point, which then moves to now. */
  async changes(): Promise<RowChange[]> {
    if (!this.#last) throw new Error('call reset() first');
    // Fast path on SQLite: the test server shares this connection, and total_changes() counts
    // every row it ever inserted, updated or deleted; unchanged means nothing was written.
    const writes = await this.#writeCount();
    if (writes !== undefined && writes === this.#writes) return [];
    this.#writes = writes;
    const now = await snapshot(this.t);
    const changes = diff(this.#last, now);
    this.#last = now;
    return changes;
  }

  async #writeCount(): Promise<number | undefined> {
    if (onPostgres()) return undefined;
    const result = await sql<{ n: number }>`select total_changes() as n`.execute(database(this.t));
    return Number(result.rows[0]?.n);
  }

  /** A refused request (status ≥ 400) must not have changed anything. */
  async check(response: RawResponse): Promise<void> {
    const changes = await this.changes();
    if (response.status >= 400)
      expect(changes, `${response.status} ${response.text.slice(0, 200)}`).toEqual([]);
  }
}

/** Only the `used_at` of one challenge changed: a ceremony refused after its challenge was spent. */
export function onlyChallengeSpent(changes: RowChange[], challengeId: string): boolean {
  return changes.every(
    (c) =>
      c.table === 'challenges' &&
      c.key === challengeId &&
      c.change === 'changed' &&
      Object.keys(c.after ?? {}).every((k) => k === 'used_at' || c.after?.[k] === c.before?.[k]),
  );
}

/** Any JSON text, including deep, unicode-heavy and prototype-named keys. */
export const jsonText = fc.oneof(
  fc.json({ depthSize: 'medium' }),
  fc
    .jsonValue({ maxDepth: 2 })
    .map((v) => `{"__proto__":${JSON.stringify(v)},"constructor":{"prototype":{"polluted":true}}}`),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.nat({ max: 80 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.nat({ max: 80 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.constantFrom('', ' ', 'null', '[]', '"x"', '1e999', '-0', '{"a":1,"a":2}', '{', '\u0000', '\ufeff{}'),
);

/** A string that may be anything, including lone surrogates and control characters. */
export const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', ' ', '..', '%', '\u0000', 'null', 'undefined', '__proto__', 'a'.repeat(600)),
);

/** A value for a JSON field: usually a string, sometimes anything. */
export const anyField = fc.oneof(
  { weight: 3, arbitrary: anyString },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A path segment: URL-encoded hostile text, or raw malformed percent-encoding. */
export const pathSegment = fc.oneof(
  {
    weight: 9,
    arbitrary: anyString.map((s) => {
      try {
        return encodeURIComponent(s) || 'x';
      } catch {
        return 'x'; // lone surrogates cannot be encoded
      }
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%00', '%2e%2e', '%ZZ', '%C0%AF') },
);
