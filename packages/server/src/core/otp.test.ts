import { describe, expect, it } from 'vitest';
import { generateOtp, hashOtp, otpMatches } from './otp.js';

describe('generateOtp', () => {
  it('yields six uniformly distributed digits per position (chi-square, 100,000 codes)', () => {
    const counts = Array.from({ length: 6 }, () => new Array<number>(10).fill(0));
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const code = generateOtp();
      expect(code).toMatch(/^\d{6}$/);
      for (let p = 0; p < 6; p++) {
        const position = counts[p] as number[];
        const digit = code.charCodeAt(p) - 48;
        position[digit] = (position[digit] ?? 0) + 1;
      }
    }
    for (const position of counts) {
      // Every digit appears (catches an exclusive bound that never yields 9).
      expect(Math.min(...position)).toBeGreaterThan(0);
      const expected = n / 10;
      const chiSquare = position.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
      expect(chiSquare).toBeLessThan(44.81); // 9 degrees of freedom, p = 1e-6
    }
  });

  it('keeps leading zeros', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000 && seen.size === 0; i++) {
      const code = generateOtp();
      if (code.startsWith('0')) seen.add(code);
    }
    expect([...seen][0]).toMatch(/^0\d{5}$/);
  });
});

describe('hashOtp / otpMatches', () => {
  const key = new Uint8Array(32).fill(1);

  it('never stores the code and binds the hash to the code id', () => {
    const hash = hashOtp(key, 'otp-1', '123456');
    expect(hash).not.toContain('123456');
    expect(hashOtp(key, 'otp-2', '123456')).not.toBe(hash);
    expect(hashOtp(new Uint8Array(32).fill(2), 'otp-1', '123456')).not.toBe(hash);
  });

  it('matches only the right code for the right id', () => {
    const hash = hashOtp(key, 'otp-1', '123456');
    expect(otpMatches(key, 'otp-1', '123456', hash)).toBe(true);
    expect(otpMatches(key, 'otp-1', '123457', hash)).toBe(false);
    expect(otpMatches(key, 'otp-2', '123456', hash)).toBe(false);
    expect(otpMatches(key, 'otp-1', '123456', 'short')).toBe(false);
  });
});
