/** Records of the Cognito-compatible user pool. Times are `Date`s. */

export type PoolUserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'RESET_REQUIRED' | 'FORCE_CHANGE_PASSWORD';

export interface PoolUser {
  poolId: string;
  /** Immutable id; also the internal username (email is a sign-in alias). */
  sub: string;
  email: string | null;
  emailVerified: boolean;
  /** Every other attribute, Cognito-style string → string (`name`, `phone_number`, `custom:*`, …). */
  attributes: Record<string, string>;
  status: PoolUserStatus;
  enabled: boolean;
  /** Access tokens issued before this instant are refused (GlobalSignOut). */
  tokensRevokedBefore: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewPoolUser = Omit<PoolUser, 'tokensRevokedBefore' | 'updatedAt'>;

export type PoolUserPatch = Partial<
  Pick<PoolUser, 'email' | 'emailVerified' | 'attributes' | 'status' | 'enabled' | 'tokensRevokedBefore'>
>;

/** A pending sign-up confirmation code (hashed), with its own attempt count. */
export interface ConfirmationCode {
  poolId: string;
  sub: string;
  codeHash: string;
  attempts: number;
  expiresAt: Date;
}

/**
 * An opaque refresh token `<id>.<secret>`: only a hash of the secret is stored.
 * `id` is also the `origin_jti` of the ID and access tokens minted from it.
 */
export interface RefreshTokenRecord {
  id: string;
  poolId: string;
  sub: string;
  clientId: string;
  secretHash: string;
  authTime: Date;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export type SigningKeyUse = 'id' | 'access';

/** An RS256 signing key; the private key is sealed with a key derived from the server secret. */
export interface SigningKeyRecord {
  kid: string;
  use: SigningKeyUse;
  /** Sealed PKCS#8 private key (AES-256-GCM), base64url. */
  sealedPrivateKey: string;
  /** Public JWK as JSON text. */
  publicJwk: string;
  createdAt: Date;
  /** Null while active; once set, the key only verifies until then. */
  retiredAt: Date | null;
  /** After this, the key is dropped from the JWKS. */
  expiresAt: Date | null;
}

/** ListUsers filter: one attribute, exact (`=`) or prefix (`^=`). */
export interface PoolUserFilter {
  attribute: string;
  operator: '=' | '^=';
  value: string;
}
