/**
 * The example app (apps/example) end to end, as a user runs it: `npm run
 * example -- --web-build` starts `latchkey dev` (fresh data directory), the
 * example backend and the exported web build (`expo export --platform web`,
 * react-native-web, the real aws-amplify and @latchkey/client); Debian
 * Chromium with a CDP virtual authenticator drives the screens by their
 * accessible names. Codes come from the dev mailbox. Screenshots of each
 * screen go to test-results/example-app-*.png.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AuthenticatorPage, type Chromium, launchChromium, openPage } from './support/browser.js';

interface Running {
  child: ChildProcess;
  output: string[];
  baseUrl: string;
  appUrl: string;
  dataDir: string;
  distDir: string;
}

let running: Running;
let browser: Chromium;
const open: AuthenticatorPage[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** `npm run example -- --web-build` on free ports, in a fresh data directory. */
async function startExample(): Promise<Running> {
  const [latchkeyPort, backendPort, webPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-example-data-'));
  const distDir = mkdtempSync(join(tmpdir(), 'latchkey-example-dist-'));
  // The web export (Metro) is the heaviest thing in the suite: run it at the lowest CPU priority so
  // that the test files running beside it keep their timing.
  const command = [process.execPath, '--import', 'tsx', 'apps/example/dev/example.ts', '--web-build'];
  if (existsSync('/usr/bin/nice')) command.unshift('/usr/bin/nice', '-n', '19');
  const [file = process.execPath, ...args] = command;
  const child = spawn(file, args, {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: String(latchkeyPort),
      EXAMPLE_BACKEND_PORT: String(backendPort),
      EXAMPLE_WEB_PORT: String(webPort),
      LATCHKEY_DATA_DIR: dataDir,
      EXAMPLE_DIST_DIR: distDir,
      // Every test mails codes from 127.0.0.1: lift the per-IP send pacing (1 per 30 s, 5 per hour).
      LATCHKEY__OTP__RESEND_INTERVAL_SECONDS: '0',
      LATCHKEY__OTP__SENDS_PER_HOUR: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /Example app ready on (http:\/\/localhost:\d+)/.exec(output.join(''));
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm run example exited (${code}):\n${output.join('')}`)));
  });
  const appUrl = await ready;
  return { child, output, baseUrl: `http://localhost:${latchkeyPort}`, appUrl, dataDir, distDir };
}

beforeAll(async () => {
  [running, browser] = await Promise.all([startExample(), launchChromium()]);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (running) {
    if (running.child.exitCode === null) {
      const exited = new Promise((resolve) => running.child.once('exit', resolve));
      running.child.kill('SIGTERM');
      await exited;
    }
    rmSync(running.dataDir, { recursive: true, force: true });
    rmSync(running.distDir, { recursive: true, force: true });
  }
});

afterEach(async () => {
  for (const page of open.splice(0)) await page.close();
});

async function appPage(options: { authenticator?: boolean } = {}): Promise<AuthenticatorPage> {
  const page = await openPage(browser, running.appUrl, options);
  open.push(page);
  // openPage cleared localStorage after the first load (a session kept by an earlier test): start afresh.
  await page.page.reload();
  await heading(page.page, 'Sign in');
  return page;
}

async function heading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor({ timeout: 20_000 });
}

async function shot(page: AuthenticatorPage, name: string): Promise<void> {
  await page.screenshot(`example-app-${name}`);
}

let seq = 0;
function newEmail(prefix: string): string {
  seq += 1;
  return `${prefix}-${seq}-${Date.now()}@example.com`;
}

/** The newest code mailed to `email`, from the dev mailbox (after `after` messages). */
async function mailedCode(email: string, after = 0): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await fetch(`${running.baseUrl}/dev/mailbox?to=${encodeURIComponent(email)}`);
    const messages = (await response.json()) as { text: string }[];
    // Newest first; skip notifications (a passkey was added, …), which carry no code.
    const fresh = messages.slice(0, Math.max(0, messages.length - after));
    const code = fresh.map((m) => /\b(\d{6})\b/.exec(m.text)?.[1]).find(Boolean);
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no code mailed to ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function mailCount(email: string): Promise<number> {
  const response = await fetch(`${running.baseUrl}/dev/mailbox?to=${encodeURIComponent(email)}`);
  return ((await response.json()) as unknown[]).length;
}

const button = (page: AuthenticatorPage, name: string) =>
  page.page.getByRole('button', { name, exact: true });

/** Create account → code → Home (the passkey offer shows). */
async function createAccount(page: AuthenticatorPage, email: string, screenshots = false): Promise<void> {
  await button(page, 'Create account').click();
  await heading(page.page, 'Create account');
  await page.page.getByLabel('Email address').fill(email);
  if (screenshots) await shot(page, '02-create-account');
  await button(page, 'Create account').click();
  await heading(page.page, 'Verify your email');
  const code = await mailedCode(email);
  if (screenshots) {
    // A wrong code first: a clear error, and the field is cleared for the next try.
    const wrong = code === '000000' ? '111111' : '000000';
    await page.page.getByLabel('6-digit code').fill(wrong);
    await button(page, 'Verify').click();
    await page.page.getByRole('alert').filter({ hasText: 'That code is wrong or has expired' }).waitFor();
    expect(await page.page.getByLabel('6-digit code').inputValue()).toBe('');
    await shot(page, '03-verify-email-wrong-code');
  }
  await page.page.getByLabel('6-digit code').fill(code);
  await button(page, 'Verify').click();
  await heading(page.page, 'Home');
  await page.page.getByText(`Signed in as ${email}`).waitFor();
}

async function signOut(page: AuthenticatorPage): Promise<void> {
  await button(page, 'Sign out').click();
  await heading(page.page, 'Sign in');
}

/** The email fallback: the email screen → code → Home. */
async function signInWithEmail(page: AuthenticatorPage, email: string, shotPrefix?: string): Promise<void> {
  const before = await mailCount(email);
  await page.page.getByLabel('Email address').fill(email);
  await button(page, 'Send code').click();
  await heading(page.page, 'Verify your email');
  const code = await mailedCode(email, before);
  await page.page.getByLabel('6-digit code').fill(code);
  if (shotPrefix) await shot(page, `${shotPrefix}-verify-code`);
  await button(page, 'Verify').click();
  await heading(page.page, 'Home');
  await page.page.getByText(`Signed in as ${email}`).waitFor();
}

describe('example app (web build) against latchkey dev', () => {
  it('create account → code → Home → create the offered passkey → sign out → passkey sign-in without the email', async () => {
    const page = await appPage();
    const email = newEmail('example-app');
    await shot(page, '01-sign-in');
    await createAccount(page, email, true);

    // Home: the first sign-in offers a passkey.
    const offer = page.page.getByRole('region', { name: 'Create a passkey' });
    await offer.waitFor();
    await expect.poll(() => page.page.getByText('No passkeys yet').count()).toBe(1);
    await shot(page, '04-home-passkey-offer');
    await offer.getByRole('button', { name: 'Create a passkey' }).click();
    await page.page.getByText('Passkey created.').waitFor();
    await page.page.getByRole('list', { name: 'Your passkeys' }).getByRole('listitem').first().waitFor();
    const credentials = await page.credentials();
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost', userName: email });
    await shot(page, '05-home-passkey-created');

    await signOut(page);
    // Passkey sign-in: the email is never asked for.
    await button(page, 'Sign in with a passkey').click();
    await heading(page.page, 'Home');
    await page.page.getByText(`Signed in as ${email}`).waitFor();
    expect(await page.page.getByLabel('Email address').count()).toBe(0);
    expect((await page.credentials())[0]?.signCount).toBeGreaterThan(1);
    await shot(page, '06-home-after-passkey-sign-in');

    // Delete the passkey from Home: the list empties.
    await page.page.getByRole('button', { name: /^Delete passkey / }).click();
    await page.page.getByText('No passkeys yet').waitFor();
    await shot(page, '07-home-passkey-deleted');

    // Create one again from Home (a token with scope add:authenticators from the example backend).
    // The authenticator replaces its credential for the same user with the new one.
    const deleted = (await page.credentials())[0]?.credentialId;
    await button(page, 'Create a passkey').click();
    await page.page.getByText('Passkey created.').waitFor();
    await page.page.getByRole('button', { name: /^Delete passkey / }).waitFor();
    const recreated = await page.credentials();
    expect(recreated).toHaveLength(1);
    expect(recreated[0]?.credentialId).not.toBe(deleted);
  });

  it('an authenticator holding no passkey → the email screen → signed in', async () => {
    const page = await appPage();
    const email = newEmail('example-nopasskey');
    await createAccount(page, email);
    await button(page, 'Not now').click();
    await page.page.getByRole('region', { name: 'Create a passkey' }).waitFor({ state: 'detached' });
    await signOut(page);
    expect(await page.credentials()).toEqual([]);

    await button(page, 'Sign in with a passkey').click();
    await heading(page.page, 'Sign in with email');
    await page.page.getByRole('status').filter({ hasText: 'No passkey was used' }).waitFor();
    await shot(page, '08-email-sign-in-fallback');
    await signInWithEmail(page, email, '09-fallback');
  });

  it('user verification failing → the email screen → signed in with a code', async () => {
    const page = await appPage();
    const email = newEmail('example-uv');
    await createAccount(page, email);
    await page.page
      .getByRole('region', { name: 'Create a passkey' })
      .getByRole('button', { name: 'Create a passkey' })
      .click();
    await page.page.getByText('Passkey created.').waitFor();
    await signOut(page);

    await page.setUserVerified(false);
    await button(page, 'Sign in with a passkey').click();
    await heading(page.page, 'Sign in with email');
    await shot(page, '10-email-sign-in-after-uv-failure');
    await signInWithEmail(page, email);
  });
});
