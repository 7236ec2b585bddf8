import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthError } from '../core/errors.js';
import type { TokenClaims, TokenService } from '../core/tokens.js';

/** Who a client-API request is from. */
export type ClientCaller = { kind: 'tenant' } | { kind: 'token'; claims: TokenClaims };

type Parsed = { scheme: 'basic'; user: string } | { scheme: 'bearer'; token: string };

const unauthorized = (message = 'Missing or malformed Authorization header.') =>
  new AuthError('unauthorized', message);

function parseAuthorization(header: string | undefined): Parsed {
  if (!header) throw unauthorized();
  const space = header.indexOf(' ');
  if (space < 0) throw unauthorized();
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (value.length === 0) throw unauthorized();
  if (scheme === 'bearer') return { scheme: 'bearer', token: value };
  if (scheme !== 'basic') throw unauthorized();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw unauthorized();
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  // `<id>:` (RFC 7617) or, as the browser SDK sends it, `<id>` alone; the password is unused.
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  try {
    return { scheme: 'basic', user: decodeURIComponent(user) };
  } catch {
    throw unauthorized();
  }
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

export interface CredentialCheckerOptions {
  tenantId: string;
  secretKey: string;
  tokens: TokenService;
}

/** Applies the three auth schemes of the auth API (spec auth-api §3). */
export class CredentialChecker {
  readonly #options: CredentialCheckerOptions;

  constructor(options: CredentialCheckerOptions) {
    this.#options = options;
  }

  /** Server API: `Basic base64(<secretKey>:)`. */
  requireSecret(header: string | undefined): void {
    const parsed = parseAuthorization(header);
    if (parsed.scheme !== 'basic' || !sameSecret(parsed.user, this.#options.secretKey)) {
      throw unauthorized('Invalid secret key.');
    }
  }

  /** Client API: `Basic base64(<tenantId>[:])`. */
  requireTenant(header: string | undefined): void {
    const parsed = parseAuthorization(header);
    if (parsed.scheme !== 'basic' || !sameSecret(parsed.user, this.#options.tenantId)) {
      throw unauthorized('Unknown tenant.');
    }
  }

  /** Client API: `Bearer <track or result token>`. */
  async requireToken(header: string | undefined): Promise<TokenClaims> {
    const parsed = parseAuthorization(header);
    if (parsed.scheme !== 'bearer') throw unauthorized('A Bearer token is required.');
    return this.#options.tokens.verify(parsed.token);
  }

  /** Client API endpoints that take either scheme. */
  async requireTenantOrToken(header: string | undefined): Promise<ClientCaller> {
    const parsed = parseAuthorization(header);
    if (parsed.scheme === 'bearer')
      return { kind: 'token', claims: await this.#options.tokens.verify(parsed.token) };
    this.requireTenant(header);
    return { kind: 'tenant' };
  }
}
