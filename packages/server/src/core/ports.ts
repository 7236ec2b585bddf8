import type {
  Action,
  ActionState,
  AuditEvent,
  Authenticator,
  Challenge,
  ChallengeKind,
  EmailOtpAuthenticator,
  EventType,
  NewAuditEvent,
  OtpCode,
  PasskeyAuthenticator,
  User,
  UserPatch,
  VerificationMethod,
} from './model.js';
import type {
  ConfirmationCode,
  NewPoolUser,
  PoolUser,
  PoolUserFilter,
  PoolUserPatch,
  RefreshTokenRecord,
  SigningKeyRecord,
  SigningKeyUse,
} from './pool-model.js';

/** Source of the current time; injected so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** An email to send. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Delivers mail: SMTP in production, the dev mailbox in `latchkey dev`. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close?(): Promise<void>;
}

export interface NewPasskey {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: PasskeyAuthenticator['transports'];
  aaguid: string;
  backupEligible: boolean;
  backupState: boolean;
  uvInitialized: boolean;
  name: string | null;
  deviceId: string | null;
  attachment: string | null;
  createdAt: Date;
}

export interface NewEmailAuthenticator {
  id: string;
  userId: string;
  email: string;
  createdAt: Date;
}

export interface NewAction {
  id: string;
  userId: string | null;
  actionCode: string;
  idempotencyKey: string;
  state: ActionState;
  createdAt: Date;
}

export interface PasskeyUse {
  /** The counter read before verification; the write succeeds only if it is unchanged. */
  expectedCounter: number;
  newCounter: number;
  backupState: boolean;
  uvInitialized: boolean;
  usedAt: Date;
}

export interface UserQuery {
  email?: string;
  username?: string;
  phoneNumber?: string;
  limit: number;
  /** Return users whose id sorts after this one. */
  afterUserId?: string;
}

export interface EventQuery {
  userId?: string;
  type?: EventType;
  limit: number;
  /** Return events with an id lower than this one (newest first paging). */
  beforeId?: number;
}

/** A state change applied together with another write (see {@link Store.bindActionUser}). */
export interface ActionOutcome {
  state: ActionState;
  at: Date;
  verificationMethod?: VerificationMethod;
}

/** Whom a challenge was issued to: a user (null for usernameless) and, optionally, an action. */
export interface ChallengeOwner {
  userId: string | null;
  actionId?: string;
}

/** One rate-limit window: at most `max` hits per `windowMs`. */
export interface RateWindow {
  windowMs: number;
  max: number;
}

/**
 * Persistence port of the core. Implementations (SQLite, PostgreSQL) must pass
 * the conformance suite in `store/conformance.ts`.
 *
 * Every method that enforces "exactly once" (consume*, reserve*, update*IfCounter)
 * is a single atomic conditional write: it must hold with many processes sharing
 * one database, so no implementation may rely on process memory.
 */
export interface Store {
  /** Applies pending migrations. Idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  // Users
  getUser(userId: string): Promise<User | null>;
  /** Inserts the user if absent; returns the stored user and whether it was created. */
  ensureUser(userId: string, init: UserPatch, now: Date): Promise<{ user: User; created: boolean }>;
  /** Applies the defined fields of `patch`; returns the updated user, or null if absent. */
  updateUser(userId: string, patch: UserPatch, now: Date): Promise<User | null>;
  /** Deletes the user with its authenticators, actions, challenges and codes. Events stay. */
  deleteUser(userId: string): Promise<boolean>;
  /** Users matching every given field, ordered by id. */
  findUsers(query: UserQuery): Promise<User[]>;

  // Authenticators
  listAuthenticators(userId: string): Promise<Authenticator[]>;
  getAuthenticator(authenticatorId: string): Promise<Authenticator | null>;
  /** Credential ids are compared as canonical base64url strings. */
  getPasskeyByCredentialId(credentialId: string): Promise<PasskeyAuthenticator | null>;
  /**
   * Inserts a verified passkey (verifiedAt = createdAt). Returns false, writing
   * nothing, when the credential id already exists (for any user).
   */
  insertPasskey(passkey: NewPasskey): Promise<boolean>;
  /**
   * Records a successful assertion, only if the stored counter still equals
   * `expectedCounter`, and returns the updated passkey. Returns null (and writes
   * nothing) otherwise.
   */
  recordPasskeyUse(authenticatorId: string, use: PasskeyUse): Promise<PasskeyAuthenticator | null>;
  /** The user's email authenticator for this address (case-insensitive), if any. */
  findEmailAuthenticator(userId: string, email: string): Promise<EmailOtpAuthenticator | null>;
  /** Inserts an unverified email authenticator. */
  insertEmailAuthenticator(authenticator: NewEmailAuthenticator): Promise<EmailOtpAuthenticator>;
  /** Sets verifiedAt (if null) and lastVerifiedAt. */
  markAuthenticatorVerified(authenticatorId: string, at: Date): Promise<void>;
  deleteAuthenticator(userId: string, authenticatorId: string): Promise<boolean>;

  /**
   * Reserves one guess from an email authenticator's OTP budget before a code is
   * compared: clears an expired lock, then increments `otpFailures` only while it
   * is below `max` and the authenticator is not locked. Returns the new count, or
   * null when the budget is spent (nothing written).
   */
  reserveOtpAttempt(authenticatorId: string, max: number, now: Date): Promise<number | null>;
  /** A correct code: the budget starts again at zero and any lock is cleared. */
  resetOtpBudget(authenticatorId: string): Promise<void>;
  /** Budget exhausted: lock until `until`. */
  lockOtp(authenticatorId: string, until: Date): Promise<void>;

  // Actions
  getAction(actionId: string): Promise<Action | null>;
  findAction(userId: string, actionCode: string, idempotencyKey: string): Promise<Action | null>;
  /**
   * Inserts the action, or returns the existing one with the same
   * (userId, actionCode, idempotencyKey) unchanged.
   */
  createAction(action: NewAction): Promise<{ action: Action; created: boolean }>;
  /** Sets state and stateUpdatedAt (and the method when given). Returns the updated action. */
  setActionState(
    actionId: string,
    state: ActionState,
    at: Date,
    verificationMethod?: VerificationMethod,
  ): Promise<Action | null>;
  /**
   * Binds a usernameless action to the verified user, only if it has none yet
   * (and the user has no other action with its code and idempotency key), setting
   * `outcome` in the same write when given. Returns the updated action, or null
   * (writing nothing).
   */
  bindActionUser(actionId: string, userId: string, outcome?: ActionOutcome): Promise<Action | null>;
  /**
   * The single-use step of `/validate`: sets validatedAt only if the action is
   * CHALLENGE_SUCCEEDED and not yet validated. Returns true for exactly one caller.
   */
  consumeActionValidation(actionId: string, at: Date): Promise<boolean>;

  // WebAuthn challenges
  insertChallenge(challenge: Omit<Challenge, 'usedAt'>): Promise<void>;
  getChallenge(challengeId: string): Promise<Challenge | null>;
  /**
   * Spends the challenge: sets usedAt only if it is of `kind`, unused, not
   * expired at `now` and (when `owner` is given) issued to that user (null:
   * usernameless) and action. Returns the challenge for exactly one caller,
   * else null; a challenge that is not the owner's is left unspent.
   */
  consumeChallenge(
    challengeId: string,
    kind: ChallengeKind,
    now: Date,
    owner?: ChallengeOwner,
  ): Promise<Challenge | null>;

  // Email one-time codes
  /** Inserts a code and, in the same transaction, ends every earlier unused code of the authenticator. */
  insertOtpCode(code: Omit<OtpCode, 'usedAt' | 'attempts'>): Promise<void>;
  getOtpCode(otpId: string): Promise<OtpCode | null>;
  /** The newest unused, unexpired code of the action. */
  getActiveOtpCode(actionId: string, now: Date): Promise<OtpCode | null>;
  /** Counts a wrong guess on the code itself (for the record; the budget is on the authenticator). */
  recordOtpCodeFailure(otpId: string): Promise<void>;
  /** Sets usedAt only if unused. Returns true for exactly one caller. */
  consumeOtpCode(otpId: string, at: Date): Promise<boolean>;
  /** Ends every unused code of the authenticator. */
  expireOtpCodes(authenticatorId: string, at: Date): Promise<void>;

  // Audit log (append-only)
  appendEvent(event: NewAuditEvent, at: Date): Promise<void>;
  listEvents(query: EventQuery): Promise<AuditEvent[]>;

  // Rate limits
  /**
   * Records one hit for `key` if every window still has room, atomically.
   * Returns false (recording nothing) when any window is full.
   */
  hitRateLimit(key: string, windows: readonly RateWindow[], now: Date): Promise<boolean>;

  // Housekeeping
  /**
   * Deletes rows that can no longer decide anything: rate-limit hits past the
   * longest allowed window, and challenges, codes, refresh tokens and spent
   * session marks well past their expiry (see `store/prune.ts` for the margins).
   * Safe to run from every instance at any time. Returns the rows deleted.
   */
  pruneExpired(now: Date): Promise<number>;
}

/**
 * Persistence of the Cognito-compatible user pool. Implemented by the same
 * backends as {@link Store} and held to the same rule: every single-use or
 * budget method is one atomic conditional write.
 */
export interface PoolStore {
  /** Inserts the user; returns false (writing nothing) if the pool already has a user with this email (case-insensitive). */
  createPoolUser(user: NewPoolUser): Promise<boolean>;
  getPoolUser(poolId: string, sub: string): Promise<PoolUser | null>;
  /** Case-insensitive. */
  findPoolUserByEmail(poolId: string, email: string): Promise<PoolUser | null>;
  /**
   * Applies the defined fields; `attributes` replaces the whole map. Returns the
   * updated user, null if absent, or `'email_exists'` (writing nothing) when the
   * new email belongs to another user of the pool.
   */
  updatePoolUser(
    poolId: string,
    sub: string,
    patch: PoolUserPatch,
    now: Date,
  ): Promise<PoolUser | null | 'email_exists'>;
  /** Deletes the user with its refresh tokens and confirmation code. */
  deletePoolUser(poolId: string, sub: string): Promise<boolean>;
  /**
   * Users ordered by sub, after `afterSub`, matching the filter. Filterable:
   * `sub`, `username` (= sub), `email`, `cognito:user_status` / `status`, and any
   * key of `attributes` (exact or prefix, case-sensitive as Cognito).
   */
  listPoolUsers(
    poolId: string,
    query: { filter?: PoolUserFilter; limit: number; afterSub?: string },
  ): Promise<PoolUser[]>;

  /** Replaces the user's pending confirmation code (attempts start at 0). */
  setConfirmationCode(code: Omit<ConfirmationCode, 'attempts'>): Promise<void>;
  getConfirmationCode(poolId: string, sub: string): Promise<ConfirmationCode | null>;
  /** Counts one guess if fewer than `max` were made; returns the new count, or null when spent. */
  reserveConfirmationAttempt(poolId: string, sub: string, max: number): Promise<number | null>;
  deleteConfirmationCode(poolId: string, sub: string): Promise<void>;

  insertRefreshToken(token: Omit<RefreshTokenRecord, 'revokedAt'>): Promise<void>;
  getRefreshToken(id: string): Promise<RefreshTokenRecord | null>;
  /** Sets revokedAt if unset; true for exactly one caller. */
  revokeRefreshToken(id: string, at: Date): Promise<boolean>;
  /** Revokes every live refresh token of the user. */
  revokeUserRefreshTokens(poolId: string, sub: string, at: Date): Promise<void>;

  /**
   * Marks an auth session id as used (custom-auth sessions are single use).
   * Returns true for exactly one caller. {@link Store.pruneExpired} drops the mark
   * an hour after `expiresAt`, so callers must refuse expired sessions first.
   */
  consumeAuthSession(sessionId: string, expiresAt: Date): Promise<boolean>;

  /** Every signing key not yet past `expiresAt`, newest first. */
  listSigningKeys(now: Date): Promise<SigningKeyRecord[]>;
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  /** Retires every active key of `use` except `keepKid`: retiredAt = at, expiresAt = dropAt. */
  retireSigningKeys(use: SigningKeyUse, keepKid: string, at: Date, dropAt: Date): Promise<void>;
}
