/**
 * Hostile input against every HTTP endpoint (issue 7 §5): property-based
 * requests (fast-check) with arbitrary methods' bodies, content types,
 * credentials, path parameters and query strings. Every answer is below 500,
 * JSON, in the documented error envelope, with the security headers, and a
 * refused request writes nothing. Also: body size and JSON depth limits,
 * security headers and CORS from config.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/http/json.js';
import { OPERATIONS } from '../../src/user-pool/operations/index.js';
import { trackUser, userWithPasskey } from '../support/flows.js';
import { CLIENT_ID, POOL_ID, poolTestConfig } from '../support/pool.js';
import { basicAuth, startTestServer, TEST_ORIGIN, type TestServer } from '../support/server.js';
import { bearer, nextUser } from './helpers.js';
import {
  anyField,
  anyString,
  expectSecurityHeaders,
  expectWellFormed,
  jsonText,
  PROPERTY_TIMEOUT,
  pathSegment,
  type RawRequest,
  RUNS,
  rawRequest,
  StateGuard,
} from './hostile.js';

const APP_ORIGIN = 'https://app.example.com';

let t: TestServer;
let guard: StateGuard;
let trackToken: string;
let seededUserId: string;

beforeAll(async () => {
  t = await startTestServer({
    config: poolTestConfig({
      http: { bodyLimitBytes: 65_536, corsOrigins: [APP_ORIGIN], trustProxy: false },
    }),
  });
  guard = new StateGuard(t);
  const seeded = nextUser('hostile');
  seededUserId = seeded.userId;
  await userWithPasskey(t, seeded.userId, seeded.email);
  const sacrificial = nextUser('hostile-track');
  trackToken = (await trackUser(t, sacrificial.userId, sacrificial.email)).token;
});
afterAll(async () => t.close());

/** Printable header text (fetch refuses control characters in header values). */
const headerText = fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));

const authorization = () =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant(basicAuth(t.config.tenant.id)),
    fc.constant(basicAuth(t.config.tenant.secretKey)),
    fc.constant(bearer(trackToken)),
    headerText.map((s) => `Bearer ${s}`),
    headerText.map((s) => `Basic ${s}`),
    headerText.map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
    headerText,
  );

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-amz-json-1.1',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  '',
);

const credential = fc.record(
  {
    id: anyField,
    rawId: anyField,
    type: fc.oneof(fc.constant('public-key'), anyField),
    response: fc.oneof(
      fc.record(
        {
          clientDataJSON: anyField,
          attestationObject: anyField,
          authenticatorData: anyField,
          signature: anyField,
          userHandle: anyField,
          transports: fc.oneof(fc.array(anyString, { maxLength: 20 }), anyField),
        },
        { requiredKeys: [] },
      ),
      anyField,
    ),
    clientExtensionResults: anyField,
  },
  { requiredKeys: [] },
);

/** Bodies that mention the fields the auth API reads, with hostile values. */
const authBody = fc.oneof(
  jsonText,
  fc
    .record(
      {
        email: fc.oneof(fc.emailAddress(), anyField),
        verificationCode: fc.oneof(fc.stringMatching(/^\d{6}$/), anyField),
        challengeId: fc.oneof(fc.uuid(), anyField),
        registrationCredential: fc.oneof(credential, anyField),
        authenticationCredential: fc.oneof(credential, anyField),
        action: anyField,
        idempotencyKey: anyField,
        username: anyField,
        displayName: anyField,
        authenticatorAttachment: anyField,
        deviceId: anyField,
        userAuthenticatorId: anyField,
        token: anyField,
        userId: anyField,
        phoneNumber: anyField,
        scope: fc.oneof(fc.constantFrom('add:authenticators', 'read:authenticators'), anyField),
        custom: anyField,
        state: fc.oneof(fc.constantFrom('BLOCK', 'ALLOW', 'CHALLENGE_SUCCEEDED'), anyField),
        verificationMethod: fc.oneof(fc.constantFrom('EMAIL_OTP', 'PASSKEY'), anyField),
        emailVerified: anyField,
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
);

const query = fc
  .dictionary(
    fc.constantFrom(
      'credentialId',
      'credentialIds',
      'email',
      'limit',
      'lastEvaluatedUserId',
      'token',
      'type',
      'before',
      'userId',
      'action',
      'challengeId',
      'verificationMethod',
      'to',
      'username',
    ),
    anyString,
    { maxKeys: 4 },
  )
  .map((entries) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(entries)) {
      try {
        params.append(key, value);
      } catch {
        // lone surrogates cannot be encoded
      }
    }
    const text = params.toString();
    return text ? `?${text}` : '';
  });

/** Every auth-API and public route; `:x` segments are filled with hostile text. */
const AUTH_ROUTES: [method: string, path: string][] = [
  ['POST', '/v1/client/challenge'],
  ['POST', '/v1/client/user-authenticators/passkey/registration-options'],
  ['POST', '/v1/client/user-authenticators/passkey'],
  ['POST', '/v1/client/user-authenticators/passkey/authentication-options'],
  ['POST', '/v1/client/verify/passkey'],
  ['GET', '/v1/client/user-authenticators/passkey'],
  ['GET', '/v1/client/user-authenticators'],
  ['POST', '/v1/client/user-authenticators/email-otp'],
  ['POST', '/v1/client/challenge/email-otp'],
  ['POST', '/v1/client/verify/email-otp'],
  ['POST', '/v1/users/:userId/actions/:action'],
  ['POST', '/v1/validate'],
  ['GET', '/v1/users/:userId'],
  ['GET', '/v1/users'],
  ['PATCH', '/v1/users/:userId'],
  ['DELETE', '/v1/users/:userId'],
  ['GET', '/v1/users/:userId/events'],
  ['GET', '/v1/users/:userId/authenticators'],
  ['POST', '/v1/users/:userId/authenticators'],
  ['DELETE', '/v1/users/:userId/authenticators/:authenticatorId'],
  ['GET', '/v1/challenges'],
  ['GET', '/v1/users/:userId/challenge'],
  ['GET', '/v1/users/:userId/actions/:action/:idempotencyKey'],
  ['PATCH', '/v1/users/:userId/actions/:action/:idempotencyKey'],
  ['GET', '/health'],
  ['GET', '/.well-known/apple-app-site-association'],
  ['GET', '/.well-known/assetlinks.json'],
  ['GET', '/dev/mailbox'],
  ['GET', `/${POOL_ID}/.well-known/openid-configuration`],
  ['POST', '/:anything'],
];

function notPolluted(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}

describe('hostile requests to every auth-API route', () => {
  for (const [method, template] of AUTH_ROUTES) {
    const params = template.match(/:\w+/g) ?? [];
    it(
      `${method} ${template}: never 5xx, always the envelope, no write when refused`,
      async () => {
        await guard.reset();
        await fc.assert(
          fc.asyncProperty(
            fc.array(pathSegment, { minLength: params.length, maxLength: params.length }),
            authorization(),
            contentType,
            authBody,
            query,
            async (segments, auth, type, body, search) => {
              let path = template;
              segments.forEach((segment, i) => {
                path = path.replace(params[i] as string, segment);
              });
              const response = await rawRequest(t, {
                method,
                path: `${path}${search}`,
                headers: {
                  ...(auth !== undefined ? { authorization: auth } : {}),
                  ...(type ? { 'content-type': type } : {}),
                },
                body,
              });
              expectWellFormed(response, 'auth');
              await guard.check(response);
            },
          ),
          { numRuns: RUNS },
        );
        notPolluted();
      },
      PROPERTY_TIMEOUT,
    );
  }
});

const attribute = fc.record({ Name: anyField, Value: anyField }, { requiredKeys: [] });

/** Bodies that mention the fields the user pool reads, with hostile values. */
const poolBody = fc.oneof(
  jsonText,
  fc
    .record(
      {
        ClientId: fc.oneof(fc.constant(CLIENT_ID), anyField),
        UserPoolId: fc.oneof(fc.constant(POOL_ID), anyField),
        Username: fc.oneof(fc.emailAddress(), anyField),
        Password: anyField,
        AuthFlow: fc.oneof(fc.constantFrom('CUSTOM_AUTH', 'REFRESH_TOKEN_AUTH', 'USER_SRP_AUTH'), anyField),
        AuthParameters: fc.oneof(
          fc.dictionary(fc.constantFrom('USERNAME', 'REFRESH_TOKEN', 'SRP_A', 'CHALLENGE_NAME'), anyField),
          anyField,
        ),
        ChallengeName: fc.oneof(fc.constant('CUSTOM_CHALLENGE'), anyField),
        ChallengeResponses: fc.oneof(
          fc.dictionary(fc.constantFrom('USERNAME', 'ANSWER'), anyField),
          anyField,
        ),
        Session: anyField,
        AccessToken: anyField,
        Token: anyField,
        RefreshToken: anyField,
        ConfirmationCode: anyField,
        UserAttributes: fc.oneof(fc.array(attribute, { maxLength: 5 }), anyField),
        UserAttributeNames: fc.oneof(fc.array(anyString, { maxLength: 5 }), anyField),
        ClientMetadata: fc.oneof(fc.dictionary(anyString, anyString, { maxKeys: 3 }), anyField),
        Filter: anyField,
        Limit: anyField,
        PaginationToken: anyField,
        MessageAction: anyField,
        TemporaryPassword: anyField,
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
);

const sigV4ish = fc.oneof(
  fc.constant(undefined),
  headerText,
  fc
    .tuple(headerText, headerText)
    .map(
      ([key, sig]) =>
        `AWS4-HMAC-SHA256 Credential=${key}/20250101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`,
    ),
);

describe('hostile requests to every user-pool operation', () => {
  for (const name of [...OPERATIONS.keys(), 'NoSuchOperation']) {
    it(
      `${name}: never 5xx, always Cognito’s envelope, no write when refused`,
      async () => {
        await guard.reset();
        await fc.assert(
          fc.asyncProperty(
            poolBody,
            sigV4ish,
            fc.constantFrom(
              'application/x-amz-json-1.1',
              'application/json',
              'text/plain',
              'application/xml',
            ),
            pathSegment,
            fc.option(
              headerText.map((s) => s.replace(/[^\w-]/g, '')),
              { nil: undefined },
            ),
            async (body, auth, type, segment, dateHeader) => {
              const response = await rawRequest(t, {
                method: 'POST',
                path: `/${segment === 'x' ? '' : segment}`,
                headers: {
                  'x-amz-target': `AWSCognitoIdentityProviderService.${name}`,
                  'content-type': type,
                  ...(auth !== undefined ? { authorization: auth } : {}),
                  ...(dateHeader !== undefined ? { 'x-amz-date': dateHeader } : {}),
                },
                body,
              });
              expectWellFormed(response, 'pool');
              await guard.check(response);
            },
          ),
          { numRuns: RUNS },
        );
        notPolluted();
      },
      PROPERTY_TIMEOUT,
    );
  }

  it(
    'any X-Amz-Target: never 5xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(headerText, poolBody, async (target, body) => {
          const response = await rawRequest(t, {
            method: 'POST',
            path: '/',
            headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
            body,
          });
          expect(response.status).toBeLessThan(500);
          expectSecurityHeaders(response.headers);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );
});

describe('body size and JSON depth limits', () => {
  it('refuses a body over http.bodyLimitBytes on the auth API and the user pool, writing nothing', async () => {
    await guard.reset();
    const big = JSON.stringify({ email: 'big@example.com', custom: { blob: 'x'.repeat(70_000) } });
    const auth = await rawRequest(t, {
      method: 'POST',
      path: '/v1/users/big-user/actions/signIn',
      headers: { authorization: t.secretAuth, 'content-type': 'application/json' },
      body: big,
    });
    expect(auth.status).toBe(400);
    expect(auth.json.errorCode).toBe('invalid_request');
    expectWellFormed(auth, 'auth');
    await guard.check(auth);
    const pool = await rawRequest(t, {
      method: 'POST',
      path: '/',
      headers: {
        'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: JSON.stringify({
        ClientId: CLIENT_ID,
        Username: 'big@example.com',
        Password: 'x'.repeat(70_000),
      }),
    });
    expect(pool.status).toBe(400);
    expectWellFormed(pool, 'pool');
    await guard.check(pool);
    // Just under the limit is parsed (and then judged on its content).
    const under = await rawRequest(t, {
      method: 'POST',
      path: '/v1/validate',
      headers: { authorization: t.secretAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'x'.repeat(8000), pad: 'y'.repeat(50_000) }),
    });
    expect(under.status).toBe(200);
    expect(under.json.isValid).toBe(false);
  });

  it(`accepts JSON nested ${MAX_JSON_DEPTH} deep and refuses ${MAX_JSON_DEPTH + 1}`, async () => {
    const nested = (depth: number) => `{"token":"x","pad":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const send = (depth: number, target?: string) =>
      rawRequest(t, {
        method: 'POST',
        path: target ? '/' : '/v1/validate',
        headers: {
          authorization: t.secretAuth,
          'content-type': 'application/json',
          ...(target ? { 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` } : {}),
        },
        body: nested(depth),
      });
    expect((await send(MAX_JSON_DEPTH)).status).toBe(200);
    const deep = await send(MAX_JSON_DEPTH + 1);
    expect(deep.status).toBe(400);
    expect(deep.json.errorCode).toBe('invalid_request');
    const poolDeep = await send(MAX_JSON_DEPTH + 1, 'GetUser');
    expect(poolDeep.status).toBe(400);
    expect(poolDeep.json.__type).toBe('SerializationException');
    // 100 000 levels: refused by the pre-scan, no stack overflow.
    const huge = await rawRequest(t, {
      method: 'POST',
      path: '/v1/validate',
      headers: { authorization: t.secretAuth, 'content-type': 'application/json' },
      body: '['.repeat(60_000),
    });
    expect(huge.status).toBe(400);
  });
});

describe('NUL characters', () => {
  it('refuses U+0000 in a path parameter, a query value, a JSON string or key (PostgreSQL cannot store it)', async () => {
    await guard.reset();
    const requests: RawRequest[] = [
      { method: 'POST', path: '/v1/users/a%00b/actions/signIn', headers: { authorization: t.secretAuth } },
      { method: 'GET', path: '/v1/users?email=a%00@example.com', headers: { authorization: t.secretAuth } },
      {
        method: 'POST',
        path: '/v1/users/nul-user/actions/signIn',
        headers: { authorization: t.secretAuth, 'content-type': 'application/json' },
        body: '{"email":"a\\u0000@example.com"}',
      },
      {
        method: 'POST',
        path: '/v1/client/verify/passkey',
        headers: { authorization: t.tenantAuth, 'content-type': 'application/json' },
        body: '{"challengeId":"\\u0000","authenticationCredential":{}}',
      },
      {
        method: 'POST',
        path: '/v1/validate',
        headers: { authorization: t.secretAuth, 'content-type': 'application/json' },
        body: '{"token":"x","a\\u0000":1}',
      },
    ];
    for (const request of requests) {
      const response = await rawRequest(t, request);
      expect(response.status, request.path).toBe(400);
      expect(response.json.errorCode).toBe('invalid_request');
      expectWellFormed(response, 'auth');
    }
    const pool = await rawRequest(t, {
      method: 'POST',
      path: '/',
      headers: {
        'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: JSON.stringify({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'a\u0000@x.io' },
      }),
    });
    expect(pool.status).toBe(400);
    expectWellFormed(pool, 'pool');
    expect(await guard.changes()).toEqual([]);
  });
});

describe('security headers', () => {
  it('every kind of answer carries nosniff, no-store, no-referrer and DENY', async () => {
    const requests: [string, Parameters<typeof rawRequest>[1], { cacheable?: boolean }?][] = [
      ['health', { method: 'GET', path: '/health' }],
      [
        '200 JSON',
        { method: 'GET', path: `/v1/users/${seededUserId}`, headers: { authorization: t.secretAuth } },
      ],
      ['401', { method: 'GET', path: `/v1/users/${seededUserId}` }],
      ['404', { method: 'GET', path: '/nope' }],
      [
        '400',
        {
          method: 'POST',
          path: '/v1/validate',
          headers: { authorization: t.secretAuth, 'content-type': 'application/json' },
          body: '{',
        },
      ],
      [
        '415-ish',
        {
          method: 'POST',
          path: '/v1/validate',
          headers: { authorization: t.secretAuth, 'content-type': 'application/xml' },
          body: '<a/>',
        },
      ],
      ['well-known', { method: 'GET', path: '/.well-known/apple-app-site-association' }],
      ['dev mailbox', { method: 'GET', path: '/dev/mailbox?to=a@example.com' }],
      [
        'pool error',
        {
          method: 'POST',
          path: '/',
          headers: {
            'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser',
            'content-type': 'application/x-amz-json-1.1',
          },
          body: '{}',
        },
      ],
      [
        'preflight',
        {
          method: 'OPTIONS',
          path: '/v1/client/challenge',
          headers: { origin: TEST_ORIGIN, 'access-control-request-method': 'POST' },
        },
      ],
      // Public keys may be cached (Cognito does too); everything else is no-store.
      ['jwks', { method: 'GET', path: `/${POOL_ID}/.well-known/jwks.json` }, { cacheable: true }],
    ];
    for (const [label, request, options] of requests) {
      const response = await rawRequest(t, request);
      expect(response.status, label).toBeLessThan(500);
      expectSecurityHeaders(response.headers, options);
    }
    const jwks = await rawRequest(t, { method: 'GET', path: `/${POOL_ID}/.well-known/jwks.json` });
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
  });
});

describe('CORS from config', () => {
  const preflight = (origin: string) =>
    rawRequest(t, {
      method: 'OPTIONS',
      path: '/v1/client/challenge',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
  const simple = (origin: string) =>
    rawRequest(t, {
      method: 'POST',
      path: '/v1/client/challenge',
      headers: { origin, authorization: t.tenantAuth, 'content-type': 'application/json' },
      body: '{}',
    });

  it('echoes an allowed origin (relying-party web origins and http.corsOrigins), with Vary: Origin', async () => {
    for (const origin of [TEST_ORIGIN, APP_ORIGIN]) {
      for (const response of [await preflight(origin), await simple(origin)]) {
        expect(response.headers.get('access-control-allow-origin')).toBe(origin);
        expect(response.headers.get('vary')).toMatch(/Origin/);
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      }
    }
    const allowed = await preflight(APP_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  });

  it(
    'never allows another origin, however close',
    async () => {
      for (const origin of [
        'https://evil.example',
        'https://app.example.com.evil.example',
        'http://app.example.com',
        'https://app.example.com:444',
        'null',
        `${APP_ORIGIN}/`,
      ]) {
        for (const response of [await preflight(origin), await simple(origin)]) {
          expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
        }
      }
      await fc.assert(
        fc.asyncProperty(headerText, async (origin) => {
          fc.pre(origin !== TEST_ORIGIN && origin !== APP_ORIGIN);
          const response = await preflight(origin);
          expect(response.headers.get('access-control-allow-origin')).toBeNull();
        }),
        { numRuns: Math.min(RUNS, 50) },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it('allows any origin on the user-pool API only (as Cognito), still without credentials', async () => {
    const response = await rawRequest(t, {
      method: 'POST',
      path: '/',
      headers: {
        origin: 'https://evil.example',
        'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
