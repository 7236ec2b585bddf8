import { hkdfSync } from 'node:crypto';

/** Purposes for which keys are derived from the configured `serverSecret`. */
export type KeyPurpose = 'token-signing' | 'otp-hashing' | 'phantom-user';

/**
 * Derives a 32-byte key for one purpose from the server secret (HKDF-SHA256),
 * so one configured secret yields independent keys and rotating it rotates all.
 */
export function deriveKey(serverSecret: string, purpose: KeyPurpose): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', serverSecret, 'latchkey', `latchkey/${purpose}/v1`, 32));
}

/** Derives purpose keys used by the user pool from the server secret. */
export type PoolKeyPurpose =
  | 'pool-session-sealing'
  | 'pool-key-sealing'
  | 'pool-code-hashing'
  | 'pool-phantom-user';

export function derivePoolKey(serverSecret: string, purpose: PoolKeyPurpose): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', serverSecret, 'latchkey', `latchkey/${purpose}/v1`, 32));
}
