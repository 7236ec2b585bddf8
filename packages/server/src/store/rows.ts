/**
 * Row ↔ model conversion. Rows come from either driver, so integers are
 * accepted as number, string (pg int8) or bigint, and enum-like text columns
 * are checked rather than cast.
 */
import type { Selectable } from 'kysely';
import {
  ACTION_STATES,
  type Action,
  type ActionState,
  type AuditEvent,
  type Authenticator,
  type AuthenticatorTransport,
  type Challenge,
  type ChallengeKind,
  type EmailOtpAuthenticator,
  type EventType,
  type OtpCode,
  type PasskeyAuthenticator,
  type User,
  type VerificationMethod,
} from '../core/model.js';
import type {
  ConfirmationCode,
  PoolUser,
  PoolUserStatus,
  RefreshTokenRecord,
  SigningKeyRecord,
  SigningKeyUse,
} from '../core/pool-model.js';
import { parseJsonObject, parseJsonStringArray } from './json.js';
import type {
  ActionsTable,
  AuthenticatorsTable,
  ChallengesTable,
  DbInteger,
  EventsTable,
  OtpCodesTable,
  PoolConfirmationCodesTable,
  PoolRefreshTokensTable,
  PoolUsersTable,
  SigningKeysTable,
  UsersTable,
} from './schema.js';

/** An integer from any driver as a JS number. */
export function toNumber(value: DbInteger): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new TypeError(`Expected an integer from the database, got ${value}`);
  return n;
}

function toDate(value: DbInteger): Date {
  return new Date(toNumber(value));
}

function toDateOrNull(value: DbInteger | null): Date | null {
  return value === null ? null : toDate(value);
}

function toBool(value: DbInteger): boolean {
  return toNumber(value) !== 0;
}

/** A Date as epoch milliseconds; rejects invalid dates before they reach SQL. */
export function ms(date: Date): number {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new RangeError('Invalid Date');
  return t;
}

/** Lower-cased email used for case-insensitive lookup (same rule on every database). */
export function normalizeEmail(email: string): string {
  return email.toLowerCase();
}

/** A limit usable on every database (PostgreSQL rejects negative limits). */
export function pageSize(limit: number): number {
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0;
}

/** A boolean as a 0/1 integer. */
export function flag(value: boolean): number {
  return value ? 1 : 0;
}

function oneOf<T extends string>(allowed: readonly T[], value: string, what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new TypeError(`Unknown ${what} in database: ${value}`);
}

const TRANSPORTS: readonly AuthenticatorTransport[] = [
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
];
const METHODS: readonly VerificationMethod[] = ['PASSKEY', 'EMAIL_OTP'];
const KINDS: readonly ChallengeKind[] = ['passkey_registration', 'passkey_authentication'];

/** A `users` row as a {@link User}. */
export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    emailVerified: toBool(row.email_verified),
    phoneNumber: row.phone_number,
    phoneNumberVerified: toBool(row.phone_number_verified),
    custom: parseJsonObject(row.custom),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function toPasskey(row: Selectable<AuthenticatorsTable>): PasskeyAuthenticator {
  if (row.credential_id === null || row.public_key === null || row.counter === null) {
    throw new TypeError(`Passkey row ${row.id} lacks its credential`);
  }
  return {
    method: 'PASSKEY',
    id: row.id,
    userId: row.user_id,
    createdAt: toDate(row.created_at),
    verifiedAt: toDateOrNull(row.verified_at),
    lastVerifiedAt: toDateOrNull(row.last_verified_at),
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: toNumber(row.counter),
    // Unknown transports (from a newer WebAuthn level) are dropped, not passed through untyped.
    transports: parseJsonStringArray(row.transports).filter((t): t is AuthenticatorTransport =>
      (TRANSPORTS as readonly string[]).includes(t),
    ),
    aaguid: row.aaguid ?? '',
    backupEligible: toBool(row.backup_eligible),
    backupState: toBool(row.backup_state),
    uvInitialized: toBool(row.uv_initialized),
    name: row.name,
    deviceId: row.device_id,
    attachment: row.attachment,
  };
}

function toEmailAuthenticator(row: Selectable<AuthenticatorsTable>): EmailOtpAuthenticator {
  if (row.email === null) throw new TypeError(`Email authenticator row ${row.id} lacks its address`);
  return {
    method: 'EMAIL_OTP',
    id: row.id,
    userId: row.user_id,
    createdAt: toDate(row.created_at),
    verifiedAt: toDateOrNull(row.verified_at),
    lastVerifiedAt: toDateOrNull(row.last_verified_at),
    email: row.email,
    otpFailures: toNumber(row.otp_failures),
    otpLockedUntil: toDateOrNull(row.otp_locked_until),
  };
}

/** An `authenticators` row as a passkey or email authenticator, by its `method`. */
export function toAuthenticator(row: Selectable<AuthenticatorsTable>): Authenticator {
  return oneOf(METHODS, row.method, 'authenticator method') === 'PASSKEY'
    ? toPasskey(row)
    : toEmailAuthenticator(row);
}

/** The row as a passkey, or null if it is another kind of authenticator. */
export function toPasskeyOrNull(row: Selectable<AuthenticatorsTable>): PasskeyAuthenticator | null {
  const authenticator = toAuthenticator(row);
  return authenticator.method === 'PASSKEY' ? authenticator : null;
}

/** The row as an email authenticator, or null if it is another kind. */
export function toEmailOrNull(row: Selectable<AuthenticatorsTable>): EmailOtpAuthenticator | null {
  const authenticator = toAuthenticator(row);
  return authenticator.method === 'EMAIL_OTP' ? authenticator : null;
}

/** An `actions` row as an {@link Action}. */
export function toAction(row: Selectable<ActionsTable>): Action {
  return {
    id: row.id,
    userId: row.user_id,
    actionCode: row.action_code,
    idempotencyKey: row.idempotency_key,
    state: oneOf<ActionState>(ACTION_STATES, row.state, 'action state'),
    stateUpdatedAt: toDate(row.state_updated_at),
    createdAt: toDate(row.created_at),
    verificationMethod:
      row.verification_method === null
        ? null
        : oneOf(METHODS, row.verification_method, 'verification method'),
    validatedAt: toDateOrNull(row.validated_at),
  };
}

/** A `challenges` row as a {@link Challenge}. */
export function toChallenge(row: Selectable<ChallengesTable>): Challenge {
  return {
    id: row.id,
    kind: oneOf(KINDS, row.kind, 'challenge kind'),
    actionId: row.action_id,
    userId: row.user_id,
    challenge: row.challenge,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    usedAt: toDateOrNull(row.used_at),
  };
}

/** An `otp_codes` row as an {@link OtpCode}. */
export function toOtpCode(row: Selectable<OtpCodesTable>): OtpCode {
  return {
    id: row.id,
    authenticatorId: row.authenticator_id,
    actionId: row.action_id,
    codeHash: row.code_hash,
    attempts: toNumber(row.attempts),
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    usedAt: toDateOrNull(row.used_at),
  };
}

/** An `events` row as an {@link AuditEvent}. */
export function toAuditEvent(row: Selectable<EventsTable>): AuditEvent {
  return {
    id: toNumber(row.id),
    // Not checked: the log is append-only and may hold types of a newer version.
    type: row.type as EventType,
    userId: row.user_id,
    actionId: row.action_id,
    authenticatorId: row.authenticator_id,
    ipAddress: row.ip_address,
    data: parseJsonObject(row.data),
    createdAt: toDate(row.created_at),
  };
}

// ------------------------------------------------------------- User pool

const POOL_USER_STATUSES: readonly PoolUserStatus[] = [
  'UNCONFIRMED',
  'CONFIRMED',
  'RESET_REQUIRED',
  'FORCE_CHANGE_PASSWORD',
];
const KEY_USES: readonly SigningKeyUse[] = ['id', 'access'];

/** Parses the attributes column: string values only, anything else is dropped. */
export function parseAttributes(text: string | null): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(parseJsonObject(text) ?? {})) {
    if (typeof value === 'string') attributes[name] = value;
  }
  return attributes;
}

/** A `pool_users` row as a {@link PoolUser}. */
export function toPoolUser(row: Selectable<PoolUsersTable>): PoolUser {
  return {
    poolId: row.pool_id,
    sub: row.sub,
    email: row.email,
    emailVerified: toBool(row.email_verified),
    attributes: parseAttributes(row.attributes),
    status: oneOf(POOL_USER_STATUSES, row.status, 'pool user status'),
    enabled: toBool(row.enabled),
    tokensRevokedBefore: toDateOrNull(row.tokens_revoked_before),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** A `pool_confirmation_codes` row as a {@link ConfirmationCode}. */
export function toConfirmationCode(row: Selectable<PoolConfirmationCodesTable>): ConfirmationCode {
  return {
    poolId: row.pool_id,
    sub: row.sub,
    codeHash: row.code_hash,
    attempts: toNumber(row.attempts),
    expiresAt: toDate(row.expires_at),
  };
}

/** A `pool_refresh_tokens` row as a {@link RefreshTokenRecord}. */
export function toRefreshToken(row: Selectable<PoolRefreshTokensTable>): RefreshTokenRecord {
  return {
    id: row.id,
    poolId: row.pool_id,
    sub: row.sub,
    clientId: row.client_id,
    secretHash: row.secret_hash,
    authTime: toDate(row.auth_time),
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    revokedAt: toDateOrNull(row.revoked_at),
  };
}

/** A `signing_keys` row as a {@link SigningKeyRecord}. */
export function toSigningKey(row: Selectable<SigningKeysTable>): SigningKeyRecord {
  return {
    kid: row.kid,
    use: oneOf(KEY_USES, row.use, 'signing key use'),
    sealedPrivateKey: row.sealed_private_key,
    publicJwk: row.public_jwk,
    createdAt: toDate(row.created_at),
    retiredAt: toDateOrNull(row.retired_at),
    expiresAt: toDateOrNull(row.expires_at),
  };
}
