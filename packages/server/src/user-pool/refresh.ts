import { PoolError } from '../core/errors.js';
import type { PoolContext } from './context.js';
import { type AuthenticationResult, findRefreshToken, mintTokens } from './tokens.js';

/**
 * New ID and access tokens from a refresh token (no rotation, as Cognito's
 * default). Unknown, expired, revoked or foreign tokens: NotAuthorized.
 */
export async function refreshTokens(
  ctx: PoolContext,
  refreshToken: string,
  clientId: string,
): Promise<Omit<AuthenticationResult, 'RefreshToken'>> {
  const record = await findRefreshToken(ctx, refreshToken, clientId);
  if (!record) throw new PoolError('NotAuthorizedException', 'Invalid Refresh Token');
  const user = await ctx.store.getPoolUser(ctx.config.id, record.sub);
  if (!user) throw new PoolError('NotAuthorizedException', 'Invalid Refresh Token');
  if (!user.enabled) throw new PoolError('NotAuthorizedException', 'User is disabled.');
  return mintTokens(ctx, user, clientId, { id: record.id, authTime: record.authTime });
}
