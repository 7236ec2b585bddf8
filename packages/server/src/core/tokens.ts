import { randomUUID } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import { AuthError } from './errors.js';
import type { Clock } from './ports.js';

export type Scope =
  | 'read:authenticators'
  | 'add:authenticators'
  | 'update:authenticators'
  | 'remove:authenticators';

export const SCOPES: readonly Scope[] = [
  'read:authenticators',
  'add:authenticators',
  'update:authenticators',
  'remove:authenticators',
];

/** What a track or result token points at: one action of one user. */
export interface TokenSubject {
  userId: string;
  username: string | null;
  actionId: string;
  actionCode: string;
  idempotencyKey: string;
  scopes: readonly Scope[];
}

/** A verified token. */
export interface TokenClaims extends TokenSubject {
  jti: string;
  issuedAt: Date;
  expiresAt: Date;
}

export interface TokenServiceOptions {
  key: Uint8Array;
  tenantId: string;
  clock: Clock;
}

interface Payload {
  sub: string;
  aud: string;
  scope?: string;
  other: {
    tenantId: string;
    publishableKey: string;
    userId: string;
    username: string | null;
    actionCode: string;
    idempotencyKey: string;
    actionId: string;
  };
}

/**
 * Mints and verifies track and result tokens: HS256 JWTs in Authsignal's shape
 * that are signed pointers to an action record (the state lives in the store).
 *
 * fast-jwt signs and verifies with node:crypto's HMAC synchronously (~12 µs);
 * jose goes through WebCrypto (~150–250 µs per operation here), and a sign-in
 * handles three of these tokens. Expiry is checked against the injected clock.
 */
export class TokenService {
  readonly #tenantId: string;
  readonly #clock: Clock;
  readonly #signer: (payload: Record<string, unknown>) => string;
  readonly #verifier: (token: string) => Record<string, unknown>;

  constructor({ key, tenantId, clock }: TokenServiceOptions) {
    const secret = Buffer.from(key);
    this.#tenantId = tenantId;
    this.#clock = clock;
    this.#signer = createSigner({
      key: secret,
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'JWT' }, // iat and exp in the payload come from the injected clock
    });
    this.#verifier = createVerifier({
      key: secret,
      algorithms: ['HS256'],
      allowedAud: tenantId,
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      // fast-jwt reads the wall clock; expiry is checked below against ours.
      ignoreExpiration: true,
      ignoreNotBefore: true,
      cache: false,
    });
  }

  /** Signs a token for `subject` valid for `ttlSeconds`. */
  async sign(subject: TokenSubject, ttlSeconds: number): Promise<string> {
    const now = Math.floor(this.#clock.now().getTime() / 1000);
    const payload: Payload & { iat: number; exp: number; jti: string } = {
      sub: subject.userId,
      aud: this.#tenantId,
      scope: subject.scopes.join(' '),
      other: {
        tenantId: this.#tenantId,
        publishableKey: this.#tenantId,
        userId: subject.userId,
        username: subject.username,
        actionCode: subject.actionCode,
        idempotencyKey: subject.idempotencyKey,
        actionId: subject.actionId,
      },
      iat: now,
      exp: now + ttlSeconds,
      jti: randomUUID(),
    };
    return this.#signer({ ...payload });
  }

  /**
   * Verifies signature, tenant and expiry.
   *
   * @throws {AuthError} `expired_token` past `exp`; `token_invalid` for anything else wrong.
   */
  async verify(token: string): Promise<TokenClaims> {
    let payload: Record<string, unknown>;
    try {
      payload = this.#verifier(token);
    } catch (error) {
      throw new AuthError('token_invalid', 'The token is invalid.', { cause: error });
    }
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number')
      throw new AuthError('token_invalid', 'The token is invalid.');
    if (payload.exp * 1000 <= this.#clock.now().getTime())
      throw new AuthError('expired_token', 'The token has expired.');
    return parseClaims(payload, this.#tenantId);
  }
}

function parseClaims(payload: Record<string, unknown>, tenantId: string): TokenClaims {
  const other = payload.other;
  const invalid = () => new AuthError('token_invalid', 'The token is invalid.');
  if (typeof other !== 'object' || other === null) throw invalid();
  const o = other as Record<string, unknown>;
  const str = (value: unknown): string => {
    if (typeof value !== 'string' || value.length === 0) throw invalid();
    return value;
  };
  if (o.tenantId !== tenantId || o.userId !== payload.sub) throw invalid();
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(isScope) : [];
  return {
    userId: str(o.userId),
    username: typeof o.username === 'string' ? o.username : null,
    actionId: str(o.actionId),
    actionCode: str(o.actionCode),
    idempotencyKey: str(o.idempotencyKey),
    scopes,
    jti: str(payload.jti),
    issuedAt: new Date(Number(payload.iat) * 1000),
    expiresAt: new Date(Number(payload.exp) * 1000),
  };
}

function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
