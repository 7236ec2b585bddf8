import type { Clock, Mailer, MailMessage } from '../core/ports.js';
import { systemClock } from '../core/ports.js';

/** A message caught by the {@link DevMailbox}. */
export interface DevMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** When the mailbox received it, ISO 8601. */
  receivedAt: string;
}

/** Settings of the {@link DevMailbox}. */
export interface DevMailboxOptions {
  /** Where each message is printed; `console.log` by default. */
  log?: (text: string) => void;
  /** Source of `receivedAt`; the system clock by default. */
  clock?: Clock;
  /** Messages kept; the oldest are dropped beyond this. 1000 by default. */
  capacity?: number;
}

const DEFAULT_CAPACITY = 1000;

/**
 * The mailer of `latchkey dev`: nothing leaves the process. Each message is
 * printed to the log and kept in memory (the newest `capacity` of them) so the
 * dev UI and tests can read one-time codes back with {@link DevMailbox.list}.
 */
export class DevMailbox implements Mailer {
  readonly #messages: DevMail[] = [];
  readonly #log: (text: string) => void;
  readonly #clock: Clock;
  readonly #capacity: number;

  constructor(options: DevMailboxOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('DevMailbox capacity must be a positive integer');
    }
    this.#log = options.log ?? ((text) => console.log(text));
    this.#clock = options.clock ?? systemClock;
    this.#capacity = capacity;
  }

  /** Keeps the message and prints it. Never fails. */
  async send(message: MailMessage): Promise<void> {
    const mail: DevMail = {
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html === undefined ? {} : { html: message.html }),
      receivedAt: this.#clock.now().toISOString(),
    };
    this.#messages.push(mail);
    if (this.#messages.length > this.#capacity)
      this.#messages.splice(0, this.#messages.length - this.#capacity);
    this.#log(formatDevMail(mail));
  }

  /** Messages to `to` (address compared case-insensitively), newest first. */
  list(to: string): DevMail[] {
    const address = normalizeAddress(to);
    const found: DevMail[] = [];
    for (let i = this.#messages.length - 1; i >= 0; i--) {
      const mail = this.#messages[i];
      if (mail && normalizeAddress(mail.to) === address) found.push({ ...mail });
    }
    return found;
  }

  /** Number of messages held. */
  get size(): number {
    return this.#messages.length;
  }

  /** Forgets every message. */
  clear(): void {
    this.#messages.length = 0;
  }
}

function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** The short block the dev mailbox prints for a message. */
export function formatDevMail(mail: DevMail): string {
  const rule = '─'.repeat(60);
  return [
    `┌${rule}`,
    `│ Dev mail to ${mail.to} at ${mail.receivedAt}`,
    `│ Subject: ${mail.subject}`,
    '│',
    ...mail.text
      .trimEnd()
      .split(/\r?\n/)
      .map((line) => (line === '' ? '│' : `│ ${line}`)),
    `└${rule}`,
  ].join('\n');
}
