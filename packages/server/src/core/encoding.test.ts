import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBase64Url, decodeBinary, fromUtf8, toBase64, toBase64Url, utf8 } from './encoding.js';
import { AuthError } from './errors.js';

/** Bytes whose encodings use both special characters: 0xfb 0xff -> "+/8=" / "-_8". */
const SPECIAL = Uint8Array.from([0xfb, 0xff]);

function expectInvalid(value: string, field = 'credentialId'): void {
  let thrown: unknown;
  try {
    decodeBinary(value, field);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AuthError);
  expect((thrown as AuthError).code).toBe('invalid_request');
  expect((thrown as AuthError).message).toBe(`${field} is not valid base64 or base64url`);
}

describe('decodeBinary', () => {
  it('decodes the url alphabet and the standard alphabet of the same bytes to the same result', () => {
    expect(toBase64Url(SPECIAL)).toBe('-_8');
    expect(toBase64(SPECIAL)).toBe('+/8=');
    expect(decodeBinary('-_8', 'f')).toEqual(SPECIAL);
    expect(decodeBinary('+/8=', 'f')).toEqual(SPECIAL);
    expect(decodeBinary('+/8', 'f')).toEqual(SPECIAL);
    expect(decodeBinary('-_8=', 'f')).toEqual(SPECIAL);
  });

  it('accepts a mix of both alphabets, since each character has one value', () => {
    expect(decodeBinary('+_8', 'f')).toEqual(SPECIAL);
    expect(decodeBinary('-/8=', 'f')).toEqual(SPECIAL);
  });

  it('treats padding as optional but requires it to be complete when present', () => {
    expect(decodeBinary('QQ==', 'f')).toEqual(Uint8Array.of(0x41));
    expect(decodeBinary('QQ', 'f')).toEqual(Uint8Array.of(0x41));
    expect(decodeBinary('QUI=', 'f')).toEqual(Uint8Array.of(0x41, 0x42));
    expect(decodeBinary('QUI', 'f')).toEqual(Uint8Array.of(0x41, 0x42));
    expectInvalid('QQ=');
    expectInvalid('QUJD=');
    expectInvalid('QUI==');
    expectInvalid('QQ===');
  });

  it('rejects "=" anywhere but the end', () => {
    expectInvalid('Q=Q=');
    expectInvalid('=QQ=');
    expectInvalid('QQ==QQ==');
  });

  it('rejects leading or trailing garbage and whitespace', () => {
    expectInvalid(' QQ');
    expectInvalid('QQ ');
    expectInvalid('QQ\n');
    expectInvalid('QUJD\nQUJD');
    expectInvalid('QQ.');
    expectInvalid('*QQ');
    expectInvalid('QQ==\u0000');
    expectInvalid('QÜ');
  });

  it('rejects impossible lengths', () => {
    expectInvalid('Q');
    expectInvalid('QUJDR');
    expectInvalid('Q===');
    expectInvalid('=');
    expectInvalid('==');
  });

  it('rejects non-zero unused trailing bits so each byte string has one spelling', () => {
    expect(decodeBinary('QQ', 'f')).toEqual(Uint8Array.of(0x41));
    expectInvalid('QR');
    expectInvalid('QUJ');
  });

  it('decodes the empty string to zero bytes', () => {
    expect(decodeBinary('', 'f')).toEqual(new Uint8Array(0));
    expect(canonicalBase64Url('', 'f')).toBe('');
  });

  it('names the field in the error', () => {
    expectInvalid('%%%', 'clientDataJSON');
  });

  it('rejects a non-string at runtime with the same error', () => {
    expectInvalid(42 as unknown as string);
    expectInvalid(null as unknown as string);
  });

  it('returns a plain Uint8Array that does not alias a shared pool', () => {
    const bytes = decodeBinary('QUJD', 'f');
    expect(Buffer.isBuffer(bytes)).toBe(false);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(3);
  });
});

describe('toBase64Url / canonicalBase64Url', () => {
  it('encodes unpadded base64url', () => {
    expect(toBase64Url(Uint8Array.of(0x41))).toBe('QQ');
    expect(toBase64Url(new Uint8Array(0))).toBe('');
  });

  it('respects the view of a subarray', () => {
    const whole = Uint8Array.of(1, 0xfb, 0xff, 2);
    expect(toBase64Url(whole.subarray(1, 3))).toBe('-_8');
  });

  it('canonicalises standard padded base64 to unpadded base64url', () => {
    expect(canonicalBase64Url('+/8=', 'id')).toBe('-_8');
    expect(canonicalBase64Url('-_8', 'id')).toBe('-_8');
    expect(() => canonicalBase64Url('-_8!', 'id')).toThrow(AuthError);
  });
});

describe('utf8 / fromUtf8', () => {
  it('round-trips text', () => {
    expect(utf8(fromUtf8('{"type":"webauthn.get","é":"☃"}'))).toBe('{"type":"webauthn.get","é":"☃"}');
  });

  it('rejects malformed UTF-8 with invalid_request', () => {
    expect(() => utf8(Uint8Array.of(0xc3, 0x28), 'clientDataJSON')).toThrow(
      expect.objectContaining({ code: 'invalid_request', message: 'clientDataJSON is not valid UTF-8' }),
    );
  });
});

describe('properties', () => {
  it('decodes every base64 and base64url encoding, padded or not, back to the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const standard = Buffer.from(bytes).toString('base64');
        const url = Buffer.from(bytes).toString('base64url');
        const spellings = [
          standard,
          standard.replace(/=+$/, ''),
          url,
          url + '='.repeat((4 - (url.length % 4)) % 4),
        ];
        for (const spelling of spellings) {
          expect(decodeBinary(spelling, 'f')).toEqual(bytes);
          expect(canonicalBase64Url(spelling, 'f')).toBe(url);
        }
        expect(toBase64Url(bytes)).toBe(url);
        expect(toBase64(bytes)).toBe(standard);
      }),
    );
  });

  it('either returns bytes or throws AuthError invalid_request for any string', () => {
    const base64ish = fc.string({
      unit: fc.constantFrom(...'AQgw+/-_=', ...'aZ09 \n.%\u00e9'),
      maxLength: 40,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string(), base64ish), (value) => {
        let result: Uint8Array | undefined;
        try {
          result = decodeBinary(value, 'f');
        } catch (error) {
          expect(error).toBeInstanceOf(AuthError);
          expect((error as AuthError).code).toBe('invalid_request');
          return;
        }
        // Whatever decodes re-encodes to the input up to alphabet and padding.
        expect(toBase64Url(result)).toBe(value.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_'));
      }),
      { numRuns: 2000 },
    );
  });
});
