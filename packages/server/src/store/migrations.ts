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
 * The store's migrations, in order. Names sort lexically, which is the order
 * Kysely's {@link Migrator} applies them in.
 */
export function createMigrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return { '0001_initial': initialMigration(dialect) };
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
