import type { UserPoolConfig } from '../config/schema.js';
import type { Clock, Mailer, PoolStore, RateWindow } from '../core/ports.js';
import type { SigningKeys } from './signing-keys.js';
import type { TriggerRunner } from './triggers.js';

/** Everything a user-pool operation needs; built once per server. */
export interface PoolContext {
  config: UserPoolConfig;
  /** Region, read from the pool id as Cognito clients do. */
  region: string;
  issuer: string;
  store: PoolStore;
  clock: Clock;
  mailer: Mailer;
  appName: string;
  keys: SigningKeys;
  triggers: TriggerRunner;
  /** Seals custom-auth sessions. */
  sessionKey: Uint8Array;
  /** Hashes sign-up confirmation codes. */
  codeKey: Uint8Array;
  /** Derives stable fake usernames for unknown users. */
  phantomKey: Uint8Array;
  /** Records a hit against a store-kept rate limit; false when the limit is reached. */
  rateLimit(key: string, windows: readonly RateWindow[]): Promise<boolean>;
  signUpsPerHourPerIp: number;
  signInStartsPerMinutePerIp: number;
}

export function regionOf(poolId: string): string {
  return poolId.slice(0, poolId.indexOf('_'));
}
