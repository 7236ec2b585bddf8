/**
 * The shared set-up of the browser test files: one Latchkey stack and one Chromium
 * per file, and the pages a test opened closed after it.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type AuthenticatorPage, type Chromium, launchChromium, openPage } from './browser.js';
import { type Stack, startStack } from './stack.js';

export interface BrowserSuite {
  /** The running stack (valid inside tests and hooks). */
  readonly stack: Stack;
  /** Opens `path` on the stack's page server; the page is closed after the test. */
  open(path: string, options?: { authenticator?: boolean }): Promise<AuthenticatorPage>;
}

/** Registers the hooks for this file and returns its stack and page opener. */
export function useBrowserSuite(): BrowserSuite {
  let stack: Stack | undefined;
  let browser: Chromium | undefined;
  const pages: AuthenticatorPage[] = [];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the browser suite has not started (use it inside tests)');
    return value;
  };
  return {
    get stack() {
      return started(stack);
    },
    async open(path, options) {
      const page = await openPage(started(browser), `${started(stack).pages.origin}${path}`, options);
      pages.push(page);
      return page;
    },
  };
}
