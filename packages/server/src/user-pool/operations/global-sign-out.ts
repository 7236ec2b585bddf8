import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { verifyAccessToken } from '../tokens.js';
import { accessToken } from './get-user.js';

export const globalSignOut = defineOperation({
  name: 'GlobalSignOut',
  auth: 'token',
  input: z.object({ AccessToken: accessToken }),
  async handle(ctx, input) {
    const { user } = await verifyAccessToken(ctx, input.AccessToken);
    const now = ctx.clock.now();
    // Every refresh token dies, and with them every access token minted from one.
    await ctx.store.revokeUserRefreshTokens(ctx.config.id, user.sub, now);
    await ctx.store.updatePoolUser(ctx.config.id, user.sub, { tokensRevokedBefore: now }, now);
    return {};
  },
});
