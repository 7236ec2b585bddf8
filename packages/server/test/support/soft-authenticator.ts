/**
 * A software passkey authenticator (plus the client half of a browser) for tests.
 *
 * It runs real WebAuthn ceremonies: real keys (node:crypto), real CBOR
 * attestation objects and COSE keys, real authenticator data and client data,
 * and real signatures, so a relying party can verify its output exactly as it
 * would a phone's. Nothing is mocked.
 *
 * It deliberately does NOT enforce client-side rules (origin vs. rpId, allowed
 * algorithms when an override asks otherwise): a test must be able to send the
 * relying party anything a malicious client could. Each override changes exactly
 * one thing in the output.
 *
 * Spec references are to WebAuthn Level 3 (https://www.w3.org/TR/webauthn-3/).
 *
 * @example
 * ```ts
 * const authenticator = new SoftAuthenticator({ origin: 'http://localhost:4000' });
 * const registration = await authenticator.createCredential(creationOptionsJSON);
 * const assertion = await authenticator.getAssertion(requestOptionsJSON, { userVerified: false });
 * ```
 */

import type { JsonWebKey, KeyObject } from 'node:crypto';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { CBORType } from '@levischuck/tiny-cbor';
import { encodeCBOR } from '@levischuck/tiny-cbor';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeBinary, fromUtf8, toBase64, toBase64Url } from '../../src/core/encoding.js';

/** COSE algorithms this authenticator can create keys for: ES256, EdDSA (Ed25519), RS256. */
export type SoftAlgorithm = -7 | -8 | -257;

/** Attestation statement formats it can produce (§8.7 none, §8.2 packed self attestation). */
export type SoftAttestationFormat = 'none' | 'packed';

/** Text encoding of binary fields: browsers send base64url, iOS apps send standard padded base64. */
export type BinaryEncoding = 'base64url' | 'base64';

export interface SoftAuthenticatorOptions {
  /** AAGUID reported at registration, as a UUID. Default: all zeros (as iCloud Keychain). */
  aaguid?: string;
  /** BE flag of new credentials. Default true (a synced passkey). */
  backupEligible?: boolean;
  /** BS flag of new credentials. Default true. */
  backupState?: boolean;
  /** `increment`: the counter goes up by one per assertion; `zero`: always 0. Default `increment`. */
  signCount?: 'increment' | 'zero';
  /** Attestation format at registration. Default `none`. */
  attestation?: SoftAttestationFormat;
  /** Origin used when a call does not pass one. */
  origin?: string;
}

/** Overrides shared by both ceremonies; each changes exactly one thing in the output. */
export interface CeremonyOverrides {
  /** Origin written into clientDataJSON (also the default rpId source when options carry none). */
  origin?: string;
  /** Hash this rpId into authenticatorData instead of the real one (storage still uses the real one). */
  rpId?: string;
  /** clientDataJSON `type`, e.g. `'webauthn.get'` during create. */
  type?: string;
  /** clientDataJSON `challenge`, written verbatim. */
  challenge?: string;
  /** clientDataJSON `crossOrigin`. Default false. */
  crossOrigin?: boolean;
  /** clientDataJSON `topOrigin`; omitted unless given. */
  topOrigin?: string;
  /** Clear the UP flag. */
  userPresent?: boolean;
  /** Clear the UV flag. */
  userVerified?: boolean;
  /** BE flag for this response only. */
  backupEligible?: boolean;
  /** BS flag for this response only. */
  backupState?: boolean;
  /** Explicit signature counter; it also becomes the credential's stored counter. */
  signCount?: number;
  /** Flip the lowest bit of the signature's last byte after signing. */
  corruptSignature?: boolean;
  /**
   * Flip the RFU1 flag bit (0x02) of authenticatorData after signing. Relying parties ignore
   * RFU bits, so only the signature check can notice.
   */
  corruptAuthenticatorData?: boolean;
  /**
   * Sign clientDataJSON carrying an extra member `"extra":"A"`, then send it as `"extra":"@"`
   * (one bit flipped). Every checked member stays intact, so only the signature check can notice
   * (with `none` attestation at registration nothing signs clientDataJSON, so nothing can).
   */
  corruptClientData?: boolean;
  /** Encoding of every binary field (id, rawId, and the response's byte fields). Default base64url. */
  encoding?: BinaryEncoding;
}

export interface CreateOverrides extends CeremonyOverrides {
  /** Credential id bytes to use instead of 16 random bytes (e.g. 1024 bytes, or another's id). */
  credentialId?: Uint8Array;
  /** Key algorithm, regardless of `pubKeyCredParams` (lets a test send an unoffered one). */
  alg?: SoftAlgorithm;
  /** Attestation format for this registration. */
  attestation?: SoftAttestationFormat;
  /** Register even when `excludeCredentials` names a credential this authenticator holds. */
  ignoreExcludeCredentials?: boolean;
}

export interface GetOverrides extends CeremonyOverrides {
  /** Which credential to use (bytes or base64url), instead of the first one allowed. */
  credentialId?: Uint8Array | string;
  /**
   * userHandle to send: a string is sent verbatim (`''` for empty), bytes are encoded,
   * `null` omits the member.
   */
  userHandle?: string | Uint8Array | null;
}

/** A read-only view of a stored credential. */
export interface SoftCredentialInfo {
  /** Credential id, base64url. */
  id: string;
  rpId: string;
  /** user.id given at creation, base64url. */
  userHandle: string;
  userName: string;
  alg: SoftAlgorithm;
  counter: number;
  backupEligible: boolean;
  backupState: boolean;
  /** Public key as SPKI DER, base64url. */
  publicKey: string;
  /** Public key as a CBOR COSE_Key (what a relying party stores). */
  cosePublicKey: Uint8Array;
}

/** A DOMException-like failure of the client, e.g. `NotAllowedError: no credential`. */
export class WebAuthnClientError extends Error {
  override readonly name: string;

  constructor(name: 'NotAllowedError' | 'InvalidStateError' | 'NotSupportedError', detail: string) {
    super(`${name}: ${detail}`);
    this.name = name;
  }
}

interface StoredCredential {
  id: Uint8Array;
  rpId: string;
  userHandle: Uint8Array;
  userName: string;
  alg: SoftAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  cosePublicKey: Uint8Array;
  counter: number;
  backupEligible: boolean;
  backupState: boolean;
}

/** Authenticator data flags, §6.1. */
const FLAG = { UP: 0x01, RFU1: 0x02, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

export class SoftAuthenticator {
  private readonly aaguid: Uint8Array;
  private readonly settings: Required<Omit<SoftAuthenticatorOptions, 'origin' | 'aaguid'>> & {
    origin?: string;
  };
  /** Resident credentials by rpId, oldest first. */
  private readonly byRpId = new Map<string, StoredCredential[]>();

  constructor(options: SoftAuthenticatorOptions = {}) {
    this.aaguid = parseUuid(options.aaguid ?? ZERO_AAGUID);
    this.settings = {
      backupEligible: options.backupEligible ?? true,
      backupState: options.backupState ?? true,
      signCount: options.signCount ?? 'increment',
      attestation: options.attestation ?? 'none',
      ...(options.origin === undefined ? {} : { origin: options.origin }),
    };
  }

  /**
   * `navigator.credentials.create()`: the client steps of §5.1.3 and authenticatorMakeCredential
   * (§6.3.2). Stores a resident credential and returns the registration response JSON.
   *
   * @throws WebAuthnClientError `InvalidStateError` when `excludeCredentials` names a held credential,
   *   `NotSupportedError` when no offered algorithm is ES256 (and no `alg` override is given)
   */
  async createCredential(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides: CreateOverrides = {},
  ): Promise<RegistrationResponseJSON> {
    const origin = this.originFor(overrides);
    const rpId = options.rp.id ?? new URL(origin).hostname;
    const userHandle = decodeBinary(options.user.id, 'user.id');

    // §6.3.2 step 3: an excluded credential already on this authenticator stops the ceremony.
    if (!overrides.ignoreExcludeCredentials) {
      const excluded = (options.excludeCredentials ?? []).map((d) =>
        decodeBinary(d.id, 'excludeCredentials.id'),
      );
      if (this.credentialsFor(rpId).some((c) => excluded.some((id) => bytesEqual(id, c.id)))) {
        throw new WebAuthnClientError('InvalidStateError', 'credential already registered');
      }
    }

    const alg = overrides.alg ?? chooseAlgorithm(options.pubKeyCredParams);
    const keys = generateKeys(alg);
    const credential: StoredCredential = {
      id: overrides.credentialId ?? new Uint8Array(randomBytes(16)),
      rpId,
      userHandle,
      userName: options.user.name,
      alg,
      ...keys,
      counter: 0,
      backupEligible: this.settings.backupEligible,
      backupState: this.settings.backupState,
    };
    this.store(credential);

    const clientDataJSON = clientData('webauthn.create', options.challenge, origin, overrides);
    // §6.5.1 attested credential data: aaguid ‖ credentialIdLength (2, BE) ‖ credentialId ‖ COSE key.
    const attestedCredentialData = concat(
      this.aaguid,
      uint16(credential.id.length),
      credential.id,
      credential.cosePublicKey,
    );
    const signedAuthData = authenticatorData(
      overrides.rpId ?? rpId,
      flagsFor(credential, overrides) | FLAG.AT,
      overrides.signCount ?? credential.counter,
      attestedCredentialData,
    );
    if (overrides.signCount !== undefined) credential.counter = overrides.signCount;

    const format = overrides.attestation ?? this.settings.attestation;
    let attStmt: Map<string | number, CBORType>;
    if (format === 'packed') {
      // §8.2 packed, self attestation: alg + sig over authenticatorData ‖ clientDataHash.
      const sig = signWith(credential, concat(signedAuthData, sha256(clientDataJSON.signed)));
      attStmt = new Map<string | number, CBORType>([
        ['alg', alg],
        ['sig', overrides.corruptSignature ? flipLastBit(sig) : sig],
      ]);
    } else {
      if (overrides.corruptSignature) {
        throw new Error(
          'corruptSignature needs attestation "packed": "none" registration carries no signature',
        );
      }
      attStmt = new Map();
    }
    const authData = overrides.corruptAuthenticatorData ? flipFlagBit(signedAuthData) : signedAuthData;
    // §6.5.4 attestation object, keys in CTAP2 canonical order.
    const attestationObject = encodeCBOR(
      new Map<string | number, CBORType>([
        ['fmt', format],
        ['attStmt', attStmt],
        ['authData', authData],
      ]),
    );

    const encode = encoder(overrides.encoding);
    const id = encode(credential.id);
    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: { credProps: { rk: true } },
      response: {
        clientDataJSON: encode(clientDataJSON.sent),
        attestationObject: encode(attestationObject),
        transports: ['internal', 'hybrid'],
        publicKeyAlgorithm: alg,
        publicKey: encode(credential.publicKey.export({ type: 'spki', format: 'der' })),
        authenticatorData: encode(authData),
      },
    };
  }

  /**
   * `navigator.credentials.get()`: the client steps of §5.1.4 and authenticatorGetAssertion
   * (§6.3.3). Returns the authentication response JSON.
   *
   * With empty `allowCredentials` any resident credential for the rpId may answer (the first, or
   * the one named by `overrides.credentialId`); otherwise only a listed one may.
   *
   * @throws WebAuthnClientError `NotAllowedError: no credential` when no credential qualifies
   */
  async getAssertion(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: GetOverrides = {},
  ): Promise<AuthenticationResponseJSON> {
    const origin = this.originFor(overrides);
    const rpId = options.rpId ?? new URL(origin).hostname;
    const credential = this.pickCredential(rpId, options, overrides.credentialId);

    // §6.1.1 signature counter.
    if (overrides.signCount !== undefined) credential.counter = overrides.signCount;
    else if (this.settings.signCount === 'increment') credential.counter += 1;
    const counter =
      this.settings.signCount === 'zero' && overrides.signCount === undefined ? 0 : credential.counter;

    const clientDataJSON = clientData('webauthn.get', options.challenge, origin, overrides);
    const signedAuthData = authenticatorData(
      overrides.rpId ?? rpId,
      flagsFor(credential, overrides),
      counter,
    );
    // §6.3.3 step 11: sign authenticatorData ‖ SHA-256(clientDataJSON).
    const signature = signWith(credential, concat(signedAuthData, sha256(clientDataJSON.signed)));

    const encode = encoder(overrides.encoding);
    const id = encode(credential.id);
    const userHandle =
      overrides.userHandle === undefined
        ? encode(credential.userHandle)
        : typeof overrides.userHandle === 'string' || overrides.userHandle === null
          ? overrides.userHandle
          : encode(overrides.userHandle);
    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: encode(clientDataJSON.sent),
        authenticatorData: encode(
          overrides.corruptAuthenticatorData ? flipFlagBit(signedAuthData) : signedAuthData,
        ),
        signature: encode(overrides.corruptSignature ? flipLastBit(signature) : signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
    };
  }

  /** Every stored credential, or those of one rpId, oldest first. */
  listCredentials(rpId?: string): SoftCredentialInfo[] {
    const stored = rpId === undefined ? [...this.byRpId.values()].flat() : this.credentialsFor(rpId);
    return stored.map(toInfo);
  }

  /** One stored credential by id (bytes or base64url/base64). */
  getCredential(id: Uint8Array | string): SoftCredentialInfo | undefined {
    const found = this.find(id);
    return found && toInfo(found);
  }

  /** The stored signature counter of a credential. */
  getCounter(id: Uint8Array | string): number {
    return this.require(id).counter;
  }

  /** Set the stored signature counter (e.g. to simulate a cloned or reset authenticator). */
  setCounter(id: Uint8Array | string, counter: number): void {
    this.require(id).counter = counter;
  }

  /** Forget one credential; returns whether it existed. */
  removeCredential(id: Uint8Array | string): boolean {
    const found = this.find(id);
    if (!found) return false;
    const list = this.credentialsFor(found.rpId);
    list.splice(list.indexOf(found), 1);
    return true;
  }

  /** Forget every credential. */
  clear(): void {
    this.byRpId.clear();
  }

  /**
   * An independent copy holding the same keys and counters: use it to model a cloned
   * authenticator (its counters then move separately from this one's).
   */
  clone(): SoftAuthenticator {
    const copy = new SoftAuthenticator({ ...this.settings, aaguid: formatUuid(this.aaguid) });
    for (const [rpId, list] of this.byRpId) {
      copy.byRpId.set(
        rpId,
        list.map((c) => ({ ...c })),
      );
    }
    return copy;
  }

  private originFor(overrides: CeremonyOverrides): string {
    const origin = overrides.origin ?? this.settings.origin;
    if (origin === undefined)
      throw new Error('SoftAuthenticator: pass an origin to the call or the constructor');
    return origin;
  }

  private credentialsFor(rpId: string): StoredCredential[] {
    let list = this.byRpId.get(rpId);
    if (!list) {
      list = [];
      this.byRpId.set(rpId, list);
    }
    return list;
  }

  /**
   * §6.3.2 step 7: a new resident credential replaces any with the same id, and any for the same
   * rpId and user handle.
   */
  private store(credential: StoredCredential): void {
    const list = this.credentialsFor(credential.rpId);
    const kept = list.filter(
      (c) => !bytesEqual(c.id, credential.id) && !bytesEqual(c.userHandle, credential.userHandle),
    );
    list.splice(0, list.length, ...kept, credential);
  }

  private pickCredential(
    rpId: string,
    options: PublicKeyCredentialRequestOptionsJSON,
    wanted: Uint8Array | string | undefined,
  ): StoredCredential {
    let candidates = this.credentialsFor(rpId);
    const allowed = (options.allowCredentials ?? []).map((d) => decodeBinary(d.id, 'allowCredentials.id'));
    if (allowed.length > 0) candidates = candidates.filter((c) => allowed.some((id) => bytesEqual(id, c.id)));
    if (wanted !== undefined) {
      const wantedId = toId(wanted);
      candidates = candidates.filter((c) => bytesEqual(c.id, wantedId));
    }
    const credential = candidates[0];
    if (!credential) throw new WebAuthnClientError('NotAllowedError', 'no credential');
    return credential;
  }

  private find(id: Uint8Array | string): StoredCredential | undefined {
    const wanted = toId(id);
    for (const list of this.byRpId.values()) {
      const found = list.find((c) => bytesEqual(c.id, wanted));
      if (found) return found;
    }
    return undefined;
  }

  private require(id: Uint8Array | string): StoredCredential {
    const found = this.find(id);
    if (!found)
      throw new Error(`SoftAuthenticator: no credential ${typeof id === 'string' ? id : toBase64Url(id)}`);
    return found;
  }
}

// ---------------------------------------------------------------------------------------------
// Building blocks

interface ClientData {
  /** The bytes the signature covers. */
  signed: Uint8Array;
  /** The bytes sent to the relying party (differs by one bit with `corruptClientData`). */
  sent: Uint8Array;
}

/**
 * §5.8.1 CollectedClientData, serialized in the §5.8.1.1 member order. The challenge is the
 * canonical base64url of the challenge bytes, as a browser writes it.
 */
function clientData(
  type: string,
  optionsChallenge: string,
  origin: string,
  overrides: CeremonyOverrides,
): ClientData {
  const challenge = overrides.challenge ?? toBase64Url(decodeBinary(optionsChallenge, 'challenge'));
  const data: Record<string, unknown> = {
    type: overrides.type ?? type,
    challenge,
    origin,
    crossOrigin: overrides.crossOrigin ?? false,
  };
  if (overrides.topOrigin !== undefined) data.topOrigin = overrides.topOrigin;
  if (!overrides.corruptClientData) {
    const bytes = fromUtf8(JSON.stringify(data));
    return { signed: bytes, sent: bytes };
  }
  const signed = fromUtf8(JSON.stringify({ ...data, extra: 'A' }));
  const sent = fromUtf8(JSON.stringify({ ...data, extra: '@' })); // 'A' 0x41 ^ 0x01
  return { signed, sent };
}

/** §6.1 authenticator data: rpIdHash (32) ‖ flags (1) ‖ signCount (4, BE) ‖ attestedCredentialData. */
function authenticatorData(
  rpId: string,
  flags: number,
  signCount: number,
  attestedCredentialData: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const counter = new Uint8Array(4);
  new DataView(counter.buffer).setUint32(0, signCount >>> 0);
  return concat(sha256(fromUtf8(rpId)), Uint8Array.of(flags), counter, attestedCredentialData);
}

function flagsFor(credential: StoredCredential, overrides: CeremonyOverrides): number {
  let flags = 0;
  if (overrides.userPresent !== false) flags |= FLAG.UP;
  if (overrides.userVerified !== false) flags |= FLAG.UV;
  if (overrides.backupEligible ?? credential.backupEligible) flags |= FLAG.BE;
  if (overrides.backupState ?? credential.backupState) flags |= FLAG.BS;
  return flags;
}

/** Like a platform authenticator: ES256 only (an empty list means ES256/RS256, §5.4 pubKeyCredParams). */
function chooseAlgorithm(params: PublicKeyCredentialCreationOptionsJSON['pubKeyCredParams']): SoftAlgorithm {
  if (params.length === 0 || params.some((p) => p.type === 'public-key' && p.alg === -7)) return -7;
  throw new WebAuthnClientError('NotSupportedError', 'no offered algorithm is ES256');
}

function generateKeys(
  alg: SoftAlgorithm,
): Pick<StoredCredential, 'privateKey' | 'publicKey' | 'cosePublicKey'> {
  switch (alg) {
    case -7: {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      // RFC 9053 §7.1.1 EC2 key: kty 2, alg -7, crv 1 (P-256), x, y.
      const cose = coseKey([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, jwkBytes(jwk, 'x')],
        [-3, jwkBytes(jwk, 'y')],
      ]);
      return { privateKey, publicKey, cosePublicKey: cose };
    }
    case -8: {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      // RFC 9053 §7.2 OKP key: kty 1, alg -8, crv 6 (Ed25519), x.
      const cose = coseKey([
        [1, 1],
        [3, -8],
        [-1, 6],
        [-2, jwkBytes(publicKey.export({ format: 'jwk' }), 'x')],
      ]);
      return { privateKey, publicKey, cosePublicKey: cose };
    }
    case -257: {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = publicKey.export({ format: 'jwk' });
      // RFC 8230 §4 RSA key: kty 3, alg -257, n, e.
      const cose = coseKey([
        [1, 3],
        [3, -257],
        [-1, jwkBytes(jwk, 'n')],
        [-2, jwkBytes(jwk, 'e')],
      ]);
      return { privateKey, publicKey, cosePublicKey: cose };
    }
  }
}

/** ES256 and RS256 hash with SHA-256 (ECDSA signatures come out DER-encoded); Ed25519 signs raw. */
function signWith(credential: StoredCredential, data: Uint8Array): Uint8Array {
  const algorithm = credential.alg === -8 ? null : 'sha256';
  return new Uint8Array(sign(algorithm, data, credential.privateKey));
}

function coseKey(entries: Array<[number, number | Uint8Array]>): Uint8Array {
  return encodeCBOR(new Map<string | number, CBORType>(entries));
}

function jwkBytes(jwk: JsonWebKey, member: 'x' | 'y' | 'n' | 'e'): Uint8Array {
  const value = jwk[member];
  if (typeof value !== 'string') throw new Error(`JWK has no ${member}`);
  return decodeBinary(value, member);
}

function toInfo(c: StoredCredential): SoftCredentialInfo {
  return {
    id: toBase64Url(c.id),
    rpId: c.rpId,
    userHandle: toBase64Url(c.userHandle),
    userName: c.userName,
    alg: c.alg,
    counter: c.counter,
    backupEligible: c.backupEligible,
    backupState: c.backupState,
    publicKey: toBase64Url(c.publicKey.export({ type: 'spki', format: 'der' })),
    cosePublicKey: c.cosePublicKey.slice(),
  };
}

function encoder(encoding: BinaryEncoding = 'base64url'): (bytes: Uint8Array) => string {
  return encoding === 'base64' ? toBase64 : toBase64Url;
}

function toId(id: Uint8Array | string): Uint8Array {
  return typeof id === 'string' ? decodeBinary(id, 'credentialId') : id;
}

function flipFlagBit(authData: Uint8Array): Uint8Array {
  const copy = authData.slice();
  copy[32] = (copy[32] ?? 0) ^ FLAG.RFU1;
  return copy;
}

function flipLastBit(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const last = copy.length - 1;
  copy[last] = (copy[last] ?? 0) ^ 0x01;
  return copy;
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

function uint16(value: number): Uint8Array {
  return Uint8Array.of((value >>> 8) & 0xff, value & 0xff);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function parseUuid(uuid: string): Uint8Array {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`SoftAuthenticator: aaguid ${uuid} is not a UUID`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
