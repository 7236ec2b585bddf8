import { randomUUID } from 'node:crypto';
import { otpMessage, securityNoticeMessage } from '../mail/messages.js';
import { actionForToken, mintResultToken } from './actions.js';
import { addSeconds, type CoreContext, type RequestMeta } from './context.js';
import { AuthError } from './errors.js';
import { enforceRateLimit } from './limits.js';
import type { EmailOtpAuthenticator, User } from './model.js';
import { notifyUser } from './notify.js';
import { generateOtp, hashOtp, OTP_DIGITS, otpMatches } from './otp.js';
import { assertMayAddAuthenticator } from './passkeys.js';
import type { TokenClaims } from './tokens.js';

export type OtpFailureReason = 'CODE_INVALID_OR_EXPIRED' | 'MAX_ATTEMPTS_EXCEEDED';

/** A deliberately loose check: anything shaped like one address, at most 254 characters. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed))
    throw new AuthError('invalid_request', 'email is not a valid address.');
  return trimmed;
}

/** `POST /client/user-authenticators/email-otp`: start (or resume) enrolling an address, and send a code. */
export async function enrollEmail(
  ctx: CoreContext,
  claims: TokenClaims,
  input: { email: string },
  meta: RequestMeta,
): Promise<{ authenticator: EmailOtpAuthenticator; challengeId: string }> {
  const email = normalizeEmail(input.email);
  const action = await actionForToken(ctx, claims);
  const found = await ctx.store.findEmailAuthenticator(claims.userId, email);
  if (!found) await assertMayAddAuthenticator(ctx, claims);
  return sendCode(ctx, found ?? { create: { userId: claims.userId, email } }, action.id, meta);
}

/** `POST /client/challenge/email-otp`: send a new code to the user's email authenticator. */
export async function challengeEmail(
  ctx: CoreContext,
  claims: TokenClaims,
  input: { userAuthenticatorId?: string },
  meta: RequestMeta,
): Promise<{ challengeId: string }> {
  const action = await actionForToken(ctx, claims);
  const target = await pickEmailAuthenticator(ctx, claims, input.userAuthenticatorId);
  return { challengeId: (await sendCode(ctx, target, action.id, meta)).challengeId };
}

/** Where a code goes: an email authenticator, or one to create once the send is allowed. */
type SendTarget = EmailOtpAuthenticator | { create: { userId: string; email: string } };

/**
 * The authenticator a code goes to: the one named, else the verified one. A
 * user with nothing verified yet gets the address `track` recorded, so the
 * email step behaves alike for every user the app can name (no enumeration).
 */
async function pickEmailAuthenticator(
  ctx: CoreContext,
  claims: TokenClaims,
  authenticatorId: string | undefined,
): Promise<SendTarget> {
  const all = await ctx.store.listAuthenticators(claims.userId);
  const emails = all.filter((a): a is EmailOtpAuthenticator => a.method === 'EMAIL_OTP');
  if (authenticatorId !== undefined) {
    const named = emails.find((a) => a.id === authenticatorId);
    if (!named) throw new AuthError('not_found', 'Authenticator not found.');
    return named;
  }
  // Read the user whichever branch is taken, and find the pending authenticator in the list
  // already loaded: a known user's email step and an unknown (phantom) user's then make the
  // same store calls (security-bar E1, equal work).
  const user = await ctx.store.getUser(claims.userId);
  const verified = emails.find((a) => a.verifiedAt !== null);
  if (verified) return verified;
  const nothingVerified = all.every((a) => a.verifiedAt === null);
  if (user?.email && nothingVerified) {
    const email = normalizeEmail(user.email);
    return (
      emails.find((a) => a.email.toLowerCase() === email.toLowerCase()) ?? {
        create: { userId: claims.userId, email },
      }
    );
  }
  const pending = emails[0];
  if (pending) return pending;
  throw new AuthError('not_found', 'The user has no email authenticator. Enroll an email first.');
}

/**
 * Sends a fresh code, ending the previous ones. Resends are limited per address
 * and per IP; the guess budget lives on the authenticator, so a resend cannot reset it.
 * A new authenticator is created only once the send is allowed, so a refused send
 * (`too_many_requests`) leaves nothing behind but the refusal's event.
 */
async function sendCode(
  ctx: CoreContext,
  target: SendTarget,
  actionId: string,
  meta: RequestMeta,
): Promise<{ authenticator: EmailOtpAuthenticator; challengeId: string }> {
  const now = ctx.clock.now();
  const { otp } = ctx.policy;
  const existing = 'create' in target ? null : target;
  const { userId, email } = 'create' in target ? target.create : target;
  if (existing && existing.otpLockedUntil !== null && existing.otpLockedUntil > now) {
    throw new AuthError('too_many_requests', 'Too many wrong codes. Try again later.');
  }
  const windows = [
    { windowMs: otp.resendIntervalSeconds * 1000, max: 1 },
    { windowMs: 3_600_000, max: otp.sendsPerHour },
  ];
  const context = { userId };
  await enforceRateLimit(ctx, `otp-send:email:${email.toLowerCase()}`, windows, meta, context);
  if (meta.ipAddress !== null)
    await enforceRateLimit(ctx, `otp-send:ip:${meta.ipAddress}`, windows, meta, context);
  const authenticator =
    existing ??
    (await ctx.store.insertEmailAuthenticator({ id: randomUUID(), userId, email, createdAt: now }));

  const id = randomUUID();
  const code = generateOtp();
  await ctx.store.insertOtpCode({
    id,
    authenticatorId: authenticator.id,
    actionId,
    codeHash: hashOtp(ctx.otpKey, id, code),
    createdAt: now,
    expiresAt: addSeconds(now, otp.ttlSeconds),
  });
  await ctx.mailer.send(
    otpMessage({
      to: authenticator.email,
      code,
      ttlMinutes: Math.ceil(otp.ttlSeconds / 60),
      appName: ctx.policy.appName,
    }),
  );
  await ctx.store.appendEvent(
    {
      type: 'email_otp.sent',
      userId: authenticator.userId,
      actionId,
      authenticatorId: authenticator.id,
      ipAddress: meta.ipAddress,
    },
    now,
  );
  return { authenticator, challengeId: id };
}

export type VerifyEmailResult =
  | { isVerified: true; accessToken: string; authenticator: EmailOtpAuthenticator; user: User }
  | { isVerified: false; failureReason: OtpFailureReason };

/**
 * `POST /client/verify/email-otp`. A guess is charged to the authenticator's
 * budget before the code is compared, so parallel guesses can never exceed it.
 */
export async function verifyEmail(
  ctx: CoreContext,
  claims: TokenClaims,
  input: { verificationCode: string },
  meta: RequestMeta,
): Promise<VerifyEmailResult> {
  const code = input.verificationCode.trim();
  if (!new RegExp(`^\\d{${OTP_DIGITS}}$`).test(code)) {
    throw new AuthError('invalid_request', `verificationCode must be ${OTP_DIGITS} digits.`);
  }
  const action = await actionForToken(ctx, claims);
  // Guesses from one place are budgeted too, across every account they target.
  if (meta.ipAddress !== null) {
    const windows = [{ windowMs: 3_600_000, max: ctx.policy.rateLimits.otpVerificationsPerHourPerIp }];
    await enforceRateLimit(ctx, `otp-verify:ip:${meta.ipAddress}`, windows, meta, { userId: claims.userId });
  }
  const now = ctx.clock.now();
  const { maxAttempts, lockoutSeconds } = ctx.policy.otp;
  const pending = await ctx.store.getActiveOtpCode(action.id, now);
  if (!pending) {
    return {
      isVerified: false,
      failureReason:
        action.state === 'CHALLENGE_FAILED' ? 'MAX_ATTEMPTS_EXCEEDED' : 'CODE_INVALID_OR_EXPIRED',
    };
  }
  const event = {
    userId: claims.userId,
    actionId: action.id,
    authenticatorId: pending.authenticatorId,
    ipAddress: meta.ipAddress,
  };

  const guesses = await ctx.store.reserveOtpAttempt(pending.authenticatorId, maxAttempts, now);
  if (guesses === null) return { isVerified: false, failureReason: 'MAX_ATTEMPTS_EXCEEDED' };

  const matches = otpMatches(ctx.otpKey, pending.id, code, pending.codeHash);
  if (matches && !(await ctx.store.consumeOtpCode(pending.id, now))) {
    // The right code, but a concurrent request (a double submit, a client retry) consumed it
    // first. That is not a wrong guess: counting it would lock the authenticator and fail the
    // action that the other request just completed. Knowing the code resets the budget, as a
    // success does (our reservation may have landed after the winner's reset).
    await ctx.store.resetOtpBudget(pending.authenticatorId);
    return { isVerified: false, failureReason: 'CODE_INVALID_OR_EXPIRED' };
  }
  if (matches) {
    await ctx.store.resetOtpBudget(pending.authenticatorId);
    const before = await ctx.store.getAuthenticator(pending.authenticatorId);
    await ctx.store.markAuthenticatorVerified(pending.authenticatorId, now);
    const authenticator = await ctx.store.getAuthenticator(pending.authenticatorId);
    if (!before || !authenticator || authenticator.method !== 'EMAIL_OTP')
      throw new Error('email authenticator vanished');
    // A verified code proves the address: it becomes the user's verified email.
    const user = await ctx.store.updateUser(
      claims.userId,
      { email: authenticator.email, emailVerified: true },
      now,
    );
    if (!user) throw new AuthError('token_invalid', 'The token’s user no longer exists.');
    const succeeded = await ctx.store.setActionState(action.id, 'CHALLENGE_SUCCEEDED', now, 'EMAIL_OTP');
    if (!succeeded) throw new Error('action vanished');
    await ctx.store.appendEvent({ type: 'email_otp.verified', ...event }, now);
    if (before.verifiedAt === null) {
      await ctx.store.appendEvent(
        { type: 'authenticator.added', ...event, data: { method: 'EMAIL_OTP' } },
        now,
      );
    }
    const hasPasskey = (await ctx.store.listAuthenticators(user.id)).some((a) => a.method === 'PASSKEY');
    if (ctx.policy.passkeyFirst && hasPasskey) {
      // The weaker path was used although a passkey exists: record it and tell the owner.
      await ctx.store.appendEvent({ type: 'email_otp.recovery_used', ...event }, now);
      await notifyUser(
        ctx,
        user.id,
        (to) => securityNoticeMessage({ to, appName: ctx.policy.appName, kind: 'recovery_sign_in', at: now }),
        meta,
      );
    }
    return {
      isVerified: true,
      accessToken: await mintResultToken(ctx, succeeded, user),
      authenticator,
      user,
    };
  }

  await ctx.store.recordOtpCodeFailure(pending.id);
  await ctx.store.appendEvent({ type: 'email_otp.failed', ...event, data: { attempt: guesses } }, now);
  if (guesses < maxAttempts) return { isVerified: false, failureReason: 'CODE_INVALID_OR_EXPIRED' };

  // Budget spent: lock the authenticator, kill its codes and fail the action.
  await ctx.store.lockOtp(pending.authenticatorId, addSeconds(now, lockoutSeconds));
  await ctx.store.expireOtpCodes(pending.authenticatorId, now);
  await ctx.store.setActionState(action.id, 'CHALLENGE_FAILED', now);
  await ctx.store.appendEvent({ type: 'email_otp.locked', ...event }, now);
  await notifyUser(
    ctx,
    claims.userId,
    (to) => securityNoticeMessage({ to, appName: ctx.policy.appName, kind: 'codes_locked', at: now }),
    meta,
  );
  return { isVerified: false, failureReason: 'MAX_ATTEMPTS_EXCEEDED' };
}
