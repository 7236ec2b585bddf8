/**
 * Audit events (issue 7 §7, security-bar E4): registration, sign-in, failed
 * attempts, lockout, authenticator added/removed and fallback use are recorded,
 * append-only, and queryable through `GET /v1/users/{userId}/events`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSdk, signInWithPasskey, trackUser, userWithPasskey } from '../support/flows.js';
import { startTestServer, type TestServer, testConfig } from '../support/server.js';
import { bearer, nextUser, wrongCode } from './helpers.js';

interface WireEvent {
  id: number;
  type: string;
  userId: string | null;
  actionId: string | null;
  authenticatorId: string | null;
  ipAddress: string | null;
  data: Record<string, unknown> | null;
  createdAt: string;
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    config: testConfig({
      policy: { passkeyFirst: true, freshVerificationSeconds: 300, notifications: true },
    }),
  });
});
afterAll(async () => t.close());

async function allEvents(userId: string): Promise<WireEvent[]> {
  const response = await t.api('GET', `/v1/users/${encodeURIComponent(userId)}/events?limit=200`, {
    auth: t.secretAuth,
  });
  expect(response.status).toBe(200);
  expect(response.body.nextBefore).toBeUndefined();
  return response.body.events;
}

describe('audit events', () => {
  const { userId, email } = nextUser('audit');
  let passkeyId: string;
  let midway: WireEvent[];
  let final: WireEvent[];

  beforeAll(async () => {
    // Registration (email enrollment, then a passkey) and a sign-in.
    const enrolled = await userWithPasskey(t, userId, email);
    passkeyId = enrolled.passkeyId;
    expect((await signInWithPasskey(t, enrolled.authenticator)).body.isVerified).toBe(true);
    // A failed passkey sign-in.
    expect(
      (await signInWithPasskey(t, enrolled.authenticator, { userVerified: false })).body.isVerified,
    ).toBe(false);
    midway = await allEvents(userId);
    // Fallback: an email-code sign-in although a passkey exists (passkeyFirst).
    const fallback = await trackUser(t, userId, email);
    await t.api('POST', '/v1/client/challenge/email-otp', { auth: bearer(fallback.token), body: {} });
    const verified = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(fallback.token),
      body: { verificationCode: t.latestCode(email) },
    });
    expect(verified.body.isVerified).toBe(true);
    // Failed attempts up to the lockout.
    const guessing = await trackUser(t, userId, email);
    await t.api('POST', '/v1/client/challenge/email-otp', { auth: bearer(guessing.token), body: {} });
    const code = t.latestCode(email);
    for (let i = 1; i <= 5; i++) {
      await t.api('POST', '/v1/client/verify/email-otp', {
        auth: bearer(guessing.token),
        body: { verificationCode: wrongCode(code, i) },
      });
    }
    // The passkey is removed by the backend.
    await nodeSdk(t).deleteAuthenticator({ userId, userAuthenticatorId: passkeyId });
    final = await allEvents(userId);
  });

  it('E4 records registration, sign-in, failures, lockout, fallback and authenticator changes', () => {
    const types = final.map((e) => e.type);
    const count = (type: string) => types.filter((x) => x === type).length;
    expect(count('user.created')).toBe(1);
    expect(count('passkey.registered')).toBe(1);
    expect(count('passkey.signed_in')).toBe(1);
    expect(count('passkey.sign_in_failed')).toBe(1);
    expect(count('email_otp.recovery_used')).toBe(1);
    expect(count('email_otp.failed')).toBe(5);
    expect(count('email_otp.locked')).toBe(1);
    expect(count('authenticator.added')).toBe(2);
    expect(count('authenticator.removed')).toBe(1);

    const byType = (type: string) => final.find((e) => e.type === type) as WireEvent;
    expect(byType('passkey.registered')).toMatchObject({ userId, authenticatorId: passkeyId });
    expect(byType('passkey.signed_in')).toMatchObject({ userId, authenticatorId: passkeyId });
    expect(byType('passkey.sign_in_failed').data).toMatchObject({ reason: 'user_verification_required' });
    expect(byType('authenticator.removed')).toMatchObject({
      authenticatorId: passkeyId,
      data: { method: 'PASSKEY' },
    });
    expect(
      final
        .filter((e) => e.type === 'authenticator.added')
        .map((e) => e.data?.method)
        .sort(),
    ).toEqual(['EMAIL_OTP', 'PASSKEY']);
    expect(final.filter((e) => e.type === 'email_otp.failed').map((e) => e.data?.attempt)).toEqual([
      5, 4, 3, 2, 1,
    ]);
    for (const event of final) {
      expect(event.userId).toBe(userId);
      expect(Number.isNaN(Date.parse(event.createdAt))).toBe(false);
      // Every event names the address it came from (the test client's loopback address).
      expect(event.ipAddress ?? '').toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    }
  });

  it('E4 the log is append-only: earlier entries are unchanged, newest first with increasing ids', () => {
    expect(final.length).toBeGreaterThan(midway.length);
    // What was there midway is still there, byte for byte, at the old end of the list.
    expect(final.slice(final.length - midway.length)).toEqual(midway);
    for (let i = 1; i < final.length; i++) {
      expect((final[i - 1] as WireEvent).id).toBeGreaterThan((final[i] as WireEvent).id);
      expect(Date.parse((final[i - 1] as WireEvent).createdAt)).toBeGreaterThanOrEqual(
        Date.parse((final[i] as WireEvent).createdAt),
      );
    }
  });

  it('E4 no route changes or deletes events, and they outlive the user', async () => {
    const path = `/v1/users/${userId}/events`;
    for (const method of ['DELETE', 'PATCH', 'PUT', 'POST']) {
      const response = await t.api(method, path, { auth: t.secretAuth, body: {} });
      expect(response.status, method).toBe(404);
    }
    const single = await t.api('DELETE', `${path}/${final[0]?.id}`, { auth: t.secretAuth });
    expect(single.status).toBe(404);
    expect(await allEvents(userId)).toEqual(final);

    const deleted = await t.api('DELETE', `/v1/users/${userId}`, { auth: t.secretAuth });
    expect(deleted.status).toBe(200);
    expect((await t.api('GET', `/v1/users/${userId}`, { auth: t.secretAuth })).status).toBe(404);
    expect(await allEvents(userId)).toEqual(final);
  });

  it('E4 pages and filters, and only with the secret key', async () => {
    const pages: WireEvent[] = [];
    let before: number | undefined;
    for (let i = 0; i < 100; i++) {
      const query = `limit=4${before === undefined ? '' : `&before=${before}`}`;
      const page = await t.api('GET', `/v1/users/${userId}/events?${query}`, { auth: t.secretAuth });
      expect(page.status).toBe(200);
      pages.push(...page.body.events);
      before = page.body.nextBefore;
      if (before === undefined) break;
    }
    expect(pages).toEqual(await allEvents(userId));
    const failed = await t.api('GET', `/v1/users/${userId}/events?type=email_otp.failed`, {
      auth: t.secretAuth,
    });
    expect(failed.body.events).toHaveLength(5);
    for (const auth of [undefined, t.tenantAuth, 'Basic bm9wZTo=']) {
      const response = await t.api('GET', `/v1/users/${userId}/events`, auth ? { auth } : {});
      expect(response.status).toBe(401);
      expect(response.body.errorCode).toBe('unauthorized');
    }
  });
});
