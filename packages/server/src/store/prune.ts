/**
 * Housekeeping: deletes rows that can no longer decide anything. Every delete is
 * a plain conditional `DELETE`, so any number of instances may run it at once.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const HOUR = 3_600_000;

/** The longest rate-limit window a store accepts; hits older than this are pruned. */
export const MAX_RATE_WINDOW_MS = 24 * HOUR;

/**
 * How long past its expiry an expired challenge, code or refresh token is kept.
 * Until then a late request gets "expired" rather than "not found", and an
 * operator can still see it.
 */
export const EXPIRED_RETENTION_MS = 24 * HOUR;

/**
 * How long past its session's expiry a spent-session mark is kept. The session
 * itself is refused once expired; the margin covers clocks that differ between
 * instances, so a mark is never gone while some instance would still accept it.
 */
export const USED_SESSION_RETENTION_MS = HOUR;

/** Deletes what {@link MAX_RATE_WINDOW_MS} and the retention margins allow; returns the rows deleted. */
export async function pruneExpired(db: Kysely<Database>, now: Date): Promise<number> {
  const t = now.getTime();
  const expiredBefore = t - EXPIRED_RETENTION_MS;
  const results = [
    await db
      .deleteFrom('rate_limit_hits')
      .where('at', '<=', t - MAX_RATE_WINDOW_MS)
      .executeTakeFirst(),
    // The key rows only serialize concurrent hits; a later hit re-creates its row.
    await db
      .deleteFrom('rate_limit_keys')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('rate_limit_hits')
              .select('rate_limit_hits.key')
              .whereRef('rate_limit_hits.key', '=', 'rate_limit_keys.key'),
          ),
        ),
      )
      .executeTakeFirst(),
    await db.deleteFrom('challenges').where('expires_at', '<', expiredBefore).executeTakeFirst(),
    await db.deleteFrom('otp_codes').where('expires_at', '<', expiredBefore).executeTakeFirst(),
    await db.deleteFrom('pool_confirmation_codes').where('expires_at', '<', expiredBefore).executeTakeFirst(),
    await db.deleteFrom('pool_refresh_tokens').where('expires_at', '<', expiredBefore).executeTakeFirst(),
    await db
      .deleteFrom('pool_used_sessions')
      .where('expires_at', '<', t - USED_SESSION_RETENTION_MS)
      .executeTakeFirst(),
  ];
  return results.reduce((sum, r) => sum + Number(r.numDeletedRows), 0);
}
