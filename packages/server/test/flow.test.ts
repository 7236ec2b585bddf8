/**
 * The auth service end to end over HTTP: email OTP enrollment → result token →
 * validate → passkey registration → usernameless passkey sign-in → validate,
 * with the server API half driven by the unmodified @authsignal/node SDK.
 */

import type { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollEmailOtp, nodeSdk, registerPasskey, signInWithPasskey, trackUser } from './support/flows.js';
import { startTestServer, type TestServer, testConfig } from './support/server.js';
import { startSmtpCapture } from './support/smtp-capture.js';
import { SoftAuthenticator } from './support/soft-authenticator.js';

describe('email OTP → passkey → usernameless sign-in (dev mailbox)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('runs the whole flow with @authsignal/node for the server API', async () => {
    const sdk = nodeSdk(t);
    const userId = 'sub-0001';
    const email = 'ada@example.com';

    const tracked = await trackUser(t, userId, email);
    expect(tracked.isEnrolled).toBe(false);
    expect(tracked.state).toBe('CHALLENGE_REQUIRED');

    const resultToken = await enrollEmailOtp(t, tracked.token, email);
    const validated = await sdk.validateChallenge({ token: resultToken, userId, action: 'cognitoAuth' });
    expect(validated).toMatchObject({
      isValid: true,
      userId,
      action: 'cognitoAuth',
      verificationMethod: 'EMAIL_OTP',
    });
    // Single use: the same token never validates twice.
    expect((await sdk.validateChallenge({ token: resultToken })).isValid).toBe(false);

    const user = await sdk.getUser({ userId });
    expect(user).toMatchObject({ isEnrolled: true, email, emailVerified: true });

    const authenticator = new SoftAuthenticator();
    const registered = await registerPasskey(t, authenticator, resultToken);
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ isVerified: true, userId });
    expect(registered.body.accessToken).toBeTypeOf('string');

    const signedIn = await signInWithPasskey(t, authenticator);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ isVerified: true, userId, username: email });
    const passkeyResult = await sdk.validateChallenge({
      token: signedIn.body.accessToken,
      userId,
      action: 'cognitoAuth',
    });
    expect(passkeyResult).toMatchObject({ isValid: true, verificationMethod: 'PASSKEY', userId });

    const authenticators = await sdk.getAuthenticators({ userId });
    expect(authenticators.map((a) => a.verificationMethod).sort()).toEqual(['EMAIL_OTP', 'PASSKEY']);
    const passkey = authenticators.find((a) => a.verificationMethod === 'PASSKEY');
    expect(passkey?.webauthnCredential?.credentialId).toBe(registered.body.credentialId);

    // The lookup the client SDKs use to decide whether to offer a passkey.
    const lookup = await t.api(
      'GET',
      `/v1/client/user-authenticators/passkey?credentialId=${registered.body.credentialId}`,
      {
        auth: t.tenantAuth,
      },
    );
    expect(lookup.body.credentialId).toBe(registered.body.credentialId);
  });

  it('stores the OTP only as a keyed hash and sends six digits', async () => {
    const { token } = await trackUser(t, 'sub-hash', 'hash@example.com');
    await t.api('POST', '/v1/client/user-authenticators/email-otp', {
      auth: `Bearer ${token}`,
      body: { email: 'hash@example.com' },
    });
    const code = t.latestCode('hash@example.com');
    expect(code).toMatch(/^\d{6}$/);
    const events = await t.server.store.listEvents({ userId: 'sub-hash', limit: 10 });
    const sent = events.find((e) => e.type === 'email_otp.sent');
    expect(sent).toBeDefined();
    const action = await t.server.store.getAction(sent?.actionId ?? '');
    const stored = await t.server.store.getActiveOtpCode(action?.id ?? '', new Date());
    expect(stored?.codeHash).toBeDefined();
    expect(stored?.codeHash).not.toContain(code);
    expect(JSON.stringify(stored)).not.toContain(code);
  });
});

describe('email OTP through a real SMTP server', () => {
  let t: TestServer;
  let smtp: {
    server: SMTPServer;
    url: string;
    messages: { to: string; subject: string; text: string }[];
    close(): Promise<void>;
  };
  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await startTestServer({
      config: testConfig({ mail: { from: 'Latchkey <auth@example.com>', smtpUrl: smtp.url } }),
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('delivers the code over SMTP and the code verifies', async () => {
    const { token } = await trackUser(t, 'sub-smtp', 'smtp@example.com');
    const enroll = await t.api('POST', '/v1/client/user-authenticators/email-otp', {
      auth: `Bearer ${token}`,
      body: { email: 'smtp@example.com' },
    });
    expect(enroll.status).toBe(200);
    expect(t.server.devMailbox).toBeUndefined();
    await expect.poll(() => smtp.messages.length).toBe(1);
    const message = smtp.messages[0];
    expect(message?.to).toBe('smtp@example.com');
    const code = message?.text.match(/\b(\d{6})\b/)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const verify = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: `Bearer ${token}`,
      body: { verificationCode: code },
    });
    expect(verify.body.isVerified).toBe(true);
    const validated = await nodeSdk(t).validateChallenge({
      token: verify.body.accessToken,
      userId: 'sub-smtp',
    });
    expect(validated.isValid).toBe(true);
  });
});
