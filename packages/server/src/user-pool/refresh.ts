import { PoolError } from '../core/errors.js';
import type { PoolContext } from './context.js';
import { type AuthenticationResult, findRefreshToken, issueRefreshToken, mintTokens } from './tokens.js';

/**
 * New ID and access tokens from a refresh token. With rotation on, the old
 * refresh token is retired in the same atomic step that admits this refresh,
 * so a refresh token is good for exactly one refresh. Unknown, expired,
 * revoked or foreign tokens: NotAuthorized.
 */
export async function refreshTokens(
  ctx: PoolContext,
  refreshToken: string,
  clientId: string,
): Promise<AuthenticationResult | Omit<AuthenticationResult, 'RefreshToken'>> {
  const invalid = () => new PoolError('NotAuthorizedException', 'Invalid Refresh Token');
  const record = await findRefreshToken(ctx, refreshToken, clientId);
  if (!record) throw invalid();
  const user = await ctx.store.getPoolUser(ctx.config.id, record.sub);
  if (!user) throw invalid();
  if (!user.enabled) throw new PoolError('NotAuthorizedException', 'User is disabled.');
  if (!ctx.config.tokens.rotateRefreshTokens) {
    return mintTokens(ctx, user, clientId, { id: record.id, authTime: record.authTime });
  }
  if (!(await ctx.store.revokeRefreshToken(record.id, ctx.clock.now()))) throw invalid();
  const next = await issueRefreshToken(ctx, user, clientId, record.authTime);
  const tokens = await mintTokens(ctx, user, clientId, { id: next.record.id, authTime: record.authTime });
  return { ...tokens, RefreshToken: next.token };
}
