/**
 * Crash safety (issue 7 §6, security-bar R11/A8): a real `latchkey dev`
 * process is killed with SIGKILL in the middle of a burst of passkey
 * registrations and sign-ins, then restarted on the same data. Every write it
 * acknowledged (a 200) is there and usable, and nothing half-written is
 * visible. SQLite in the `default` project; the `postgres` project runs the
 * same test against a fresh PostgreSQL database.
 *
 * Why acknowledged writes must survive on SQLite: the store runs WAL with
 * `synchronous = NORMAL`. A commit appends its frames to the WAL with write(2)
 * before the statement returns; only the fsync is deferred to checkpoints. A
 * killed process leaves those pages in the OS page cache, and the next open
 * replays the WAL, so a process kill loses nothing that was committed (an OS
 * crash or power loss may lose the last commits: see SECURITY.md). Every
 * handler awaits its writes before answering, so "answered 200" implies
 * "committed". Each passkey row is one INSERT and each sign-in's counter one
 * conditional UPDATE, so a kill mid-request leaves either all of it or none.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, usePostgres } from '../support/postgres.js';
import { freePort } from '../support/server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Dev {
  child: ChildProcess;
  exited: Promise<unknown>;
  baseUrl: string;
  secretAuth: string;
  tenantAuth: string;
}

async function startDev(cwd: string, port: number, env: Record<string, string>): Promise<Dev> {
  const dev = spawnCli(['dev'], cwd, { PORT: String(port), ...env });
  const { child, exited } = dev;
  children.push(child);
  const baseUrl = `http://localhost:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`latchkey dev exited: ${dev.output()}`);
    if (i > 300) throw new Error(`latchkey dev never became healthy: ${dev.output()}`);
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let devJson: { secretKey: string; tenantId: string } | undefined;
  for (let i = 0; !devJson; i++) {
    try {
      devJson = JSON.parse(readFileSync(join(cwd, '.latchkey', 'dev.json'), 'utf8'));
    } catch (error) {
      if (i > 50) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const basic = (user: string) => `Basic ${Buffer.from(`${user}:`).toString('base64')}`;
  return {
    child,
    exited,
    baseUrl,
    secretAuth: basic(devJson.secretKey),
    tenantAuth: basic(devJson.tenantId),
  };
}

async function call(dev: Dev, path: string, auth: string, body: unknown) {
  const response = await fetch(`${dev.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body read field by field.
  return { status: response.status, body: (await response.json()) as any };
}

interface Registered {
  userId: string;
  credentialId: string;
  authenticator: SoftAuthenticator;
  /** Highest counter of an acknowledged sign-in (0: none yet). */
  ackedCounter: number;
  /** Every counter sent, acknowledged or not. */
  sentCounters: number[];
  ackedSignIns: number;
}

/** A user and a passkey through the public API: track, options, create, register. */
async function register(dev: Dev, origin: string, userId: string): Promise<Registered | null> {
  const track = await call(dev, `/v1/users/${userId}/actions/signIn`, dev.secretAuth, {});
  if (track.status !== 200) return null;
  const bearer = `Bearer ${track.body.token}`;
  const options = await call(dev, '/v1/client/user-authenticators/passkey/registration-options', bearer, {});
  if (options.status !== 200) return null;
  const authenticator = new SoftAuthenticator({ backupEligible: false, backupState: false });
  const credential = await authenticator.createCredential(options.body.options, { origin });
  const done = await call(dev, '/v1/client/user-authenticators/passkey', bearer, {
    challengeId: options.body.challengeId,
    registrationCredential: credential,
  });
  if (done.status !== 200 || done.body.isVerified !== true) return null;
  return {
    userId,
    credentialId: credential.id,
    authenticator,
    ackedCounter: 0,
    sentCounters: [],
    ackedSignIns: 0,
  };
}

/** A usernameless sign-in; true when the server acknowledged it. */
async function signIn(dev: Dev, origin: string, passkey: Registered): Promise<boolean> {
  const challenge = await call(dev, '/v1/client/challenge', dev.tenantAuth, {});
  if (challenge.status !== 200) return false;
  const options = await call(
    dev,
    '/v1/client/user-authenticators/passkey/authentication-options',
    dev.tenantAuth,
    {
      challengeId: challenge.body.challengeId,
    },
  );
  if (options.status !== 200) return false;
  const assertion = await passkey.authenticator.getAssertion(options.body.options, { origin });
  const counter = passkey.authenticator.getCounter(passkey.credentialId);
  passkey.sentCounters.push(counter);
  const verified = await call(dev, '/v1/client/verify/passkey', dev.tenantAuth, {
    challengeId: challenge.body.challengeId,
    authenticationCredential: assertion,
  });
  if (verified.status !== 200 || verified.body.isVerified !== true) return false;
  expect(verified.body.userId).toBe(passkey.userId);
  passkey.ackedCounter = counter;
  passkey.ackedSignIns += 1;
  return true;
}

type Row = Record<string, unknown>;

/** Reads the database behind the (restarted) server directly. */
async function readDatabase(cwd: string, database: TestDatabase | undefined) {
  const queries = {
    passkeys: "select * from authenticators where method = 'PASSKEY'",
    actions: 'select * from actions',
    events:
      "select type, user_id, authenticator_id from events where type in ('passkey.registered', 'passkey.signed_in')",
  };
  if (database) {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const result: Record<string, Row[]> = {};
      for (const [name, sql] of Object.entries(queries)) result[name] = (await client.query(sql)).rows;
      return { ...result, integrity: 'ok' } as Record<keyof typeof queries, Row[]> & { integrity: string };
    } finally {
      await client.end();
    }
  }
  const sqlite = new SqliteDatabase(join(cwd, '.latchkey', 'latchkey.db'), { readonly: true });
  try {
    const result: Record<string, Row[]> = {};
    for (const [name, sql] of Object.entries(queries)) result[name] = sqlite.prepare(sql).all() as Row[];
    const integrity = String(sqlite.pragma('integrity_check', { simple: true }));
    return { ...result, integrity } as Record<keyof typeof queries, Row[]> & { integrity: string };
  } finally {
    sqlite.close();
  }
}

describe(`crash safety (${usePostgres() ? 'PostgreSQL' : 'SQLite'})`, () => {
  // Two `latchkey dev` starts and a burst: ~15 s alone, over 30 s once on a loaded CI machine.
  it('R11 A8 SIGKILL mid-burst: every acknowledged registration and counter survives; nothing half-written', {
    timeout: 90_000,
  }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'latchkey-crash-'));
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
    let database: TestDatabase | undefined;
    if (usePostgres()) {
      database = await createTestDatabase('crash');
      cleanups.push(() => database?.drop());
    }
    // The burst comes from one IP: lift the per-IP limits (they have their own tests).
    writeFileSync(
      join(cwd, 'latchkey.config.json'),
      JSON.stringify({
        rateLimits: {
          challengesPerMinutePerIp: 1_000_000,
          passkeyVerificationsPerMinutePerIp: 1_000_000,
          otpVerificationsPerHourPerIp: 1_000_000,
          signUpsPerHourPerIp: 1_000_000,
        },
      }),
    );
    const env: Record<string, string> = database ? { DATABASE_URL: database.url } : {};
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    let dev = await startDev(cwd, port, env);

    // Some passkeys before the burst, so sign-ins run from its first moment.
    const registered: Registered[] = [];
    for (let i = 0; i < 6; i++) {
      const passkey = await register(dev, origin, `crash-base-${i}`);
      expect(passkey).not.toBeNull();
      registered.push(passkey as Registered);
    }

    // The burst: workers register and sign in without pause; each owns its passkeys so that a
    // credential's sign-ins are sequential and its acknowledged counter is well defined.
    const WORKERS = 8;
    let acknowledged = 0;
    let killed = false;
    let kill!: () => void;
    const killTime = new Promise<void>((done) => {
      kill = done;
    });
    const workers = Array.from({ length: WORKERS }, async (_, w) => {
      const own = registered.filter((_, i) => i % WORKERS === w);
      for (let round = 0; !killed; round++) {
        try {
          if (round % 2 === 0 || own.length === 0) {
            const passkey = await register(dev, origin, `crash-${w}-${round}`);
            if (passkey) {
              own.push(passkey);
              registered.push(passkey);
              acknowledged += 1;
            }
          } else {
            const passkey = own[round % own.length] as Registered;
            if (await signIn(dev, origin, passkey)) acknowledged += 1;
          }
        } catch (error) {
          // The connection died with the process: whatever was in flight is unacknowledged.
          if (killed && error instanceof TypeError) return;
          throw error;
        }
        if (acknowledged >= 60) kill();
      }
    });
    await killTime;
    killed = true;
    dev.child.kill('SIGKILL');
    await dev.exited;
    await Promise.all(workers);
    expect(dev.child.signalCode).toBe('SIGKILL');
    expect(registered.length).toBeGreaterThan(10);
    expect(registered.filter((p) => p.ackedSignIns > 0).length).toBeGreaterThan(3);

    dev = await startDev(cwd, port, env);
    const db = await readDatabase(cwd, database);
    expect(db.integrity).toBe('ok');

    // Nothing half-written: every passkey row is complete and consistent.
    for (const row of db.passkeys) {
      for (const column of [
        'user_id',
        'credential_id',
        'public_key',
        'counter',
        'transports',
        'aaguid',
        'verified_at',
        'created_at',
        'backup_eligible',
        'backup_state',
        'uv_initialized',
      ]) {
        expect(row[column], `${row.id}.${column}`).not.toBeNull();
      }
      expect(Number(row.backup_state)).toBeLessThanOrEqual(Number(row.backup_eligible));
    }
    // No action in an impossible state.
    for (const action of db.actions) {
      if (action.state === 'CHALLENGE_SUCCEEDED') {
        expect(action.user_id, String(action.id)).not.toBeNull();
        expect(action.verification_method, String(action.id)).not.toBeNull();
      }
      if (action.validated_at !== null) expect(action.state).toBe('CHALLENGE_SUCCEEDED');
    }

    // Every acknowledged write is there.
    const byCredential = new Map(db.passkeys.map((row) => [row.credential_id as string, row]));
    for (const passkey of registered) {
      const row = byCredential.get(passkey.credentialId);
      expect(row, `acknowledged passkey of ${passkey.userId}`).toBeDefined();
      expect(row?.user_id).toBe(passkey.userId);
      const stored = Number(row?.counter);
      // The stored counter is the last acknowledged one, or one sent after it whose answer was lost.
      expect(stored).toBeGreaterThanOrEqual(passkey.ackedCounter);
      expect([0, ...passkey.sentCounters]).toContain(stored);
      const registeredEvents = db.events.filter(
        (e) => e.type === 'passkey.registered' && e.authenticator_id === row?.id,
      );
      expect(registeredEvents).toHaveLength(1);
      const signedIn = db.events.filter(
        (e) => e.type === 'passkey.signed_in' && e.authenticator_id === row?.id,
      );
      expect(signedIn.length).toBeGreaterThanOrEqual(passkey.ackedSignIns);
    }

    // ... and usable: every acknowledged passkey signs in on the restarted server.
    for (const passkey of registered) {
      expect(await signIn(dev, origin, passkey), passkey.userId).toBe(true);
    }
    dev.child.kill('SIGTERM');
    await dev.exited;
  });
});
