import { Buffer } from 'node:buffer';
import { isServerErrorCode, LatchkeyError } from './errors.js';

/**
 * The part of `fetch` the SDK uses. `globalThis.fetch` fits; so does an
 * in-process dispatcher (for example Fastify's `inject` behind a `Response`).
 *
 * @example
 * ```ts
 * const logged: FetchLike = async (url, init) => {
 *   console.log(init.method, url);
 *   return fetch(url, init);
 * };
 * ```
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * HTTP methods of the server API.
 *
 * @example
 * ```ts
 * const method: HttpMethod = 'PATCH';
 * ```
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Options of {@link Transport}; the SDK constructor passes its own through.
 *
 * @example
 * ```ts
 * const options: TransportOptions = { apiSecretKey: 'sk', apiUrl: 'https://auth.example.com/v1', timeoutMs: 2000 };
 * ```
 */
export interface TransportOptions {
  apiSecretKey: string;
  /** Base URL ending in `/v1`; a trailing slash is ignored. */
  apiUrl: string;
  /** Defaults to `globalThis.fetch`. */
  fetch?: FetchLike | undefined;
  /** Per attempt, covering the response body too. Default 5000. */
  timeoutMs?: number | undefined;
  /** Extra attempts after the first; see {@link Transport} for when. Default 2. */
  retries?: number | undefined;
  /** Base of the exponential back-off (`base × 2^n`, +0–20 % jitter). Default 100. */
  retryDelayMs?: number | undefined;
}

/** Errors raised before a connection exists: the request cannot have reached the server. */
const CONNECT_PHASE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Methods retried after a 5xx, or after a failure that may have reached the server. */
const SAFE_METHODS: ReadonlySet<HttpMethod> = new Set(['GET']);

type Outcome =
  | { readonly kind: 'response'; readonly status: number; readonly text: string }
  | { readonly kind: 'failure'; readonly error: LatchkeyError; readonly mayHaveReachedServer: boolean };

/**
 * Sends server-API requests: Basic auth with the secret key, JSON in and out,
 * a timeout per attempt, and retries with the Authsignal SDK's rule made safe
 * for single-use endpoints:
 * - a failure before the connection existed (refused, DNS, unreachable) is retried for every method;
 * - a failure after that (reset, timeout) and a 5xx are retried for GET only, because a
 *   POST/PATCH/DELETE may already have taken effect (`/validate` consumes its token);
 * - any other answer is final.
 *
 * @example
 * ```ts
 * const transport = new Transport({ apiSecretKey: 'sk', apiUrl: 'http://127.0.0.1:8080/v1' });
 * const user = await transport.send('GET', '/users/u1');
 * ```
 */
export class Transport {
  readonly apiUrl: string;
  readonly #authorization: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryDelayMs: number;

  constructor({
    apiSecretKey,
    apiUrl,
    fetch = globalThis.fetch,
    timeoutMs = 5000,
    retries = 2,
    retryDelayMs = 100,
  }: TransportOptions) {
    if (typeof apiSecretKey !== 'string' || apiSecretKey === '') {
      throw new TypeError('apiSecretKey must be a non-empty string');
    }
    if (typeof apiUrl !== 'string' || !/^https?:\/\/[^/]/i.test(apiUrl) || !URL.canParse(apiUrl)) {
      throw new TypeError('apiUrl must be an absolute http(s) URL, such as https://auth.example.com/v1');
    }
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError('timeoutMs must be a positive number');
    }
    if (!Number.isInteger(retries) || retries < 0) {
      throw new TypeError('retries must be a non-negative integer');
    }
    if (!Number.isFinite(retryDelayMs) || retryDelayMs < 0) {
      throw new TypeError('retryDelayMs must be a non-negative number');
    }
    this.apiUrl = apiUrl.replace(/\/+$/, '');
    this.#authorization = `Basic ${Buffer.from(`${apiSecretKey}:`, 'utf8').toString('base64')}`;
    this.#fetch = fetch;
    this.#timeoutMs = timeoutMs;
    this.#retries = retries;
    this.#retryDelayMs = retryDelayMs;
  }

  /**
   * Sends one request (with retries) and returns the parsed JSON body, or
   * `undefined` for an empty 2xx body. Throws {@link LatchkeyError}.
   *
   * @example
   * ```ts
   * const result = await transport.send('POST', '/validate', { token });
   * ```
   */
  async send(method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#attempt(method, path, body);
      const canRetry = attempt < this.#retries;
      if (outcome.kind === 'failure') {
        if (canRetry && (!outcome.mayHaveReachedServer || SAFE_METHODS.has(method))) {
          await this.#backOff(attempt);
          continue;
        }
        throw outcome.error;
      }
      if (outcome.status >= 200 && outcome.status < 300) return parseSuccess(outcome.status, outcome.text);
      if (canRetry && outcome.status >= 500 && SAFE_METHODS.has(method)) {
        await this.#backOff(attempt);
        continue;
      }
      throw httpError(outcome.status, outcome.text);
    }
  }

  async #attempt(method: HttpMethod, path: string, body: unknown): Promise<Outcome> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const headers: Record<string, string> = {
      authorization: this.#authorization,
      accept: 'application/json',
      'user-agent': 'latchkey-node',
    };
    const init: RequestInit = { method, headers, signal };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    try {
      const response = await this.#fetch(`${this.apiUrl}${path}`, init);
      // The body is read under the same signal, so a stalled body times out too.
      const text = await response.text();
      return { kind: 'response', status: response.status, text };
    } catch (cause) {
      if (signal.aborted) {
        const error = new LatchkeyError({
          statusCode: 0,
          errorCode: 'timeout',
          errorDescription: `No response within ${this.#timeoutMs} ms`,
          cause,
        });
        return { kind: 'failure', error, mayHaveReachedServer: true };
      }
      const code = systemErrorCode(cause);
      const error = new LatchkeyError({
        statusCode: 0,
        errorCode: 'network_error',
        errorDescription: code ? `Network error (${code})` : `Network error: ${messageOf(cause)}`,
        cause,
      });
      return { kind: 'failure', error, mayHaveReachedServer: !(code && CONNECT_PHASE_CODES.has(code)) };
    }
  }

  #backOff(attempt: number): Promise<void> {
    const delay = this.#retryDelayMs * 2 ** attempt * (1 + Math.random() * 0.2);
    return new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** The first `code` found on the error, its `cause` chain or its aggregated errors (`ECONNREFUSED`…). */
function systemErrorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof error !== 'object' || error === null) return undefined;
  if ('code' in error && typeof error.code === 'string') return error.code;
  if ('cause' in error) {
    const code = systemErrorCode(error.cause, depth + 1);
    if (code) return code;
  }
  if ('errors' in error && Array.isArray(error.errors)) {
    for (const inner of error.errors) {
      const code = systemErrorCode(inner, depth + 1);
      if (code) return code;
    }
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function parseSuccess(status: number, text: string): unknown {
  if (text.trim() === '') return undefined;
  const parsed = parseJson(text);
  if (parsed.ok) return parsed.value;
  throw new LatchkeyError({
    statusCode: status,
    errorCode: 'invalid_response',
    errorDescription: `HTTP ${status} with a body that is not JSON`,
  });
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field !== '' ? field : undefined;
}

/** Maps an error envelope `{error, errorCode?, errorDescription?}` (`spec/auth-api.md` §6). */
function httpError(status: number, text: string): LatchkeyError {
  const parsed = parseJson(text);
  const body = parsed.ok ? parsed.value : undefined;
  const rawError = stringField(body, 'error');
  const rawCode = stringField(body, 'errorCode') ?? rawError;
  const errorCode = isServerErrorCode(rawCode) ? rawCode : 'unexpected_error';
  return new LatchkeyError({
    statusCode: status,
    errorCode,
    errorDescription:
      stringField(body, 'errorDescription') ?? (rawCode ? undefined : `Unexpected HTTP ${status}`),
    error: rawError ?? rawCode,
  });
}
