/**
 * Debian Chromium through playwright-core, with a CDP virtual authenticator
 * per test (shared/spec/environment.md §3–4).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.LATCHKEY_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS_DIR = join(process.cwd(), 'test-results');

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh persistent context in a temp profile (≈ 1 s). */
export async function launchChromium(): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  userName?: string;
  userHandle?: string;
  signCount: number;
}

/** A page with its own CDP virtual authenticator (ctap2, internal, resident keys, UV). */
export interface AuthenticatorPage {
  page: Page;
  cdp: CDPSession;
  /** `undefined` once removed (or when opened without one). */
  authenticatorId: string | undefined;
  addAuthenticator(): Promise<string>;
  credentials(): Promise<VirtualCredential[]>;
  clearCredentials(): Promise<void>;
  setUserVerified(isUserVerified: boolean): Promise<void>;
  removeAuthenticator(): Promise<void>;
  /** Evaluates `expression` (a string, so vitest's transform never reaches the page) and awaits it. */
  run<T = unknown>(expression: string): Promise<T>;
  /** Writes `status` into the page (so screenshots show the outcome), then saves test-results/<name>.png. */
  screenshot(name: string, status?: unknown): Promise<void>;
  close(): Promise<void>;
}

/** JSON arguments for a string expression: `call('harness.init', {…})`. */
export function call(fn: string, ...args: unknown[]): string {
  return `${fn}(${args.map((a) => (a === undefined ? 'undefined' : JSON.stringify(a))).join(', ')})`;
}

export async function openPage(
  chromiumInstance: Chromium,
  url: string,
  { authenticator = true }: { authenticator?: boolean } = {},
): Promise<AuthenticatorPage> {
  const page = await chromiumInstance.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  const cdp = await chromiumInstance.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });

  const handle: AuthenticatorPage = {
    page,
    cdp,
    authenticatorId: undefined,
    async addAuthenticator() {
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      handle.authenticatorId = authenticatorId;
      return authenticatorId;
    },
    async credentials() {
      if (!handle.authenticatorId) return [];
      const { credentials } = await cdp.send('WebAuthn.getCredentials', {
        authenticatorId: handle.authenticatorId,
      });
      return credentials as VirtualCredential[];
    },
    async clearCredentials() {
      if (handle.authenticatorId)
        await cdp.send('WebAuthn.clearCredentials', { authenticatorId: handle.authenticatorId });
    },
    async setUserVerified(isUserVerified) {
      if (!handle.authenticatorId) throw new Error('no authenticator');
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId: handle.authenticatorId, isUserVerified });
    },
    async removeAuthenticator() {
      if (!handle.authenticatorId) return;
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: handle.authenticatorId });
      handle.authenticatorId = undefined;
    },
    async run<T>(expression: string): Promise<T> {
      if (errors.length > 0) throw new Error(`page error: ${errors.join('; ')}`);
      return (await page.evaluate(expression)) as T;
    },
    async screenshot(name, status) {
      if (status !== undefined) {
        await page.evaluate(
          `document.getElementById('status').textContent = ${JSON.stringify(JSON.stringify(status, null, 1))}`,
        );
      }
      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: join(RESULTS_DIR, `${name}.png`) });
    },
    async close() {
      await handle.removeAuthenticator().catch(() => undefined);
      await cdp.detach().catch(() => undefined);
      await page.close();
    },
  };
  if (authenticator) await handle.addAuthenticator();
  // Each test starts with no remembered passkeys (one persistent profile per file).
  await page.evaluate('localStorage.clear()');
  return handle;
}
