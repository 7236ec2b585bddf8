/**
 * Proves SoftAuthenticator produces real WebAuthn output: everything it emits is verified
 * by @simplewebauthn/server directly, with no Latchkey code in between.
 */

import { createPublicKey } from 'node:crypto';
import { decodeCBOR } from '@levischuck/tiny-cbor';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
  WebAuthnCredential,
} from '@simplewebauthn/server';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { decodeAttestationObject, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { decodeBinary, toBase64, toBase64Url, utf8 } from '../../src/core/encoding.js';
import type { CreateOverrides, GetOverrides, SoftAuthenticatorOptions } from './soft-authenticator.js';
import { SoftAuthenticator, WebAuthnClientError } from './soft-authenticator.js';

const RP_ID = 'localhost';
const ORIGIN = 'http://localhost:4000';
const AAGUID = 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd';
/** Bytes whose base64 needs '+' and '/': 0xfb 0xff -> "+/8" vs "-_8". */
const AWKWARD_BYTES = Uint8Array.of(0xfb, 0xff, 0xbf, 0xfb, 0xef, 0xbe, 0x01);

async function registrationOptions(
  userId: Uint8Array = Uint8Array.of(1, 2, 3, 4),
  extra: Partial<Parameters<typeof generateRegistrationOptions>[0]> = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: 'Latchkey test',
    rpID: RP_ID,
    userName: 'alice@example.com',
    userID: new Uint8Array(userId),
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    ...extra,
  });
}

async function verifyRegistration(
  options: PublicKeyCredentialCreationOptionsJSON,
  response: RegistrationResponseJSON,
  supportedAlgorithmIDs?: number[],
) {
  return verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
    ...(supportedAlgorithmIDs ? { supportedAlgorithmIDs } : {}),
  });
}

/** Registers a credential and returns what a relying party would store for it. */
async function register(
  authenticator: SoftAuthenticator,
  overrides: CreateOverrides = {},
  userId?: Uint8Array,
): Promise<{ credential: WebAuthnCredential; response: RegistrationResponseJSON }> {
  const options = await registrationOptions(userId);
  const response = await authenticator.createCredential(options, { origin: ORIGIN, ...overrides });
  const verification = await verifyRegistration(options, response);
  expect(verification.verified).toBe(true);
  if (!verification.verified) throw new Error('unreachable');
  return { credential: verification.registrationInfo.credential, response };
}

/** Runs one authentication ceremony against `credential`; resolves to simplewebauthn's verdict. */
async function authenticate(
  authenticator: SoftAuthenticator,
  credential: WebAuthnCredential,
  overrides: GetOverrides = {},
  allowCredentials: { id: string }[] = [],
) {
  const options = await generateAuthenticationOptions({
    rpID: RP_ID,
    allowCredentials,
    userVerification: 'required',
  });
  const response = await authenticator.getAssertion(options, { origin: ORIGIN, ...overrides });
  return {
    response,
    verify: (response_: AuthenticationResponseJSON = response) =>
      verifyAuthenticationResponse({
        response: response_,
        expectedChallenge: options.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        credential,
        requireUserVerification: true,
      }),
  };
}

function newAuthenticator(options: SoftAuthenticatorOptions = {}): SoftAuthenticator {
  return new SoftAuthenticator({ aaguid: AAGUID, ...options });
}

function clientDataOf(encoded: string): Record<string, unknown> {
  return JSON.parse(utf8(decodeBinary(encoded, 'clientDataJSON'))) as Record<string, unknown>;
}

function coseAlg(cosePublicKey: Uint8Array): unknown {
  return (decodeCBOR(cosePublicKey) as Map<number, unknown>).get(3);
}

describe('registration', () => {
  it('verifies with fmt none, the given aaguid, UV, and a synced passkey by default', async () => {
    const authenticator = newAuthenticator();
    const options = await registrationOptions();
    const response = await authenticator.createCredential(options, { origin: ORIGIN });

    const verification = await verifyRegistration(options, response);
    expect(verification.verified).toBe(true);
    const info = verification.registrationInfo;
    expect(info?.fmt).toBe('none');
    expect(info?.aaguid).toBe(AAGUID);
    expect(info?.userVerified).toBe(true);
    expect(info?.credentialBackedUp).toBe(true);
    expect(info?.credentialDeviceType).toBe('multiDevice');
    expect(info?.credential.id).toBe(response.id);
    expect(info?.origin).toBe(ORIGIN);
    expect(coseAlg(info?.credential.publicKey ?? new Uint8Array())).toBe(-7);
  });

  it('reports a single-device credential when BE and BS are off', async () => {
    const options = await registrationOptions();
    const response = await newAuthenticator({ backupEligible: false, backupState: false }).createCredential(
      options,
      { origin: ORIGIN },
    );
    const verification = await verifyRegistration(options, response);
    expect(verification.registrationInfo?.credentialBackedUp).toBe(false);
    expect(verification.registrationInfo?.credentialDeviceType).toBe('singleDevice');
  });

  it('reports eligible but not backed up when only BE is on', async () => {
    const options = await registrationOptions();
    const response = await newAuthenticator({ backupEligible: true, backupState: false }).createCredential(
      options,
      { origin: ORIGIN },
    );
    const verification = await verifyRegistration(options, response);
    expect(verification.registrationInfo?.credentialBackedUp).toBe(false);
    expect(verification.registrationInfo?.credentialDeviceType).toBe('multiDevice');
  });

  it('fills the JSON members a browser sends, consistent with the attestation object', async () => {
    const authenticator = newAuthenticator();
    const options = await registrationOptions();
    const response = await authenticator.createCredential(options, { origin: ORIGIN });

    expect(response.rawId).toBe(response.id);
    expect(response.type).toBe('public-key');
    expect(response.authenticatorAttachment).toBe('platform');
    expect(response.clientExtensionResults).toEqual({ credProps: { rk: true } });
    expect(response.response.transports).toEqual(['internal', 'hybrid']);
    expect(response.response.publicKeyAlgorithm).toBe(-7);
    expect(clientDataOf(response.response.clientDataJSON)).toEqual({
      type: 'webauthn.create',
      challenge: options.challenge,
      origin: ORIGIN,
      crossOrigin: false,
    });

    const attestation = decodeAttestationObject(decodeBinary(response.response.attestationObject, 'ao'));
    expect(attestation.get('attStmt').size).toBe(0);
    const authData = attestation.get('authData');
    expect(toBase64Url(authData)).toBe(response.response.authenticatorData);
    const parsed = parseAuthenticatorData(authData);
    expect(parsed.flags).toMatchObject({ up: true, uv: true, be: true, bs: true, at: true, ed: false });
    expect(parsed.counter).toBe(0);
    expect(toBase64Url(parsed.credentialID ?? new Uint8Array())).toBe(response.id);

    // The SPKI public key is the same key as the COSE key in authData.
    const spki = createPublicKey({
      key: Buffer.from(decodeBinary(response.response.publicKey ?? '', 'publicKey')),
      format: 'der',
      type: 'spki',
    });
    const cose = decodeCBOR(parsed.credentialPublicKey ?? new Uint8Array()) as Map<number, Uint8Array>;
    const jwk = spki.export({ format: 'jwk' });
    expect(jwk.crv).toBe('P-256');
    expect(jwk.x).toBe(toBase64Url(cose.get(-2) ?? new Uint8Array()));
    expect(jwk.y).toBe(toBase64Url(cose.get(-3) ?? new Uint8Array()));
  });

  it('produces packed self attestation whose signature simplewebauthn checks', async () => {
    const options = await registrationOptions();
    const authenticator = newAuthenticator({ attestation: 'packed' });
    const good = await authenticator.createCredential(options, { origin: ORIGIN });
    const verification = await verifyRegistration(options, good);
    expect(verification.verified).toBe(true);
    expect(verification.registrationInfo?.fmt).toBe('packed');

    const bad = await authenticator.createCredential(options, { origin: ORIGIN, corruptSignature: true });
    await expect(verifyRegistration(options, bad)).resolves.toMatchObject({ verified: false });
    const tampered = await authenticator.createCredential(options, {
      origin: ORIGIN,
      corruptClientData: true,
    });
    await expect(verifyRegistration(options, tampered)).resolves.toMatchObject({ verified: false });
  });

  it('refuses corruptSignature with none attestation instead of silently doing nothing', async () => {
    await expect(
      newAuthenticator().createCredential(await registrationOptions(), {
        origin: ORIGIN,
        corruptSignature: true,
      }),
    ).rejects.toThrow(/corruptSignature needs attestation "packed"/);
  });

  it('fails verification for a wrong origin, rpId, type, challenge, or missing UP/UV', async () => {
    const authenticator = newAuthenticator();
    const cases: [CreateOverrides, RegExp][] = [
      [{ origin: 'https://evil.example' }, /Unexpected registration response origin/],
      [{ rpId: 'evil.example' }, /Unexpected RP ID hash/],
      [{ type: 'webauthn.get' }, /Unexpected registration response type/],
      [{ challenge: 'AAAA' }, /Unexpected registration response challenge/],
      [{ userPresent: false }, /User presence was required/],
      [{ userVerified: false }, /User verification was required/],
    ];
    for (const [overrides, error] of cases) {
      const options = await registrationOptions();
      const response = await authenticator.createCredential(options, { origin: ORIGIN, ...overrides });
      await expect(verifyRegistration(options, response), JSON.stringify(overrides)).rejects.toThrow(error);
    }
  });

  it('uses an explicit credential id, e.g. 1024 bytes long', async () => {
    const id = new Uint8Array(1024).fill(7);
    const options = await registrationOptions();
    const response = await newAuthenticator().createCredential(options, { origin: ORIGIN, credentialId: id });
    expect(decodeBinary(response.id, 'id')).toEqual(id);
    const authData = decodeBinary(response.response.authenticatorData ?? '', 'authenticatorData');
    // rpIdHash (32) ‖ flags (1) ‖ counter (4) ‖ aaguid (16) ‖ credentialIdLength (2, BE)
    expect((authData[53] ?? 0) * 256 + (authData[54] ?? 0)).toBe(1024);
    expect(parseAuthenticatorData(authData).credentialID).toEqual(id);
  });

  it('makes an Ed25519 credential on request, which simplewebauthn sees as alg -8', async () => {
    const authenticator = newAuthenticator();
    const options = await registrationOptions();
    const response = await authenticator.createCredential(options, { origin: ORIGIN, alg: -8 });
    expect(response.response.publicKeyAlgorithm).toBe(-8);

    const verification = await verifyRegistration(options, response);
    expect(verification.verified).toBe(true);
    const credential = verification.registrationInfo?.credential;
    expect(coseAlg(credential?.publicKey ?? new Uint8Array())).toBe(-8);
    await expect(verifyRegistration(options, response, [-7, -257])).rejects.toThrow(
      /Unexpected public key alg "-8"/,
    );

    // The Ed25519 key really signs.
    if (!credential) throw new Error('unreachable');
    const { verify } = await authenticate(authenticator, credential);
    await expect(verify()).resolves.toMatchObject({ verified: true });
  });

  it('makes an RS256 credential on request that registers and authenticates', async () => {
    const authenticator = newAuthenticator();
    const { credential, response } = await register(authenticator, { alg: -257 });
    expect(response.response.publicKeyAlgorithm).toBe(-257);
    expect(coseAlg(credential.publicKey)).toBe(-257);
    const { verify } = await authenticate(authenticator, credential);
    await expect(verify()).resolves.toMatchObject({ verified: true });
  });

  it('picks ES256 like a platform authenticator, even when EdDSA is offered first', async () => {
    const options = await registrationOptions(); // simplewebauthn offers [-8, -7, -257]
    expect(options.pubKeyCredParams[0]?.alg).toBe(-8);
    const response = await newAuthenticator().createCredential(options, { origin: ORIGIN });
    expect(response.response.publicKeyAlgorithm).toBe(-7);

    const rsaOnly = await registrationOptions(undefined, { supportedAlgorithmIDs: [-257] });
    await expect(newAuthenticator().createCredential(rsaOnly, { origin: ORIGIN })).rejects.toThrow(
      /^NotSupportedError:/,
    );
  });

  it('refuses a registration excluded by excludeCredentials unless told to ignore it', async () => {
    const authenticator = newAuthenticator();
    const { response } = await register(authenticator);
    const options = await registrationOptions(Uint8Array.of(9), {
      excludeCredentials: [{ id: response.id }],
    });
    await expect(authenticator.createCredential(options, { origin: ORIGIN })).rejects.toThrow(
      WebAuthnClientError,
    );
    await expect(authenticator.createCredential(options, { origin: ORIGIN })).rejects.toThrow(
      /^InvalidStateError:/,
    );
    const again = await authenticator.createCredential(options, {
      origin: ORIGIN,
      ignoreExcludeCredentials: true,
    });
    await expect(verifyRegistration(options, again)).resolves.toMatchObject({ verified: true });
  });

  it('replaces a resident credential for the same rpId and user handle (§6.3.2 step 7)', async () => {
    const authenticator = newAuthenticator();
    const first = await register(authenticator, {}, Uint8Array.of(1));
    const second = await register(authenticator, {}, Uint8Array.of(1));
    await register(authenticator, {}, Uint8Array.of(2));
    const ids = authenticator.listCredentials(RP_ID).map((c) => c.id);
    expect(ids).toHaveLength(2);
    expect(ids).toContain(second.response.id);
    expect(ids).not.toContain(first.response.id);
  });

  it('can send standard base64 as iOS does; normalised, it verifies', async () => {
    const authenticator = newAuthenticator();
    const options = await registrationOptions(AWKWARD_BYTES);
    const response = await authenticator.createCredential(options, {
      origin: ORIGIN,
      encoding: 'base64',
      credentialId: AWKWARD_BYTES,
    });
    expect(response.id).toBe(toBase64(AWKWARD_BYTES));
    expect(response.id).toMatch(/[+/]/);
    const binaryFields = [
      response.rawId,
      response.response.clientDataJSON,
      response.response.attestationObject,
      response.response.authenticatorData ?? '',
      response.response.publicKey ?? '',
    ];
    for (const field of binaryFields) {
      expect(field).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
      expect(field.length % 4).toBe(0);
      expect(toBase64(decodeBinary(field, 'field'))).toBe(field);
    }

    const canonical = (value: string) => toBase64Url(decodeBinary(value, 'field'));
    const normalised: RegistrationResponseJSON = {
      ...response,
      id: canonical(response.id),
      rawId: canonical(response.rawId),
      response: {
        ...response.response,
        clientDataJSON: canonical(response.response.clientDataJSON),
        attestationObject: canonical(response.response.attestationObject),
      },
    };
    const verification = await verifyRegistration(options, normalised);
    expect(verification.verified).toBe(true);
    expect(verification.registrationInfo?.credential.id).toBe(toBase64Url(AWKWARD_BYTES));
  });

  it('requires an origin from the call or the constructor', async () => {
    const options = await registrationOptions();
    await expect(new SoftAuthenticator().createCredential(options)).rejects.toThrow(/pass an origin/);
    const response = await new SoftAuthenticator({ origin: ORIGIN }).createCredential(options);
    await expect(verifyRegistration(options, response)).resolves.toMatchObject({ verified: true });
  });
});

describe('authentication', () => {
  it('verifies, returns the user handle, and increments the counter', async () => {
    const authenticator = newAuthenticator();
    const userId = Uint8Array.of(0xfb, 0xff, 42);
    const { credential } = await register(authenticator, {}, userId);

    const first = await authenticate(authenticator, credential);
    expect(first.response.id).toBe(credential.id);
    expect(first.response.response.userHandle).toBe(toBase64Url(userId));
    expect(first.response.authenticatorAttachment).toBe('platform');
    expect(clientDataOf(first.response.response.clientDataJSON)).toMatchObject({
      type: 'webauthn.get',
      origin: ORIGIN,
      crossOrigin: false,
    });
    const one = await first.verify();
    expect(one.verified).toBe(true);
    expect(one.authenticationInfo.newCounter).toBe(1);
    expect(one.authenticationInfo.userVerified).toBe(true);
    expect(one.authenticationInfo.credentialBackedUp).toBe(true);

    credential.counter = one.authenticationInfo.newCounter;
    const two = await (await authenticate(authenticator, credential)).verify();
    expect(two.verified).toBe(true);
    expect(two.authenticationInfo.newCounter).toBe(2);
    expect(authenticator.getCounter(credential.id)).toBe(2);
  });

  it('fails verification with a corrupted signature, authenticatorData, or clientDataJSON', async () => {
    const authenticator = newAuthenticator();
    const { credential } = await register(authenticator);
    for (const overrides of [
      { corruptSignature: true },
      { corruptAuthenticatorData: true },
      { corruptClientData: true },
    ]) {
      const { verify } = await authenticate(authenticator, credential, overrides);
      await expect(verify(), JSON.stringify(overrides)).resolves.toMatchObject({ verified: false });
    }
    // Control: the same authenticator still produces a good assertion.
    await expect((await authenticate(authenticator, credential)).verify()).resolves.toMatchObject({
      verified: true,
    });
  });

  it('fails verification for a wrong origin, rpId, type, challenge, or missing UP/UV', async () => {
    const authenticator = newAuthenticator();
    const { credential } = await register(authenticator);
    const cases: [GetOverrides, RegExp][] = [
      [{ origin: 'https://evil.example' }, /Unexpected authentication response origin/],
      [{ rpId: 'evil.example' }, /Unexpected RP ID hash/],
      [{ type: 'webauthn.create' }, /Unexpected authentication response type/],
      [{ challenge: 'AAAA' }, /Unexpected authentication response challenge/],
      [{ userPresent: false }, /User not present/],
      [{ userVerified: false }, /User verification required/],
      [{ crossOrigin: false, topOrigin: 'https://top.example' }, /Unexpected top origin/],
    ];
    for (const [overrides, error] of cases) {
      const { verify } = await authenticate(authenticator, credential, overrides);
      await expect(verify(), JSON.stringify(overrides)).rejects.toThrow(error);
    }
  });

  it('writes crossOrigin and topOrigin into clientDataJSON', async () => {
    const authenticator = newAuthenticator();
    const { credential } = await register(authenticator);
    const { response } = await authenticate(authenticator, credential, {
      crossOrigin: true,
      topOrigin: 'https://top.example',
    });
    expect(clientDataOf(response.response.clientDataJSON)).toMatchObject({
      crossOrigin: true,
      topOrigin: 'https://top.example',
    });
  });

  it('reflects backup flag overrides per response', async () => {
    const authenticator = newAuthenticator({ backupState: false });
    const { credential } = await register(authenticator);
    const plain = await (await authenticate(authenticator, credential)).verify();
    expect(plain.authenticationInfo.credentialBackedUp).toBe(false);
    const synced = await (await authenticate(authenticator, credential, { backupState: true })).verify();
    expect(synced.authenticationInfo.credentialBackedUp).toBe(true);
  });

  it('sends counter 0 every time in signCount "zero" mode, which still verifies', async () => {
    const authenticator = newAuthenticator({ signCount: 'zero' });
    const { credential } = await register(authenticator);
    for (let i = 0; i < 2; i++) {
      const result = await (await authenticate(authenticator, credential)).verify();
      expect(result.verified).toBe(true);
      expect(result.authenticationInfo.newCounter).toBe(0);
    }
  });

  it('sends an explicit signCount and can have its counter read and set', async () => {
    const authenticator = newAuthenticator();
    const { credential } = await register(authenticator);
    const explicit = await (await authenticate(authenticator, credential, { signCount: 41 })).verify();
    expect(explicit.authenticationInfo.newCounter).toBe(41);
    expect(authenticator.getCounter(credential.id)).toBe(41);

    authenticator.setCounter(credential.id, 99);
    const next = await (await authenticate(authenticator, credential)).verify();
    expect(next.authenticationInfo.newCounter).toBe(100);
  });

  it('models a cloned authenticator whose replayed counter the relying party rejects', async () => {
    const authenticator = newAuthenticator();
    const { credential } = await register(authenticator);
    const clone = authenticator.clone();

    const original = await (await authenticate(authenticator, credential)).verify();
    expect(original.authenticationInfo.newCounter).toBe(1);
    credential.counter = 1;

    const fromClone = await authenticate(clone, credential);
    await expect(fromClone.verify()).rejects.toThrow(/Response counter value 1 was lower than expected 1/);
    expect(authenticator.getCounter(credential.id)).toBe(1);
    expect(clone.getCounter(credential.id)).toBe(1);
    authenticator.setCounter(credential.id, 10);
    expect(clone.getCounter(credential.id)).toBe(1);
  });

  it('overrides or omits the user handle', async () => {
    const authenticator = newAuthenticator();
    const { credential } = await register(authenticator);
    const empty = await authenticate(authenticator, credential, { userHandle: '' });
    expect(empty.response.response.userHandle).toBe('');
    const omitted = await authenticate(authenticator, credential, { userHandle: null });
    expect(omitted.response.response).not.toHaveProperty('userHandle');
    const other = await authenticate(authenticator, credential, { userHandle: Uint8Array.of(0xfb, 0xff) });
    expect(other.response.response.userHandle).toBe('-_8');
    await expect(other.verify()).resolves.toMatchObject({ verified: true }); // the handle is not signed
  });

  it('can send standard base64 as iOS does; normalised, it verifies', async () => {
    const authenticator = newAuthenticator();
    const { credential } = await register(authenticator, { credentialId: AWKWARD_BYTES }, AWKWARD_BYTES);
    const { response, verify } = await authenticate(authenticator, credential, { encoding: 'base64' });
    expect(response.id).toBe(toBase64(AWKWARD_BYTES));
    expect(response.response.userHandle).toBe(toBase64(AWKWARD_BYTES));
    for (const field of [
      response.response.clientDataJSON,
      response.response.authenticatorData,
      response.response.signature,
    ]) {
      expect(toBase64(decodeBinary(field, 'field'))).toBe(field);
    }

    const canonical = (value: string) => toBase64Url(decodeBinary(value, 'field'));
    const normalised: AuthenticationResponseJSON = {
      ...response,
      id: canonical(response.id),
      rawId: canonical(response.rawId),
      response: {
        clientDataJSON: canonical(response.response.clientDataJSON),
        authenticatorData: canonical(response.response.authenticatorData),
        signature: canonical(response.response.signature),
        userHandle: canonical(response.response.userHandle ?? ''),
      },
    };
    const result = await verify(normalised);
    expect(result.verified).toBe(true);
    expect(normalised.response.userHandle).toBe(toBase64Url(AWKWARD_BYTES));
  });
});

describe('credential selection', () => {
  it('with empty allowCredentials uses the first resident credential, or the one named', async () => {
    const authenticator = newAuthenticator();
    const alice = await register(authenticator, {}, Uint8Array.of(1));
    const bob = await register(authenticator, {}, Uint8Array.of(2));

    const first = await authenticate(authenticator, alice.credential);
    expect(first.response.id).toBe(alice.response.id);
    await expect(first.verify()).resolves.toMatchObject({ verified: true });

    const chosen = await authenticate(authenticator, bob.credential, { credentialId: bob.response.id });
    expect(chosen.response.id).toBe(bob.response.id);
    expect(chosen.response.response.userHandle).toBe(toBase64Url(Uint8Array.of(2)));
    await expect(chosen.verify()).resolves.toMatchObject({ verified: true });
  });

  it('with allowCredentials uses only a listed credential', async () => {
    const authenticator = newAuthenticator();
    await register(authenticator, {}, Uint8Array.of(1));
    const bob = await register(authenticator, {}, Uint8Array.of(2));

    const listed = await authenticate(authenticator, bob.credential, {}, [{ id: bob.response.id }]);
    expect(listed.response.id).toBe(bob.response.id);
    await expect(listed.verify()).resolves.toMatchObject({ verified: true });

    const unknown = toBase64Url(Uint8Array.of(9, 9, 9));
    await expect(authenticate(authenticator, bob.credential, {}, [{ id: unknown }])).rejects.toThrow(
      'NotAllowedError: no credential',
    );
  });

  it('throws NotAllowedError when it holds no credential for the rpId', async () => {
    const authenticator = newAuthenticator();
    const { credential } = await register(authenticator);
    const options = await generateAuthenticationOptions({ rpID: 'other.example' });
    await expect(authenticator.getAssertion(options, { origin: 'https://other.example' })).rejects.toThrow(
      WebAuthnClientError,
    );

    expect(authenticator.removeCredential(credential.id)).toBe(true);
    expect(authenticator.removeCredential(credential.id)).toBe(false);
    await expect(authenticate(authenticator, credential)).rejects.toThrow('NotAllowedError: no credential');

    await register(authenticator);
    expect(authenticator.listCredentials()).toHaveLength(1);
    authenticator.clear();
    expect(authenticator.listCredentials()).toHaveLength(0);
    await expect(authenticate(authenticator, credential)).rejects.toThrow('NotAllowedError: no credential');
  });

  it('describes stored credentials', async () => {
    const authenticator = newAuthenticator();
    const { credential, response } = await register(authenticator, {}, Uint8Array.of(5, 6));
    const info = authenticator.getCredential(credential.id);
    expect(info).toMatchObject({
      id: credential.id,
      rpId: RP_ID,
      userHandle: toBase64Url(Uint8Array.of(5, 6)),
      userName: 'alice@example.com',
      alg: -7,
      counter: 0,
      backupEligible: true,
      backupState: true,
      publicKey: response.response.publicKey,
    });
    expect(info?.cosePublicKey).toEqual(credential.publicKey);
    expect(authenticator.getCredential(Uint8Array.of(0))).toBeUndefined();
  });
});
