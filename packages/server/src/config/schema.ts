import { isIP } from 'node:net';
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

const AUTH_FLOWS = [
  'ALLOW_CUSTOM_AUTH',
  'ALLOW_REFRESH_TOKEN_AUTH',
  'ALLOW_USER_SRP_AUTH',
  'ALLOW_USER_PASSWORD_AUTH',
] as const;

/** A trigger: `builtin` (Latchkey's own, in-process) or a path to an ES module exporting `handler`. */
const trigger = z.union([
  z.literal('builtin'),
  z.string().regex(/\.(m?js|ts)$/, 'must be "builtin" or a path to a .js/.mjs/.ts module'),
]);

const userPoolSchema = z.strictObject({
  /** `{region}_{id}`, as Cognito pool ids; the region is read from it. */
  id: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]{1,55}$/, 'must look like "us-east-1_AbCdEf123"'),
  /** Token issuer; default `{baseUrl}/{id}`. */
  issuer: z.url().optional(),
  clients: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9]{1,128}$/, 'must be 1–128 lower-case letters and digits'),
        name: z.string().min(1).max(128).default('app'),
        explicitAuthFlows: z
          .array(z.enum(AUTH_FLOWS))
          .default(['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      }),
    )
    .min(1),
  triggers: z
    .strictObject({
      preSignUp: trigger.optional(),
      defineAuthChallenge: trigger.optional(),
      createAuthChallenge: trigger.optional(),
      verifyAuthChallengeResponse: trigger.optional(),
    })
    .default({}),
  /** Cognito's API default is LEGACY; Latchkey's is ENABLED (no user enumeration). */
  preventUserExistenceErrors: z.enum(['ENABLED', 'LEGACY']).default('ENABLED'),
  /** How long each custom-auth step may take (Cognito: 3–15 minutes). */
  authSessionValidityMinutes: z.number().int().min(3).max(15).default(3),
  tokens: z
    .strictObject({
      accessTokenTtlSeconds: z.number().int().min(300).max(86_400).default(3600),
      idTokenTtlSeconds: z.number().int().min(300).max(86_400).default(3600),
      refreshTokenTtlSeconds: z.number().int().min(3600).max(315_360_000).default(2_592_000),
      /** Issue a new refresh token on every refresh and retire the old one (Cognito's rotation option). */
      rotateRefreshTokens: z.boolean().default(false),
    })
    .prefault({}),
  /** Access keys that may sign (SigV4) admin operations and ListUsers. */
  adminKeys: z
    .array(
      z.strictObject({
        accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'must be 16–128 upper-case letters and digits'),
        secretAccessKey: z.string().min(32, 'must be at least 32 characters'),
      }),
    )
    .default([]),
  /** Minutes a rotated-out signing key stays in the JWKS so tokens it signed keep verifying. */
  keyRotationOverlapMinutes: z.number().int().min(60).max(525_600).default(1440),
  /** Trigger timeout, as Lambda's 5 s for Cognito triggers. */
  triggerTimeoutMs: z.number().int().min(100).max(30_000).default(5000),
});

export type UserPoolConfig = z.output<typeof userPoolSchema>;

/**
 * The server configuration, as read from `latchkey.config.json` and the
 * environment. Every field has a safe default except the secrets, which
 * `latchkey dev` generates and `latchkey serve` requires.
 */
/** Proxy-addr's named ranges, accepted in `http.trustProxy` lists. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address, an IP/prefix CIDR, or a named range. */
function isProxyAddress(value: string): boolean {
  if (PROXY_RANGE_NAMES.has(value)) return true;
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

const trustProxySchema = z.union([
  z.boolean(),
  z.number().int().min(1).max(16),
  z
    .array(
      z
        .string()
        .refine(isProxyAddress, 'must be an IP address, a CIDR range, or loopback/linklocal/uniquelocal'),
    )
    .min(1),
]);

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
        /** PostgreSQL: connections per instance; keep instances × poolMax below `max_connections`. */
        poolMax: z.number().int().min(1).max(1000).default(10),
        /** PostgreSQL: wait for a connection (new, or free from a full pool) before failing the request. */
        connectionTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
        /** PostgreSQL: idle connections are closed after this long. */
        idleTimeoutMs: z.number().int().min(1000).max(3_600_000).default(30_000),
        /** PostgreSQL: `statement_timeout` of every query (0 = the server's setting); migrations are exempt. */
        statementTimeoutMs: z.number().int().min(0).max(3_600_000).default(15_000),
      })
      .prefault({}),
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
        /** Passkey assertions checked per IP per minute. */
        passkeyVerificationsPerMinutePerIp: z.number().int().min(1).default(60),
        /** Email codes checked per IP per hour, right or wrong: guesses across many accounts from one place. */
        otpVerificationsPerHourPerIp: z.number().int().min(1).default(100),
        /** User-pool SignUp calls per IP per hour (SignUp reveals existing usernames, as on Cognito). */
        signUpsPerHourPerIp: z.number().int().min(1).default(30),
        /**
         * User-pool sign-in starts (InitiateAuth with CUSTOM_AUTH) per IP per minute. A start
         * for an unknown address runs the same triggers as for a known one, and so writes a
         * (phantom) user: unlimited, it lets anyone grow the database.
         */
        signInStartsPerMinutePerIp: z.number().int().min(1).default(120),
      })
      .prefault({}),
    /** Account-protection policy (ASVS V6). */
    policy: z
      .strictObject({
        /**
         * Once a user has a passkey, an email code is recovery only: signing in with one
         * sends a notification, and adding a passkey needs a freshly verified code.
         */
        passkeyFirst: z.boolean().default(false),
        /** How recent an email-code verification must be to add a passkey under `passkeyFirst`. */
        freshVerificationSeconds: z.number().int().min(30).max(3600).default(300),
        /** Email the user when an authenticator is added or removed, and when their codes lock. */
        notifications: z.boolean().default(true),
      })
      .prefault({}),
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
        /**
         * Which `X-Forwarded-For` entries to believe for the client IP: `false` (the
         * socket's address), a hop count (`1`: one load balancer that appends, as AWS
         * ALB does), a list of proxy addresses/CIDRs, or `true` (the leftmost entry:
         * only behind a balancer that overwrites the header).
         */
        trustProxy: trustProxySchema.default(false),
      })
      .default({ bodyLimitBytes: 65_536, corsOrigins: [], trustProxy: false }),
    /** The Cognito-compatible user pool; absent means the user-pool API is off. */
    userPool: userPoolSchema.optional(),
  })
  .strict();

/** Configuration as written in the file (defaults optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** Validated configuration with every default applied. */
export type Config = z.output<typeof configSchema>;
