/**
 * A lean software passkey for the load generator: one P-256 key per user, real
 * CBOR attestation objects (`none`) and COSE keys at registration, real ES256
 * signatures over real authenticator data and client data at sign-in. It models
 * a synced passkey (BE = BS = 1, counter always 0, as iCloud Keychain), so one
 * user may sign in again before the previous sign-in's counter write lands.
 * (packages/server/test/support/soft-authenticator.ts is the full, test-grade one.)
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

/** Flags: UP | UV | BE | BS (and AT at registration). */
const FLAGS = 0x01 | 0x04 | 0x08 | 0x10;
const FLAG_AT = 0x40;

export interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}
export interface RequestOptions {
  challenge: string;
  rpId?: string;
}

/** CBOR head for major type `major` and length/value `n` (n < 65536). */
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.of((major << 5) | n);
  if (n < 256) return Buffer.of((major << 5) | 24, n);
  return Buffer.of((major << 5) | 25, n >> 8, n & 0xff);
}
const text = (s: string) => Buffer.concat([head(3, Buffer.byteLength(s)), Buffer.from(s)]);
const bytes = (b: Uint8Array) => Buffer.concat([head(2, b.length), b]);

export class SoftPasskey {
  readonly credentialId = randomBytes(16);
  readonly #privateKey: KeyObject;
  /** RFC 9053 EC2 COSE key: {1: 2, 3: -7, -1: 1, -2: x, -3: y}. */
  readonly cosePublicKey: Buffer;
  #userHandle = '';

  constructor(readonly origin: string) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.cosePublicKey = Buffer.concat([
      Buffer.of(0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21),
      bytes(Buffer.from(jwk.x as string, 'base64url')),
      Buffer.of(0x22),
      bytes(Buffer.from(jwk.y as string, 'base64url')),
    ]);
  }

  get id(): string {
    return b64u(this.credentialId);
  }

  /** `navigator.credentials.create()` with `attestation: 'none'`. */
  create(options: CreationOptions) {
    this.#userHandle = options.user.id;
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const clientDataJSON = JSON.stringify({
      type: 'webauthn.create',
      challenge: options.challenge,
      origin: this.origin,
      crossOrigin: false,
    });
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.of(FLAGS | FLAG_AT, 0, 0, 0, 0),
      Buffer.alloc(16), // AAGUID
      Buffer.of(0, this.credentialId.length),
      this.credentialId,
      this.cosePublicKey,
    ]);
    const attestationObject = Buffer.concat([
      Buffer.of(0xa3),
      text('fmt'),
      text('none'),
      text('attStmt'),
      Buffer.of(0xa0),
      text('authData'),
      bytes(authData),
    ]);
    return this.#credential({
      clientDataJSON: b64u(Buffer.from(clientDataJSON)),
      attestationObject: b64u(attestationObject),
      transports: ['internal', 'hybrid'],
    });
  }

  /** `navigator.credentials.get()`: signs authenticatorData ‖ SHA-256(clientDataJSON). */
  get(options: RequestOptions, userHandle = this.#userHandle) {
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.get',
        challenge: options.challenge,
        origin: this.origin,
        crossOrigin: false,
      }),
    );
    const authData = Buffer.concat([sha256(rpId), Buffer.of(FLAGS, 0, 0, 0, 0)]);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.#privateKey);
    return this.#credential({
      clientDataJSON: b64u(clientDataJSON),
      authenticatorData: b64u(authData),
      signature: b64u(signature),
      ...(userHandle ? { userHandle } : {}),
    });
  }

  /** The PublicKeyCredential JSON around a ceremony's response. */
  #credential<R>(response: R) {
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
      response,
    };
  }
}
