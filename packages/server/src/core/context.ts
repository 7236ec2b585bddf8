import type { Clock, Mailer, Store } from './ports.js';
import type { TokenService } from './tokens.js';
import type { RelyingPartyPolicy } from './webauthn.js';

/** Policy the core services run with, resolved from the server config. */
export interface CorePolicy {
  tenantId: string;
  /** Shown in emails. */
  appName: string;
  rp: RelyingPartyPolicy;
  trackTokenTtlSeconds: number;
  resultTokenTtlSeconds: number;
  challengeTtlSeconds: number;
  otp: {
    ttlSeconds: number;
    maxAttempts: number;
    lockoutSeconds: number;
    resendIntervalSeconds: number;
    sendsPerHour: number;
  };
  rateLimits: {
    challengesPerMinutePerIp: number;
    passkeyVerificationsPerMinutePerIp: number;
    otpVerificationsPerHourPerIp: number;
  };
  passkeyFirst: boolean;
  freshVerificationSeconds: number;
  notifications: boolean;
}

/** Everything a core service needs; built once per server. */
export interface CoreContext {
  store: Store;
  mailer: Mailer;
  clock: Clock;
  tokens: TokenService;
  /** Key for hashing one-time codes. */
  otpKey: Uint8Array;
  policy: CorePolicy;
}

/** Who is calling, as established by the auth API from the request's headers. */
export interface RequestMeta {
  ipAddress: string | null;
  userAgent: string | null;
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
