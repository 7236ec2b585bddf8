/**
 * The OTP fast path: a minimal SMTP sink in the load generator's process. The
 * server sends each code exactly as in production (Nodemailer over SMTP); the
 * sink keeps only the newest code per recipient and wakes whoever waits for it.
 * Reading a code costs the server nothing, unlike polling `GET /dev/mailbox`
 * (an extra request per sign-in, in dev mode, which also prints every message).
 */
import { createServer, type Server, type Socket } from 'node:net';

const CODE = /verification code is:[\s\S]*?(?<!\d)(\d{6})(?!\d)/;

export class SmtpSink {
  readonly #server: Server;
  readonly #codes = new Map<string, string>();
  readonly #waiters = new Map<string, (code: string) => void>();
  readonly #sockets = new Set<Socket>();
  messages = 0;

  constructor() {
    this.#server = createServer((socket) => this.#session(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** The next code mailed to `to` (or one already waiting), within `timeoutMs`. */
  nextCode(to: string, timeoutMs = 10_000): Promise<string> {
    const key = to.toLowerCase();
    const waiting = this.#codes.get(key);
    if (waiting !== undefined) {
      this.#codes.delete(key);
      return Promise.resolve(waiting);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(key);
        reject(new Error(`no code mailed to ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(key, (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  #deliver(to: string, data: string): void {
    this.messages += 1;
    const code = CODE.exec(data)?.[1];
    if (!code) return; // a notification, not a code
    const key = to.toLowerCase();
    const waiter = this.#waiters.get(key);
    if (waiter) {
      this.#waiters.delete(key);
      waiter(code);
    } else this.#codes.set(key, code);
  }

  #session(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    socket.write('220 bench-sink ESMTP\r\n');
    let buffer = '';
    let inData = false;
    let recipients: string[] = [];
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          for (const to of recipients) this.#deliver(to, data);
          recipients = [];
          socket.write('250 OK\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-bench-sink\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP')
          socket.write('250 OK\r\n');
        else if (verb === 'RCPT') {
          const to = /<([^>]*)>/.exec(line)?.[1];
          if (to) recipients.push(to);
          socket.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
          return;
        } else socket.write('502 not implemented\r\n');
      }
    });
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
