/**
 * Kysely table types of the Latchkey database.
 *
 * The same schema runs on SQLite and PostgreSQL, so it uses portable types only:
 * times are epoch milliseconds in `bigint` columns, booleans are `integer` 0/1,
 * JSON is `text`. Select types are wide on purpose: the pg driver returns int8
 * as a string, better-sqlite3 returns a number (or a bigint in safe-integer mode).
 */
import type { ColumnType, Generated } from 'kysely';

/** What an integer column may come back as, depending on driver and width. */
export type DbInteger = number | string | bigint;

/** Epoch milliseconds (bigint column). */
export type Millis = ColumnType<DbInteger, number, number>;
/** Nullable epoch milliseconds (bigint column). */
export type NullableMillis = ColumnType<DbInteger | null, number | null, number | null>;
/** Integer column with a database default (counters, 0/1 flags). */
export type DefaultedInteger = ColumnType<DbInteger, number | undefined, number>;
/** Nullable integer column. */
export type NullableInteger = ColumnType<DbInteger | null, number | null, number | null>;

export interface UsersTable {
  id: string;
  username: string | null;
  display_name: string | null;
  email: string | null;
  email_verified: DefaultedInteger;
  phone_number: string | null;
  phone_number_verified: DefaultedInteger;
  /** JSON object text. */
  custom: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** Passkeys and email OTP authenticators share one table, told apart by `method`. */
export interface AuthenticatorsTable {
  id: string;
  user_id: string;
  /** 'PASSKEY' | 'EMAIL_OTP' */
  method: string;
  created_at: Millis;
  verified_at: NullableMillis;
  last_verified_at: NullableMillis;

  // Passkey columns (null on email rows).
  credential_id: string | null;
  public_key: string | null;
  counter: NullableInteger;
  /** JSON array text. */
  transports: string | null;
  aaguid: string | null;
  backup_eligible: DefaultedInteger;
  backup_state: DefaultedInteger;
  uv_initialized: DefaultedInteger;
  name: string | null;
  device_id: string | null;
  attachment: string | null;

  // Email OTP columns (null / 0 on passkey rows).
  email: string | null;
  /**
   * Lower-cased copy of `email`, computed in JS so that case-insensitive lookup
   * behaves the same on every database (SQLite's lower() is ASCII-only).
   */
  email_normalized: string | null;
  otp_failures: DefaultedInteger;
  otp_locked_until: NullableMillis;
}

export interface ActionsTable {
  id: string;
  /** Null for a usernameless action until the verified user is bound. */
  user_id: string | null;
  action_code: string;
  idempotency_key: string;
  state: string;
  state_updated_at: Millis;
  created_at: Millis;
  verification_method: string | null;
  validated_at: NullableMillis;
}

export interface ChallengesTable {
  id: string;
  kind: string;
  action_id: string;
  user_id: string | null;
  challenge: string;
  created_at: Millis;
  expires_at: Millis;
  used_at: NullableMillis;
}

export interface OtpCodesTable {
  id: string;
  authenticator_id: string;
  action_id: string;
  code_hash: string;
  attempts: DefaultedInteger;
  created_at: Millis;
  expires_at: Millis;
  used_at: NullableMillis;
}

/** Append-only audit log. No foreign keys: events outlive the user. */
export interface EventsTable {
  id: Generated<DbInteger>;
  type: string;
  user_id: string | null;
  action_id: string | null;
  authenticator_id: string | null;
  ip_address: string | null;
  /** JSON object text. */
  data: string | null;
  created_at: Millis;
}

/** One row per accepted rate-limit hit; windows are counted over `at`. */
export interface RateLimitHitsTable {
  key: string;
  at: Millis;
}

/**
 * One row per rate-limit key, upserted first in every hit transaction: the row
 * lock serializes concurrent hits of one key on PostgreSQL (SQLite serializes
 * all writers anyway).
 */
export interface RateLimitKeysTable {
  key: string;
}

// ------------------------------------------------------------- User pool

/**
 * A user of a Cognito-compatible pool, keyed by (pool_id, sub). Unique on
 * (pool_id, email_normalized); NULL emails may repeat.
 */
export interface PoolUsersTable {
  pool_id: string;
  sub: string;
  email: string | null;
  /** Lower-cased copy of `email`, computed in JS (see {@link AuthenticatorsTable.email_normalized}). */
  email_normalized: string | null;
  email_verified: DefaultedInteger;
  /** JSON object text: attribute name → string value. */
  attributes: string;
  /** 'UNCONFIRMED' | 'CONFIRMED' | 'RESET_REQUIRED' | 'FORCE_CHANGE_PASSWORD' */
  status: string;
  enabled: DefaultedInteger;
  tokens_revoked_before: NullableMillis;
  created_at: Millis;
  updated_at: Millis;
}

/** At most one pending sign-up code per user; cascades with the user. */
export interface PoolConfirmationCodesTable {
  pool_id: string;
  sub: string;
  code_hash: string;
  attempts: DefaultedInteger;
  expires_at: Millis;
}

/** Opaque refresh tokens (only a hash of the secret); cascade with the user. */
export interface PoolRefreshTokensTable {
  id: string;
  pool_id: string;
  sub: string;
  client_id: string;
  secret_hash: string;
  auth_time: Millis;
  created_at: Millis;
  expires_at: Millis;
  revoked_at: NullableMillis;
}

/** Marks of spent custom-auth session ids, kept until they expire. */
export interface PoolUsedSessionsTable {
  id: string;
  expires_at: Millis;
}

/** RS256 signing keys of the pool tokens. */
export interface SigningKeysTable {
  kid: string;
  /** 'id' | 'access' */
  use: string;
  sealed_private_key: string;
  /** Public JWK as JSON text. */
  public_jwk: string;
  created_at: Millis;
  retired_at: NullableMillis;
  expires_at: NullableMillis;
}

/** The whole database, as seen by Kysely. */
export interface Database {
  users: UsersTable;
  authenticators: AuthenticatorsTable;
  actions: ActionsTable;
  challenges: ChallengesTable;
  otp_codes: OtpCodesTable;
  events: EventsTable;
  rate_limit_hits: RateLimitHitsTable;
  rate_limit_keys: RateLimitKeysTable;
  pool_users: PoolUsersTable;
  pool_confirmation_codes: PoolConfirmationCodesTable;
  pool_refresh_tokens: PoolRefreshTokensTable;
  pool_used_sessions: PoolUsedSessionsTable;
  signing_keys: SigningKeysTable;
}
