// better-auth 1.7 with its passkey plugin, as its docs set it up: SQLite (better-sqlite3,
// WAL) through its Kysely adapter, served by better-auth/node's handler on node:http.
// Users and their passkeys are seeded straight into its tables from a file the load
// generator writes (public keys only), so only the sign-in ceremony is measured.
//   node better-auth-server.mjs PORT DB_FILE SEED_FILE
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { passkey } from '@better-auth/passkey';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import Database from 'better-sqlite3';

const [port, dbFile, seedFile] = process.argv.slice(2);
const origin = `http://localhost:${port}`;
const db = new Database(dbFile);
db.pragma('journal_mode = WAL');

const auth = betterAuth({
  database: db,
  baseURL: origin,
  secret: 'bench-secret-bench-secret-bench-secret-0123456789',
  trustedOrigins: [origin],
  emailAndPassword: { enabled: true },
  // Latchkey's per-IP limits are raised for the run; better-auth's are switched off likewise.
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  plugins: [passkey({ rpID: 'localhost', rpName: 'Bench', origin })],
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const ctx = await auth.$context;
const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
for (const user of seed.users) {
  const created = await ctx.internalAdapter.createUser({
    email: user.email,
    name: user.email,
    emailVerified: true,
  });
  await ctx.adapter.create({
    model: 'passkey',
    data: {
      userId: created.id,
      name: 'bench',
      credentialID: user.credentialId,
      publicKey: user.publicKey,
      counter: 0,
      deviceType: 'multiDevice',
      backedUp: true,
      transports: 'internal,hybrid',
      createdAt: new Date(),
      aaguid: '00000000-0000-0000-0000-000000000000',
    },
  });
}

createServer(toNodeHandler(auth)).listen(Number(port), '127.0.0.1', () => console.log('ready'));
