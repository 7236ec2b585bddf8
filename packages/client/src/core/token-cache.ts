/** @internal The token cache shared by `passkey` and `email` (auth-api.md §9 "Token cache"). Not exported from the package entries. */
import { TOKEN_NOT_SET_MESSAGE } from './errors.js';
import type { ErrorResult } from './http.js';

/**
 * One token per client: set by `setToken`, replaced by the `accessToken` of
 * every success; empty values are ignored.
 */
export class TokenCache {
  private value: string | undefined;

  get token(): string | undefined {
    return this.value;
  }

  set token(token: string | undefined | null) {
    if (token) this.value = token;
  }

  clear(): void {
    this.value = undefined;
  }
}

/** The `token_not_set` result. */
export function tokenNotSet(): ErrorResult {
  return {
    error: TOKEN_NOT_SET_MESSAGE,
    errorCode: 'token_not_set',
    errorDescription: TOKEN_NOT_SET_MESSAGE,
  };
}
