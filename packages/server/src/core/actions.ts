import { randomUUID } from 'node:crypto';
import type { CoreContext, RequestMeta } from './context.js';
import { AuthError } from './errors.js';
import type { Action, ActionState, Authenticator, User, VerificationMethod } from './model.js';
import { SCOPES, type Scope, type TokenClaims } from './tokens.js';

/** Authsignal's action code rule. */
const ACTION_CODE = /^[a-zA-Z0-9_-]{1,64}$/;
const DEFAULT_TRACK_SCOPES: readonly Scope[] = ['read:authenticators'];
/** Result tokens may manage authenticators (spec auth-api §7). */
export const RESULT_TOKEN_SCOPES: readonly Scope[] = ['read:authenticators', 'add:authenticators'];

export function assertActionCode(actionCode: string): void {
  if (!ACTION_CODE.test(actionCode)) {
    throw new AuthError('invalid_request', 'action must match ^[a-zA-Z0-9_-]{1,64}$.');
  }
}

export function parseScopes(scope: string | undefined): Scope[] {
  if (scope === undefined || scope.trim() === '') return [...DEFAULT_TRACK_SCOPES];
  const scopes = scope.trim().split(/\s+/);
  for (const s of scopes) {
    if (!(SCOPES as readonly string[]).includes(s)) {
      throw new AuthError('invalid_request', `Unknown scope "${s}". Known scopes: ${SCOPES.join(', ')}.`);
    }
  }
  return [...new Set(scopes as Scope[])];
}

export interface TrackInput {
  userId: string;
  actionCode: string;
  email?: string;
  phoneNumber?: string;
  username?: string;
  scope?: string;
  idempotencyKey?: string;
}

export interface TrackResult {
  action: Action;
  user: User;
  token: string;
  isEnrolled: boolean;
  enrolledVerificationMethods: VerificationMethod[];
}

/** Verification methods of the user's verified authenticators. */
export function enrolledMethods(authenticators: readonly Authenticator[]): VerificationMethod[] {
  return [...new Set(authenticators.filter((a) => a.verifiedAt !== null).map((a) => a.method))];
}

/**
 * Server API `track`: creates the user if unknown, records the action (idempotent
 * on its key) and mints a track token pointing at it.
 */
export async function track(ctx: CoreContext, input: TrackInput, meta: RequestMeta): Promise<TrackResult> {
  assertActionCode(input.actionCode);
  if (input.userId.length === 0 || input.userId.length > 255) {
    throw new AuthError('invalid_request', 'userId must be 1–255 characters.');
  }
  const scopes = parseScopes(input.scope);
  const now = ctx.clock.now();
  const { user, created } = await ctx.store.ensureUser(
    input.userId,
    {
      email: input.email ?? null,
      phoneNumber: input.phoneNumber ?? null,
      username: input.username ?? null,
    },
    now,
  );
  let current = user;
  if (!created) {
    const patch: Partial<User> = {};
    if (input.email !== undefined && input.email !== user.email) {
      patch.email = input.email;
      patch.emailVerified = false;
    }
    if (input.phoneNumber !== undefined && input.phoneNumber !== user.phoneNumber) {
      patch.phoneNumber = input.phoneNumber;
      patch.phoneNumberVerified = false;
    }
    if (input.username !== undefined && input.username !== user.username) patch.username = input.username;
    if (Object.keys(patch).length > 0) current = (await ctx.store.updateUser(user.id, patch, now)) ?? user;
  } else {
    await ctx.store.appendEvent({ type: 'user.created', userId: user.id, ipAddress: meta.ipAddress }, now);
  }

  const { action } = await ctx.store.createAction({
    id: randomUUID(),
    userId: user.id,
    actionCode: input.actionCode,
    idempotencyKey: input.idempotencyKey ?? randomUUID(),
    state: 'CHALLENGE_REQUIRED',
    createdAt: now,
  });
  const authenticators = await ctx.store.listAuthenticators(user.id);
  const methods = enrolledMethods(authenticators);
  const token = await ctx.tokens.sign(
    {
      userId: user.id,
      username: current.username ?? current.email,
      actionId: action.id,
      actionCode: action.actionCode,
      idempotencyKey: action.idempotencyKey,
      scopes,
    },
    ctx.policy.trackTokenTtlSeconds,
  );
  await ctx.store.appendEvent(
    {
      type: 'action.tracked',
      userId: user.id,
      actionId: action.id,
      ipAddress: meta.ipAddress,
      data: { actionCode: action.actionCode },
    },
    now,
  );
  return {
    action,
    user: current,
    token,
    isEnrolled: methods.length > 0,
    enrolledVerificationMethods: methods,
  };
}

/**
 * Resolves a Bearer token to its action, refusing tokens whose action is gone,
 * blocked or belongs to someone else.
 */
export async function actionForToken(ctx: CoreContext, claims: TokenClaims): Promise<Action> {
  const action = await ctx.store.getAction(claims.actionId);
  if (
    !action ||
    action.userId !== claims.userId ||
    action.actionCode !== claims.actionCode ||
    action.idempotencyKey !== claims.idempotencyKey
  ) {
    throw new AuthError('token_invalid', 'The token does not match an action.');
  }
  if (action.state === 'BLOCK') throw new AuthError('token_invalid', 'The action is blocked.');
  return action;
}

/** Mints a result token for an action that a verification just completed. */
export async function mintResultToken(ctx: CoreContext, action: Action, user: User): Promise<string> {
  if (action.userId === null) throw new Error('a result token needs a bound user');
  return ctx.tokens.sign(
    {
      userId: action.userId,
      username: user.username ?? user.email,
      actionId: action.id,
      actionCode: action.actionCode,
      idempotencyKey: action.idempotencyKey,
      scopes: RESULT_TOKEN_SCOPES,
    },
    ctx.policy.resultTokenTtlSeconds,
  );
}

export type ValidateResult =
  | {
      isValid: boolean;
      state: ActionState;
      stateUpdatedAt: Date;
      userId: string;
      actionCode: string;
      idempotencyKey: string;
      verificationMethod: VerificationMethod | null;
      error?: string;
    }
  | { isValid: false; error: string };

/**
 * Server API `validate`: single use and bound to user and action. Never throws
 * for a bad token: the Verify trigger must answer "wrong", not fail.
 */
export async function validate(
  ctx: CoreContext,
  input: { token: string; userId?: string; action?: string },
  meta: RequestMeta,
): Promise<ValidateResult> {
  const now = ctx.clock.now();
  let claims: TokenClaims;
  try {
    claims = await ctx.tokens.verify(input.token);
  } catch (error) {
    const message = error instanceof AuthError ? error.message : 'The token is invalid.';
    await ctx.store.appendEvent(
      { type: 'token.validation_failed', ipAddress: meta.ipAddress, data: { reason: message } },
      now,
    );
    return { isValid: false, error: message };
  }
  const action = await ctx.store.getAction(claims.actionId);
  if (!action || action.userId !== claims.userId || action.actionCode !== claims.actionCode) {
    return { isValid: false, error: 'The token does not match an action.' };
  }
  const base = {
    state: action.state,
    stateUpdatedAt: action.stateUpdatedAt,
    userId: claims.userId,
    actionCode: action.actionCode,
    idempotencyKey: action.idempotencyKey,
    verificationMethod: action.verificationMethod,
  };
  const refuse = async (error: string) => {
    await ctx.store.appendEvent(
      {
        type: 'token.validation_failed',
        userId: claims.userId,
        actionId: action.id,
        ipAddress: meta.ipAddress,
        data: { reason: error },
      },
      now,
    );
    return { isValid: false, ...base, error };
  };
  if (input.userId !== undefined && input.userId !== claims.userId)
    return refuse('The token belongs to another user.');
  if (input.action !== undefined && input.action !== action.actionCode)
    return refuse('The token belongs to another action.');
  if (action.state !== 'CHALLENGE_SUCCEEDED') return refuse(`The action is in state ${action.state}.`);
  // The single-use step: one atomic conditional write decides the winner.
  if (!(await ctx.store.consumeActionValidation(action.id, now)))
    return refuse('The token was already validated.');
  await ctx.store.appendEvent(
    { type: 'token.validated', userId: claims.userId, actionId: action.id, ipAddress: meta.ipAddress },
    now,
  );
  return { isValid: true, ...base };
}

/** Server API: an action by its key triple, or `not_found`. */
export async function getAction(
  ctx: CoreContext,
  userId: string,
  actionCode: string,
  idempotencyKey: string,
): Promise<Action> {
  assertActionCode(actionCode);
  const action = await ctx.store.findAction(userId, actionCode, idempotencyKey);
  if (!action) throw new AuthError('not_found', 'Action not found.');
  return action;
}

/** Server API: set an action's state (`BLOCK` makes its tokens fail). */
export async function updateActionState(
  ctx: CoreContext,
  key: { userId: string; actionCode: string; idempotencyKey: string },
  state: ActionState,
): Promise<Action> {
  const action = await getAction(ctx, key.userId, key.actionCode, key.idempotencyKey);
  const updated = await ctx.store.setActionState(action.id, state, ctx.clock.now());
  if (!updated) throw new AuthError('not_found', 'Action not found.');
  return updated;
}
