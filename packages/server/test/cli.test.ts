/**
 * The `latchkey` command as a user runs it: `dev` generates and keeps its keys
 * and writes `.latchkey/dev.json`; `serve` refuses dev secrets and a missing mailer.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchUserAttributes, signIn, signOut, signUp } from 'aws-amplify/auth';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './support/cli.js';
import { freePort } from './support/server.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const proc = spawnCli(args, cwd, env);
  children.push(proc.child);
  return proc;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
  dirs.push(dir);
  return dir;
}

async function waitForHealth(baseUrl: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${baseUrl} never became healthy`);
}

async function startDev(cwd: string, port: number) {
  const proc = run(['dev'], cwd, { PORT: String(port) });
  await waitForHealth(`http://localhost:${port}`);
  // dev.json is written right after the server starts listening.
  for (let i = 0; i < 50; i++) {
    try {
      return { ...proc, devJson: JSON.parse(readFileSync(join(cwd, '.latchkey', 'dev.json'), 'utf8')) };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('dev.json was not written');
}

describe('latchkey dev', () => {
  it('writes dev.json, serves the mailbox, and keeps its keys across restarts', async () => {
    const cwd = tempDir();
    const port = await freePort();
    const first = await startDev(cwd, port);
    expect(first.devJson).toMatchObject({ baseUrl: `http://localhost:${port}`, rpId: 'localhost' });
    expect(first.devJson.tenantId).toMatch(/^lk_dev_/);
    expect(first.devJson.secretKey).toMatch(/^lk_dev_sk_/);

    const baseUrl = first.devJson.baseUrl as string;
    const secret = `Basic ${Buffer.from(`${first.devJson.secretKey}:`).toString('base64')}`;
    const tracked = await fetch(`${baseUrl}/v1/users/cli-user/actions/signIn`, {
      method: 'POST',
      headers: { authorization: secret, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli@example.com' }),
    }).then((r) => r.json());
    await fetch(`${baseUrl}/v1/client/user-authenticators/email-otp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tracked.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli@example.com' }),
    });
    const mailbox = await fetch(`${baseUrl}/dev/mailbox?to=cli@example.com`).then((r) => r.json());
    expect(mailbox).toHaveLength(1);
    expect(mailbox[0]).toMatchObject({ to: 'cli@example.com' });
    expect(mailbox[0].text).toMatch(/\b\d{6}\b/);
    expect(first.output()).toContain('cli@example.com');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startDev(cwd, port);
    expect(second.devJson).toEqual(first.devJson);
    // Data survived the restart: the user tracked before is still there.
    const user = await fetch(`${baseUrl}/v1/users/cli-user`, { headers: { authorization: secret } });
    expect(user.status).toBe(200);
  });
});

describe('latchkey dev user pool', () => {
  it('serves a dev pool that Amplify and the AWS SDK use with only the dev.json values', async () => {
    const cwd = tempDir();
    const { devJson } = await startDev(cwd, await freePort());
    expect(devJson).toMatchObject({
      region: 'us-east-1',
      userPoolEndpoint: devJson.baseUrl,
      userPoolId: expect.stringMatching(/^us-east-1_[A-Za-z0-9]+$/),
      userPoolClientId: expect.stringMatching(/^[a-z0-9]+$/),
      adminAccessKeyId: expect.stringMatching(/^[A-Z0-9]+$/),
      adminSecretAccessKey: expect.any(String),
    });
    Amplify.configure({
      Auth: {
        Cognito: {
          userPoolId: devJson.userPoolId,
          userPoolClientId: devJson.userPoolClientId,
          userPoolEndpoint: devJson.userPoolEndpoint,
        },
      },
    });
    const email = 'dev-pool@example.com';
    await signUp({
      username: email,
      password: `Aa1!${crypto.randomUUID()}`,
      options: { userAttributes: { email } },
    });
    const started = await signIn({ username: email, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    const info = (started.nextStep as { additionalInfo?: Record<string, string> }).additionalInfo ?? {};
    expect(info.isEnrolled).toBe('false');
    const api = (path: string, body: unknown) =>
      fetch(`${devJson.baseUrl}/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    await api('/client/user-authenticators/email-otp', { email });
    const mail = await fetch(`${devJson.baseUrl}/dev/mailbox?to=${email}`).then((r) => r.json());
    const code = (mail[0].text as string).match(/\b(\d{6})\b/)?.[1];
    const verified = await api('/client/verify/email-otp', { verificationCode: code });
    expect((await confirmSignIn({ challengeResponse: verified.accessToken })).isSignedIn).toBe(true);
    expect(await fetchUserAttributes()).toMatchObject({ email, email_verified: 'true' });
    await signOut();

    const admin = new CognitoIdentityProviderClient({
      region: devJson.region,
      endpoint: devJson.userPoolEndpoint,
      credentials: { accessKeyId: devJson.adminAccessKeyId, secretAccessKey: devJson.adminSecretAccessKey },
    });
    const listed = await admin.send(
      new ListUsersCommand({ UserPoolId: devJson.userPoolId, Filter: `email = "${email}"` }),
    );
    expect(listed.Users).toHaveLength(1);
  });

  it('rotates signing keys from the command line, keeping the old ones published', async () => {
    const cwd = tempDir();
    const port = await freePort();
    const first = await startDev(cwd, port);
    const jwksUrl = `${first.devJson.baseUrl}/${first.devJson.userPoolId}/.well-known/jwks.json`;
    const before = (await fetch(jwksUrl).then((r) => r.json())).keys.map((k: { kid: string }) => k.kid);
    first.child.kill('SIGTERM');
    await first.exited;
    const rotate = run(['rotate-keys', '--dev'], cwd, { PORT: String(port) });
    expect(await rotate.exited).toBe(0);
    expect(rotate.output()).toMatch(/New signing keys: id-[0-9a-f]+, access-[0-9a-f]+/);
    const second = await startDev(cwd, port);
    const after = (await fetch(jwksUrl).then((r) => r.json())).keys.map((k: { kid: string }) => k.kid);
    expect(after).toHaveLength(4);
    expect(after).toEqual(expect.arrayContaining(before));
    second.child.kill('SIGTERM');
  });
});

describe('latchkey serve', () => {
  const validConfig = {
    tenant: { id: 'prod-tenant', secretKey: 'a'.repeat(48) },
    serverSecret: 'b'.repeat(48),
    mail: { smtpUrl: 'smtp://127.0.0.1:1' },
  };

  it('refuses dev secrets', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'latchkey.config.json'),
      JSON.stringify({ ...validConfig, tenant: { id: 'x', secretKey: `lk_dev_sk_${'c'.repeat(40)}` } }),
    );
    const proc = run(['serve'], cwd, { PORT: String(await freePort()) });
    expect(await proc.exited).toBe(78);
    expect(proc.output()).toContain('tenant.secretKey is a dev secret');
  });

  it('refuses to start without a real mailer', async () => {
    const cwd = tempDir();
    const { mail: _mail, ...noMail } = validConfig;
    writeFileSync(join(cwd, 'latchkey.config.json'), JSON.stringify(noMail));
    const proc = run(['serve'], cwd, { PORT: String(await freePort()) });
    expect(await proc.exited).toBe(78);
    expect(proc.output()).toContain('mail.smtpUrl is missing');
  });

  it('names the bad field of an invalid config', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'latchkey.config.json'),
      JSON.stringify({ ...validConfig, otp: { maxAttempts: 0 } }),
    );
    const proc = run(['serve'], cwd, { PORT: String(await freePort()) });
    expect(await proc.exited).toBe(78);
    expect(proc.output()).toContain('otp.maxAttempts');
  });

  it('refuses Android fingerprints that disagree with apk-key-hash origins', async () => {
    const cwd = tempDir();
    const fingerprint = Array.from({ length: 32 }, (_, i) =>
      i.toString(16).padStart(2, '0').toUpperCase(),
    ).join(':');
    writeFileSync(
      join(cwd, 'latchkey.config.json'),
      JSON.stringify({
        ...validConfig,
        relyingParty: {
          id: 'example.com',
          origins: ['https://example.com', `android:apk-key-hash:${'A'.repeat(43)}`],
          android: [{ packageName: 'com.example.app', sha256CertFingerprints: [fingerprint] }],
        },
      }),
    );
    const proc = run(['serve'], cwd, { PORT: String(await freePort()) });
    expect(await proc.exited).toBe(78);
    expect(proc.output()).toMatch(/apk-key-hash/);
  });

  it('starts with a valid production config and serves the well-known files', async () => {
    const cwd = tempDir();
    const port = await freePort();
    writeFileSync(
      join(cwd, 'latchkey.config.json'),
      JSON.stringify({
        ...validConfig,
        relyingParty: {
          id: 'example.com',
          origins: ['https://example.com'],
          iosAppIds: ['ABCDE12345.com.example.app'],
        },
      }),
    );
    run(['serve'], cwd, { PORT: String(port) });
    await waitForHealth(`http://127.0.0.1:${port}`);
    const aasa = await fetch(`http://127.0.0.1:${port}/.well-known/apple-app-site-association`).then((r) =>
      r.json(),
    );
    expect(aasa).toEqual({
      applinks: {},
      webcredentials: { apps: ['ABCDE12345.com.example.app'] },
      appclips: {},
    });
    const mailbox = await fetch(`http://127.0.0.1:${port}/dev/mailbox?to=a@b.co`);
    expect(mailbox.status).toBe(404);
  });
});
