import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from './errors.js';
import { TokenService, type TokenSubject } from './tokens.js';

const key = new Uint8Array(randomBytes(32));
const subject: TokenSubject = {
  userId: 'user-1',
  username: 'a@example.com',
  actionId: 'action-1',
  actionCode: 'signIn',
  idempotencyKey: 'idem-1',
  scopes: ['read:authenticators'],
};

function service(at: { now: number }, tenantId = 'tenant-1'): TokenService {
  return new TokenService({ key, tenantId, clock: { now: () => new Date(at.now) } });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return (error as AuthError).code;
}

describe('TokenService', () => {
  it('round-trips a subject and dates the token by the injected clock, not the wall clock', async () => {
    const at = { now: Date.UTC(2031, 0, 1) };
    const tokens = service(at);
    const claims = await tokens.verify(await tokens.sign(subject, 600));
    expect(claims).toMatchObject({ ...subject, scopes: ['read:authenticators'] });
    expect(claims.issuedAt.getTime()).toBe(at.now);
    expect(claims.expiresAt.getTime()).toBe(at.now + 600_000);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('expires exactly at exp by the injected clock', async () => {
    const at = { now: Date.UTC(2031, 0, 1) };
    const tokens = service(at);
    const token = await tokens.sign(subject, 600);
    at.now += 600_000 - 1;
    await expect(tokens.verify(token)).resolves.toBeDefined();
    at.now += 1;
    expect(await codeOf(tokens.verify(token))).toBe('expired_token');
  });

  it('refuses another tenant, a tampered payload and an alg other than HS256', async () => {
    const at = { now: Date.now() };
    const token = await service(at).sign(subject, 600);
    expect(await codeOf(service(at, 'tenant-2').verify(token))).toBe('token_invalid');

    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.other.userId = claims.sub = 'user-2';
    const swapped = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(await codeOf(service(at).verify(swapped))).toBe('token_invalid');

    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect(await codeOf(service(at).verify(none))).toBe('token_invalid');
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(key);
    expect(await codeOf(service(at).verify(hs512))).toBe('token_invalid');
  });

  it('accepts tokens minted by the earlier jose-based implementation (upgrade with live tokens)', async () => {
    const at = { now: Date.now() };
    const iat = Math.floor(at.now / 1000);
    const legacy = await new SignJWT({
      sub: subject.userId,
      aud: 'tenant-1',
      scope: 'read:authenticators',
      other: { tenantId: 'tenant-1', publishableKey: 'tenant-1', ...subject, scopes: undefined },
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + 600)
      .setJti('legacy-jti')
      .sign(key);
    await expect(service(at).verify(legacy)).resolves.toMatchObject({ userId: 'user-1', jti: 'legacy-jti' });
  });
});
