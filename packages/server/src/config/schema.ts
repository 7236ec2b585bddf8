import { z } from 'zod';

const seconds = (max: number) => z.number().int().positive().max(max);

/** `AA:BB:…` (32 bytes), the form Android tooling prints for a signing certificate. */
const sha256Fingerprint = z
  .string()
  .regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, 'must be a SHA-256 fingerprint like "AA:BB:…" (32 bytes)');

const origin = z.string().refine(
  (value) => {
    if (value.startsWith('android:apk-key-hash:'))
      return /^android:apk-key-hash:[A-Za-z0-9_-]{43}$/.test(value);
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  },
  {
    message:
      'must be a web origin like "https://example.com" (no path) or "android:apk-key-hash:<base64url>"',
  },
);

const secret = (what: string) =>
  z
    .string()
    .min(32, `${what} must be at least 32 characters (use \`latchkey dev\` or \`openssl rand -base64 48\`)`);

/**
 * The server configuration, as read from `latchkey.config.json` and the
 * environment. Every field has a safe default except the secrets, which
 * `latchkey dev` generates and `latchkey serve` requires.
 */
export const configSchema = z
  .object({
    /** Public URL of this server, without `/v1`. */
    baseUrl: z.url({ protocol: /^https?$/ }).default('http://localhost:4000'),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(4000),
    /** Where SQLite data and dev keys live. */
    dataDir: z.string().default('.latchkey'),
    database: z
      .strictObject({
        /** `postgres://…` for PostgreSQL; otherwise a SQLite file path (default `<dataDir>/latchkey.db`). */
        url: z.string().optional(),
      })
      .default({}),
    tenant: z.strictObject({
      /** Public tenant id (sent by client SDKs in Basic auth). */
      id: z.string().min(1).max(128),
      /** Server API secret key. */
      secretKey: secret('tenant.secretKey'),
    }),
    /** Root secret from which token-signing and code-hashing keys are derived. */
    serverSecret: secret('serverSecret'),
    relyingParty: z
      .strictObject({
        id: z
          .string()
          .regex(/^[a-z0-9.-]+$/, 'must be a domain name like "example.com" (no scheme, port or path)')
          .default('localhost'),
        name: z.string().min(1).default('Latchkey'),
        origins: z.array(origin).default(['http://localhost:4000']),
        /** `TEAMID.bundleId` of iOS apps allowed to use the RP's passkeys. */
        iosAppIds: z
          .array(
            z.string().regex(/^[A-Z0-9]{10}\.[A-Za-z0-9.-]+$/, 'must look like "TEAMID.com.example.app"'),
          )
          .default([]),
        android: z
          .array(
            z.strictObject({
              packageName: z
                .string()
                .regex(/^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$/, 'must be a package name like "com.example.app"'),
              sha256CertFingerprints: z.array(sha256Fingerprint).min(1),
            }),
          )
          .default([]),
        /** Whether user verification (biometrics / PIN) is required. */
        userVerification: z.enum(['required', 'preferred']).default('required'),
        /** Client-side ceremony timeout. */
        timeoutMs: z.number().int().min(10_000).max(600_000).default(60_000),
      })
      .default({
        id: 'localhost',
        name: 'Latchkey',
        origins: ['http://localhost:4000'],
        iosAppIds: [],
        android: [],
        userVerification: 'required',
        timeoutMs: 60_000,
      }),
    tokens: z
      .strictObject({
        trackTokenTtlSeconds: seconds(3600).default(600),
        resultTokenTtlSeconds: seconds(3600).default(600),
      })
      .default({ trackTokenTtlSeconds: 600, resultTokenTtlSeconds: 600 }),
    challenges: z.strictObject({ ttlSeconds: seconds(600).default(300) }).default({ ttlSeconds: 300 }),
    otp: z
      .strictObject({
        /** NIST SP 800-63B caps an out-of-band code's life at 10 minutes. */
        ttlSeconds: seconds(600).default(600),
        /** Wrong codes before the email authenticator locks. Never 0 or unlimited. */
        maxAttempts: z.number().int().min(1).max(10).default(5),
        lockoutSeconds: seconds(86_400).default(900),
        /** Minimum gap between two codes to one address (and from one IP). */
        resendIntervalSeconds: z.number().int().min(0).max(3600).default(30),
        /** Codes per address (and per IP) per hour. */
        sendsPerHour: z.number().int().min(1).max(1000).default(5),
      })
      .default({
        ttlSeconds: 600,
        maxAttempts: 5,
        lockoutSeconds: 900,
        resendIntervalSeconds: 30,
        sendsPerHour: 5,
      }),
    rateLimits: z
      .strictObject({
        /** Unauthenticated `/client/challenge` calls per IP per minute (the tenant id is public). */
        challengesPerMinutePerIp: z.number().int().min(1).default(60),
      })
      .default({ challengesPerMinutePerIp: 60 }),
    mail: z
      .strictObject({
        from: z.string().min(3).default('Latchkey <no-reply@localhost>'),
        /** `smtp://user:pass@host:port` or `smtps://…`. Without it, only `latchkey dev` can run (dev mailbox). */
        smtpUrl: z
          .string()
          .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
          .optional(),
      })
      .default({ from: 'Latchkey <no-reply@localhost>' }),
    http: z
      .strictObject({
        /** Largest accepted request body. */
        bodyLimitBytes: z.number().int().min(1024).max(10_485_760).default(65_536),
        /** Extra CORS origins; the relying party's web origins are always allowed. */
        corsOrigins: z.array(origin).default([]),
        /** Trust `X-Forwarded-For` from a load balancer for client IPs. */
        trustProxy: z.boolean().default(false),
      })
      .default({ bodyLimitBytes: 65_536, corsOrigins: [], trustProxy: false }),
  })
  .strict();

/** Configuration as written in the file (defaults optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** Validated configuration with every default applied. */
export type Config = z.output<typeof configSchema>;
