/**
 * Binary <-> text helpers for the WebAuthn JSON wire format.
 *
 * Browsers send every binary field as unpadded base64url, but native clients
 * (notably iOS apps built on `Data.base64EncodedString()`) send standard, padded
 * base64. {@link decodeBinary} therefore accepts both; everything Latchkey
 * stores or compares is the canonical form produced by {@link toBase64Url}.
 *
 * Accepted input (RFC 4648 §4 and §5), decided as follows:
 * - Alphabet `A-Z a-z 0-9` plus `-`/`+` (value 62) and `_`/`/` (value 63). Each
 *   character has exactly one 6-bit value whichever alphabet it comes from, so a
 *   mix of both alphabets is accepted: it decodes unambiguously.
 * - Padding is optional. When present it is one or two `=` at the very end and
 *   must make the length a multiple of 4 (`"QQ=="` and `"QQ"` are fine, `"QQ="`
 *   and `"QUJD="` are not). A `=` anywhere else is rejected.
 * - A length that is 1 mod 4 (after removing padding) cannot encode whole bytes
 *   and is rejected.
 * - The unused low bits of the last character must be zero (RFC 4648 §3.5), so
 *   every byte string has exactly one unpadded base64url spelling: `"QR"` is
 *   rejected while `"QQ"` decodes to `A`.
 * - Nothing else: no whitespace, line breaks, or other characters.
 * - The empty string decodes to zero bytes.
 */
import { AuthError } from './errors.js';

const UNPADDED_BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes base64url or standard base64 (padded or not) into bytes.
 *
 * @param value the encoded text
 * @param field the field name used in the error message
 * @throws AuthError `invalid_request` "`<field>` is not valid base64 or base64url"
 *
 * @example
 * ```ts
 * decodeBinary('-_8', 'id'); // Uint8Array [251, 255]
 * decodeBinary('+/8=', 'id'); // the same bytes
 * ```
 */
export function decodeBinary(value: string, field: string): Uint8Array<ArrayBuffer> {
  const invalid = () => new AuthError('invalid_request', `${field} is not valid base64 or base64url`);
  if (typeof value !== 'string') throw invalid();

  let body = value;
  if (body.endsWith('==')) body = body.slice(0, -2);
  else if (body.endsWith('=')) body = body.slice(0, -1);
  const padded = body.length !== value.length;
  if (padded && value.length % 4 !== 0) throw invalid();

  body = body.replaceAll('+', '-').replaceAll('/', '_');
  if (!UNPADDED_BASE64URL.test(body) || body.length % 4 === 1) throw invalid();

  const bytes = new Uint8Array(Buffer.from(body, 'base64url'));
  // Buffer ignores non-zero trailing bits; insist on the canonical spelling.
  if (toBase64Url(bytes) !== body) throw invalid();
  return bytes;
}

/** Encodes bytes as unpadded base64url (the canonical form, RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('base64url');
}

/** Encodes bytes as standard, padded base64 (RFC 4648 §4), as iOS clients send it. */
export function toBase64(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('base64');
}

/**
 * Decodes leniently (see {@link decodeBinary}) and re-encodes as unpadded base64url,
 * so equal bytes always give equal strings.
 *
 * @throws AuthError `invalid_request` when `value` does not decode
 */
export function canonicalBase64Url(value: string, field: string): string {
  return toBase64Url(decodeBinary(value, field));
}

/**
 * Decodes UTF-8 bytes to a string, rejecting malformed sequences.
 *
 * @throws AuthError `invalid_request` "`<field>` is not valid UTF-8"
 */
export function utf8(bytes: Uint8Array, field = 'value'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new AuthError('invalid_request', `${field} is not valid UTF-8`, { cause });
  }
}

/** Encodes a string as UTF-8 bytes. */
export function fromUtf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
