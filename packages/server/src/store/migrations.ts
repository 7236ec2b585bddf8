/**
 * Schema migrations, kept in code (no files read at runtime) and shared by the
 * SQLite and PostgreSQL backends. Only portable column types are used; the few
 * dialect differences (autoincrement ids, byte-order collation) branch on
 * {@link SqlDialect}.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, PostgresAdapter, sql } from 'kysely';

/** The SQL dialects the store supports. */
export type SqlDialect = 'sqlite' | 'postgres';

/** Detects the dialect of a Kysely instance from its adapter. */
export function detectDialect(db: Kysely<unknown>): SqlDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

function initialMigration(dialect: SqlDialect): Migration {
  const pg = dialect === 'postgres';
  // Ids are compared and paged with `>`: on PostgreSQL use byte order, like SQLite,
  // instead of the database locale's collation.
  const idType = pg ? sql`text collate "C"` : sql`text`;

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // `if not exists` everywhere: SQLite DDL is not transactional, so a crash
      // between the DDL and the migrator's bookkeeping must not wedge a re-run.
      await db.schema
        .createTable('users')
        .ifNotExists()
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('username', 'text')
        .addColumn('display_name', 'text')
        .addColumn('email', 'text')
        .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('phone_number', 'text')
        .addColumn('phone_number_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('custom', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('users_email').ifNotExists().on('users').column('email').execute();
      await db.schema.createIndex('users_username').ifNotExists().on('users').column('username').execute();
      await db.schema
        .createIndex('users_phone_number')
        .ifNotExists()
        .on('users')
        .column('phone_number')
        .execute();

      await db.schema
        .createTable('authenticators')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('verified_at', 'bigint')
        .addColumn('last_verified_at', 'bigint')
        .addColumn('credential_id', 'text')
        .addColumn('public_key', 'text')
        .addColumn('counter', 'bigint')
        .addColumn('transports', 'text')
        .addColumn('aaguid', 'text')
        .addColumn('backup_eligible', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('backup_state', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('uv_initialized', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('name', 'text')
        .addColumn('device_id', 'text')
        .addColumn('attachment', 'text')
        .addColumn('email', 'text')
        .addColumn('email_normalized', 'text')
        .addColumn('otp_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('otp_locked_until', 'bigint')
        .execute();
      // Unique across users; both databases allow many NULLs (email rows).
      await db.schema
        .createIndex('authenticators_credential_id')
        .ifNotExists()
        .unique()
        .on('authenticators')
        .column('credential_id')
        .execute();
      await db.schema
        .createIndex('authenticators_user_email')
        .ifNotExists()
        .on('authenticators')
        .columns(['user_id', 'email_normalized'])
        .execute();

      await db.schema
        .createTable('actions')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('action_code', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('state_updated_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('verification_method', 'text')
        .addColumn('validated_at', 'bigint')
        .execute();
      // NULLs are distinct in a plain unique index on both databases, so the
      // idempotency key of usernameless actions is scoped through coalesce().
      await sql`create unique index if not exists actions_idempotency
        on actions (coalesce(user_id, ''), action_code, idempotency_key)`.execute(db);
      await db.schema.createIndex('actions_user_id').ifNotExists().on('actions').column('user_id').execute();

      await db.schema
        .createTable('challenges')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('challenge', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('challenges_action_id')
        .ifNotExists()
        .on('challenges')
        .column('action_id')
        .execute();
      await db.schema
        .createIndex('challenges_user_id')
        .ifNotExists()
        .on('challenges')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('otp_codes')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('authenticator_id', 'text', (c) =>
          c.notNull().references('authenticators.id').onDelete('cascade'),
        )
        .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('otp_codes_authenticator_id')
        .ifNotExists()
        .on('otp_codes')
        .column('authenticator_id')
        .execute();
      await db.schema
        .createIndex('otp_codes_action_created')
        .ifNotExists()
        .on('otp_codes')
        .columns(['action_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('events')
        .ifNotExists()
        .$call((t) =>
          pg
            ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
            : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()),
        )
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('action_id', 'text')
        .addColumn('authenticator_id', 'text')
        .addColumn('ip_address', 'text')
        .addColumn('data', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('events_user_id')
        .ifNotExists()
        .on('events')
        .columns(['user_id', 'id'])
        .execute();
      await db.schema.createIndex('events_type').ifNotExists().on('events').columns(['type', 'id']).execute();

      await db.schema
        .createTable('rate_limit_keys')
        .ifNotExists()
        .addColumn('key', 'text', (c) => c.primaryKey())
        .execute();
      await db.schema
        .createTable('rate_limit_hits')
        .ifNotExists()
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('rate_limit_hits_key_at')
        .ifNotExists()
        .on('rate_limit_hits')
        .columns(['key', 'at'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'rate_limit_hits',
        'rate_limit_keys',
        'events',
        'otp_codes',
        'challenges',
        'actions',
        'authenticators',
        'users',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

/**
 * The Cognito-compatible user pool. A separate migration so that databases
 * already at `0001_initial` upgrade in place.
 */
function userPoolMigration(dialect: SqlDialect): Migration {
  const pg = dialect === 'postgres';
  // Pool ids and subs are paged with `>`: byte order on PostgreSQL too. The
  // referencing columns use the same type so the foreign keys compare alike.
  const idType = pg ? sql`text collate "C"` : sql`text`;

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('pool_users')
        .ifNotExists()
        .addColumn('pool_id', idType, (c) => c.notNull())
        .addColumn('sub', idType, (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('email_normalized', 'text')
        .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attributes', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('tokens_revoked_before', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('pool_users_pkey', ['pool_id', 'sub'])
        .execute();
      // The email alias is unique per pool, enforced here so that concurrent
      // writers cannot both pass a read check. NULLs are distinct on both databases.
      await db.schema
        .createIndex('pool_users_email')
        .ifNotExists()
        .unique()
        .on('pool_users')
        .columns(['pool_id', 'email_normalized'])
        .execute();

      await db.schema
        .createTable('pool_confirmation_codes')
        .ifNotExists()
        .addColumn('pool_id', idType, (c) => c.notNull())
        .addColumn('sub', idType, (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('pool_confirmation_codes_pkey', ['pool_id', 'sub'])
        .addForeignKeyConstraint(
          'pool_confirmation_codes_user_fkey',
          ['pool_id', 'sub'],
          'pool_users',
          ['pool_id', 'sub'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('pool_refresh_tokens')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('pool_id', idType, (c) => c.notNull())
        .addColumn('sub', idType, (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('auth_time', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addForeignKeyConstraint(
          'pool_refresh_tokens_user_fkey',
          ['pool_id', 'sub'],
          'pool_users',
          ['pool_id', 'sub'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();
      // Serves revokeUserRefreshTokens and the cascade from pool_users.
      await db.schema
        .createIndex('pool_refresh_tokens_user')
        .ifNotExists()
        .on('pool_refresh_tokens')
        .columns(['pool_id', 'sub'])
        .execute();

      await db.schema
        .createTable('pool_used_sessions')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      // Serves the pruning of expired marks.
      await db.schema
        .createIndex('pool_used_sessions_expires_at')
        .ifNotExists()
        .on('pool_used_sessions')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('signing_keys')
        .ifNotExists()
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('use', 'text', (c) => c.notNull())
        .addColumn('sealed_private_key', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('retired_at', 'bigint')
        .addColumn('expires_at', 'bigint')
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'signing_keys',
        'pool_used_sessions',
        'pool_refresh_tokens',
        'pool_confirmation_codes',
        'pool_users',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

/**
 * The store's migrations, in order. Names sort lexically, which is the order
 * Kysely's {@link Migrator} applies them in.
 */
export function createMigrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001_initial': initialMigration(dialect),
        '0002_user_pool': userPoolMigration(dialect),
      };
    },
  };
}

/**
 * Applies every pending migration. Idempotent; throws if a migration fails.
 *
 * @param dialect - defaults to the dialect detected from `db`'s adapter.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect?: SqlDialect): Promise<void> {
  const untyped = db as unknown as Kysely<unknown>;
  const migrator = new Migrator({
    db: untyped,
    provider: createMigrationProvider(dialect ?? detectDialect(untyped)),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const what = failed === undefined ? 'Database migration' : `Database migration ${failed}`;
    throw new Error(`${what} failed`, { cause: error });
  }
}
