import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
}

/**
 * A real SMTP server on loopback that keeps every message it receives.
 * `hold()` keeps later senders waiting for the server's final reply (the
 * message is already recorded) until the returned function is called: a slow
 * mail server, to catch a request in flight.
 */
export async function startSmtpCapture(): Promise<{
  server: SMTPServer;
  url: string;
  messages: CapturedMail[];
  hold(): () => void;
  close(): Promise<void>;
}> {
  const messages: CapturedMail[] = [];
  let gate: Promise<void> = Promise.resolve();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
          messages.push({
            to: to?.value[0]?.address ?? '',
            from: mail.from?.value[0]?.address ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
          });
          void gate.then(() => callback());
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    server,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    hold() {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => release();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
