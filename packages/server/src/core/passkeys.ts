import { randomBytes, randomUUID } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { authenticatorChangedMessage } from '../mail/messages.js';
import { actionForToken, mintResultToken } from './actions.js';
import { addSeconds, type CoreContext, type RequestMeta } from './context.js';
import { canonicalBase64Url, decodeBinary, toBase64Url } from './encoding.js';
import { AuthError } from './errors.js';
import { enforceRateLimit } from './limits.js';
import type { Action, Challenge, ChallengeKind, PasskeyAuthenticator, User } from './model.js';
import { notifyUser } from './notify.js';
import type { ChallengeOwner } from './ports.js';
import type { TokenClaims } from './tokens.js';
import {
  buildAuthenticationOptions,
  buildRegistrationOptions,
  type CeremonyFailure,
  normalizeAuthentication,
  normalizeRegistration,
  userHandleMatches,
  verifyAuthentication,
  verifyRegistration,
} from './webauthn.js';

/** Action code used when a usernameless sign-in names none. */
export const DEFAULT_SIGN_IN_ACTION = 'signIn';

/** A user may add a second authenticator only with `add:authenticators`. */
export async function assertMayAddAuthenticator(ctx: CoreContext, claims: TokenClaims): Promise<void> {
  const authenticators = await ctx.store.listAuthenticators(claims.userId);
  const enrolled = authenticators.some((a) => a.verifiedAt !== null);
  if (enrolled && !claims.scopes.includes('add:authenticators')) {
    throw new AuthError(
      'insufficient_scope',
      'Adding another authenticator requires the add:authenticators scope.',
    );
  }
}

/**
 * Under `passkeyFirst`, a passkey added on the strength of an email code needs
 * a fresh code: an old result token from a recovery sign-in is not enough.
 */
function assertFreshEnoughToAddPasskey(ctx: CoreContext, action: Action): void {
  if (!ctx.policy.passkeyFirst || action.verificationMethod !== 'EMAIL_OTP') return;
  const age = ctx.clock.now().getTime() - action.stateUpdatedAt.getTime();
  if (age > ctx.policy.freshVerificationSeconds * 1000) {
    throw new AuthError('insufficient_scope', 'Verify a new email code to add a passkey.');
  }
}

async function requireUser(ctx: CoreContext, userId: string): Promise<User> {
  const user = await ctx.store.getUser(userId);
  if (!user) throw new AuthError('token_invalid', 'The token’s user no longer exists.');
  return user;
}

async function issueChallenge(
  ctx: CoreContext,
  kind: ChallengeKind,
  actionId: string,
  userId: string | null,
): Promise<Challenge> {
  const now = ctx.clock.now();
  const challenge = {
    id: randomUUID(),
    kind,
    actionId,
    userId,
    challenge: toBase64Url(randomBytes(32)),
    createdAt: now,
    expiresAt: addSeconds(now, ctx.policy.challengeTtlSeconds),
  };
  await ctx.store.insertChallenge(challenge);
  return { ...challenge, usedAt: null };
}

/**
 * Spends a challenge in one conditional write, only if it was issued for this
 * ceremony and caller (someone else's challenge stays unspent). Anything else
 * is `invalid_challenge`.
 */
async function spendChallenge(
  ctx: CoreContext,
  challengeId: string,
  kind: ChallengeKind,
  owner: ChallengeOwner,
): Promise<Challenge> {
  const spent = await ctx.store.consumeChallenge(challengeId, kind, ctx.clock.now(), owner);
  if (!spent) throw new AuthError('invalid_challenge', 'The challenge is unknown, expired or already used.');
  return spent;
}

/** Creates a usernameless sign-in action and its WebAuthn challenge. */
async function createSignInChallenge(
  ctx: CoreContext,
  input: { actionCode?: string; idempotencyKey?: string },
  meta: RequestMeta,
): Promise<Challenge> {
  // The tenant id is public, so unauthenticated challenges are limited per IP.
  if (meta.ipAddress !== null) {
    const windows = [{ windowMs: 60_000, max: ctx.policy.rateLimits.challengesPerMinutePerIp }];
    await enforceRateLimit(ctx, `challenge:ip:${meta.ipAddress}`, windows, meta);
  }
  const { action, created } = await ctx.store.createAction({
    id: randomUUID(),
    userId: null,
    actionCode: input.actionCode ?? DEFAULT_SIGN_IN_ACTION,
    idempotencyKey: input.idempotencyKey ?? randomUUID(),
    state: 'CHALLENGE_REQUIRED',
    createdAt: ctx.clock.now(),
  });
  // A usernameless action must be fresh: reusing a key could resume someone else's action.
  if (!created) throw new AuthError('invalid_request', 'idempotencyKey is already in use.');
  return issueChallenge(ctx, 'passkey_authentication', action.id, null);
}

/** `POST /client/challenge`: a usernameless sign-in action and its WebAuthn challenge. */
export async function startSignIn(
  ctx: CoreContext,
  input: { actionCode?: string; idempotencyKey?: string },
  meta: RequestMeta,
): Promise<{ challengeId: string }> {
  const challenge = await createSignInChallenge(ctx, input, meta);
  return { challengeId: challenge.id };
}

/** `POST /client/user-authenticators/passkey/registration-options`. */
export async function registrationOptions(
  ctx: CoreContext,
  claims: TokenClaims,
  input: { username?: string; displayName?: string; authenticatorAttachment?: 'platform' | 'cross-platform' },
): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const action = await actionForToken(ctx, claims);
  await assertMayAddAuthenticator(ctx, claims);
  assertFreshEnoughToAddPasskey(ctx, action);
  let user = await requireUser(ctx, claims.userId);
  if (input.username !== undefined && user.username === null) {
    user = (await ctx.store.updateUser(user.id, { username: input.username }, ctx.clock.now())) ?? user;
  }
  // Spec auth-api §4: username → email → phone → userId; displayName defaults to it.
  const username = input.username ?? user.username ?? user.email ?? user.phoneNumber ?? user.id;
  const displayName = input.displayName ?? user.displayName ?? username;
  const existing = (await ctx.store.listAuthenticators(user.id)).filter(
    (a): a is PasskeyAuthenticator => a.method === 'PASSKEY',
  );
  const challenge = await issueChallenge(ctx, 'passkey_registration', action.id, user.id);
  const options = await buildRegistrationOptions({
    rp: ctx.policy.rp,
    userId: user.id,
    username,
    displayName,
    challenge: decodeBinary(challenge.challenge, 'challenge'),
    exclude: existing,
    ...(input.authenticatorAttachment ? { attachment: input.authenticatorAttachment } : {}),
  });
  return { challengeId: challenge.id, options };
}

export type PasskeyOutcome<T> =
  | ({ isVerified: true } & T)
  | { isVerified: false; failureReason: CeremonyFailure | 'credential_exists' | 'credential_not_allowed' };

/** `POST /client/user-authenticators/passkey`: verify a registration and store the passkey. */
export async function addPasskey(
  ctx: CoreContext,
  claims: TokenClaims,
  input: {
    challengeId: string;
    registrationCredential: RegistrationResponseJSON;
    deviceId?: string;
    name?: string;
  },
  meta: RequestMeta,
): Promise<PasskeyOutcome<{ passkey: PasskeyAuthenticator; accessToken: string; user: User }>> {
  // Decode first: malformed input is refused before the challenge is spent.
  const registrationCredential = normalizeRegistration(input.registrationCredential);
  const action = await actionForToken(ctx, claims);
  await assertMayAddAuthenticator(ctx, claims);
  assertFreshEnoughToAddPasskey(ctx, action);
  const challenge = await spendChallenge(ctx, input.challengeId, 'passkey_registration', {
    userId: claims.userId,
    actionId: action.id,
  });
  const now = ctx.clock.now();
  const result = await verifyRegistration({
    rp: ctx.policy.rp,
    response: registrationCredential,
    expectedChallenge: challenge.challenge,
  });
  const refuse = async (failureReason: CeremonyFailure | 'credential_exists', detail?: string) => {
    await ctx.store.appendEvent(
      {
        type: 'passkey.registration_failed',
        userId: claims.userId,
        actionId: action.id,
        ipAddress: meta.ipAddress,
        data: { reason: failureReason, ...(detail ? { detail } : {}) },
      },
      now,
    );
    return { isVerified: false as const, failureReason };
  };
  if (!result.verified) return refuse(result.reason, result.detail);

  const passkey = { ...result.value };
  const id = randomUUID();
  const inserted = await ctx.store.insertPasskey({
    id,
    userId: claims.userId,
    ...passkey,
    name: input.name ?? null,
    deviceId: input.deviceId ?? null,
    createdAt: now,
  });
  // Credential ids are unique across all users (WebAuthn L3 §7.1 step 26).
  if (!inserted) return refuse('credential_exists');
  const stored = await ctx.store.getAuthenticator(id);
  if (stored?.method !== 'PASSKEY') throw new Error('stored passkey vanished');
  await ctx.store.appendEvent(
    {
      type: 'passkey.registered',
      userId: claims.userId,
      actionId: action.id,
      authenticatorId: id,
      ipAddress: meta.ipAddress,
    },
    now,
  );
  await ctx.store.appendEvent(
    {
      type: 'authenticator.added',
      userId: claims.userId,
      authenticatorId: id,
      ipAddress: meta.ipAddress,
      data: { method: 'PASSKEY' },
    },
    now,
  );
  const user = await requireUser(ctx, claims.userId);
  await notifyUser(
    ctx,
    user.id,
    (to) =>
      authenticatorChangedMessage({
        to,
        appName: ctx.policy.appName,
        change: 'added',
        authenticatorName: stored.name,
        at: now,
      }),
    meta,
  );
  return { isVerified: true, passkey: stored, user, accessToken: await mintResultToken(ctx, action, user) };
}

/**
 * `POST /client/user-authenticators/passkey/authentication-options`. With Basic
 * auth the ceremony is usernameless (empty `allowCredentials`); with a Bearer
 * token it is a step-up for the token's user.
 */
export async function authenticationOptions(
  ctx: CoreContext,
  caller: { kind: 'tenant' } | { kind: 'token'; claims: TokenClaims },
  input: { challengeId?: string },
  meta: RequestMeta,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  let challenge: Challenge;
  let allow: PasskeyAuthenticator[] = [];
  if (caller.kind === 'token') {
    const action = await actionForToken(ctx, caller.claims);
    allow = (await ctx.store.listAuthenticators(caller.claims.userId)).filter(
      (a): a is PasskeyAuthenticator => a.method === 'PASSKEY',
    );
    challenge = await issueChallenge(ctx, 'passkey_authentication', action.id, caller.claims.userId);
  } else if (input.challengeId !== undefined) {
    const pending = await ctx.store.getChallenge(input.challengeId);
    if (
      pending?.kind !== 'passkey_authentication' ||
      pending.userId !== null ||
      pending.usedAt !== null ||
      pending.expiresAt <= ctx.clock.now()
    ) {
      throw new AuthError('invalid_challenge', 'The challenge is unknown, expired or already used.');
    }
    challenge = pending;
  } else {
    challenge = await createSignInChallenge(ctx, {}, meta);
  }
  const options = await buildAuthenticationOptions({
    rp: ctx.policy.rp,
    challenge: decodeBinary(challenge.challenge, 'challenge'),
    allow,
  });
  return { challengeId: challenge.id, options };
}

/** `POST /client/verify/passkey`. */
export async function verifyPasskey(
  ctx: CoreContext,
  caller: { kind: 'tenant' } | { kind: 'token'; claims: TokenClaims },
  input: { challengeId: string; authenticationCredential: AuthenticationResponseJSON; deviceId?: string },
  meta: RequestMeta,
): Promise<PasskeyOutcome<{ passkey: PasskeyAuthenticator; user: User; accessToken: string }>> {
  const response = normalizeAuthentication(input.authenticationCredential);
  if (meta.ipAddress !== null) {
    const windows = [{ windowMs: 60_000, max: ctx.policy.rateLimits.passkeyVerificationsPerMinutePerIp }];
    await enforceRateLimit(ctx, `passkey-verify:ip:${meta.ipAddress}`, windows, meta);
  }
  const tokenUser = caller.kind === 'token' ? caller.claims.userId : null;
  if (caller.kind === 'token') await actionForToken(ctx, caller.claims);
  // The challenge is spent whatever happens next, so a response is never tried twice.
  const challenge = await spendChallenge(ctx, input.challengeId, 'passkey_authentication', {
    userId: tokenUser,
    ...(caller.kind === 'token' ? { actionId: caller.claims.actionId } : {}),
  });
  const now = ctx.clock.now();
  const passkey = await ctx.store.getPasskeyByCredentialId(canonicalBase64Url(response.id, 'id'));
  if (!passkey) {
    await ctx.store.appendEvent(
      {
        type: 'passkey.sign_in_failed',
        actionId: challenge.actionId,
        ipAddress: meta.ipAddress,
        data: { reason: 'unknown_credential' },
      },
      now,
    );
    throw new AuthError('unknown_credential', 'The passkey is not registered.');
  }
  const refuse = async (failureReason: CeremonyFailure | 'credential_not_allowed', detail?: string) => {
    await ctx.store.appendEvent(
      {
        type: failureReason === 'counter_regression' ? 'passkey.clone_warning' : 'passkey.sign_in_failed',
        userId: passkey.userId,
        actionId: challenge.actionId,
        authenticatorId: passkey.id,
        ipAddress: meta.ipAddress,
        data: { reason: failureReason, ...(detail ? { detail } : {}) },
      },
      now,
    );
    return { isVerified: false as const, failureReason };
  };
  // Step-up: the credential must be the token user's (and so in allowCredentials).
  if (tokenUser !== null && passkey.userId !== tokenUser) return refuse('credential_not_allowed');
  if (!userHandleMatches(response.response.userHandle, passkey.userId)) return refuse('user_handle_mismatch');

  const result = await verifyAuthentication({
    rp: ctx.policy.rp,
    response,
    expectedChallenge: challenge.challenge,
    passkey,
  });
  if (!result.verified) return refuse(result.reason, result.detail);

  // One write conditional on the counter we verified against (WebAuthn L3 §7.2 step 22).
  const updated = await ctx.store.recordPasskeyUse(passkey.id, {
    expectedCounter: passkey.counter,
    newCounter: result.value.newCounter,
    backupState: result.value.backupState,
    uvInitialized: passkey.uvInitialized || result.value.userVerified,
    usedAt: now,
  });
  if (!updated) return refuse('counter_regression', 'the counter changed during verification');

  const outcome = { state: 'CHALLENGE_SUCCEEDED', at: now, verificationMethod: 'PASSKEY' } as const;
  // Usernameless: the identity comes only from the verified assertion, bound in the
  // same write that marks the action succeeded.
  const action =
    tokenUser === null
      ? await ctx.store.bindActionUser(challenge.actionId, passkey.userId, outcome)
      : await ctx.store.setActionState(challenge.actionId, outcome.state, now, outcome.verificationMethod);
  if (!action) {
    if (tokenUser === null) return refuse('credential_not_allowed', 'the action is bound to another user');
    throw new Error('action vanished');
  }
  const user = await requireUser(ctx, passkey.userId);
  await ctx.store.appendEvent(
    {
      type: 'passkey.signed_in',
      userId: user.id,
      actionId: action.id,
      authenticatorId: passkey.id,
      ipAddress: meta.ipAddress,
    },
    now,
  );
  return {
    isVerified: true,
    passkey: updated,
    user,
    accessToken: await mintResultToken(ctx, action, user),
  };
}

/** `GET /client/user-authenticators/passkey`: whether any of the ids is registered. */
export async function lookupPasskey(
  ctx: CoreContext,
  credentialIds: readonly string[],
): Promise<{ credentialId: string; verifiedAt: Date | null }> {
  for (const raw of credentialIds) {
    let id: string;
    try {
      id = canonicalBase64Url(raw, 'credentialId');
    } catch {
      continue;
    }
    const passkey = await ctx.store.getPasskeyByCredentialId(id);
    if (passkey) return { credentialId: passkey.credentialId, verifiedAt: passkey.verifiedAt };
  }
  throw new AuthError('invalid_credential', 'The passkey is not registered.');
}
