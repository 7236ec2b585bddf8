/**
 * The CUSTOM_AUTH state machine, as Cognito runs it: Define decides, Create
 * makes a challenge, Verify judges an answer; sessions carry the rounds.
 */
import { PoolError } from '../core/errors.js';
import type { PoolUser } from '../core/pool-model.js';
import type { PoolContext } from './context.js';
import { type AuthSession, type ChallengeResult, sealSession, spendSession } from './session.js';
import { type AuthenticationResult, issueRefreshToken, mintTokens } from './tokens.js';
import { baseEvent, type TriggerEvent } from './triggers.js';
import { attributeMap, findUser, phantomUsername } from './users.js';

/** Latchkey's cap on rounds in one sign-in (Cognito publishes none). */
export const MAX_ROUNDS = 10;

const INCORRECT = 'Incorrect username or password.';

export type AuthStep =
  | { ChallengeName: 'CUSTOM_CHALLENGE'; Session: string; ChallengeParameters: Record<string, string> }
  | { ChallengeParameters: Record<string, never>; AuthenticationResult: AuthenticationResult };

interface Attempt {
  clientId: string;
  /** Internal username: the sub, or a phantom for an unknown user. */
  username: string;
  alias: string;
  user: PoolUser | null;
  results: ChallengeResult[];
  clientMetadata?: Record<string, string> | undefined;
}

function requireCustomAuthTriggers(ctx: PoolContext): void {
  for (const name of ['defineAuthChallenge', 'createAuthChallenge', 'verifyAuthChallengeResponse'] as const) {
    if (!ctx.triggers.has(name)) {
      throw new PoolError(
        'InvalidParameterException',
        'Custom auth lambda trigger is not configured for the user pool.',
      );
    }
  }
}

/** InitiateAuth(CUSTOM_AUTH): resolve the user (or a phantom) and run the first round. */
export async function startCustomAuth(
  ctx: PoolContext,
  input: { clientId: string; username: string },
): Promise<AuthStep> {
  requireCustomAuthTriggers(ctx);
  const user = await findUser(ctx, input.username);
  if (!user) {
    if (ctx.config.preventUserExistenceErrors === 'LEGACY') {
      throw new PoolError('UserNotFoundException', 'User does not exist.');
    }
  } else if (!user.enabled) {
    throw new PoolError('NotAuthorizedException', 'User is disabled.');
  } else if (user.status === 'UNCONFIRMED') {
    throw new PoolError('UserNotConfirmedException', 'User is not confirmed.');
  }
  // InitiateAuth's ClientMetadata does not reach Define or Create (as on Cognito).
  return nextRound(ctx, {
    clientId: input.clientId,
    username: user?.sub ?? phantomUsername(ctx, input.username),
    alias: user?.email ?? input.username,
    user,
    results: [],
  });
}

/** RespondToAuthChallenge(CUSTOM_CHALLENGE): spend the session, judge the answer, run the next round. */
export async function answerCustomChallenge(
  ctx: PoolContext,
  input: {
    clientId: string;
    session: string;
    challengeName: string;
    responses: Record<string, string>;
    clientMetadata?: Record<string, string> | undefined;
  },
): Promise<AuthStep> {
  requireCustomAuthTriggers(ctx);
  const session = await spendSession(ctx, input.session, input.clientId);
  if (input.challengeName !== session.pending.challengeName) {
    throw new PoolError('InvalidParameterException', `Invalid challenge name ${input.challengeName}.`);
  }
  const claimed = input.responses.USERNAME;
  if (claimed !== session.username && claimed?.toLowerCase() !== session.alias.toLowerCase()) {
    throw new PoolError('NotAuthorizedException', 'Invalid session for the user.');
  }
  // Looked up for an unknown user too (the phantom username matches nobody), so both paths
  // make the same store calls (security-bar E1); the result is never used for a phantom.
  const found = await ctx.store.getPoolUser(ctx.config.id, session.username);
  const user = session.userNotFound ? null : found;
  if (!session.userNotFound && !user?.enabled) throw new PoolError('NotAuthorizedException', INCORRECT);

  const verify = await ctx.triggers.run('verifyAuthChallengeResponse', {
    ...event(ctx, 'VerifyAuthChallengeResponse_Authentication', session),
    request: {
      userAttributes: user ? attributeMap(user) : {},
      privateChallengeParameters: session.pending.privateChallengeParameters,
      challengeAnswer: input.responses.ANSWER ?? '',
      ...(input.clientMetadata ? { clientMetadata: input.clientMetadata } : {}),
      userNotFound: session.userNotFound,
    },
    response: { answerCorrect: false },
  });
  const correct = verify.response.answerCorrect === true && !session.userNotFound;
  const result: ChallengeResult = {
    challengeName: session.pending.challengeName,
    challengeResult: correct,
    ...(session.pending.challengeMetadata !== undefined
      ? { challengeMetadata: session.pending.challengeMetadata }
      : {}),
  };
  return nextRound(ctx, {
    clientId: session.clientId,
    username: session.username,
    alias: session.alias,
    user,
    results: [...session.results, result],
    clientMetadata: input.clientMetadata,
  });
}

/**
 * The common event fields. For an unknown user Cognito names the user as typed;
 * only the client sees the fake internal username.
 */
function event(
  ctx: PoolContext,
  triggerSource: string,
  attempt: { clientId: string; username: string; alias: string; userNotFound: boolean },
) {
  const userName = attempt.userNotFound ? attempt.alias : attempt.username;
  return baseEvent({
    triggerSource,
    region: ctx.region,
    userPoolId: ctx.config.id,
    userName,
    clientId: attempt.clientId,
  });
}

/** Define decides; then tokens, failure, or Create and a fresh session. */
async function nextRound(ctx: PoolContext, attempt: Attempt): Promise<AuthStep> {
  const { user } = attempt;
  const userAttributes = user ? attributeMap(user) : {};
  const metadata = attempt.clientMetadata ? { clientMetadata: attempt.clientMetadata } : {};
  const define = await ctx.triggers.run('defineAuthChallenge', {
    ...event(ctx, 'DefineAuthChallenge_Authentication', { ...attempt, userNotFound: user === null }),
    request: { userAttributes, session: attempt.results, ...metadata, userNotFound: user === null },
    response: {},
  });
  const decision = define.response as {
    issueTokens?: unknown;
    failAuthentication?: unknown;
    challengeName?: unknown;
  };
  if (decision.issueTokens === true) {
    // Never for an unknown user, whatever the trigger says.
    if (!user) throw new PoolError('NotAuthorizedException', INCORRECT);
    return issueTokens(ctx, user, attempt.clientId);
  }
  if (decision.failAuthentication === true || attempt.results.length >= MAX_ROUNDS) {
    throw new PoolError('NotAuthorizedException', INCORRECT);
  }
  if (decision.challengeName !== 'CUSTOM_CHALLENGE') {
    throw new PoolError('InvalidLambdaResponseException', 'Invalid lambda function output : Invalid JSON');
  }

  const create = await ctx.triggers.run('createAuthChallenge', {
    ...event(ctx, 'CreateAuthChallenge_Authentication', { ...attempt, userNotFound: user === null }),
    request: {
      userAttributes,
      challengeName: 'CUSTOM_CHALLENGE',
      session: attempt.results,
      ...metadata,
      userNotFound: user === null,
    },
    response: { publicChallengeParameters: {}, privateChallengeParameters: {} },
  });
  const created = create.response as Record<string, unknown>;
  const publicParameters = stringMap(created.publicChallengeParameters);
  const privateParameters = stringMap(created.privateChallengeParameters);
  const challengeMetadata = created.challengeMetadata;
  const pending: AuthSession['pending'] = {
    challengeName: 'CUSTOM_CHALLENGE',
    privateChallengeParameters: privateParameters,
    ...(typeof challengeMetadata === 'string' ? { challengeMetadata } : {}),
  };
  const Session = sealSession(ctx, {
    poolId: ctx.config.id,
    clientId: attempt.clientId,
    username: attempt.username,
    alias: attempt.alias,
    userNotFound: user === null,
    round: attempt.results.length + 1,
    results: attempt.results,
    pending,
  });
  return {
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session,
    // Amplify adopts USERNAME as the internal name for the rest of the sign-in.
    ChallengeParameters: { ...publicParameters, USERNAME: attempt.username },
  };
}

/** Challenge parameter maps are string → string; anything else is a broken trigger. */
function stringMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new PoolError('InvalidLambdaResponseException', 'Invalid lambda function output : Invalid JSON');
  }
  const map: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      throw new PoolError('InvalidLambdaResponseException', 'Invalid lambda function output : Invalid JSON');
    }
    map[key] = entry;
  }
  return map;
}

/** A completed sign-in: a new refresh token and ID + access tokens tied to it. */
export async function issueTokens(ctx: PoolContext, user: PoolUser, clientId: string): Promise<AuthStep> {
  const authTime = ctx.clock.now();
  const refresh = await issueRefreshToken(ctx, user, clientId, authTime);
  const tokens = await mintTokens(ctx, user, clientId, { id: refresh.record.id, authTime });
  // Never NewDeviceMetadata: Amplify would start an SRP device confirmation.
  return { ChallengeParameters: {}, AuthenticationResult: { ...tokens, RefreshToken: refresh.token } };
}

export type { TriggerEvent };
