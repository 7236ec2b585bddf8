/**
 * The {@link Store} and {@link PoolStore} over Kysely. Dialect-agnostic: it only
 * uses query-builder features that SQLite (3.35+) and PostgreSQL share, and
 * every "exactly once" operation is a single conditional write (or a
 * write-first transaction), so it holds with many processes on one database.
 * The user-pool queries live in `pool-queries.ts`.
 */
import { type Kysely, sql, type Updateable } from 'kysely';
import type {
  Action,
  ActionState,
  AuditEvent,
  Authenticator,
  Challenge,
  ChallengeKind,
  EmailOtpAuthenticator,
  NewAuditEvent,
  OtpCode,
  PasskeyAuthenticator,
  User,
  UserPatch,
  VerificationMethod,
} from '../core/model.js';
import type {
  ConfirmationCode,
  NewPoolUser,
  PoolUser,
  PoolUserFilter,
  PoolUserPatch,
  RefreshTokenRecord,
  SigningKeyRecord,
  SigningKeyUse,
} from '../core/pool-model.js';
import type {
  ActionOutcome,
  ChallengeOwner,
  EventQuery,
  NewAction,
  NewEmailAuthenticator,
  NewPasskey,
  PasskeyUse,
  PoolStore,
  RateWindow,
  Store,
  UserQuery,
} from '../core/ports.js';
import { toJsonText } from './json.js';
import { detectDialect, migrateToLatest, type SqlDialect } from './migrations.js';
import * as pool from './pool-queries.js';
import { MAX_RATE_WINDOW_MS, pruneExpired } from './prune.js';
import {
  flag,
  ms,
  normalizeEmail,
  pageSize,
  toAction,
  toAuditEvent,
  toAuthenticator,
  toChallenge,
  toEmailOrNull,
  toNumber,
  toOtpCode,
  toPasskeyOrNull,
  toUser,
} from './rows.js';
import type { Database, UsersTable } from './schema.js';

/** Options of {@link KyselyStore}. */
export interface KyselyStoreOptions {
  /** Defaults to the dialect detected from the Kysely adapter. */
  dialect?: SqlDialect;
}

function userPatchToRow(patch: UserPatch): Updateable<UsersTable> {
  const row: Updateable<UsersTable> = {};
  if (patch.username !== undefined) row.username = patch.username;
  if (patch.displayName !== undefined) row.display_name = patch.displayName;
  if (patch.email !== undefined) row.email = patch.email;
  if (patch.emailVerified !== undefined) row.email_verified = flag(patch.emailVerified);
  if (patch.phoneNumber !== undefined) row.phone_number = patch.phoneNumber;
  if (patch.phoneNumberVerified !== undefined) row.phone_number_verified = flag(patch.phoneNumberVerified);
  if (patch.custom !== undefined) row.custom = toJsonText(patch.custom);
  return row;
}

/**
 * {@link Store} and {@link PoolStore} implementation over a `Kysely<Database>`;
 * see `sqlite.ts` for the SQLite factory. The store owns the Kysely instance:
 * {@link close} destroys it.
 */
export class KyselyStore implements Store, PoolStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: SqlDialect;

  constructor(db: Kysely<Database>, options: KyselyStoreOptions = {}) {
    this.#db = db;
    this.#dialect = options.dialect ?? detectDialect(db as unknown as Kysely<unknown>);
  }

  /** The underlying Kysely instance, for tests and maintenance tasks. */
  get db(): Kysely<Database> {
    return this.#db;
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.#db, this.#dialect);
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }

  // ---------------------------------------------------------------- Users

  async getUser(userId: string): Promise<User | null> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async ensureUser(userId: string, init: UserPatch, now: Date): Promise<{ user: User; created: boolean }> {
    // Most calls find the user: a read, not a write that conflicts.
    const existing = await this.getUser(userId);
    if (existing) return { user: existing, created: false };
    const at = ms(now);
    const inserted = await this.#db
      .insertInto('users')
      .values({
        id: userId,
        username: init.username ?? null,
        display_name: init.displayName ?? null,
        email: init.email ?? null,
        email_verified: flag(init.emailVerified ?? false),
        phone_number: init.phoneNumber ?? null,
        phone_number_verified: flag(init.phoneNumberVerified ?? false),
        custom: toJsonText(init.custom),
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { user: toUser(inserted), created: true };
    // Another caller created it in between.
    const user = await this.getUser(userId);
    // Only possible if another process also deleted it in between.
    if (!user) throw new Error(`User ${userId} vanished during ensureUser`);
    return { user, created: false };
  }

  async updateUser(userId: string, patch: UserPatch, now: Date): Promise<User | null> {
    const row = await this.#db
      .updateTable('users')
      .set({ ...userPatchToRow(patch), updated_at: ms(now) })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async deleteUser(userId: string): Promise<boolean> {
    // Authenticators, actions, challenges and codes go by ON DELETE CASCADE.
    const result = await this.#db.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async findUsers(query: UserQuery): Promise<User[]> {
    let q = this.#db.selectFrom('users').selectAll();
    if (query.email !== undefined) q = q.where('email', '=', query.email);
    if (query.username !== undefined) q = q.where('username', '=', query.username);
    if (query.phoneNumber !== undefined) q = q.where('phone_number', '=', query.phoneNumber);
    if (query.afterUserId !== undefined) q = q.where('id', '>', query.afterUserId);
    const rows = await q.orderBy('id').limit(pageSize(query.limit)).execute();
    return rows.map(toUser);
  }

  // -------------------------------------------------------- Authenticators

  async listAuthenticators(userId: string): Promise<Authenticator[]> {
    const rows = await this.#db
      .selectFrom('authenticators')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toAuthenticator);
  }

  async getAuthenticator(authenticatorId: string): Promise<Authenticator | null> {
    const row = await this.#db
      .selectFrom('authenticators')
      .selectAll()
      .where('id', '=', authenticatorId)
      .executeTakeFirst();
    return row ? toAuthenticator(row) : null;
  }

  async getPasskeyByCredentialId(credentialId: string): Promise<PasskeyAuthenticator | null> {
    const row = await this.#db
      .selectFrom('authenticators')
      .selectAll()
      .where('credential_id', '=', credentialId)
      .where('method', '=', 'PASSKEY')
      .executeTakeFirst();
    return row ? toPasskeyOrNull(row) : null;
  }

  async insertPasskey(passkey: NewPasskey): Promise<boolean> {
    const createdAt = ms(passkey.createdAt);
    // Conflict target is the credential id only: a clash on the primary key is a bug and should throw.
    const inserted = await this.#db
      .insertInto('authenticators')
      .values({
        id: passkey.id,
        user_id: passkey.userId,
        method: 'PASSKEY',
        created_at: createdAt,
        verified_at: createdAt,
        last_verified_at: null,
        credential_id: passkey.credentialId,
        public_key: passkey.publicKey,
        counter: passkey.counter,
        transports: JSON.stringify(passkey.transports),
        aaguid: passkey.aaguid,
        backup_eligible: flag(passkey.backupEligible),
        backup_state: flag(passkey.backupState),
        uv_initialized: flag(passkey.uvInitialized),
        name: passkey.name,
        device_id: passkey.deviceId,
        attachment: passkey.attachment,
      })
      .onConflict((oc) => oc.column('credential_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async recordPasskeyUse(authenticatorId: string, use: PasskeyUse): Promise<PasskeyAuthenticator | null> {
    const row = await this.#db
      .updateTable('authenticators')
      .set({
        counter: use.newCounter,
        backup_state: flag(use.backupState),
        uv_initialized: flag(use.uvInitialized),
        last_verified_at: ms(use.usedAt),
      })
      .where('id', '=', authenticatorId)
      .where('method', '=', 'PASSKEY')
      .where('counter', '=', use.expectedCounter)
      .returningAll()
      .executeTakeFirst();
    return row ? toPasskeyOrNull(row) : null;
  }

  async findEmailAuthenticator(userId: string, email: string): Promise<EmailOtpAuthenticator | null> {
    const row = await this.#db
      .selectFrom('authenticators')
      .selectAll()
      .where('user_id', '=', userId)
      .where('method', '=', 'EMAIL_OTP')
      .where('email_normalized', '=', normalizeEmail(email))
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    return row ? toEmailOrNull(row) : null;
  }

  async insertEmailAuthenticator(authenticator: NewEmailAuthenticator): Promise<EmailOtpAuthenticator> {
    const row = await this.#db
      .insertInto('authenticators')
      .values({
        id: authenticator.id,
        user_id: authenticator.userId,
        method: 'EMAIL_OTP',
        created_at: ms(authenticator.createdAt),
        verified_at: null,
        last_verified_at: null,
        email: authenticator.email,
        email_normalized: normalizeEmail(authenticator.email),
        otp_failures: 0,
        otp_locked_until: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const inserted = toEmailOrNull(row);
    if (!inserted) throw new Error('Inserted email authenticator read back as another method');
    return inserted;
  }

  async markAuthenticatorVerified(authenticatorId: string, at: Date): Promise<void> {
    const when = ms(at);
    await this.#db
      .updateTable('authenticators')
      .set({ verified_at: sql<number>`coalesce(verified_at, ${when})`, last_verified_at: when })
      .where('id', '=', authenticatorId)
      .execute();
  }

  async deleteAuthenticator(userId: string, authenticatorId: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('authenticators')
      .where('id', '=', authenticatorId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async reserveOtpAttempt(authenticatorId: string, max: number, now: Date): Promise<number | null> {
    const t = ms(now);
    // One conditional UPDATE: an expired lock (locked_until <= now) counts as a
    // fresh budget, so the failures restart from zero and the lock is cleared.
    // SET expressions all see the old row on both databases.
    const row = await this.#db
      .updateTable('authenticators')
      .set({
        otp_failures: sql<number>`case when otp_locked_until <= ${t} then 1 else otp_failures + 1 end`,
        otp_locked_until: sql<
          number | null
        >`case when otp_locked_until <= ${t} then null else otp_locked_until end`,
      })
      .where('id', '=', authenticatorId)
      .where('method', '=', 'EMAIL_OTP')
      .where((eb) => eb.or([eb('otp_locked_until', 'is', null), eb('otp_locked_until', '<=', t)]))
      .where(sql<boolean>`(case when otp_locked_until <= ${t} then 0 else otp_failures end) < ${max}`)
      .returning('otp_failures')
      .executeTakeFirst();
    return row ? toNumber(row.otp_failures) : null;
  }

  async resetOtpBudget(authenticatorId: string): Promise<void> {
    await this.#db
      .updateTable('authenticators')
      .set({ otp_failures: 0, otp_locked_until: null })
      .where('id', '=', authenticatorId)
      .where('method', '=', 'EMAIL_OTP')
      .execute();
  }

  async lockOtp(authenticatorId: string, until: Date): Promise<void> {
    await this.#db
      .updateTable('authenticators')
      .set({ otp_locked_until: ms(until) })
      .where('id', '=', authenticatorId)
      .where('method', '=', 'EMAIL_OTP')
      .execute();
  }

  // --------------------------------------------------------------- Actions

  async getAction(actionId: string): Promise<Action | null> {
    const row = await this.#db
      .selectFrom('actions')
      .selectAll()
      .where('id', '=', actionId)
      .executeTakeFirst();
    return row ? toAction(row) : null;
  }

  async findAction(userId: string, actionCode: string, idempotencyKey: string): Promise<Action | null> {
    return this.#findActionByKey(userId, actionCode, idempotencyKey);
  }

  async #findActionByKey(
    userId: string | null,
    actionCode: string,
    idempotencyKey: string,
  ): Promise<Action | null> {
    const row = await this.#db
      .selectFrom('actions')
      .selectAll()
      // Matches the actions_idempotency index's expression: one lookup, not a scan.
      .where(sql<string>`coalesce(user_id, '')`, '=', userId ?? '')
      .where((eb) => (userId === null ? eb('user_id', 'is', null) : eb('user_id', '=', userId)))
      .where('action_code', '=', actionCode)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    return row ? toAction(row) : null;
  }

  async createAction(action: NewAction): Promise<{ action: Action; created: boolean }> {
    const at = ms(action.createdAt);
    // No conflict target: the key is an expression index (coalesce(user_id, '')),
    // and an untargeted DO NOTHING is portable. A primary-key clash is told apart below.
    const inserted = await this.#db
      .insertInto('actions')
      .values({
        id: action.id,
        user_id: action.userId,
        action_code: action.actionCode,
        idempotency_key: action.idempotencyKey,
        state: action.state,
        state_updated_at: at,
        created_at: at,
        verification_method: null,
        validated_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { action: toAction(inserted), created: true };
    const existing = await this.#findActionByKey(action.userId, action.actionCode, action.idempotencyKey);
    if (!existing) throw new Error(`Action id ${action.id} already exists with another key`);
    return { action: existing, created: false };
  }

  async setActionState(
    actionId: string,
    state: ActionState,
    at: Date,
    verificationMethod?: VerificationMethod,
  ): Promise<Action | null> {
    const row = await this.#db
      .updateTable('actions')
      .set({
        state,
        state_updated_at: ms(at),
        ...(verificationMethod === undefined ? {} : { verification_method: verificationMethod }),
      })
      .where('id', '=', actionId)
      .returningAll()
      .executeTakeFirst();
    return row ? toAction(row) : null;
  }

  /**
   * Also returns false (instead of failing on the unique key) when the user
   * already has an action with the same code and idempotency key.
   */
  async bindActionUser(actionId: string, userId: string, outcome?: ActionOutcome): Promise<Action | null> {
    try {
      return await this.#bindActionUser(actionId, userId, outcome);
    } catch (error) {
      // Two different actions with one key bound to the same user at once: the
      // NOT EXISTS of each saw no other (READ COMMITTED), the unique index refused one.
      if (pool.isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async #bindActionUser(actionId: string, userId: string, outcome?: ActionOutcome): Promise<Action | null> {
    const row = await this.#db
      .updateTable('actions')
      .set({
        user_id: userId,
        ...(outcome
          ? {
              state: outcome.state,
              state_updated_at: ms(outcome.at),
              ...(outcome.verificationMethod === undefined
                ? {}
                : { verification_method: outcome.verificationMethod }),
            }
          : {}),
      })
      .where('id', '=', actionId)
      .where('user_id', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('actions as other')
              .select('other.id')
              // The same expression as the actions_idempotency index, so this is one index
              // lookup rather than a scan of every action the user ever had.
              .where(sql<string>`coalesce(${sql.ref('other.user_id')}, '')`, '=', userId)
              .where('other.user_id', '=', userId)
              .whereRef('other.action_code', '=', 'actions.action_code')
              .whereRef('other.idempotency_key', '=', 'actions.idempotency_key'),
          ),
        ),
      )
      .returningAll()
      .executeTakeFirst();
    return row ? toAction(row) : null;
  }

  async consumeActionValidation(actionId: string, at: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('actions')
      .set({ validated_at: ms(at) })
      .where('id', '=', actionId)
      .where('state', '=', 'CHALLENGE_SUCCEEDED')
      .where('validated_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  // ------------------------------------------------------------ Challenges

  async insertChallenge(challenge: Omit<Challenge, 'usedAt'>): Promise<void> {
    await this.#db
      .insertInto('challenges')
      .values({
        id: challenge.id,
        kind: challenge.kind,
        action_id: challenge.actionId,
        user_id: challenge.userId,
        challenge: challenge.challenge,
        created_at: ms(challenge.createdAt),
        expires_at: ms(challenge.expiresAt),
        used_at: null,
      })
      .execute();
  }

  async getChallenge(challengeId: string): Promise<Challenge | null> {
    const row = await this.#db
      .selectFrom('challenges')
      .selectAll()
      .where('id', '=', challengeId)
      .executeTakeFirst();
    return row ? toChallenge(row) : null;
  }

  async consumeChallenge(
    challengeId: string,
    kind: ChallengeKind,
    now: Date,
    owner?: ChallengeOwner,
  ): Promise<Challenge | null> {
    const t = ms(now);
    let query = this.#db
      .updateTable('challenges')
      .set({ used_at: t })
      .where('id', '=', challengeId)
      .where('kind', '=', kind)
      .where('used_at', 'is', null)
      .where('expires_at', '>', t);
    if (owner) {
      query = query.where('user_id', owner.userId === null ? 'is' : '=', owner.userId);
      if (owner.actionId !== undefined) query = query.where('action_id', '=', owner.actionId);
    }
    const row = await query.returningAll().executeTakeFirst();
    return row ? toChallenge(row) : null;
  }

  // ------------------------------------------------------------- OTP codes

  async insertOtpCode(code: Omit<OtpCode, 'usedAt' | 'attempts'>): Promise<void> {
    const createdAt = ms(code.createdAt);
    // Write first: on SQLite the transaction then takes the write lock up front
    // instead of upgrading a read snapshot (which could fail with SQLITE_BUSY).
    // The first write locks the authenticator's row, so on PostgreSQL concurrent
    // sends queue up and each one's UPDATE below sees the codes committed before it.
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('authenticators')
        .set({ otp_failures: sql<number>`otp_failures` })
        .where('id', '=', code.authenticatorId)
        .execute();
      await trx
        .updateTable('otp_codes')
        .set({ used_at: createdAt })
        .where('authenticator_id', '=', code.authenticatorId)
        .where('used_at', 'is', null)
        .execute();
      await trx
        .insertInto('otp_codes')
        .values({
          id: code.id,
          authenticator_id: code.authenticatorId,
          action_id: code.actionId,
          code_hash: code.codeHash,
          attempts: 0,
          created_at: createdAt,
          expires_at: ms(code.expiresAt),
          used_at: null,
        })
        .execute();
    });
  }

  async getOtpCode(otpId: string): Promise<OtpCode | null> {
    const row = await this.#db.selectFrom('otp_codes').selectAll().where('id', '=', otpId).executeTakeFirst();
    return row ? toOtpCode(row) : null;
  }

  async getActiveOtpCode(actionId: string, now: Date): Promise<OtpCode | null> {
    const row = await this.#db
      .selectFrom('otp_codes')
      .selectAll()
      .where('action_id', '=', actionId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', ms(now))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toOtpCode(row) : null;
  }

  async recordOtpCodeFailure(otpId: string): Promise<void> {
    await this.#db
      .updateTable('otp_codes')
      .set({ attempts: sql<number>`attempts + 1` })
      .where('id', '=', otpId)
      .execute();
  }

  async consumeOtpCode(otpId: string, at: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('otp_codes')
      .set({ used_at: ms(at) })
      .where('id', '=', otpId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async expireOtpCodes(authenticatorId: string, at: Date): Promise<void> {
    await this.#db
      .updateTable('otp_codes')
      .set({ used_at: ms(at) })
      .where('authenticator_id', '=', authenticatorId)
      .where('used_at', 'is', null)
      .execute();
  }

  // ------------------------------------------------------------- Audit log

  async appendEvent(event: NewAuditEvent, at: Date): Promise<void> {
    await this.#db
      .insertInto('events')
      .values({
        type: event.type,
        user_id: event.userId ?? null,
        action_id: event.actionId ?? null,
        authenticator_id: event.authenticatorId ?? null,
        ip_address: event.ipAddress ?? null,
        data: toJsonText(event.data),
        created_at: ms(at),
      })
      .execute();
  }

  async listEvents(query: EventQuery): Promise<AuditEvent[]> {
    let q = this.#db.selectFrom('events').selectAll();
    if (query.userId !== undefined) q = q.where('user_id', '=', query.userId);
    if (query.type !== undefined) q = q.where('type', '=', query.type);
    if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
    const rows = await q.orderBy('id', 'desc').limit(pageSize(query.limit)).execute();
    return rows.map(toAuditEvent);
  }

  // ----------------------------------------------------------- Rate limits

  /**
   * One conditional insert: the hit is recorded only if every window has room.
   * Windows longer than {@link MAX_RATE_WINDOW_MS} are refused: {@link pruneExpired}
   * would forget their hits. A key should always be hit with the same windows.
   */
  async hitRateLimit(key: string, windows: readonly RateWindow[], now: Date): Promise<boolean> {
    for (const w of windows) {
      if (w.windowMs > MAX_RATE_WINDOW_MS) throw new RangeError(`Rate window ${w.windowMs} ms is over 24 h.`);
    }
    const t = ms(now);
    // Old hits of an active key are pruned on about one hit in 16 (random, so that
    // interleaved keys cannot starve one another); idle keys go in pruneExpired.
    if (Math.random() < 1 / 16) {
      const longest = windows.reduce((m, w) => Math.max(m, w.windowMs), 0);
      await this.#db
        .deleteFrom('rate_limit_hits')
        .where('key', '=', key)
        .where('at', '<=', t - longest)
        .execute();
    }
    const insertIfRoom = (db: Kysely<Database>) =>
      db
        .insertInto('rate_limit_hits')
        .columns(['key', 'at'])
        .expression(
          db
            .selectNoFrom((eb) => [
              eb.cast<string>(eb.val(key), 'text').as('key'),
              eb.cast<number>(eb.val(t), 'bigint').as('at'),
            ])
            .where((eb) =>
              eb.and(
                windows.map((window) =>
                  eb(
                    eb
                      .selectFrom('rate_limit_hits')
                      .select((c) => c.fn.countAll().as('n'))
                      .where('key', '=', key)
                      .where('at', '>', t - window.windowMs),
                    '<',
                    window.max,
                  ),
                ),
              ),
            ),
        )
        .executeTakeFirst();

    // SQLite takes the database's write lock before the statement reads, so
    // the count and the insert are one atomic step, even across processes.
    if (this.#dialect === 'sqlite')
      return Number((await insertIfRoom(this.#db)).numInsertedOrUpdatedRows) > 0;

    // PostgreSQL's statement snapshot would let two concurrent hits both see room:
    // lock the key's row first so hits of one key queue up.
    return this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('rate_limit_keys')
        .values({ key })
        .onConflict((oc) => oc.column('key').doUpdateSet({ key }))
        .execute();
      return Number((await insertIfRoom(trx)).numInsertedOrUpdatedRows) > 0;
    });
  }

  async pruneExpired(now: Date): Promise<number> {
    return pruneExpired(this.#db, now);
  }

  // ------------------------------------------------------------- User pool

  createPoolUser(user: NewPoolUser): Promise<boolean> {
    return pool.createPoolUser(this.#db, user);
  }

  getPoolUser(poolId: string, sub: string): Promise<PoolUser | null> {
    return pool.getPoolUser(this.#db, poolId, sub);
  }

  findPoolUserByEmail(poolId: string, email: string): Promise<PoolUser | null> {
    return pool.findPoolUserByEmail(this.#db, poolId, email);
  }

  updatePoolUser(
    poolId: string,
    sub: string,
    patch: PoolUserPatch,
    now: Date,
  ): Promise<PoolUser | null | 'email_exists'> {
    return pool.updatePoolUser(this.#db, poolId, sub, patch, now);
  }

  deletePoolUser(poolId: string, sub: string): Promise<boolean> {
    return pool.deletePoolUser(this.#db, poolId, sub);
  }

  listPoolUsers(
    poolId: string,
    query: { filter?: PoolUserFilter; limit: number; afterSub?: string },
  ): Promise<PoolUser[]> {
    return pool.listPoolUsers(this.#db, poolId, query);
  }

  setConfirmationCode(code: Omit<ConfirmationCode, 'attempts'>): Promise<void> {
    return pool.setConfirmationCode(this.#db, code);
  }

  getConfirmationCode(poolId: string, sub: string): Promise<ConfirmationCode | null> {
    return pool.getConfirmationCode(this.#db, poolId, sub);
  }

  reserveConfirmationAttempt(poolId: string, sub: string, max: number): Promise<number | null> {
    return pool.reserveConfirmationAttempt(this.#db, poolId, sub, max);
  }

  deleteConfirmationCode(poolId: string, sub: string): Promise<void> {
    return pool.deleteConfirmationCode(this.#db, poolId, sub);
  }

  insertRefreshToken(token: Omit<RefreshTokenRecord, 'revokedAt'>): Promise<void> {
    return pool.insertRefreshToken(this.#db, token);
  }

  getRefreshToken(id: string): Promise<RefreshTokenRecord | null> {
    return pool.getRefreshToken(this.#db, id);
  }

  revokeRefreshToken(id: string, at: Date): Promise<boolean> {
    return pool.revokeRefreshToken(this.#db, id, at);
  }

  revokeUserRefreshTokens(poolId: string, sub: string, at: Date): Promise<void> {
    return pool.revokeUserRefreshTokens(this.#db, poolId, sub, at);
  }

  consumeAuthSession(sessionId: string, expiresAt: Date): Promise<boolean> {
    return pool.consumeAuthSession(this.#db, sessionId, expiresAt);
  }

  listSigningKeys(now: Date): Promise<SigningKeyRecord[]> {
    return pool.listSigningKeys(this.#db, now);
  }

  insertSigningKey(key: SigningKeyRecord): Promise<void> {
    return pool.insertSigningKey(this.#db, key);
  }

  retireSigningKeys(use: SigningKeyUse, keepKid: string, at: Date, dropAt: Date): Promise<void> {
    return pool.retireSigningKeys(this.#db, use, keepKid, at, dropAt);
  }
}
