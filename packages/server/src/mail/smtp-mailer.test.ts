import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import type { ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otpMessage } from './messages.js';
import { createSmtpMailer } from './smtp-mailer.js';

interface Received {
  envelopeTo: string[];
  envelopeFrom: string | null;
  mail: ParsedMail;
}

/** An in-process SMTP server that parses every message it accepts. */
async function startSmtpServer(): Promise<{
  port: number;
  received: Received[];
  connections: () => number;
  stop(): Promise<void>;
}> {
  const received: Received[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            mail,
          });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    connections: () => connections,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function firstAddress(value: ParsedMail['to']): string | undefined {
  const object = Array.isArray(value) ? value[0] : value;
  return object?.value[0]?.address;
}

describe('createSmtpMailer', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });

  afterAll(async () => {
    await smtp.stop();
  });

  it('delivers to, from, subject, text and html over real SMTP', async () => {
    const mailer = createSmtpMailer({
      url: `smtp://127.0.0.1:${smtp.port}`,
      from: 'Latchkey <no-reply@example.com>',
    });
    try {
      await mailer.send(
        otpMessage({ to: 'ada@example.com', code: '482913', ttlMinutes: 10, appName: 'Example' }),
      );
    } finally {
      await mailer.close?.();
    }

    expect(smtp.received).toHaveLength(1);
    const [got] = smtp.received;
    expect(got?.envelopeTo).toEqual(['ada@example.com']);
    expect(got?.envelopeFrom).toBe('no-reply@example.com');
    expect(firstAddress(got?.mail.to)).toBe('ada@example.com');
    expect(got?.mail.from?.value[0]).toMatchObject({ address: 'no-reply@example.com', name: 'Latchkey' });
    expect(got?.mail.subject).toBe('Your Example verification code');
    expect(got?.mail.text).toContain('482913');
    expect(got?.mail.html).toContain('482913');
  });

  it('sends to exactly one recipient even when `to` looks like a list', async () => {
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'no-reply@example.com' });
    const before = smtp.received.length;
    try {
      for (const to of [
        'ada@example.com, eve@example.net',
        'ada@example.com\r\nBcc: eve@example.net',
        'Ada <ada@x.y>',
      ]) {
        await expect(mailer.send({ to, subject: 's', text: 't' })).rejects.toThrow(TypeError);
      }
    } finally {
      await mailer.close?.();
    }
    expect(smtp.received).toHaveLength(before);
  });

  it('reuses pooled connections across messages, unless the URL says pool=false', async () => {
    const sendThree = async (url: string) => {
      const mailer = createSmtpMailer({ url, from: 'no-reply@example.com' });
      const before = smtp.connections();
      try {
        for (const to of ['a@example.com', 'b@example.com', 'c@example.com']) {
          await mailer.send({ to, subject: 's', text: 't' });
        }
      } finally {
        await mailer.close?.();
      }
      return smtp.connections() - before;
    };
    const received = smtp.received.length;
    expect(await sendThree(`smtp://127.0.0.1:${smtp.port}`)).toBe(1);
    expect(await sendThree(`smtp://127.0.0.1:${smtp.port}/?pool=false`)).toBe(3);
    expect(smtp.received.length - received).toBe(6);
  });

  it('rejects when the SMTP server is unreachable', async () => {
    const port = await closedPort();
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'no-reply@example.com' });
    try {
      await expect(mailer.send({ to: 'ada@example.com', subject: 's', text: 't' })).rejects.toThrow(
        /ECONNREFUSED/,
      );
    } finally {
      await mailer.close?.();
    }
  });
});
