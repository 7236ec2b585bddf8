/**
 * Latchkey's wrapper around @simplewebauthn/server: builds ceremony options and
 * verifies responses. Before handing a response to SimpleWebAuthn it parses the
 * client data and authenticator data itself, so every relying-party check of
 * WebAuthn L3 §7.1 / §7.2 fails with a precise, stable reason. No store access here.
 */

import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import {
  decodeAttestationObject,
  decodeCredentialPublicKey,
  parseAuthenticatorData,
} from '@simplewebauthn/server/helpers';
import { decodeBinary, toBase64Url } from './encoding.js';
import { AuthError } from './errors.js';
import type { AuthenticatorTransport, PasskeyAuthenticator } from './model.js';

/** COSE algorithms offered at registration: ES256 and RS256. */
export const SUPPORTED_ALGORITHMS = [-7, -257] as const;

/** WebAuthn L3 §5.8.3: credential ids longer than 1023 bytes must be rejected. */
export const MAX_CREDENTIAL_ID_BYTES = 1023;

export interface RelyingPartyPolicy {
  id: string;
  name: string;
  /** Web origins plus `android:apk-key-hash:` origins. */
  origins: readonly string[];
  userVerification: 'required' | 'preferred';
  timeoutMs: number;
}

/** Why a response was refused; stable strings reported as `failureReason`. */
export type CeremonyFailure =
  | 'invalid_type'
  | 'challenge_mismatch'
  | 'invalid_origin'
  | 'cross_origin_not_allowed'
  | 'invalid_rp_id'
  | 'user_not_present'
  | 'user_verification_required'
  | 'backup_state_without_eligibility'
  | 'backup_eligibility_mismatch'
  | 'unsupported_algorithm'
  | 'invalid_credential_id'
  | 'credential_id_mismatch'
  | 'user_handle_mismatch'
  | 'counter_regression'
  | 'invalid_signature'
  | 'invalid_attestation';

export type Verified<T> =
  | { verified: true; value: T }
  | { verified: false; reason: CeremonyFailure; detail?: string };

const fail = (
  reason: CeremonyFailure,
  detail?: string,
): { verified: false; reason: CeremonyFailure; detail?: string } =>
  detail === undefined ? { verified: false, reason } : { verified: false, reason, detail };

/** Credential creation options for `navigator.credentials.create()`. */
export async function buildRegistrationOptions(input: {
  rp: RelyingPartyPolicy;
  userId: string;
  username: string;
  displayName: string;
  challenge: Uint8Array<ArrayBuffer>;
  exclude: readonly Pick<PasskeyAuthenticator, 'credentialId' | 'transports'>[];
  attachment?: 'platform' | 'cross-platform';
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const options = await generateRegistrationOptions({
    rpName: input.rp.name,
    rpID: input.rp.id,
    // The user handle is the UTF-8 bytes of the user id, so sign-in can map it back.
    userID: new TextEncoder().encode(input.userId),
    userName: input.username,
    userDisplayName: input.displayName,
    challenge: input.challenge,
    timeout: input.rp.timeoutMs,
    attestationType: 'none',
    excludeCredentials: input.exclude.map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: {
      authenticatorAttachment: input.attachment ?? 'platform',
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: input.rp.userVerification,
    },
    supportedAlgorithmIDs: [...SUPPORTED_ALGORITHMS],
  });
  return options;
}

/** Credential request options for `navigator.credentials.get()`. */
export async function buildAuthenticationOptions(input: {
  rp: RelyingPartyPolicy;
  challenge: Uint8Array<ArrayBuffer>;
  /** Empty for usernameless (discoverable) sign-in. */
  allow: readonly Pick<PasskeyAuthenticator, 'credentialId' | 'transports'>[];
}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: input.rp.id,
    challenge: input.challenge,
    timeout: input.rp.timeoutMs,
    userVerification: input.rp.userVerification,
    allowCredentials: input.allow.map((c) => ({ id: c.credentialId, transports: c.transports })),
  });
}

export interface RegisteredPasskey {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: AuthenticatorTransport[];
  aaguid: string;
  backupEligible: boolean;
  backupState: boolean;
  uvInitialized: boolean;
  attachment: string | null;
}

/**
 * Verifies a registration response (WebAuthn L3 §7.1) that
 * {@link normalizeRegistration} has already brought to canonical base64url.
 *
 * @throws {AuthError} `invalid_request` when the JSON is structurally unusable.
 */
export async function verifyRegistration(input: {
  rp: RelyingPartyPolicy;
  response: RegistrationResponseJSON;
  expectedChallenge: string;
}): Promise<Verified<RegisteredPasskey>> {
  const { rp } = input;
  const response = input.response;
  const clientData = parseClientData(response.response.clientDataJSON);
  // §7.1 steps 7–9 (+ L3 topOrigin): type, challenge, origin.
  const clientCheck = checkClientData(clientData, 'webauthn.create', input.expectedChallenge, rp);
  if (clientCheck) return clientCheck;

  let authData: ReturnType<typeof parseAuthenticatorData>;
  try {
    const attestation = decodeAttestationObject(
      decodeBinary(response.response.attestationObject, 'attestationObject'),
    );
    authData = parseAuthenticatorData(attestation.get('authData'));
  } catch (error) {
    if (error instanceof AuthError) throw error;
    return fail('invalid_attestation', 'attestationObject could not be decoded');
  }
  const authCheck = checkAuthenticatorData(authData, rp);
  if (authCheck) return authCheck;
  const credentialIdBytes = authData.credentialID;
  if (
    !credentialIdBytes ||
    credentialIdBytes.length === 0 ||
    credentialIdBytes.length > MAX_CREDENTIAL_ID_BYTES
  ) {
    return fail('invalid_credential_id', `credential id must be 1–${MAX_CREDENTIAL_ID_BYTES} bytes`);
  }
  // The id the client reports must be the id the authenticator attested.
  if (toBase64Url(credentialIdBytes) !== response.id || response.rawId !== response.id) {
    return fail('credential_id_mismatch');
  }

  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: input.expectedChallenge,
      expectedOrigin: [...rp.origins],
      expectedRPID: rp.id,
      requireUserVerification: rp.userVerification === 'required',
      supportedAlgorithmIDs: [...SUPPORTED_ALGORITHMS],
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('public key alg')) return fail('unsupported_algorithm', message);
    return fail('invalid_attestation', message);
  }
  if (!verification.verified) return fail('invalid_attestation');
  const { credential, aaguid, credentialBackedUp, credentialDeviceType } = verification.registrationInfo;
  return {
    verified: true,
    value: {
      credentialId: credential.id,
      publicKey: toBase64Url(credential.publicKey),
      counter: credential.counter,
      transports: (response.response.transports ?? []).filter(isTransport),
      aaguid,
      backupEligible: credentialDeviceType === 'multiDevice',
      backupState: credentialBackedUp,
      uvInitialized: authData.flags.uv,
      attachment:
        typeof response.authenticatorAttachment === 'string' ? response.authenticatorAttachment : null,
    },
  };
}

export interface PasskeyAssertion {
  newCounter: number;
  backupState: boolean;
  userVerified: boolean;
}

/**
 * Verifies an authentication response against a stored passkey (WebAuthn L3 §7.2).
 * The caller has already looked the credential up by id and checked the user handle.
 */
export async function verifyAuthentication(input: {
  rp: RelyingPartyPolicy;
  response: AuthenticationResponseJSON;
  expectedChallenge: string;
  passkey: PasskeyAuthenticator;
}): Promise<Verified<PasskeyAssertion>> {
  const { rp, passkey } = input;
  const response = input.response;
  const clientData = parseClientData(response.response.clientDataJSON);
  const clientCheck = checkClientData(clientData, 'webauthn.get', input.expectedChallenge, rp);
  if (clientCheck) return clientCheck;

  let authData: ReturnType<typeof parseAuthenticatorData>;
  const authDataBytes = decodeBinary(response.response.authenticatorData, 'authenticatorData');
  try {
    authData = parseAuthenticatorData(authDataBytes);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    return fail('invalid_signature', 'authenticatorData could not be parsed');
  }
  const authCheck = checkAuthenticatorData(authData, rp);
  if (authCheck) return authCheck;
  // §7.2 step 17 (L3): BE is fixed for a credential's lifetime; BS may change.
  if (authData.flags.be !== passkey.backupEligible) return fail('backup_eligibility_mismatch');
  // §7.2 step 22: the counter is a clone signal; 0/0 is allowed (synced passkeys).
  if ((authData.counter > 0 || passkey.counter > 0) && authData.counter <= passkey.counter) {
    return fail(
      'counter_regression',
      `counter ${authData.counter} is not above the stored ${passkey.counter}`,
    );
  }

  // Fast path for ES256 / RS256 keys: the same signature check with a cached node:crypto key.
  const fast = verifyAssertionSignature(passkey.publicKey, response, authDataBytes, clientData);
  if (fast !== 'unsupported') {
    if (fast !== true) return fail('invalid_signature', fast === false ? undefined : fast);
    return {
      verified: true,
      value: {
        newCounter: authData.counter,
        backupState: authData.flags.bs,
        userVerified: authData.flags.uv,
      },
    };
  }

  try {
    const { userHandle: _ignored, ...rest } = response.response;
    const verification = await verifyAuthenticationResponse({
      response: { ...response, response: rest },
      expectedChallenge: input.expectedChallenge,
      expectedOrigin: [...rp.origins],
      expectedRPID: rp.id,
      requireUserVerification: rp.userVerification === 'required',
      credential: {
        id: passkey.credentialId,
        publicKey: decodeBinary(passkey.publicKey, 'publicKey'),
        counter: passkey.counter,
        transports: passkey.transports,
      },
    });
    if (!verification.verified) return fail('invalid_signature');
    return {
      verified: true,
      value: {
        newCounter: verification.authenticationInfo.newCounter,
        backupState: verification.authenticationInfo.credentialBackedUp,
        userVerified: verification.authenticationInfo.userVerified,
      },
    };
  } catch (error) {
    return fail('invalid_signature', error instanceof Error ? error.message : String(error));
  }
}

/**
 * Public keys of stored passkeys as node:crypto KeyObjects, by their stored COSE
 * text (bounded; the oldest entry goes first). SimpleWebAuthn's
 * `verifyAuthenticationResponse` imports the COSE key through WebCrypto on every
 * call, which costs ~0.5 ms of its ~0.56 ms; verifying with a parsed, cached key
 * costs the signature check alone (~0.1 ms for P-256).
 */
const publicKeys = new Map<string, { alg: -7 | -257; key: KeyObject } | null>();
const MAX_CACHED_KEYS = 10_000;

function cachedPublicKey(stored: string): { alg: -7 | -257; key: KeyObject } | null {
  let entry = publicKeys.get(stored);
  if (entry === undefined) {
    entry = importPublicKey(stored);
    if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.delete(publicKeys.keys().next().value as string);
    publicKeys.set(stored, entry);
  }
  return entry;
}

/** ES256 on P-256 and RS256 COSE keys as KeyObjects; `null` for anything else (SimpleWebAuthn handles it). */
function importPublicKey(stored: string): { alg: -7 | -257; key: KeyObject } | null {
  try {
    const cose = decodeCredentialPublicKey(decodeBinary(stored, 'publicKey')) as Map<number, unknown>;
    const [kty, alg] = [cose.get(1), cose.get(3)];
    const b64u = (value: unknown, size?: number) =>
      value instanceof Uint8Array && value.length > 0 && (size === undefined || value.length === size)
        ? toBase64Url(value)
        : null;
    if (kty === 2 && alg === -7 && cose.get(-1) === 1) {
      const [x, y] = [b64u(cose.get(-2), 32), b64u(cose.get(-3), 32)];
      if (!x || !y) return null;
      return { alg, key: createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' }) };
    }
    if (kty === 3 && alg === -257) {
      const [n, e] = [b64u(cose.get(-1)), b64u(cose.get(-2))];
      if (!n || !e) return null;
      return { alg, key: createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' }) };
    }
  } catch {
    // Not a key node:crypto takes: SimpleWebAuthn decides (and refuses it, as before).
  }
  return null;
}

/**
 * A DER ECDSA signature (SEQUENCE of two INTEGERs) as raw r ‖ s, normalized as
 * SimpleWebAuthn's `unwrapEC2Signature` does; `null` for anything it would not
 * take in exactly this form (the caller then lets SimpleWebAuthn decide).
 */
function derToRaw(signature: Uint8Array, size: number): Buffer | null {
  if (signature.length < 8 || signature[0] !== 0x30 || signature[1] !== signature.length - 2) return null;
  const parts: Uint8Array[] = [];
  let offset = 2;
  for (let i = 0; i < 2; i++) {
    const length = signature[offset + 1] ?? 0;
    if (signature[offset] !== 0x02 || length === 0 || length > 0x7f) return null;
    parts.push(signature.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  if (offset !== signature.length) return null;
  const raw = Buffer.alloc(2 * size);
  for (const [i, part] of parts.entries()) {
    let bytes = part;
    if (bytes.length === size + 1 && bytes[0] === 0 && ((bytes[1] ?? 0) & 0x80) === 0x80)
      bytes = bytes.subarray(1);
    if (bytes.length > size) return null;
    raw.set(bytes, (i + 1) * size - bytes.length);
  }
  return raw;
}

/**
 * The assertion signature check of WebAuthn L3 §7.2 steps 20–21 with a cached key,
 * plus the structural checks SimpleWebAuthn makes that {@link verifyAuthentication}
 * does not make itself, with SimpleWebAuthn's messages. `true` when valid; `false`
 * or a message when not; `'unsupported'` when SimpleWebAuthn must decide (other
 * algorithms and curves, unusual signature encodings).
 */
function verifyAssertionSignature(
  stored: string,
  response: AuthenticationResponseJSON,
  authData: Uint8Array,
  clientData: ClientData,
): boolean | string | 'unsupported' {
  const publicKey = cachedPublicKey(stored);
  if (!publicKey) return 'unsupported';
  if (!response.id) return 'Missing credential ID';
  if (response.id !== response.rawId) return 'Credential ID was not base64url-encoded';
  if (response.type !== 'public-key')
    return `Unexpected credential type ${response.type}, expected "public-key"`;
  const clientDataBytes = decodeBinary(response.response.clientDataJSON, 'clientDataJSON');
  const { tokenBinding } = clientData;
  if (tokenBinding) {
    if (typeof tokenBinding !== 'object') return 'ClientDataJSON tokenBinding was not an object';
    const status = (tokenBinding as { status?: unknown }).status;
    if (status !== 'present' && status !== 'supported' && status !== 'notSupported')
      return `Unexpected tokenBinding status ${String(status)}`;
  }
  const signed = Buffer.concat([authData, createHash('sha256').update(clientDataBytes).digest()]);
  const signature = decodeBinary(response.response.signature, 'signature');
  const raw = publicKey.alg === -7 ? derToRaw(signature, 32) : null;
  if (publicKey.alg === -7 && !raw) return 'unsupported';
  try {
    return raw
      ? verify('sha256', signed, { key: publicKey.key, dsaEncoding: 'ieee-p1363' }, raw)
      : verify('sha256', signed, publicKey.key, signature);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Whether an assertion's `userHandle` names `userId`. iOS sends the UTF-8 text of
 * `user.id`; browsers send it base64url-encoded. Absent or empty is accepted:
 * the credential id is unique and the signature proves possession (Safari).
 */
export function userHandleMatches(userHandle: string | undefined | null, userId: string): boolean {
  if (userHandle === undefined || userHandle === null || userHandle === '') return true;
  if (userHandle === userId) return true;
  try {
    return (
      new TextDecoder('utf-8', { fatal: true }).decode(decodeBinary(userHandle, 'userHandle')) === userId
    );
  } catch {
    return false;
  }
}

/**
 * Normalizes every binary field of a registration response to canonical
 * base64url (iOS sends standard base64). Throws `invalid_request` on bad input.
 *
 * Callers run this before spending the challenge, so it also checks that
 * clientDataJSON is a JSON object: malformed input is refused with nothing
 * written, while a well-formed response that fails a check spends the challenge.
 */
export function normalizeRegistration(response: RegistrationResponseJSON): RegistrationResponseJSON {
  const r = response.response;
  return {
    ...response,
    id: canonical(response.id, 'id'),
    rawId: canonical(response.rawId, 'rawId'),
    response: {
      ...r,
      clientDataJSON: canonicalClientData(r.clientDataJSON),
      attestationObject: canonical(r.attestationObject, 'attestationObject'),
      ...(r.authenticatorData === undefined
        ? {}
        : { authenticatorData: canonical(r.authenticatorData, 'authenticatorData') }),
      ...(r.publicKey === undefined ? {} : { publicKey: canonical(r.publicKey, 'publicKey') }),
    },
  };
}

/** Authentication counterpart of {@link normalizeRegistration}; `userHandle` is left as sent. */
export function normalizeAuthentication(response: AuthenticationResponseJSON): AuthenticationResponseJSON {
  const r = response.response;
  return {
    ...response,
    id: canonical(response.id, 'id'),
    rawId: canonical(response.rawId, 'rawId'),
    response: {
      ...r,
      clientDataJSON: canonicalClientData(r.clientDataJSON),
      authenticatorData: canonical(r.authenticatorData, 'authenticatorData'),
      signature: canonical(r.signature, 'signature'),
    },
  };
}

function canonical(value: string, field: string): string {
  return toBase64Url(decodeBinary(value, field));
}

/** Canonical clientDataJSON, refused (`invalid_request`) unless it is a UTF-8 JSON object. */
function canonicalClientData(value: string): string {
  const encoded = canonical(value, 'clientDataJSON');
  parseClientData(encoded);
  return encoded;
}

interface ClientData {
  type: unknown;
  tokenBinding?: unknown;
  challenge: unknown;
  origin: unknown;
  crossOrigin?: unknown;
  topOrigin?: unknown;
}

function parseClientData(encoded: string): ClientData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(decodeBinary(encoded, 'clientDataJSON')),
    );
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError('invalid_request', 'clientDataJSON is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AuthError('invalid_request', 'clientDataJSON must be a JSON object.');
  }
  return parsed as ClientData;
}

function checkClientData(
  clientData: ClientData,
  expectedType: 'webauthn.create' | 'webauthn.get',
  expectedChallenge: string,
  rp: RelyingPartyPolicy,
): ReturnType<typeof fail> | null {
  if (clientData.type !== expectedType) return fail('invalid_type', `expected ${expectedType}`);
  if (typeof clientData.challenge !== 'string' || !sameChallenge(clientData.challenge, expectedChallenge)) {
    return fail('challenge_mismatch');
  }
  if (typeof clientData.origin !== 'string' || !rp.origins.includes(clientData.origin)) {
    return fail('invalid_origin', `origin ${JSON.stringify(clientData.origin)} is not allowed`);
  }
  // Embedding in a cross-origin iframe is not configured, so any sign of it is refused.
  if (clientData.crossOrigin === true || clientData.topOrigin !== undefined)
    return fail('cross_origin_not_allowed');
  return null;
}

function sameChallenge(received: string, expected: string): boolean {
  try {
    return toBase64Url(decodeBinary(received, 'challenge')) === expected;
  } catch {
    return false;
  }
}

function checkAuthenticatorData(
  authData: ReturnType<typeof parseAuthenticatorData>,
  rp: RelyingPartyPolicy,
): ReturnType<typeof fail> | null {
  const expectedRpIdHash = createHash('sha256').update(rp.id).digest();
  if (!Buffer.from(authData.rpIdHash).equals(expectedRpIdHash)) return fail('invalid_rp_id');
  if (!authData.flags.up) return fail('user_not_present');
  if (rp.userVerification === 'required' && !authData.flags.uv) return fail('user_verification_required');
  if (authData.flags.bs && !authData.flags.be) return fail('backup_state_without_eligibility');
  return null;
}

const TRANSPORTS: readonly string[] = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'];

function isTransport(value: unknown): value is AuthenticatorTransport {
  return typeof value === 'string' && TRANSPORTS.includes(value);
}
