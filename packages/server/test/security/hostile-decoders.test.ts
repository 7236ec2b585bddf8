/**
 * Hostile input against every decoder (issue 7 §5), reached through the real
 * endpoints: CBOR attestation objects and COSE keys (passkey registration),
 * authenticator data, signatures, client data and user handles (passkey
 * sign-in), base64/base64url in every binary field, JWTs (Bearer, /validate,
 * the pool's AccessToken), refresh tokens and sealed custom-auth sessions.
 * Never a 5xx, never a crash, and never a partial write: a refused ceremony
 * may spend its challenge (documented) and nothing else; any other refusal
 * writes nothing. The real artefacts still work afterwards.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type CBORType, decodeCBOR, encodeCBOR } from '@levischuck/tiny-cbor';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBinary, toBase64, toBase64Url } from '../../src/core/encoding.js';
import { enrollEmailOtp, signInWithPasskey, trackUser, userWithPasskey } from '../support/flows.js';
import { CLIENT_ID, poolTestConfig, sdkSignUpAndSignIn } from '../support/pool.js';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../support/server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { bearer, nextUser } from './helpers.js';
import {
  anyField,
  anyString,
  expectWellFormed,
  onlyChallengeSpent,
  PROPERTY_TIMEOUT,
  type RawResponse,
  RUNS,
  rawRequest,
  StateGuard,
} from './hostile.js';

let t: TestServer;
let guard: StateGuard;

beforeAll(async () => {
  t = await startTestServer({ config: poolTestConfig() });
  guard = new StateGuard(t);
});
afterAll(async () => t.close());

const postJson = (path: string, body: unknown, auth?: string) =>
  rawRequest(t, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify(body),
  });

const poolPost = (operation: string, body: unknown) =>
  rawRequest(t, {
    method: 'POST',
    path: '/',
    headers: {
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      'content-type': 'application/x-amz-json-1.1',
    },
    body: JSON.stringify(body),
  });

// ------------------------------------------------------------------ byte mutations

const cborValue: fc.Arbitrary<CBORType> = fc.letrec<{ value: CBORType }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.string({ maxLength: 20 }),
    fc.uint8Array({ maxLength: 80 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(
        fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -10, max: 10 })), tie('value')),
        {
          maxLength: 4,
        },
      )
      .map((entries) => new Map<string | number, CBORType>(entries)),
  ),
})).value;

type ByteMutation =
  | { kind: 'flip'; at: number; bit: number; count: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'replace'; bytes: Uint8Array };

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.nat({ max: 7 }),
    count: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }),
  }),
  fc.record({ kind: fc.constant('replace' as const), bytes: fc.uint8Array({ maxLength: 400 }) }),
);

function mutate(bytes: Uint8Array, m: ByteMutation): Uint8Array {
  const n = bytes.length;
  switch (m.kind) {
    case 'flip': {
      const out = bytes.slice();
      for (let k = 0; k < m.count && n > 0; k++) {
        const i = (m.at + k * 7919) % n;
        out[i] = (out[i] ?? 0) ^ (1 << m.bit);
      }
      return out;
    }
    case 'truncate':
      return bytes.slice(0, n === 0 ? 0 : m.at % n);
    case 'insert': {
      const i = n === 0 ? 0 : m.at % (n + 1);
      return new Uint8Array([...bytes.slice(0, i), ...m.bytes, ...bytes.slice(i)]);
    }
    case 'replace':
      return m.bytes;
  }
}

/** Text for a binary field: base64-looking (any alphabet, any padding) or anything at all. */
const binaryText = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9+/_-]{0,60}={0,3}$/),
  anyString,
  fc.uint8Array({ maxLength: 64 }).map((b) => toBase64(b)),
);

type FieldDamage =
  | { kind: 'bytes'; m: ByteMutation }
  | { kind: 'text'; text: string }
  | { kind: 'value'; value: unknown };

/** How one encoded field of a credential is damaged. */
const fieldDamage: fc.Arbitrary<FieldDamage> = fc.oneof(
  { weight: 3, arbitrary: byteMutation.map((m) => ({ kind: 'bytes' as const, m })) },
  { weight: 1, arbitrary: binaryText.map((text) => ({ kind: 'text' as const, text })) },
  { weight: 1, arbitrary: anyField.map((value) => ({ kind: 'value' as const, value })) },
);

function damage(encoded: string, d: FieldDamage): unknown {
  if (d.kind === 'text') return d.text;
  if (d.kind === 'value') return d.value;
  return toBase64Url(mutate(decodeBinary(encoded, 'field'), d.m));
}

type ClientDataDamage =
  | { kind: 'members'; members: Record<string, unknown> }
  | { kind: 'json'; value: unknown }
  | { kind: 'bytes'; m: ByteMutation };

/** Hostile client data: the real JSON with members replaced, other JSON, or raw bytes. */
const clientDataDamage: fc.Arbitrary<ClientDataDamage> = fc.oneof(
  fc
    .record(
      {
        type: anyField,
        challenge: anyField,
        origin: anyField,
        crossOrigin: anyField,
        topOrigin: anyField,
        tokenBinding: anyField,
      },
      { requiredKeys: [] },
    )
    .map((members) => ({ kind: 'members' as const, members })),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })),
  byteMutation.map((m) => ({ kind: 'bytes' as const, m })),
);

function damageClientData(encoded: string, d: ClientDataDamage): string {
  const bytes = decodeBinary(encoded, 'clientDataJSON');
  if (d.kind === 'bytes') return toBase64Url(mutate(bytes, d.m));
  if (d.kind === 'json') return toBase64Url(new TextEncoder().encode(JSON.stringify(d.value) ?? 'null'));
  const real = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  return toBase64Url(new TextEncoder().encode(JSON.stringify({ ...real, ...d.members })));
}

/** The outcome of a hostile ceremony, judged against what it changed. */
async function expectCeremonyOutcome(response: RawResponse, challengeId: string): Promise<void> {
  expectWellFormed(response, 'auth');
  const changes = await guard.changes();
  const refusedCeremony =
    (response.status === 200 && response.json.isVerified === false) ||
    (response.status === 400 && response.json.errorCode === 'unknown_credential');
  if (refusedCeremony) {
    // A ceremony judged and refused has spent its challenge, and that is all.
    expect(onlyChallengeSpent(changes, challengeId), JSON.stringify(changes)).toBe(true);
  } else if (response.status >= 400) {
    // Refused before judging (malformed input): nothing at all, not even the challenge.
    expect(changes, response.text).toEqual([]);
  }
  if (response.status === 200) expect(typeof response.json.isVerified).toBe('boolean');
}

// ------------------------------------------------------------------ passkeys

describe('WebAuthn decoders', () => {
  it(
    'CBOR attestationObject / authenticatorData / COSE key at registration: no 5xx, no partial write',
    async () => {
      const { userId, email } = nextUser('cbor');
      const { token } = await trackUser(t, userId, email);
      const resultToken = await enrollEmailOtp(t, token, email);
      await guard.reset();
      const attestationDamage = fc.oneof(
        { weight: 4, arbitrary: byteMutation.map((m) => ({ kind: 'bytes' as const, m })) },
        {
          weight: 2,
          arbitrary: fc
            .record({ fmt: cborValue, attStmt: cborValue, authData: fc.oneof(cborValue, byteMutation) })
            .map((parts) => ({ kind: 'cbor' as const, parts })),
        },
        { weight: 1, arbitrary: binaryText.map((text) => ({ kind: 'text' as const, text })) },
      );
      await fc.assert(
        fc.asyncProperty(
          attestationDamage,
          fc.option(clientDataDamage, { freq: 4 }),
          async (d, clientData) => {
            const options = await postJson(
              '/v1/client/user-authenticators/passkey/registration-options',
              {},
              bearer(resultToken),
            );
            expect(options.status).toBe(200);
            await guard.changes(); // the new challenge is not the hostile request's doing
            const credential = await new SoftAuthenticator().createCredential(options.json.options, {
              origin: TEST_ORIGIN,
            });
            let attestationObject: string;
            if (d.kind === 'text') attestationObject = d.text;
            else if (d.kind === 'bytes')
              attestationObject = toBase64Url(
                mutate(decodeBinary(credential.response.attestationObject, 'a'), d.m),
              );
            else {
              const real = decodeCBOR(decodeBinary(credential.response.attestationObject, 'a')) as Map<
                string,
                CBORType
              >;
              const authData =
                d.parts.authData !== null &&
                typeof d.parts.authData === 'object' &&
                'kind' in d.parts.authData
                  ? mutate(real.get('authData') as Uint8Array, d.parts.authData as ByteMutation)
                  : d.parts.authData;
              attestationObject = toBase64Url(
                encodeCBOR(
                  new Map<string, CBORType>([
                    ['fmt', d.parts.fmt],
                    ['attStmt', d.parts.attStmt],
                    ['authData', authData as CBORType],
                  ]),
                ),
              );
            }
            const response = await postJson(
              '/v1/client/user-authenticators/passkey',
              {
                challengeId: options.json.challengeId,
                registrationCredential: {
                  ...credential,
                  response: {
                    ...credential.response,
                    attestationObject,
                    ...(clientData
                      ? { clientDataJSON: damageClientData(credential.response.clientDataJSON, clientData) }
                      : {}),
                  },
                },
              },
              bearer(resultToken),
            );
            await expectCeremonyOutcome(response, options.json.challengeId);
          },
        ),
        { numRuns: RUNS },
      );
      // Whatever was accepted is a complete passkey.
      for (const passkey of (await t.server.store.listAuthenticators(userId)).filter(
        (a) => a.method === 'PASSKEY',
      )) {
        expect(
          passkey.method === 'PASSKEY' && decodeBinary(passkey.publicKey, 'publicKey').length,
        ).toBeGreaterThan(0);
      }
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'authenticatorData, signature, clientDataJSON, userHandle and ids at sign-in: no 5xx, no partial write',
    async () => {
      const { userId, email } = nextUser('assert');
      const { authenticator } = await userWithPasskey(t, userId, email);
      const field = fc.constantFrom('authenticatorData', 'signature', 'userHandle', 'id', 'rawId', 'type');
      await guard.reset();
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.tuple(field, fieldDamage).map(([name, d]) => ({ kind: 'field' as const, name, d })),
            clientDataDamage.map((d) => ({ kind: 'clientData' as const, d })),
          ),
          async (hostile) => {
            const started = await postJson('/v1/client/challenge', {}, t.tenantAuth);
            expect(started.status).toBe(200);
            const challengeId = started.json.challengeId as string;
            const challenge = (await t.server.store.getChallenge(challengeId))?.challenge as string;
            await guard.changes();
            const assertion = await authenticator.getAssertion(
              { challenge, rpId: 'localhost', allowCredentials: [], userVerification: 'required' },
              { origin: TEST_ORIGIN },
            );
            const body: Record<string, unknown> = { ...assertion, response: { ...assertion.response } };
            const response = body.response as Record<string, unknown>;
            if (hostile.kind === 'clientData') {
              response.clientDataJSON = damageClientData(assertion.response.clientDataJSON, hostile.d);
            } else if (hostile.name === 'id' || hostile.name === 'rawId' || hostile.name === 'type') {
              body[hostile.name] = damage(assertion.id, hostile.d);
            } else {
              response[hostile.name] = damage(
                (assertion.response as unknown as Record<string, string>)[hostile.name] ?? '',
                hostile.d,
              );
            }
            const answer = await postJson(
              '/v1/client/verify/passkey',
              { challengeId, authenticationCredential: body },
              t.tenantAuth,
            );
            await expectCeremonyOutcome(answer, challengeId);
          },
        ),
        { numRuns: RUNS },
      );
      // The passkey is intact and still signs in.
      expect((await signInWithPasskey(t, authenticator)).body).toMatchObject({ isVerified: true, userId });
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'credential lookups with any text as credentialId: no 5xx, no write',
    async () => {
      await guard.reset();
      await fc.assert(
        fc.asyncProperty(fc.array(binaryText, { minLength: 1, maxLength: 3 }), async (ids) => {
          const query = new URLSearchParams();
          for (const id of ids) {
            try {
              query.append('credentialId', id);
            } catch {
              // lone surrogates cannot be encoded
            }
          }
          const response = await rawRequest(t, {
            method: 'GET',
            path: `/v1/client/user-authenticators/passkey?${query}`,
            headers: { authorization: t.tenantAuth },
          });
          expectWellFormed(response, 'auth');
          expect([200, 400]).toContain(response.status);
          expect(await guard.changes()).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );
});

// ------------------------------------------------------------------ JWTs

/** Keys that are not the server's, one per algorithm family. */
const FOREIGN_KEYS = [
  { alg: 'HS256', key: new Uint8Array(randomBytes(32)) },
  { alg: 'RS256', key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey },
  { alg: 'ES256', key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey },
] as const;

/** Forged or damaged compact JWS strings, built around a real token. */
function hostileJwt(real: string, realKid?: string): fc.Arbitrary<string | Promise<string>> {
  const [header = '', payload = '', signature = ''] = real.split('.');
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const decodedPayload = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const segment = fc.oneof(
    binaryText,
    fc.uint8Array({ maxLength: 80 }).map((b) => toBase64Url(b)),
  );
  return fc.oneof(
    anyString,
    fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
    // One character changed in one segment of the real token.
    fc
      .tuple(
        fc.nat({ max: 2 }),
        fc.nat(),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
      )
      .map(([which, at, char]) => {
        const parts = [header, payload, signature];
        const part = parts[which] ?? '';
        const i = part.length === 0 ? 0 : at % part.length;
        parts[which] = `${part.slice(0, i)}${char}${part.slice(i + 1)}`;
        return parts.join('.');
      }),
    // alg "none", or a payload swapped under the real signature.
    fc
      .record({ sub: anyField, exp: anyField, aud: anyField, other: anyField }, { requiredKeys: [] })
      .map(
        (claims) =>
          `${b64({ alg: 'none', typ: 'JWT', kid: realKid })}.${b64({ ...decodedPayload, ...claims })}.`,
      ),
    fc
      .record(
        { sub: anyField, userId: anyField, token_use: anyField, client_id: anyField },
        { requiredKeys: [] },
      )
      .map((claims) => `${header}.${b64({ ...decodedPayload, ...claims })}.${signature}`),
    // Properly signed, with a key that is not ours.
    fc
      .constantFrom(...FOREIGN_KEYS)
      .map(({ alg, key }) =>
        new SignJWT(decodedPayload)
          .setProtectedHeader({ alg, ...(realKid ? { kid: realKid } : {}) })
          .sign(key),
      ),
  );
}

const resolve = async (token: string | Promise<string>) => token;

describe('JWT decoders', () => {
  it(
    'Bearer track/result tokens: forged or damaged → 401 in the envelope, no write',
    async () => {
      const { userId, email } = nextUser('jwt');
      const { token } = await trackUser(t, userId, email);
      await guard.reset();
      await fc.assert(
        fc.asyncProperty(
          hostileJwt(token),
          fc.constantFrom(
            ['GET', '/v1/client/user-authenticators'],
            ['POST', '/v1/client/verify/email-otp'],
            ['POST', '/v1/client/user-authenticators/passkey/registration-options'],
            ['POST', '/v1/client/verify/passkey'],
          ),
          async (forged, [method, path]) => {
            const jwt = (await resolve(forged)).replace(/[^\x21-\x7e]/g, '');
            fc.pre(jwt !== token);
            const response = await rawRequest(t, {
              method: method as string,
              path: path as string,
              headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
              body: '{"verificationCode":"123456"}',
            });
            expectWellFormed(response, 'auth');
            expect(
              response.status === 401 || response.json.errorCode === 'invalid_request',
              response.text,
            ).toBe(true);
            if (response.status === 401) {
              expect(['unauthorized', 'token_invalid', 'expired_token']).toContain(response.json.errorCode);
            }
            expect(await guard.changes()).toEqual([]);
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    '/validate: any token → isValid false (never an error), nothing consumed',
    async () => {
      const { userId, email } = nextUser('jwt-validate');
      const { token } = await trackUser(t, userId, email);
      const resultToken = await enrollEmailOtp(t, token, email);
      await guard.reset();
      await fc.assert(
        fc.asyncProperty(hostileJwt(resultToken), async (forged) => {
          const jwt = await resolve(forged);
          fc.pre(jwt !== resultToken);
          const response = await postJson('/v1/validate', { token: jwt }, t.secretAuth);
          expectWellFormed(response, 'auth');
          if (response.status === 200) expect(response.json.isValid).toBe(false);
          else expect(response.json.errorCode).toBe('invalid_request'); // empty or over-long token
          expect(await guard.changes()).toEqual([]);
        }),
        { numRuns: RUNS },
      );
      // The real result token was not consumed by any of it.
      const real = await postJson('/v1/validate', { token: resultToken }, t.secretAuth);
      expect(real.json.isValid).toBe(true);
    },
    PROPERTY_TIMEOUT,
  );
});

// ------------------------------------------------------------------ user pool

describe('user-pool decoders', () => {
  let accessToken: string;
  let idToken: string;
  let refreshToken: string;
  let liveSession: { Session: string; USERNAME: string };

  beforeAll(async () => {
    const { email } = nextUser('pool-hostile');
    const { client, tokens } = await sdkSignUpAndSignIn(t, email);
    accessToken = tokens.AccessToken as string;
    idToken = tokens.IdToken as string;
    refreshToken = tokens.RefreshToken as string;
    const again = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: email },
      }),
    );
    liveSession = {
      Session: again.Session as string,
      USERNAME: again.ChallengeParameters?.USERNAME as string,
    };
  });

  it(
    'AccessToken (GetUser, UpdateUserAttributes, DeleteUser, GlobalSignOut): forged → NotAuthorized, no write',
    async () => {
      const kid = JSON.parse(Buffer.from(accessToken.split('.')[0] ?? '', 'base64url').toString())
        .kid as string;
      await guard.reset();
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(hostileJwt(accessToken, kid), fc.constant(idToken)),
          fc.constantFrom('GetUser', 'UpdateUserAttributes', 'DeleteUser', 'GlobalSignOut'),
          async (forged, operation) => {
            const jwt = await resolve(forged);
            fc.pre(jwt !== accessToken);
            const response = await poolPost(operation, {
              AccessToken: jwt,
              UserAttributes: [{ Name: 'name', Value: 'Mallory' }],
            });
            expectWellFormed(response, 'pool');
            expect(response.status).toBe(400);
            // InvalidParameter: empty or over-long; Serialization: a NUL character in the body.
            expect([
              'NotAuthorizedException',
              'InvalidParameterException',
              'SerializationException',
            ]).toContain(response.json.__type);
            expect(await guard.changes()).toEqual([]);
          },
        ),
        { numRuns: RUNS },
      );
      const still = await poolPost('GetUser', { AccessToken: accessToken });
      expect(still.status).toBe(200);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'refresh tokens (GetTokensFromRefreshToken, REFRESH_TOKEN_AUTH, RevokeToken): forged → refused, nothing revoked',
    async () => {
      const [id = ''] = refreshToken.split('.');
      const hostileRefresh = fc.oneof(
        anyString,
        binaryText.map((secret) => `${id}.${secret}`),
        fc.nat().map((at) => {
          const i = at % refreshToken.length;
          return `${refreshToken.slice(0, i)}${refreshToken[i] === 'A' ? 'B' : 'A'}${refreshToken.slice(i + 1)}`;
        }),
        fc.constant(`${refreshToken}x`),
        fc.constant(accessToken),
      );
      await guard.reset();
      await fc.assert(
        fc.asyncProperty(
          hostileRefresh,
          fc.constantFrom('GetTokensFromRefreshToken', 'InitiateAuth', 'RevokeToken'),
          async (token, operation) => {
            fc.pre(token !== refreshToken);
            const body =
              operation === 'InitiateAuth'
                ? {
                    AuthFlow: 'REFRESH_TOKEN_AUTH',
                    ClientId: CLIENT_ID,
                    AuthParameters: { REFRESH_TOKEN: token },
                  }
                : operation === 'RevokeToken'
                  ? { ClientId: CLIENT_ID, Token: token }
                  : { ClientId: CLIENT_ID, RefreshToken: token };
            const response = await poolPost(operation, body);
            expectWellFormed(response, 'pool');
            // RevokeToken answers 200 for an unknown token (RFC 7009); it must still revoke nothing.
            if (operation !== 'RevokeToken') expect(response.status).toBe(400);
            expect(await guard.changes()).toEqual([]);
          },
        ),
        { numRuns: RUNS },
      );
      const still = await poolPost('GetTokensFromRefreshToken', {
        ClientId: CLIENT_ID,
        RefreshToken: refreshToken,
      });
      expect(still.status).toBe(200);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'RespondToAuthChallenge Session blobs: forged or damaged → Invalid session, the live one unspent',
    async () => {
      const session = liveSession.Session;
      const hostileSession = fc.oneof(
        anyString,
        fc.uint8Array({ minLength: 0, maxLength: 600 }).map((b) => toBase64Url(b)),
        fc.uint8Array({ minLength: 0, maxLength: 600 }).map((b) => toBase64Url(new Uint8Array([1, ...b]))),
        fc
          .tuple(
            fc.nat(),
            fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
          )
          .map(([at, char]) => {
            const i = at % session.length;
            return `${session.slice(0, i)}${char}${session.slice(i + 1)}`;
          }),
        fc.nat().map((at) => session.slice(0, at % session.length)),
        binaryText.map((tail) => `${session}${tail}`),
      );
      await guard.reset();
      await fc.assert(
        fc.asyncProperty(
          hostileSession,
          fc.dictionary(fc.constantFrom('USERNAME', 'ANSWER'), anyString),
          async (forged, responses) => {
            fc.pre(forged !== session);
            const response = await poolPost('RespondToAuthChallenge', {
              ClientId: CLIENT_ID,
              ChallengeName: 'CUSTOM_CHALLENGE',
              Session: forged,
              ChallengeResponses: { USERNAME: liveSession.USERNAME, ...responses },
            });
            expectWellFormed(response, 'pool');
            expect(response.status).toBe(400);
            if (response.json.__type === 'NotAuthorizedException') {
              expect(response.json.message).toBe('Invalid session for the user.');
            } else {
              expect(['InvalidParameterException', 'SerializationException']).toContain(response.json.__type);
            }
            expect(await guard.changes()).toEqual([]);
          },
        ),
        { numRuns: RUNS },
      );
      // None of that spent the live session: it still answers (a wrong answer gets a new challenge).
      const live = await poolPost('RespondToAuthChallenge', {
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: session,
        ChallengeResponses: { USERNAME: liveSession.USERNAME, ANSWER: 'wrong' },
      });
      expect(live.status).toBe(200);
      expect(live.json.ChallengeName).toBe('CUSTOM_CHALLENGE');
    },
    PROPERTY_TIMEOUT,
  );
});
