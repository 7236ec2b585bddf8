import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** Number of digits of an email one-time code. */
export const OTP_DIGITS = 6;

/**
 * A uniformly random 6-digit code from the CSPRNG, leading zeros kept.
 * `randomInt`'s upper bound is exclusive, so 0–999999 are all reachable.
 */
export function generateOtp(): string {
  return randomInt(0, 10 ** OTP_DIGITS)
    .toString()
    .padStart(OTP_DIGITS, '0');
}

/**
 * Keyed hash of a code, bound to the code's id so equal codes hash differently.
 * A keyed HMAC (not a bare hash) because 10^6 codes are trivially enumerable.
 */
export function hashOtp(key: Uint8Array, otpId: string, code: string): string {
  return createHmac('sha256', key).update(otpId).update('\0').update(code).digest('base64url');
}

/** Constant-time check of a submitted code against the stored hash. */
export function otpMatches(key: Uint8Array, otpId: string, submitted: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'base64url');
  const actual = Buffer.from(hashOtp(key, otpId, submitted), 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
