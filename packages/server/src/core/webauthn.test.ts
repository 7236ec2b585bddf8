import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type SoftAlgorithm, SoftAuthenticator } from '../../test/support/soft-authenticator.js';
import { toBase64Url } from './encoding.js';
import type { PasskeyAuthenticator } from './model.js';
import { type RelyingPartyPolicy, verifyAuthentication } from './webauthn.js';

const ORIGIN = 'https://example.com';
const rp: RelyingPartyPolicy = {
  id: 'example.com',
  name: 'Example',
  origins: [ORIGIN],
  userVerification: 'required',
  timeoutMs: 60_000,
};

/** A stored passkey for a fresh credential of `alg`, and the authenticator holding it. */
async function setup(alg: SoftAlgorithm) {
  const authenticator = new SoftAuthenticator({ origin: ORIGIN, backupEligible: false, backupState: false });
  const registration = await authenticator.createCredential(
    {
      rp: { id: rp.id, name: rp.name },
      user: { id: toBase64Url(new TextEncoder().encode('user-1')), name: 'ada', displayName: 'Ada' },
      challenge: toBase64Url(randomBytes(32)),
      pubKeyCredParams: [{ type: 'public-key', alg }],
    },
    { alg },
  );
  const info = authenticator.getCredential(registration.id);
  if (!info) throw new Error('no credential');
  const passkey: PasskeyAuthenticator = {
    method: 'PASSKEY',
    id: 'auth-1',
    userId: 'user-1',
    createdAt: new Date(),
    verifiedAt: new Date(),
    lastVerifiedAt: null,
    credentialId: info.id,
    publicKey: toBase64Url(info.cosePublicKey),
    counter: 0,
    transports: [],
    aaguid: '00000000-0000-0000-0000-000000000000',
    backupEligible: false,
    backupState: false,
    uvInitialized: true,
    name: null,
    deviceId: null,
    attachment: null,
  };
  return { authenticator, passkey };
}

async function assert(
  alg: SoftAlgorithm,
  overrides: Parameters<SoftAuthenticator['getAssertion']>[1] = {},
  change: (response: Awaited<ReturnType<SoftAuthenticator['getAssertion']>>) => void = () => {},
) {
  const { authenticator, passkey } = await setup(alg);
  const challenge = toBase64Url(randomBytes(32));
  const response = await authenticator.getAssertion({ challenge, rpId: rp.id }, overrides);
  change(response);
  return verifyAuthentication({ rp, response, expectedChallenge: challenge, passkey });
}

// ES256 and RS256 take the cached-key fast path; EdDSA is not in it, so SimpleWebAuthn verifies it.
describe.each([
  ['ES256 (cached node:crypto key)', -7],
  ['RS256 (cached node:crypto key)', -257],
  ['EdDSA (falls back to SimpleWebAuthn)', -8],
] as const)('assertion signatures, %s', (_name, alg) => {
  it('accepts a valid signature and reports the counter and flags', async () => {
    const result = await assert(alg);
    expect(result).toEqual({
      verified: true,
      value: { newCounter: 1, backupState: false, userVerified: true },
    });
  });

  it('refuses a wrong signature', async () => {
    const result = await assert(alg, { corruptSignature: true });
    expect(result).toMatchObject({ verified: false, reason: 'invalid_signature' });
  });

  it('refuses signed data changed in transit (client data, authenticator data)', async () => {
    expect(await assert(alg, { corruptClientData: true })).toMatchObject({ reason: 'invalid_signature' });
    expect(await assert(alg, { corruptAuthenticatorData: true })).toMatchObject({
      reason: 'invalid_signature',
    });
  });

  it('refuses another credential’s signature', async () => {
    const { passkey } = await setup(alg);
    const other = await setup(alg);
    const challenge = toBase64Url(randomBytes(32));
    const response = await other.authenticator.getAssertion({ challenge, rpId: rp.id });
    const result = await verifyAuthentication({ rp, response, expectedChallenge: challenge, passkey });
    expect(result).toMatchObject({ verified: false, reason: 'invalid_signature' });
  });

  it('keeps SimpleWebAuthn’s structural checks (type, id = rawId)', async () => {
    const wrongType = await assert(alg, {}, (r) => {
      (r as { type: string }).type = 'password';
    });
    expect(wrongType).toMatchObject({ verified: false, reason: 'invalid_signature' });
    const mismatchedIds = await assert(alg, {}, (r) => {
      r.rawId = toBase64Url(randomBytes(16));
    });
    expect(mismatchedIds).toMatchObject({ verified: false, reason: 'invalid_signature' });
  });
});

it('a signature with a non-minimal DER integer is left to SimpleWebAuthn, which decides as before', async () => {
  // r with a superfluous leading zero: not strict DER. SimpleWebAuthn's parser strips it.
  const result = await assert(-7, {}, (r) => {
    const der = Buffer.from(r.response.signature, 'base64url');
    const rLength = der[3] as number;
    const padded = Buffer.concat([
      Buffer.of(0x30, (der[1] as number) + 1, 0x02, rLength + 1, 0x00),
      der.subarray(4),
    ]);
    r.response.signature = padded.toString('base64url');
  });
  expect(result).toMatchObject({ verified: false, reason: 'invalid_signature' });
});
