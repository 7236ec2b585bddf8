/** The servers started by global-setup.ts: the app's config, and the dev mailbox. */
import { readFileSync } from 'node:fs';
import { publicConfig } from '../app.config';
import type { LatchkeyAppConfig } from '../src/config/app-config';

/** The app's config for the test servers, exactly as app.config.ts builds it. */
export function testConfig(): LatchkeyAppConfig {
  const file = process.env.LATCHKEY_TEST_DEV_JSON;
  if (!file) throw new Error('LATCHKEY_TEST_DEV_JSON is not set: run the tests through jest.config.js');
  return publicConfig(JSON.parse(readFileSync(file, 'utf8')), process.env.LATCHKEY_TEST_BACKEND_URL);
}

/** The messages the dev mailbox holds for `email`, newest first. */
export async function mailbox(email: string): Promise<{ subject: string; text: string }[]> {
  const response = await fetch(`${testConfig().baseUrl}/dev/mailbox?to=${encodeURIComponent(email)}`);
  return (await response.json()) as { subject: string; text: string }[];
}

/** The newest code mailed to `email` once more than `after` messages are there. */
export async function mailedCode(email: string, after = 0): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const messages = await mailbox(email);
    // Newest first; skip notifications (a passkey was added, …), which carry no code.
    const fresh = messages.slice(0, Math.max(0, messages.length - after));
    const code = fresh.map((m) => /\b(\d{6})\b/.exec(m.text)?.[1]).find(Boolean);
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no code mailed to ${email}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

let seq = 0;
export function newEmail(prefix: string): string {
  seq += 1;
  return `${prefix}-${seq}-${Date.now()}@example.com`;
}
