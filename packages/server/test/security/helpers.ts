/**
 * Helpers shared by the security suite: unique users, raw reads of the
 * database behind a test server, and a snapshot/diff of every stateful table
 * (to prove that rejected input wrote nothing).
 */
import { type Kysely, sql } from 'kysely';
import type { AuditEvent, EventType } from '../../src/core/model.js';
import type { Database } from '../../src/store/schema.js';
import type { TestServer } from '../support/server.js';

export const bearer = (token: string) => `Bearer ${token}`;

let seq = 0;
/** A user id and email no other test in the run uses. */
export function nextUser(prefix: string): { userId: string; email: string } {
  seq += 1;
  const tag = `${prefix}-${process.pid}-${seq}`;
  return { userId: tag, email: `${tag}@example.com` };
}

/** The Kysely instance behind a test server's store (SQLite or PostgreSQL). */
export function database(t: TestServer): Kysely<Database> {
  const store = t.server.store as unknown as { db?: Kysely<Database> };
  if (!store.db) throw new Error('the store exposes no Kysely instance');
  return store.db;
}

/** Every row of one table, as plain objects. */
export async function rows(t: TestServer, table: string): Promise<Record<string, unknown>[]> {
  const result = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(database(t));
  return result.rows;
}

/**
 * Tables holding state that input could corrupt, with their key columns. Left out
 * on purpose: `events` (a refusal is supposed to be recorded) and the rate-limit
 * tables (every request, refused or not, is supposed to be counted).
 */
const STATE_TABLES: Record<string, readonly string[]> = {
  users: ['id'],
  authenticators: ['id'],
  actions: ['id'],
  challenges: ['id'],
  otp_codes: ['id'],
  pool_users: ['pool_id', 'sub'],
  pool_confirmation_codes: ['pool_id', 'sub'],
  pool_refresh_tokens: ['id'],
  pool_used_sessions: ['id'],
  signing_keys: ['kid'],
};

/** table → (key → row JSON) */
export type Snapshot = Map<string, Map<string, string>>;

/** Reads every row of every state table. */
export async function snapshot(t: TestServer): Promise<Snapshot> {
  const result: Snapshot = new Map();
  for (const [table, key] of Object.entries(STATE_TABLES)) {
    const byKey = new Map<string, string>();
    for (const row of await rows(t, table)) {
      byKey.set(
        key.map((k) => String(row[k])).join('|'),
        JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
      );
    }
    result.set(table, byKey);
  }
  return result;
}

export interface RowChange {
  table: string;
  key: string;
  change: 'added' | 'removed' | 'changed';
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** Every row added, removed or changed between two snapshots. */
export function diff(before: Snapshot, after: Snapshot): RowChange[] {
  const changes: RowChange[] = [];
  for (const [table, was] of before) {
    const now = after.get(table) ?? new Map<string, string>();
    for (const [key, row] of was) {
      const current = now.get(key);
      if (current === undefined) changes.push({ table, key, change: 'removed', before: JSON.parse(row) });
      else if (current !== row)
        changes.push({ table, key, change: 'changed', before: JSON.parse(row), after: JSON.parse(current) });
    }
    for (const [key, row] of now) {
      if (!was.has(key)) changes.push({ table, key, change: 'added', after: JSON.parse(row) });
    }
  }
  return changes;
}

/** The user's events of one type, newest first. */
export async function eventsOf(t: TestServer, userId: string, type: EventType): Promise<AuditEvent[]> {
  return t.server.store.listEvents({ userId, type, limit: 1000 });
}

/** True on the `postgres` vitest project. */
export function onPostgres(): boolean {
  return process.env.LATCHKEY_TEST_STORE === 'postgres';
}

/** A six-digit code that is not `code`. */
export function wrongCode(code: string, n = 1): string {
  return String((Number(code) + n) % 1_000_000).padStart(6, '0');
}
