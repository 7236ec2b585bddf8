import { randomUUID } from 'node:crypto';
import { otpMessage } from '../mail/messages.js';
import { actionForToken, mintResultToken } from './actions.js';
import { addSeconds, type CoreContext, type RequestMeta } from './context.js';
import { AuthError } from './errors.js';
import { enforceRateLimit } from './limits.js';
import type { EmailOtpAuthenticator, User } from './model.js';
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
  let authenticator = await ctx.store.findEmailAuthenticator(claims.userId, email);
  if (!authenticator) {
    await assertMayAddAuthenticator(ctx, claims);
    authenticator = await ctx.store.insertEmailAuthenticator({
      id: randomUUID(),
      userId: claims.userId,
      email,
      createdAt: ctx.clock.now(),
    });
  }
  const challengeId = await sendCode(ctx, authenticator, action.id, meta);
  return { authenticator, challengeId };
}

/** `POST /client/challenge/email-otp`: send a new code to the user's email authenticator. */
export async function challengeEmail(
  ctx: CoreContext,
  claims: TokenClaims,
  input: { userAuthenticatorId?: string },
  meta: RequestMeta,
): Promise<{ challengeId: string }> {
  const action = await actionForToken(ctx, claims);
  const authenticator = await pickEmailAuthenticator(ctx, claims.userId, input.userAuthenticatorId);
  return { challengeId: await sendCode(ctx, authenticator, action.id, meta) };
}

async function pickEmailAuthenticator(
  ctx: CoreContext,
  userId: string,
  authenticatorId: string | undefined,
): Promise<EmailOtpAuthenticator> {
  const emails = (await ctx.store.listAuthenticators(userId)).filter(
    (a): a is EmailOtpAuthenticator => a.method === 'EMAIL_OTP',
  );
  const chosen =
    authenticatorId !== undefined
      ? emails.find((a) => a.id === authenticatorId)
      : (emails.find((a) => a.verifiedAt !== null) ?? emails[0]);
  if (!chosen)
    throw new AuthError('not_found', 'The user has no email authenticator. Enroll an email first.');
  return chosen;
}

/**
 * Sends a fresh code, ending the previous ones. Resends are limited per address
 * and per IP; the guess budget lives on the authenticator, so a resend cannot reset it.
 */
async function sendCode(
  ctx: CoreContext,
  authenticator: EmailOtpAuthenticator,
  actionId: string,
  meta: RequestMeta,
): Promise<string> {
  const now = ctx.clock.now();
  const { otp } = ctx.policy;
  if (authenticator.otpLockedUntil !== null && authenticator.otpLockedUntil > now) {
    throw new AuthError('too_many_requests', 'Too many wrong codes. Try again later.');
  }
  const windows = [
    { windowMs: otp.resendIntervalSeconds * 1000, max: 1 },
    { windowMs: 3_600_000, max: otp.sendsPerHour },
  ];
  const context = { userId: authenticator.userId };
  await enforceRateLimit(ctx, `otp-send:email:${authenticator.email.toLowerCase()}`, windows, meta, context);
  if (meta.ipAddress !== null)
    await enforceRateLimit(ctx, `otp-send:ip:${meta.ipAddress}`, windows, meta, context);

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
  return id;
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

  if (
    otpMatches(ctx.otpKey, pending.id, code, pending.codeHash) &&
    (await ctx.store.consumeOtpCode(pending.id, now))
  ) {
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
  return { isVerified: false, failureReason: 'MAX_ATTEMPTS_EXCEEDED' };
}
