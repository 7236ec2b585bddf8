import { createTransport } from 'nodemailer';
import type { Mailer, MailMessage } from '../core/ports.js';

/** Settings of {@link createSmtpMailer}. */
export interface SmtpMailerOptions {
  /**
   * `smtp://user:pass@host:port` or `smtps://…` (the `mail.smtpUrl` setting).
   * Nodemailer also reads transport options from the query string, e.g.
   * `?connectionTimeout=10000&socketTimeout=20000`. Connections are pooled
   * (`pool=true`, up to 5 kept open) unless the URL says `?pool=false`.
   */
  url: string;
  /** The `From` header, e.g. `Latchkey <no-reply@example.com>`. */
  from: string;
}

/**
 * One bare address: no display name, list separator, whitespace or control
 * character. Nodemailer parses a `to` string as an address *list*, so without
 * this check `"a@x.com, b@y.com"` (or an address with an embedded CRLF) would
 * send a one-time code to somebody else as well.
 */
const SINGLE_ADDRESS = /^[^\s@,;<>"()[\]\\]+@[^\s@,;<>"()[\]\\]+$/;

/**
 * A {@link Mailer} that delivers through an SMTP server with Nodemailer.
 *
 * `send` rejects with the transport's error (connection refused, recipient
 * rejected, timeout…) and with a `TypeError` when `to` is not a single bare
 * address; callers decide whether to retry or report. `close` ends the
 * transport's connections.
 *
 * @example
 * ```ts
 * const mailer = createSmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from });
 * await mailer.send(otpMessage({ to, code, ttlMinutes: 10, appName: 'Example' }));
 * ```
 */
export function createSmtpMailer({ url, from }: SmtpMailerOptions): Mailer {
  // A pooled transport reuses its connections: one TCP connection, TLS handshake and
  // EHLO per message would cost more than the sign-in that sends the code.
  const withPool = new URL(url);
  if (!withPool.searchParams.has('pool')) withPool.searchParams.set('pool', 'true');
  const transport = createTransport(withPool.toString());
  return {
    async send(message: MailMessage): Promise<void> {
      if (!SINGLE_ADDRESS.test(message.to)) {
        throw new TypeError('MailMessage.to must be a single email address');
      }
      await transport.sendMail({
        from,
        // An address object is not parsed again, so it stays one recipient.
        to: { name: '', address: message.to },
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
      });
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}
