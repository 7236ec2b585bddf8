import { randomUUID } from 'node:crypto';
import { PoolError } from '../core/errors.js';
import type { PoolContext } from './context.js';
import { seal, unseal } from './seal.js';

const CONTEXT = 'latchkey:auth-session';

/** One answered round, as triggers see it in `request.session[]`. */
export interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string;
}

/** What a custom-auth session carries between rounds; sealed, so the client sees none of it. */
export interface AuthSession {
  id: string;
  poolId: string;
  clientId: string;
  /** Internal username (sub, or the fake one for an unknown user). */
  username: string;
  /** The name the client signed in with (email), also accepted as USERNAME. */
  alias: string;
  userNotFound: boolean;
  /** 1-based round of the challenge awaiting an answer. */
  round: number;
  expiresAt: number;
  results: ChallengeResult[];
  pending: {
    challengeName: string;
    privateChallengeParameters: Record<string, string>;
    challengeMetadata?: string;
  };
}

/** Seals a new session for the next round. */
export function sealSession(ctx: PoolContext, session: Omit<AuthSession, 'id' | 'expiresAt'>): string {
  const full: AuthSession = {
    ...session,
    id: randomUUID(),
    expiresAt: ctx.clock.now().getTime() + ctx.config.authSessionValidityMinutes * 60_000,
  };
  return seal(ctx.sessionKey, Buffer.from(JSON.stringify(full)), `${CONTEXT}:${ctx.config.id}`);
}

/**
 * Opens a session for `clientId` and spends it: a session answers one round
 * only, even with many instances racing (the spend is a store write).
 */
export async function spendSession(ctx: PoolContext, sealed: string, clientId: string): Promise<AuthSession> {
  const invalid = () => new PoolError('NotAuthorizedException', 'Invalid session for the user.');
  if (sealed.length < 20 || sealed.length > 4096) throw invalid();
  const bytes = unseal(ctx.sessionKey, sealed, `${CONTEXT}:${ctx.config.id}`);
  if (!bytes) throw invalid();
  let session: AuthSession;
  try {
    session = JSON.parse(Buffer.from(bytes).toString('utf8')) as AuthSession;
  } catch {
    throw invalid();
  }
  if (session.poolId !== ctx.config.id || session.clientId !== clientId) throw invalid();
  const now = ctx.clock.now();
  if (session.expiresAt <= now.getTime()) {
    throw new PoolError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
  }
  if (!(await ctx.store.consumeAuthSession(session.id, new Date(session.expiresAt)))) throw invalid();
  return session;
}
