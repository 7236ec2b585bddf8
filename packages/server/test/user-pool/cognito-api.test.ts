/**
 * The user-pool API driven by the real AWS SDK and verified with aws-jwt-verify:
 * admin operations behind SigV4, tokens and JWKS, session and binding rules,
 * and Cognito's wire format for errors.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  DeleteUserCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../support/clock.js';
import { enrollEmailOtp } from '../support/flows.js';
import { ADMIN_KEY, CLIENT_ID, POOL_ID, poolCall, poolTestConfig, sdkClient } from '../support/pool.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
const clock = new TestClock();
let seq = 0;
const newEmail = () => `sdk-${++seq}@example.com`;

beforeAll(async () => {
  t = await startTestServer({ config: poolTestConfig(), clock });
});
afterAll(async () => t.close());

async function signUpUser(email: string): Promise<string> {
  const out = await sdkClient(t).send(
    new SignUpCommand({
      ClientId: CLIENT_ID,
      Username: email,
      Password: 'Throwaway-123!',
      UserAttributes: [{ Name: 'email', Value: email }],
    }),
  );
  expect(out.UserConfirmed).toBe(true);
  return out.UserSub as string;
}

async function initiate(email: string) {
  const out = await sdkClient(t).send(
    new InitiateAuthCommand({
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: email },
    }),
  );
  expect(out.ChallengeName).toBe('CUSTOM_CHALLENGE');
  return out as { Session: string; ChallengeParameters: Record<string, string> };
}

async function respond(session: string, username: string, answer: string) {
  return sdkClient(t).send(
    new RespondToAuthChallengeCommand({
      ClientId: CLIENT_ID,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: session,
      ChallengeResponses: { USERNAME: username, ANSWER: answer },
    }),
  );
}

/** A signed-up user signed in through email OTP; returns its tokens. */
async function signedInUser(email = newEmail()) {
  const sub = await signUpUser(email);
  const first = await initiate(email);
  const resultToken = await enrollEmailOtp(t, first.ChallengeParameters.token as string, email);
  const done = await respond(first.Session, first.ChallengeParameters.USERNAME as string, resultToken);
  const tokens = done.AuthenticationResult;
  if (!tokens?.AccessToken || !tokens.IdToken || !tokens.RefreshToken) throw new Error('no tokens');
  return {
    sub,
    email,
    tokens: { access: tokens.AccessToken, id: tokens.IdToken, refresh: tokens.RefreshToken },
  };
}

describe('custom auth state machine', () => {
  it('returns the internal username and Create’s parameters', async () => {
    const email = newEmail();
    const sub = await signUpUser(email);
    const { ChallengeParameters, Session } = await initiate(email);
    expect(ChallengeParameters).toMatchObject({ USERNAME: sub, isEnrolled: 'false' });
    expect(Session.length).toBeGreaterThan(20);
  });

  it('refuses a replayed session with Cognito’s message', async () => {
    const email = newEmail();
    await signUpUser(email);
    const { Session, ChallengeParameters } = await initiate(email);
    await respond(Session, ChallengeParameters.USERNAME as string, 'wrong');
    await expect(respond(Session, ChallengeParameters.USERNAME as string, 'wrong')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
  });

  it('refuses an expired session with Cognito’s message', async () => {
    const email = newEmail();
    await signUpUser(email);
    const { Session, ChallengeParameters } = await initiate(email);
    clock.advance(3 * 60_000 + 1000);
    await expect(respond(Session, ChallengeParameters.USERNAME as string, 'x')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
  });

  it('refuses a tampered session', async () => {
    const email = newEmail();
    await signUpUser(email);
    const { Session, ChallengeParameters } = await initiate(email);
    const tampered = `${Session.slice(0, 30)}${Session[30] === 'A' ? 'B' : 'A'}${Session.slice(31)}`;
    await expect(respond(tampered, ChallengeParameters.USERNAME as string, 'x')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
  });

  it('does not let user A’s result token finish user B’s sign-in', async () => {
    const a = newEmail();
    const b = newEmail();
    await signUpUser(a);
    await signUpUser(b);
    const aStart = await initiate(a);
    const aResult = await enrollEmailOtp(t, aStart.ChallengeParameters.token as string, a);
    const bStart = await initiate(b);
    const wrong = await respond(bStart.Session, bStart.ChallengeParameters.USERNAME as string, aResult);
    expect(wrong.AuthenticationResult).toBeUndefined();
    expect(wrong.ChallengeName).toBe('CUSTOM_CHALLENGE');
    // A's token is still good for A (the binding refused it without consuming it).
    const right = await respond(aStart.Session, aStart.ChallengeParameters.USERNAME as string, aResult);
    expect(right.AuthenticationResult?.AccessToken).toBeTypeOf('string');
  });

  it('treats an unknown user like a known one (preventUserExistenceErrors)', async () => {
    const unknown = await initiate('nobody-here@example.com');
    const again = await initiate('nobody-here@example.com');
    expect(Object.keys(unknown.ChallengeParameters).sort()).toEqual(['USERNAME', 'isEnrolled', 'token']);
    expect(unknown.ChallengeParameters.USERNAME).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(again.ChallengeParameters.USERNAME).toBe(unknown.ChallengeParameters.USERNAME);
    const answer = await respond(unknown.Session, unknown.ChallengeParameters.USERNAME as string, 'anything');
    expect(answer.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(answer.AuthenticationResult).toBeUndefined();
  });
});

describe('tokens', () => {
  async function verifiers() {
    const issuer = `${t.baseUrl}/${POOL_ID}`;
    const jwks = await fetch(`${issuer}/.well-known/jwks.json`).then((r) => r.json());
    const id = JwtRsaVerifier.create({
      issuer,
      audience: CLIENT_ID,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'id') throw new Error('not an ID token');
      },
    });
    const access = JwtRsaVerifier.create({
      issuer,
      audience: null,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') throw new Error('not an access token');
        if (payload.client_id !== CLIENT_ID) throw new Error('wrong client');
      },
    });
    id.cacheJwks(jwks);
    access.cacheJwks(jwks);
    return { id, access, jwks };
  }

  it('mints RS256 tokens with separate kids and Cognito’s claims that pass aws-jwt-verify', async () => {
    const { sub, email, tokens } = await signedInUser();
    const { id, access, jwks } = await verifiers();
    expect(jwks.keys).toHaveLength(2);
    const idPayload = await id.verify(tokens.id);
    expect(idPayload).toMatchObject({
      sub,
      aud: CLIENT_ID,
      token_use: 'id',
      email,
      email_verified: true,
      'cognito:username': sub,
      iss: `${t.baseUrl}/${POOL_ID}`,
    });
    expect(idPayload.origin_jti).toBeTypeOf('string');
    const accessPayload = await access.verify(tokens.access);
    expect(accessPayload).toMatchObject({
      sub,
      client_id: CLIENT_ID,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      username: sub,
    });
    expect(accessPayload.aud).toBeUndefined();
    expect(accessPayload.origin_jti).toBe(idPayload.origin_jti);
    const header = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString());
    expect(header(tokens.id).kid).not.toBe(header(tokens.access).kid);
  });

  it('fails tampered, wrong-audience and expired tokens', async () => {
    const { tokens } = await signedInUser();
    const { id, access } = await verifiers();
    const [h, p, s] = tokens.id.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, email: 'evil@example.com' })).toString('base64url')}.${s}`;
    await expect(id.verify(forged)).rejects.toThrow();
    await expect(id.verify(tokens.access)).rejects.toThrow();
    const issuer = `${t.baseUrl}/${POOL_ID}`;
    const otherAudience = JwtRsaVerifier.create({
      issuer,
      audience: 'someotherclient',
      jwksUri: `${issuer}/.well-known/jwks.json`,
    });
    otherAudience.cacheJwks(await fetch(`${issuer}/.well-known/jwks.json`).then((r) => r.json()));
    await expect(otherAudience.verify(tokens.id)).rejects.toThrow(/audience/i);
    // aws-jwt-verify reads the real clock: mint tokens on a test clock three hours behind it.
    clock.advance(-3 * 3600_000);
    const { tokens: stale } = await signedInUser();
    clock.advance(3 * 3600_000);
    await expect(access.verify(stale.access)).rejects.toThrow(/expired/i);
    await expect(id.verify(stale.id)).rejects.toThrow(/expired/i);
  });

  it('serves OIDC discovery', async () => {
    const discovery = await fetch(`${t.baseUrl}/${POOL_ID}/.well-known/openid-configuration`).then((r) =>
      r.json(),
    );
    expect(discovery).toMatchObject({
      issuer: `${t.baseUrl}/${POOL_ID}`,
      jwks_uri: `${t.baseUrl}/${POOL_ID}/.well-known/jwks.json`,
    });
  });

  it('refreshes, and stops refreshing after RevokeToken and GlobalSignOut', async () => {
    const { tokens } = await signedInUser();
    const client = sdkClient(t);
    const refreshed = await client.send(
      new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: tokens.refresh }),
    );
    expect(refreshed.AuthenticationResult?.AccessToken).toBeTypeOf('string');
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    const viaInitiate = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { REFRESH_TOKEN: tokens.refresh },
      }),
    );
    expect(viaInitiate.AuthenticationResult?.IdToken).toBeTypeOf('string');
    await client.send(new RevokeTokenCommand({ ClientId: CLIENT_ID, Token: tokens.refresh }));
    await expect(
      client.send(
        new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: tokens.refresh }),
      ),
    ).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    // Access tokens minted from the revoked refresh token are cut off too.
    await expect(client.send(new GetUserCommand({ AccessToken: tokens.access }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    });

    const other = await signedInUser();
    await client.send(new GlobalSignOutCommand({ AccessToken: other.tokens.access }));
    await expect(
      client.send(
        new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: other.tokens.refresh }),
      ),
    ).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    await expect(client.send(new GetUserCommand({ AccessToken: other.tokens.access }))).rejects.toMatchObject(
      {
        name: 'NotAuthorizedException',
      },
    );
  });

  it('keeps verifying tokens signed before a key rotation', async () => {
    const { tokens } = await signedInUser();
    const kids = await t.server.pool?.keys.rotate();
    expect(kids).toHaveLength(2);
    const jwks = await fetch(`${t.baseUrl}/${POOL_ID}/.well-known/jwks.json`).then((r) => r.json());
    expect(jwks.keys.length).toBe(4);
    expect((await sdkClient(t).send(new GetUserCommand({ AccessToken: tokens.access }))).Username).toBeTypeOf(
      'string',
    );
    const fresh = await signedInUser();
    const header = JSON.parse(
      Buffer.from(fresh.tokens.access.split('.')[0] as string, 'base64url').toString(),
    );
    expect(kids).toContain(header.kid);
  });
});

describe('token operations', () => {
  it('reads, updates and deletes the signed-in user', async () => {
    const { sub, email, tokens } = await signedInUser();
    const client = sdkClient(t);
    const user = await client.send(new GetUserCommand({ AccessToken: tokens.access }));
    expect(user.Username).toBe(sub);
    expect(user.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: email },
        { Name: 'sub', Value: sub },
      ]),
    );
    await client.send(
      new UpdateUserAttributesCommand({
        AccessToken: tokens.access,
        UserAttributes: [{ Name: 'name', Value: 'Ada' }],
      }),
    );
    const updated = await client.send(new GetUserCommand({ AccessToken: tokens.access }));
    expect(updated.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'name', Value: 'Ada' }]));
    await expect(
      client.send(
        new UpdateUserAttributesCommand({
          AccessToken: tokens.access,
          UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await client.send(new DeleteUserCommand({ AccessToken: tokens.access }));
    await expect(client.send(new GetUserCommand({ AccessToken: tokens.access }))).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
  });
});

describe('admin operations (SigV4)', () => {
  it('runs the admin operations and ListUsers with the admin key', async () => {
    const client = sdkClient(t);
    const email = newEmail();
    const created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: POOL_ID,
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: 'Grace' },
        ],
        MessageAction: 'SUPPRESS',
      }),
    );
    const sub = created.User?.Username as string;
    expect(created.User).toMatchObject({ Enabled: true, UserStatus: 'CONFIRMED' });
    expect(created.User?.UserCreateDate).toBeInstanceOf(Date);

    const got = await client.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: email }));
    expect(got.Username).toBe(sub);
    expect(got.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: 'Grace' },
      ]),
    );

    await client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: POOL_ID,
        Username: sub,
        UserAttributes: [{ Name: 'name', Value: 'Grace H' }],
      }),
    );
    await client.send(new AdminDisableUserCommand({ UserPoolId: POOL_ID, Username: sub }));
    expect((await client.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: sub }))).Enabled).toBe(
      false,
    );
    await expect(
      client.send(
        new InitiateAuthCommand({
          AuthFlow: 'CUSTOM_AUTH',
          ClientId: CLIENT_ID,
          AuthParameters: { USERNAME: email },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'User is disabled.' });
    await client.send(new AdminEnableUserCommand({ UserPoolId: POOL_ID, Username: sub }));

    const byEmail = await client.send(
      new ListUsersCommand({ UserPoolId: POOL_ID, Filter: `email = "${email}"` }),
    );
    expect(byEmail.Users?.map((u) => u.Username)).toEqual([sub]);
    const byName = await client.send(
      new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'name ^= "Grace"' }),
    );
    expect(byName.Users?.map((u) => u.Username)).toEqual([sub]);

    // Pagination walks every user exactly once.
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListUsersCommand({ UserPoolId: POOL_ID, Limit: 2, PaginationToken: token }),
      );
      for (const user of page.Users ?? []) {
        expect(seen.has(user.Username as string)).toBe(false);
        seen.add(user.Username as string);
      }
      token = page.PaginationToken;
    } while (token);
    expect(seen.has(sub)).toBe(true);
    expect(seen.size).toBeGreaterThan(2);

    await client.send(new AdminDeleteUserCommand({ UserPoolId: POOL_ID, Username: sub }));
    await expect(
      client.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: sub })),
    ).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
  });

  it('refuses a wrong key, an unknown key, and unsigned calls', async () => {
    const wrongSecret = sdkClient(t, { ...ADMIN_KEY, secretAccessKey: 'x'.repeat(40) });
    await expect(wrongSecret.send(new ListUsersCommand({ UserPoolId: POOL_ID }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    const unknownKey = sdkClient(t, {
      accessKeyId: 'AKIAUNKNOWNKEY0000',
      secretAccessKey: ADMIN_KEY.secretAccessKey,
    });
    await expect(
      unknownKey.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'x@example.com' })),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    const unsigned = await poolCall(t, 'ListUsers', { UserPoolId: POOL_ID });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.__type).toBe('MissingAuthenticationTokenException');
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException:');
  });
});

describe('wire format', () => {
  it('answers errors with 400, __type and x-amzn-errortype; unknown targets are named', async () => {
    const unknown = await poolCall(t, 'DescribeUserPool', {});
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      __type: 'UnknownOperationException',
      message: 'Unknown operation AWSCognitoIdentityProviderService.DescribeUserPool.',
    });
    const badJson = await poolCall(t, 'InitiateAuth', '{"AuthFlow":');
    expect(badJson.status).toBe(400);
    expect(badJson.body.__type).toBe('SerializationException');
    const missing = await poolCall(t, 'InitiateAuth', { AuthFlow: 'CUSTOM_AUTH' });
    expect(missing.body.__type).toBe('InvalidParameterException');
    const unknownClient = await poolCall(t, 'InitiateAuth', {
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: 'nope',
      AuthParameters: { USERNAME: 'a@b.co' },
    });
    expect(unknownClient.body.__type).toBe('ResourceNotFoundException');
    expect(unknownClient.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers CORS preflights for browser Amplify on any path', async () => {
    const response = await fetch(`${t.baseUrl}/`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-amz-target');
  });

  it('reports UsernameExistsException for a second sign-up', async () => {
    const email = newEmail();
    await signUpUser(email);
    await expect(
      sdkClient(t).send(
        new SignUpCommand({ ClientId: CLIENT_ID, Username: email.toUpperCase(), Password: 'Throwaway-123!' }),
      ),
    ).rejects.toMatchObject({ name: 'UsernameExistsException' });
  });
});
