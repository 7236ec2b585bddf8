import { randomUUID } from 'node:crypto';
import { authenticatorChangedMessage } from '../mail/messages.js';
import { assertActionCode, enrolledMethods } from './actions.js';
import type { CoreContext, RequestMeta } from './context.js';
import { normalizeEmail } from './email-otp.js';
import { AuthError } from './errors.js';
import type { AuditEvent, Authenticator, EventType, User, UserPatch, VerificationMethod } from './model.js';
import { notifyUser } from './notify.js';

export const ALLOWED_METHODS: readonly VerificationMethod[] = ['PASSKEY', 'EMAIL_OTP'];

export async function getUser(
  ctx: CoreContext,
  userId: string,
): Promise<{ user: User; enrolled: VerificationMethod[] }> {
  const user = await ctx.store.getUser(userId);
  if (!user) throw new AuthError('not_found', 'User not found.');
  return { user, enrolled: enrolledMethods(await ctx.store.listAuthenticators(userId)) };
}

export async function updateUser(ctx: CoreContext, userId: string, patch: UserPatch): Promise<User> {
  if (patch.email !== undefined && patch.email !== null) patch.email = normalizeEmail(patch.email);
  const user = await ctx.store.updateUser(userId, patch, ctx.clock.now());
  if (!user) throw new AuthError('not_found', 'User not found.');
  return user;
}

export async function deleteUser(ctx: CoreContext, userId: string): Promise<void> {
  if (!(await ctx.store.deleteUser(userId))) throw new AuthError('not_found', 'User not found.');
}

export async function listAuthenticators(ctx: CoreContext, userId: string): Promise<Authenticator[]> {
  return ctx.store.listAuthenticators(userId);
}

/**
 * Server API: enroll an authenticator on the backend's word (the caller holds
 * the secret key). Only email is possible here; passkeys need a ceremony.
 */
export async function enrollAuthenticator(
  ctx: CoreContext,
  userId: string,
  input: { verificationMethod: string; email?: string },
  meta: RequestMeta,
): Promise<Authenticator> {
  if (input.verificationMethod !== 'EMAIL_OTP') {
    throw new AuthError(
      'invalid_request',
      'Only EMAIL_OTP can be enrolled through the server API; passkeys need a ceremony.',
    );
  }
  if (input.email === undefined) throw new AuthError('invalid_request', 'email is required for EMAIL_OTP.');
  const email = normalizeEmail(input.email);
  if (!(await ctx.store.getUser(userId))) throw new AuthError('not_found', 'User not found.');
  const now = ctx.clock.now();
  const existing = await ctx.store.findEmailAuthenticator(userId, email);
  const authenticator =
    existing ??
    (await ctx.store.insertEmailAuthenticator({ id: randomUUID(), userId, email, createdAt: now }));
  await ctx.store.markAuthenticatorVerified(authenticator.id, now);
  if (!existing) {
    await ctx.store.appendEvent(
      {
        type: 'authenticator.added',
        userId,
        authenticatorId: authenticator.id,
        ipAddress: meta.ipAddress,
        data: { method: 'EMAIL_OTP', by: 'server' },
      },
      now,
    );
  }
  const stored = await ctx.store.getAuthenticator(authenticator.id);
  if (!stored) throw new Error('authenticator vanished');
  return stored;
}

export async function deleteAuthenticator(
  ctx: CoreContext,
  userId: string,
  authenticatorId: string,
  meta: RequestMeta,
): Promise<void> {
  const existing = await ctx.store.getAuthenticator(authenticatorId);
  if (!(await ctx.store.deleteAuthenticator(userId, authenticatorId))) {
    throw new AuthError('not_found', 'Authenticator not found.');
  }
  const now = ctx.clock.now();
  await ctx.store.appendEvent(
    {
      type: 'authenticator.removed',
      userId,
      authenticatorId,
      ipAddress: meta.ipAddress,
      data: { method: existing?.method ?? null },
    },
    now,
  );
  if (existing?.method === 'PASSKEY') {
    await notifyUser(
      ctx,
      userId,
      (to) =>
        authenticatorChangedMessage({
          to,
          appName: ctx.policy.appName,
          change: 'removed',
          authenticatorName: existing.name,
          at: now,
        }),
      meta,
    );
  }
}

/** Server API: the user's audit events, newest first. */
export async function listUserEvents(
  ctx: CoreContext,
  userId: string,
  query: { type?: EventType; limit?: number; before?: number },
): Promise<{ events: AuditEvent[]; nextBefore?: number }> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const events = await ctx.store.listEvents({
    userId,
    limit: limit + 1,
    ...(query.type !== undefined ? { type: query.type } : {}),
    ...(query.before !== undefined ? { beforeId: query.before } : {}),
  });
  const page = events.slice(0, limit);
  const last = page.at(-1);
  return events.length > limit && last ? { events: page, nextBefore: last.id } : { events: page };
}

export interface PendingChallenge {
  challengeId: string;
  expiresAt: Date;
  verificationMethod: VerificationMethod;
  email?: string;
  action: string;
}

/**
 * Server API `GET /challenges`: the pending email code of a user's action, if
 * any (by `challengeId`, or the newest for `action`).
 */
export async function getPendingChallenge(
  ctx: CoreContext,
  query: { userId?: string; action?: string; verificationMethod?: string; challengeId?: string },
): Promise<PendingChallenge | null> {
  if (query.action !== undefined) assertActionCode(query.action);
  if (query.verificationMethod !== undefined && query.verificationMethod !== 'EMAIL_OTP') return null;
  if (query.challengeId === undefined) return null;
  const code = await ctx.store.getOtpCode(query.challengeId);
  const now = ctx.clock.now();
  if (!code || code.usedAt !== null || code.expiresAt <= now) return null;
  const [authenticator, action] = await Promise.all([
    ctx.store.getAuthenticator(code.authenticatorId),
    ctx.store.getAction(code.actionId),
  ]);
  if (authenticator?.method !== 'EMAIL_OTP' || !action) return null;
  if (query.userId !== undefined && authenticator.userId !== query.userId) return null;
  if (query.action !== undefined && action.actionCode !== query.action) return null;
  return {
    challengeId: code.id,
    expiresAt: code.expiresAt,
    verificationMethod: 'EMAIL_OTP',
    email: authenticator.email,
    action: action.actionCode,
  };
}

/** Server API: query users by attribute, paged by user id. */
export async function queryUsers(
  ctx: CoreContext,
  query: {
    email?: string;
    username?: string;
    phoneNumber?: string;
    limit?: number;
    lastEvaluatedUserId?: string;
  },
): Promise<{ users: User[]; lastEvaluatedUserId?: string }> {
  const limit = Math.min(Math.max(query.limit ?? 25, 1), 100);
  const users = await ctx.store.findUsers({
    ...(query.email !== undefined ? { email: query.email } : {}),
    ...(query.username !== undefined ? { username: query.username } : {}),
    ...(query.phoneNumber !== undefined ? { phoneNumber: query.phoneNumber } : {}),
    ...(query.lastEvaluatedUserId !== undefined ? { afterUserId: query.lastEvaluatedUserId } : {}),
    limit: limit + 1,
  });
  const page = users.slice(0, limit);
  const last = page.at(-1);
  return users.length > limit && last ? { users: page, lastEvaluatedUserId: last.id } : { users: page };
}
