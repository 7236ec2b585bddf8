/**
 * @internal
 * The client API over an injected `fetch`: auth headers, JSON, and the error envelope (auth-api.md §3, §6).
 * Not exported from the package entries.
 */
import type { LatchkeyErrorCode } from './errors.js';
import type { FetchLike } from './platform.js';
import type { LatchkeyResponse } from './types.js';

/** An error result: never has `data`. */
export type ErrorResult = Required<Pick<LatchkeyResponse<never>, 'error' | 'errorCode'>> &
  Pick<LatchkeyResponse<never>, 'errorDescription'>;

export type ApiResult<T> = { ok: true; body: T } | { ok: false; error: ErrorResult };

export type ApiAuth = { scheme: 'basic' } | { scheme: 'bearer'; token: string };

export interface AuthApiOptions {
  baseUrl: string;
  tenantId: string;
  fetch: FetchLike;
  timeoutMs: number;
  onTokenExpired?: (() => void) | undefined;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard padded base64 of an ASCII string (what `btoa` does), without relying on `btoa`. */
export function base64Ascii(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 3) {
    const a = text.charCodeAt(i);
    const b = i + 1 < text.length ? text.charCodeAt(i + 1) : Number.NaN;
    const c = i + 2 < text.length ? text.charCodeAt(i + 2) : Number.NaN;
    if (a > 0x7f || b > 0x7f || c > 0x7f) throw new TypeError('base64Ascii: not ASCII');
    const triple = (a << 16) | ((b || 0) << 8) | (c || 0);
    out += BASE64[(triple >> 18) & 63];
    out += BASE64[(triple >> 12) & 63];
    out += Number.isNaN(b) ? '=' : BASE64[(triple >> 6) & 63];
    out += Number.isNaN(c) ? '=' : BASE64[triple & 63];
  }
  return out;
}

/**
 * The API root: trailing slashes dropped and `/v1` appended unless present, so
 * both `https://auth.example.com` (as in `.latchkey/dev.json`) and
 * `https://auth.example.com/v1` (as given to Authsignal SDKs) work.
 */
export function apiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function statusCode(status: number): LatchkeyErrorCode {
  if (status === 429) return 'too_many_requests';
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status >= 500) return 'internal_error';
  return 'unexpected_response';
}

export class AuthApi {
  readonly root: string;
  private readonly options: AuthApiOptions;

  constructor(options: AuthApiOptions) {
    this.options = options;
    this.root = apiRoot(options.baseUrl);
  }

  /** `Basic base64(encodeURIComponent(tenantId))`, as `@authsignal/browser` sends it (no colon). */
  basicAuthorization(): string {
    return `Basic ${base64Ascii(encodeURIComponent(this.options.tenantId))}`;
  }

  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    auth: ApiAuth,
    body?: Record<string, unknown>,
  ): Promise<ApiResult<T>> {
    const headers: Record<string, string> = {
      authorization: auth.scheme === 'basic' ? this.basicAuthorization() : `Bearer ${auth.token}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.options.fetch(`${this.root}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: controller.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const message = controller.signal.aborted
        ? `No answer from ${this.root} within ${this.options.timeoutMs} ms`
        : messageOf(error);
      return { ok: false, error: { error: message, errorCode: 'network_error' } };
    } finally {
      clearTimeout(timer);
    }

    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    // The browser SDK treats any body with a top-level `error` as a failure (auth-api.md §6).
    if (isRecord(json) && 'error' in json) {
      const errorCode =
        typeof json.errorCode === 'string'
          ? json.errorCode
          : typeof json.error === 'string'
            ? json.error
            : statusCode(status);
      const errorDescription = typeof json.errorDescription === 'string' ? json.errorDescription : undefined;
      const error = errorDescription || (typeof json.error === 'string' ? json.error : errorCode);
      if (errorCode === 'expired_token' || errorCode === 'token_expired') this.options.onTokenExpired?.();
      return {
        ok: false,
        error: { error, errorCode, ...(errorDescription !== undefined ? { errorDescription } : {}) },
      };
    }
    if (status < 200 || status >= 300 || !isRecord(json)) {
      const errorCode = status >= 200 && status < 300 ? 'unexpected_response' : statusCode(status);
      return {
        ok: false,
        error: { error: `Unexpected answer from ${this.root}${path}: HTTP ${status}`, errorCode },
      };
    }
    return { ok: true, body: json as T };
  }
}
