/**
 * The {@link PoolStore} queries over Kysely, used by {@link KyselyStore}. Same
 * rules as the rest of the store: portable SQL only, and every single-use or
 * budget operation is one conditional write, so it holds with many processes
 * on one database. Uniqueness of the email alias is left to the database's
 * unique index (`pool_users_email`), never to a read before the write.
 */
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SqlBool,
  sql,
  type Updateable,
} from 'kysely';
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
import {
  flag,
  ms,
  normalizeEmail,
  pageSize,
  toConfirmationCode,
  toNumber,
  toPoolUser,
  toRefreshToken,
  toSigningKey,
} from './rows.js';
import type { Database, PoolUsersTable } from './schema.js';

type Db = Kysely<Database>;

/**
 * True for a unique-constraint violation, as reported by better-sqlite3
 * (`SQLITE_CONSTRAINT_UNIQUE`) or by PostgreSQL drivers (SQLSTATE 23505).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

function patchToRow(patch: PoolUserPatch): Updateable<PoolUsersTable> {
  const row: Updateable<PoolUsersTable> = {};
  if (patch.email !== undefined) {
    row.email = patch.email;
    row.email_normalized = patch.email === null ? null : normalizeEmail(patch.email);
  }
  if (patch.emailVerified !== undefined) row.email_verified = flag(patch.emailVerified);
  if (patch.attributes !== undefined) row.attributes = JSON.stringify(patch.attributes);
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.enabled !== undefined) row.enabled = flag(patch.enabled);
  if (patch.tokensRevokedBefore !== undefined) {
    row.tokens_revoked_before = patch.tokensRevokedBefore === null ? null : ms(patch.tokensRevokedBefore);
  }
  return row;
}

// ------------------------------------------------------------------ Users

export async function createPoolUser(db: Db, user: NewPoolUser): Promise<boolean> {
  const createdAt = ms(user.createdAt);
  // Conflict target is the email index only: a clash on (pool_id, sub) is a bug and throws.
  const inserted = await db
    .insertInto('pool_users')
    .values({
      pool_id: user.poolId,
      sub: user.sub,
      email: user.email,
      email_normalized: user.email === null ? null : normalizeEmail(user.email),
      email_verified: flag(user.emailVerified),
      attributes: JSON.stringify(user.attributes),
      status: user.status,
      enabled: flag(user.enabled),
      tokens_revoked_before: null,
      created_at: createdAt,
      updated_at: createdAt,
    })
    .onConflict((oc) => oc.columns(['pool_id', 'email_normalized']).doNothing())
    .returning('sub')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function getPoolUser(db: Db, poolId: string, sub: string): Promise<PoolUser | null> {
  const row = await db
    .selectFrom('pool_users')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('sub', '=', sub)
    .executeTakeFirst();
  return row ? toPoolUser(row) : null;
}

export async function findPoolUserByEmail(db: Db, poolId: string, email: string): Promise<PoolUser | null> {
  const row = await db
    .selectFrom('pool_users')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('email_normalized', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row ? toPoolUser(row) : null;
}

export async function updatePoolUser(
  db: Db,
  poolId: string,
  sub: string,
  patch: PoolUserPatch,
  now: Date,
): Promise<PoolUser | null | 'email_exists'> {
  const set = { ...patchToRow(patch), updated_at: ms(now) };
  try {
    const row = await db
      .updateTable('pool_users')
      .set(set)
      .where('pool_id', '=', poolId)
      .where('sub', '=', sub)
      .returningAll()
      .executeTakeFirst();
    return row ? toPoolUser(row) : null;
  } catch (error) {
    // The statement only changes non-key columns, so the email index is the
    // only unique constraint it can break. The failed statement wrote nothing.
    if (typeof patch.email === 'string' && isUniqueViolation(error)) return 'email_exists';
    throw error;
  }
}

export async function deletePoolUser(db: Db, poolId: string, sub: string): Promise<boolean> {
  // Refresh tokens and the confirmation code go by ON DELETE CASCADE.
  const result = await db
    .deleteFrom('pool_users')
    .where('pool_id', '=', poolId)
    .where('sub', '=', sub)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Attribute names that are columns, and so are filtered in SQL. */
const FILTER_COLUMNS = new Map<string, 'sub' | 'email' | 'status'>([
  ['sub', 'sub'],
  ['username', 'sub'],
  ['email', 'email'],
  ['cognito:user_status', 'status'],
  ['status', 'status'],
]);

/** Rows read per round trip when a filter on `attributes` is applied in JS. */
const SCAN_BATCH = 200;

function columnFilter(
  eb: ExpressionBuilder<Database, 'pool_users'>,
  column: 'sub' | 'email' | 'status',
  filter: PoolUserFilter,
): Expression<SqlBool> {
  const { operator, value } = filter;
  switch (operator) {
    case '=':
      // Exact and case-sensitive. For email the (implied) normalized predicate
      // lets the unique index find the row.
      return column === 'email'
        ? eb.and([eb('email_normalized', '=', normalizeEmail(value)), eb('email', '=', value)])
        : eb(column, '=', value);
    case '^=':
      // A case-sensitive prefix without LIKE (whose case rules and `%`/`_`
      // wildcards differ between databases); both count characters alike.
      return sql<SqlBool>`substr(${sql.ref(column)}, 1, length(cast(${value} as text))) = ${value}`;
    default:
      throw new TypeError(`Unknown filter operator: ${String(operator)}`);
  }
}

function attributeMatches(user: PoolUser, filter: PoolUserFilter): boolean {
  if (!Object.hasOwn(user.attributes, filter.attribute)) return false;
  const actual = user.attributes[filter.attribute];
  if (actual === undefined) return false;
  switch (filter.operator) {
    case '=':
      return actual === filter.value;
    case '^=':
      return actual.startsWith(filter.value);
    default:
      throw new TypeError(`Unknown filter operator: ${String(filter.operator)}`);
  }
}

/**
 * Filters on `sub`/`username`, `email` and `cognito:user_status`/`status` run
 * in SQL. Any other name is looked up in `attributes`, in JS, while paging
 * through the pool by sub until `limit` users match or the rows run out.
 */
export async function listPoolUsers(
  db: Db,
  poolId: string,
  query: { filter?: PoolUserFilter; limit: number; afterSub?: string },
): Promise<PoolUser[]> {
  const limit = pageSize(query.limit);
  if (limit === 0) return [];
  const { filter } = query;
  const page = (after: string | undefined, size: number) => {
    let q = db.selectFrom('pool_users').selectAll().where('pool_id', '=', poolId);
    if (after !== undefined) q = q.where('sub', '>', after);
    return q.orderBy('sub').limit(size);
  };

  const column = filter === undefined ? undefined : FILTER_COLUMNS.get(filter.attribute);
  if (filter === undefined || column !== undefined) {
    let q = page(query.afterSub, limit);
    if (filter !== undefined && column !== undefined) q = q.where((eb) => columnFilter(eb, column, filter));
    return (await q.execute()).map(toPoolUser);
  }

  const found: PoolUser[] = [];
  const batch = Math.max(limit, SCAN_BATCH);
  let after = query.afterSub;
  for (;;) {
    const rows = await page(after, batch).execute();
    for (const row of rows) {
      const user = toPoolUser(row);
      if (!attributeMatches(user, filter)) continue;
      found.push(user);
      if (found.length === limit) return found;
    }
    const last = rows.at(-1);
    if (rows.length < batch || last === undefined) return found;
    after = last.sub;
  }
}

// ----------------------------------------------------- Confirmation codes

export async function setConfirmationCode(db: Db, code: Omit<ConfirmationCode, 'attempts'>): Promise<void> {
  const expiresAt = ms(code.expiresAt);
  await db
    .insertInto('pool_confirmation_codes')
    .values({
      pool_id: code.poolId,
      sub: code.sub,
      code_hash: code.codeHash,
      attempts: 0,
      expires_at: expiresAt,
    })
    .onConflict((oc) =>
      oc
        .columns(['pool_id', 'sub'])
        .doUpdateSet({ code_hash: code.codeHash, attempts: 0, expires_at: expiresAt }),
    )
    .execute();
}

export async function getConfirmationCode(
  db: Db,
  poolId: string,
  sub: string,
): Promise<ConfirmationCode | null> {
  const row = await db
    .selectFrom('pool_confirmation_codes')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('sub', '=', sub)
    .executeTakeFirst();
  return row ? toConfirmationCode(row) : null;
}

export async function reserveConfirmationAttempt(
  db: Db,
  poolId: string,
  sub: string,
  max: number,
): Promise<number | null> {
  const row = await db
    .updateTable('pool_confirmation_codes')
    .set({ attempts: sql<number>`attempts + 1` })
    .where('pool_id', '=', poolId)
    .where('sub', '=', sub)
    .where('attempts', '<', max)
    .returning('attempts')
    .executeTakeFirst();
  return row ? toNumber(row.attempts) : null;
}

export async function deleteConfirmationCode(db: Db, poolId: string, sub: string): Promise<void> {
  await db
    .deleteFrom('pool_confirmation_codes')
    .where('pool_id', '=', poolId)
    .where('sub', '=', sub)
    .execute();
}

// --------------------------------------------------------- Refresh tokens

export async function insertRefreshToken(
  db: Db,
  token: Omit<RefreshTokenRecord, 'revokedAt'>,
): Promise<void> {
  await db
    .insertInto('pool_refresh_tokens')
    .values({
      id: token.id,
      pool_id: token.poolId,
      sub: token.sub,
      client_id: token.clientId,
      secret_hash: token.secretHash,
      auth_time: ms(token.authTime),
      created_at: ms(token.createdAt),
      expires_at: ms(token.expiresAt),
      revoked_at: null,
    })
    .execute();
}

export async function getRefreshToken(db: Db, id: string): Promise<RefreshTokenRecord | null> {
  const row = await db.selectFrom('pool_refresh_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRefreshToken(row) : null;
}

export async function revokeRefreshToken(db: Db, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('pool_refresh_tokens')
    .set({ revoked_at: ms(at) })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Every not yet revoked token gets `revokedAt = at` (expired ones too); earlier revocations are kept. */
export async function revokeUserRefreshTokens(db: Db, poolId: string, sub: string, at: Date): Promise<void> {
  await db
    .updateTable('pool_refresh_tokens')
    .set({ revoked_at: ms(at) })
    .where('pool_id', '=', poolId)
    .where('sub', '=', sub)
    .where('revoked_at', 'is', null)
    .execute();
}

// ----------------------------------------------------------- Auth sessions

/**
 * The insert is the single-use step. Marks are pruned (by `pruneExpired`) an
 * hour after their session expires; an expired id could then be consumed
 * again, so callers must refuse expired sessions first.
 */
export async function consumeAuthSession(db: Db, sessionId: string, expiresAt: Date): Promise<boolean> {
  const inserted = await db
    .insertInto('pool_used_sessions')
    .values({ id: sessionId, expires_at: ms(expiresAt) })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

// ------------------------------------------------------------ Signing keys

/** Keys with no `expiresAt` or with `expiresAt >= now` (a key is dropped only after its expiry). */
export async function listSigningKeys(db: Db, now: Date): Promise<SigningKeyRecord[]> {
  const t = ms(now);
  const rows = await db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>=', t)]))
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .execute();
  return rows.map(toSigningKey);
}

export async function insertSigningKey(db: Db, key: SigningKeyRecord): Promise<void> {
  await db
    .insertInto('signing_keys')
    .values({
      kid: key.kid,
      use: key.use,
      sealed_private_key: key.sealedPrivateKey,
      public_jwk: key.publicJwk,
      created_at: ms(key.createdAt),
      retired_at: key.retiredAt === null ? null : ms(key.retiredAt),
      expires_at: key.expiresAt === null ? null : ms(key.expiresAt),
    })
    .execute();
}

/**
 * Active = `retiredAt` unset; keys retired earlier keep their times. Only keys
 * older than `keepKid` (by `createdAt`, then kid: the order of
 * {@link listSigningKeys}) are retired, so when two instances rotate at once
 * neither retires the other's newer key and the newest key always stays
 * active. Nothing is retired if `keepKid` does not exist.
 */
export async function retireSigningKeys(
  db: Db,
  use: SigningKeyUse,
  keepKid: string,
  at: Date,
  dropAt: Date,
): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ retired_at: ms(at), expires_at: ms(dropAt) })
    .where('use', '=', use)
    .where('kid', '<>', keepKid)
    .where('retired_at', 'is', null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('signing_keys as keep')
          .select('keep.kid')
          .where('keep.kid', '=', keepKid)
          .where((eb) =>
            eb.or([
              eb('keep.created_at', '>', eb.ref('signing_keys.created_at')),
              eb.and([
                eb('keep.created_at', '=', eb.ref('signing_keys.created_at')),
                eb('keep.kid', '>', eb.ref('signing_keys.kid')),
              ]),
            ]),
          ),
      ),
    )
    .execute();
}
