import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { buildQueryString, HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoolError, type PoolErrorType } from '../core/errors.js';
import {
  MESSAGE_MISSING_TOKEN,
  MESSAGE_SIGNATURE_MISMATCH,
  MESSAGE_UNKNOWN_KEY,
  type SigV4Options,
  type SigV4Request,
  verifySigV4,
} from './sigv4.js';

const ACCESS_KEY_ID = 'AKIDEXAMPLE0000TEST';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const NOW = new Date('2026-03-14T15:09:26.000Z');
const HOST = 'cognito-idp.us-east-1.amazonaws.com';
const BODY = JSON.stringify({ UserPoolId: 'us-east-1_Example1', Username: 'alice@example.com' });

interface SignOptions {
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  path?: string;
  query?: Record<string, string | string[]>;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  region?: string;
  service?: string;
  signingDate?: Date;
  applyChecksum?: boolean;
  unsignableHeaders?: Set<string>;
}

/** A Cognito admin request as the AWS SDK builds it, before signing. */
function cognitoRequest(options: SignOptions = {}): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    protocol: 'https:',
    hostname: HOST,
    path: options.path ?? '/',
    query: options.query ?? {},
    headers: {
      host: HOST,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser',
      ...options.headers,
    },
    body: options.body ?? BODY,
  });
}

function signer(options: SignOptions): SignatureV4 {
  return new SignatureV4({
    service: options.service ?? 'cognito-idp',
    region: options.region ?? 'us-east-1',
    credentials: {
      accessKeyId: options.accessKeyId ?? ACCESS_KEY_ID,
      secretAccessKey: options.secretAccessKey ?? SECRET,
      ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
    },
    sha256: Sha256,
    ...(options.applyChecksum === undefined ? {} : { applyChecksum: options.applyChecksum }),
  });
}

/** What a Node server would see: lower-cased header names, the target as sent on the wire. */
function received(request: HttpRequest): SigV4Request {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query = buildQueryString(request.query);
  return {
    method: request.method,
    url: query === '' ? request.path : `${request.path}?${query}`,
    headers,
    body: request.body as string | Uint8Array,
  };
}

async function signed(options: SignOptions = {}): Promise<SigV4Request> {
  const request = await signer(options).sign(cognitoRequest(options), {
    signingDate: options.signingDate ?? NOW,
    ...(options.unsignableHeaders === undefined ? {} : { unsignableHeaders: options.unsignableHeaders }),
  });
  return received(request as HttpRequest);
}

function verify(request: SigV4Request, options: Partial<SigV4Options> = {}): { accessKeyId: string } {
  return verifySigV4(request, {
    service: 'cognito-idp',
    region: 'us-east-1',
    now: NOW,
    secretFor: (id) => (id === ACCESS_KEY_ID ? SECRET : undefined),
    ...options,
  });
}

function failure(run: () => unknown): PoolError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PoolError);
  return thrown as PoolError;
}

function expectRejected(
  request: SigV4Request,
  type: PoolErrorType,
  message: string | RegExp,
  options: Partial<SigV4Options> = {},
): void {
  const error = failure(() => verify(request, options));
  expect(error.type).toBe(type);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

function withHeader(request: SigV4Request, name: string, value: string | undefined): SigV4Request {
  return { ...request, headers: { ...request.headers, [name]: value } };
}

function authorizationOf(request: SigV4Request): string {
  const value = request.headers.authorization;
  if (typeof value !== 'string') throw new Error('request is not signed');
  return value;
}

describe('verifySigV4 on requests signed by @smithy/signature-v4', () => {
  it('accepts a Cognito admin request and returns the access key id', async () => {
    const request = await signed();
    expect(request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(authorizationOf(request)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE0000TEST\/20260314\/us-east-1\/cognito-idp\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(verify(request)).toEqual({ accessKeyId: ACCESS_KEY_ID });
  });

  it('accepts a request without x-amz-content-sha256, a byte body, a session token and extra headers', async () => {
    const request = await signed({
      applyChecksum: false,
      body: new TextEncoder().encode(BODY),
      sessionToken: 'session-token/with+chars=',
      headers: { 'X-Custom': '  spaced    out\tvalue  ', 'amz-sdk-invocation-id': 'abc' },
    });
    expect(request.headers['x-amz-content-sha256']).toBeUndefined();
    expect(request.headers['x-amz-security-token']).toBe('session-token/with+chars=');
    expect(verify(request)).toEqual({ accessKeyId: ACCESS_KEY_ID });
  });

  it('accepts a body with non-ASCII characters, given as the string or as its UTF-8 bytes', async () => {
    const body = JSON.stringify({ Username: 'zoë 🚀' });
    const request = await signed({ body });
    expect(verify(request)).toEqual({ accessKeyId: ACCESS_KEY_ID });
    expect(verify({ ...request, body: Buffer.from(body, 'utf8') })).toEqual({ accessKeyId: ACCESS_KEY_ID });
  });

  it('canonicalises an encoded path (double encoding) and a query string', async () => {
    const request = await signed({
      path: '/a%20b/./c/../d%2Fe/',
      query: { b: 'x y', a: ['2', '1'], 'we!rd~': "it's", empty: '' },
    });
    expect(request.url).toBe('/a%20b/./c/../d%2Fe/?a=2&a=1&b=x%20y&empty=&we%21rd~=it%27s');
    expect(verify(request)).toEqual({ accessKeyId: ACCESS_KEY_ID });
    // The same pairs in another order are the same canonical query.
    expect(
      verify({ ...request, url: '/a%20b/./c/../d%2Fe/?empty=&a=1&we%21rd~=it%27s&b=x%20y&a=2' }),
    ).toEqual({
      accessKeyId: ACCESS_KEY_ID,
    });
    // An absolute-form request target carries the same path.
    expect(verify({ ...request, url: `http://${HOST}${request.url}` })).toEqual({
      accessKeyId: ACCESS_KEY_ID,
    });
  });

  it('accepts a request up to the skew limit on either side, and honours maxSkewMs', async () => {
    const late = await signed({ signingDate: new Date(NOW.getTime() - 5 * 60_000) });
    const early = await signed({ signingDate: new Date(NOW.getTime() + 5 * 60_000) });
    expect(verify(late)).toEqual({ accessKeyId: ACCESS_KEY_ID });
    expect(verify(early)).toEqual({ accessKeyId: ACCESS_KEY_ID });
    expectRejected(late, 'InvalidSignatureException', /^Signature expired: /, { maxSkewMs: 60_000 });
  });

  it('verifies a presigned request (signature in the query) and rejects it once expired', async () => {
    const presigned = await signer({}).presign(cognitoRequest(), {
      signingDate: NOW,
      expiresIn: 600,
      unhoistableHeaders: new Set(['x-amz-target']),
    });
    const request = received(presigned as HttpRequest);
    expect(request.url).toContain('X-Amz-Signature=');
    expect(request.headers.authorization).toBeUndefined();
    expect(verify(request)).toEqual({ accessKeyId: ACCESS_KEY_ID });
    expect(verify(request, { now: new Date(NOW.getTime() + 600_000) })).toEqual({
      accessKeyId: ACCESS_KEY_ID,
    });
    expectRejected(
      request,
      'InvalidSignatureException',
      'Signature expired: 20260314T150926Z is now earlier than 20260314T150927Z (20260314T151927Z - 600 sec.)',
      { now: new Date(NOW.getTime() + 601_000) },
    );
    expect(request.headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.AdminGetUser');
    expectRejected(
      withHeader(request, 'x-amz-target', 'AWSCognitoIdentityProviderService.AdminDeleteUser'),
      'InvalidSignatureException',
      MESSAGE_SIGNATURE_MISMATCH,
    );
    expect(request.url).toContain('X-Amz-Expires=600&');
    expectRejected(
      { ...request, url: request.url.replace('X-Amz-Expires=600&', 'X-Amz-Expires=6000&') },
      'InvalidSignatureException',
      MESSAGE_SIGNATURE_MISMATCH,
    );
    expectRejected(
      withHeader(request, 'authorization', 'AWS4-HMAC-SHA256 Credential=x'),
      'InvalidSignatureException',
      /^Only one auth mechanism allowed/,
    );
  });
});

describe('verifySigV4 rejects every single mutation of a signed request', () => {
  let good: SigV4Request;
  beforeAll(async () => {
    good = await signed();
    expect(verify(good)).toEqual({ accessKeyId: ACCESS_KEY_ID });
  });

  it('a body changed by one byte', async () => {
    const bytes = Buffer.from(BODY, 'utf8');
    bytes[10] = (bytes[10] ?? 0) ^ 1;
    expectRejected(
      { ...good, body: bytes },
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
    // Without the checksum header the canonical request itself no longer matches.
    const withoutChecksum = await signed({ applyChecksum: false });
    expect(verify(withoutChecksum)).toEqual({ accessKeyId: ACCESS_KEY_ID });
    expectRejected(
      { ...withoutChecksum, body: bytes },
      'InvalidSignatureException',
      MESSAGE_SIGNATURE_MISMATCH,
    );
  });

  it('the body changed at any position (property)', async () => {
    const request = await signed({ applyChecksum: false });
    const bytes = Buffer.from(BODY, 'utf8');
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const changed = Buffer.from(bytes);
        changed[index] = (changed[index] ?? 0) ^ flip;
        expectRejected(
          { ...request, body: changed },
          'InvalidSignatureException',
          MESSAGE_SIGNATURE_MISMATCH,
        );
      }),
    );
  });

  it('the target header changed', () => {
    expectRejected(
      withHeader(good, 'x-amz-target', 'AWSCognitoIdentityProviderService.AdminDeleteUser'),
      'InvalidSignatureException',
      MESSAGE_SIGNATURE_MISMATCH,
    );
  });

  it('the method, the path or a query parameter changed', () => {
    expectRejected({ ...good, method: 'PUT' }, 'InvalidSignatureException', MESSAGE_SIGNATURE_MISMATCH);
    expectRejected({ ...good, url: '/other' }, 'InvalidSignatureException', MESSAGE_SIGNATURE_MISMATCH);
    expectRejected({ ...good, url: '/?a=1' }, 'InvalidSignatureException', MESSAGE_SIGNATURE_MISMATCH);
  });

  it('the signature changed by one hex digit', () => {
    const authorization = authorizationOf(good);
    const last = authorization.at(-1) === '0' ? '1' : '0';
    expectRejected(
      withHeader(good, 'authorization', authorization.slice(0, -1) + last),
      'InvalidSignatureException',
      MESSAGE_SIGNATURE_MISMATCH,
    );
    expectRejected(
      withHeader(good, 'authorization', authorization.slice(0, -2)),
      'InvalidSignatureException',
      MESSAGE_SIGNATURE_MISMATCH,
    );
  });

  it('a wrong secret', async () => {
    expectRejected(
      await signed({ secretAccessKey: `${SECRET}x` }),
      'InvalidSignatureException',
      MESSAGE_SIGNATURE_MISMATCH,
    );
  });

  it('an unknown access key id', async () => {
    expectRejected(
      await signed({ accessKeyId: 'AKIDUNKNOWN' }),
      'UnrecognizedClientException',
      MESSAGE_UNKNOWN_KEY,
    );
  });

  it('an unsigned request', () => {
    const unsigned = withHeader(good, 'authorization', undefined);
    expectRejected(unsigned, 'MissingAuthenticationTokenException', MESSAGE_MISSING_TOKEN);
  });

  it('a request signed more than 5 minutes before or after now', async () => {
    expectRejected(
      await signed({ signingDate: new Date(NOW.getTime() - 5 * 60_000 - 1000) }),
      'InvalidSignatureException',
      'Signature expired: 20260314T150425Z is now earlier than 20260314T150426Z (20260314T150926Z - 5 min.)',
    );
    expectRejected(
      await signed({ signingDate: new Date(NOW.getTime() + 5 * 60_000 + 1000) }),
      'InvalidSignatureException',
      'Signature not yet current: 20260314T151427Z is still later than 20260314T151426Z (20260314T150926Z + 5 min.)',
    );
  });

  it('a credential scoped to another region or service', async () => {
    expectRejected(
      await signed({ region: 'eu-west-1' }),
      'InvalidSignatureException',
      "Credential should be scoped to a valid region, not 'eu-west-1'.",
    );
    expectRejected(
      await signed({ service: 'cognito-identity' }),
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'cognito-idp'.",
    );
    expectRejected(
      good,
      'InvalidSignatureException',
      "Credential should be scoped to a valid region, not 'us-east-1'.",
      {
        region: 'us-west-2',
      },
    );
  });

  it('a credential with a wrong terminator, a wrong shape or a date other than x-amz-date', () => {
    const authorization = authorizationOf(good);
    expectRejected(
      withHeader(good, 'authorization', authorization.replace('/aws4_request', '/aws4_reques')),
      'InvalidSignatureException',
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reques'.",
    );
    expectRejected(
      withHeader(good, 'authorization', authorization.replace('/us-east-1/', '/')),
      'InvalidSignatureException',
      /^Credential must have the form/,
    );
    expectRejected(
      withHeader(good, 'authorization', authorization.replace('/20260314/', '/20260313/')),
      'InvalidSignatureException',
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260313' != '20260314', from '20260314T150926Z'.",
    );
  });

  it('x-amz-date missing, malformed or changed', () => {
    expectRejected(
      withHeader(good, 'x-amz-date', undefined),
      'InvalidSignatureException',
      "Authorization header requires existence of a 'X-Amz-Date' header.",
    );
    expectRejected(
      withHeader(good, 'x-amz-date', '2026-03-14T15:09:26Z'),
      'InvalidSignatureException',
      "Date must be in ISO-8601 'basic format'. Got '2026-03-14T15:09:26Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    );
    expectRejected(
      withHeader(good, 'x-amz-date', '20261314T150926Z'),
      'InvalidSignatureException',
      /^Date must be/,
    );
    expectRejected(
      withHeader(good, 'x-amz-date', '20260314T150927Z'),
      'InvalidSignatureException',
      MESSAGE_SIGNATURE_MISMATCH,
    );
  });

  it('a header listed in SignedHeaders missing from the request', async () => {
    expectRejected(
      withHeader(good, 'content-type', undefined),
      'InvalidSignatureException',
      "Header 'content-type' is listed in SignedHeaders but is not present in the request.",
    );
    const request = await signed({ headers: { 'x-extra': 'present' } });
    expect(authorizationOf(request)).toContain(';x-extra,');
    expectRejected(
      withHeader(request, 'x-extra', undefined),
      'InvalidSignatureException',
      /'x-extra' is listed/,
    );
  });

  it('host, x-amz-date or x-amz-target left out of SignedHeaders', async () => {
    expectRejected(
      await signed({ unsignableHeaders: new Set(['host']) }),
      'InvalidSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
    expectRejected(
      await signed({ unsignableHeaders: new Set(['x-amz-target']) }),
      'InvalidSignatureException',
      "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
    );
    expectRejected(
      withHeader(good, 'authorization', authorizationOf(good).replace(';x-amz-date;', ';')),
      'InvalidSignatureException',
      "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  it('an x-amz-content-sha256 header that is not the hash of the body', async () => {
    expectRejected(
      await signed({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  });

  it('a malformed Authorization header', () => {
    const authorization = authorizationOf(good);
    const cases: Array<[string, string | RegExp]> = [
      ['', "Unsupported AWS 'algorithm': ''. Expected 'AWS4-HMAC-SHA256'."],
      ['Bearer abc', "Unsupported AWS 'algorithm': 'Bearer'. Expected 'AWS4-HMAC-SHA256'."],
      [
        authorization.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'),
        /^Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'/,
      ],
      [
        'AWS4-HMAC-SHA256',
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
          "Authorization header requires 'SignedHeaders' parameter.",
      ],
      [authorization.replace(/, Signature=.*$/, ''), "Authorization header requires 'Signature' parameter."],
      [
        authorization.replace('SignedHeaders=', 'Signedheaders='),
        "Authorization header has an unexpected parameter 'Signedheaders'.",
      ],
      [`${authorization}, Signature=00`, "Authorization header repeats the 'Signature' parameter."],
      [
        authorization.replace(', SignedHeaders', ', ,SignedHeaders'),
        /^Authorization header has a malformed element ''/,
      ],
      [
        authorization.replace('SignedHeaders=content-type', 'SignedHeaders=Content-Type'),
        /^SignedHeaders must be lower-case/,
      ],
      [
        authorization.replace('SignedHeaders=content-type', 'SignedHeaders=;content-type'),
        /^SignedHeaders must be lower-case/,
      ],
    ];
    for (const [value, message] of cases) {
      expectRejected(withHeader(good, 'authorization', value), 'InvalidSignatureException', message);
    }
    const twice = { ...good, headers: { ...good.headers, authorization: [authorization, authorization] } };
    expectRejected(twice, 'InvalidSignatureException', 'Authorization header must be sent exactly once.');
  });

  it('throws only PoolErrors for arbitrary Authorization header values (property)', () => {
    const prefix = authorizationOf(good).slice(0, 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE0000TEST/'.length);
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'binary' }).map((rest) => `AWS4-HMAC-SHA256 ${rest}`),
      fc.string({ unit: 'binary' }).map((rest) => `${prefix}${rest}`),
      fc
        .tuple(fc.string(), fc.string(), fc.string())
        .map(
          ([credential, headers, signature]) =>
            `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${headers}, Signature=${signature}`,
        ),
    );
    fc.assert(
      fc.property(value, (authorization) => {
        const error = failure(() => verify(withHeader(good, 'authorization', authorization)));
        expect([
          'InvalidSignatureException',
          'UnrecognizedClientException',
          'MissingAuthenticationTokenException',
        ]).toContain(error.type);
      }),
      { numRuns: 500 },
    );
  });
});

describe('verifySigV4 behind a node:http server, driven by the AWS SDK', () => {
  let server: Server;
  let endpoint: string;
  const seen: Array<{ target: string | undefined; accessKeyId?: string; error?: string }> = [];
  const signedHeaderLists: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const target = req.headers['x-amz-target'];
        const targetName = typeof target === 'string' ? target : undefined;
        signedHeaderLists.push(/SignedHeaders=([^,]*)/.exec(req.headers.authorization ?? '')?.[1] ?? '');
        try {
          const { accessKeyId } = verifySigV4(
            {
              method: req.method ?? '',
              url: req.url ?? '',
              headers: req.headers,
              body: Buffer.concat(chunks),
            },
            {
              service: 'cognito-idp',
              region: 'us-east-1',
              now: new Date(),
              secretFor: (id) => (id === ACCESS_KEY_ID ? SECRET : undefined),
            },
          );
          seen.push({ target: targetName, accessKeyId });
          const answer =
            targetName === 'AWSCognitoIdentityProviderService.AdminGetUser'
              ? { Username: 'x', UserAttributes: [] }
              : {};
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
        } catch (error) {
          const type = error instanceof PoolError ? error.type : 'InternalErrorException';
          const message = error instanceof Error ? error.message : String(error);
          seen.push({ target: targetName, error: type });
          res
            .writeHead(error instanceof PoolError ? 400 : 500, {
              'content-type': 'application/x-amz-json-1.1',
              'x-amzn-errortype': type,
            })
            .end(JSON.stringify({ __type: type, message }));
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  function client(secretAccessKey: string): CognitoIdentityProviderClient {
    return new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey },
      maxAttempts: 1,
    });
  }

  it('accepts AdminGetUser signed by the real client', async () => {
    seen.length = 0;
    const sdk = client(SECRET);
    try {
      const output = await sdk.send(
        new AdminGetUserCommand({ UserPoolId: 'us-east-1_Example1', Username: 'x' }),
      );
      expect(output.Username).toBe('x');
      expect(output.UserAttributes).toEqual([]);
    } finally {
      sdk.destroy();
    }
    expect(seen).toEqual([
      { target: 'AWSCognitoIdentityProviderService.AdminGetUser', accessKeyId: ACCESS_KEY_ID },
    ]);
    expect(signedHeaderLists.at(-1)?.split(';')).toEqual(
      expect.arrayContaining(['content-type', 'host', 'x-amz-date', 'x-amz-target']),
    );
  });

  it('rejects the real client signing with a wrong secret with InvalidSignatureException', async () => {
    seen.length = 0;
    const sdk = client(`${SECRET}-wrong`);
    try {
      const sent = sdk.send(new AdminGetUserCommand({ UserPoolId: 'us-east-1_Example1', Username: 'x' }));
      await expect(sent).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        message: MESSAGE_SIGNATURE_MISMATCH,
        $metadata: { httpStatusCode: 400 },
      });
    } finally {
      sdk.destroy();
    }
    expect(seen).toEqual([
      { target: 'AWSCognitoIdentityProviderService.AdminGetUser', error: 'InvalidSignatureException' },
    ]);
  });
});
