import { z } from 'zod';
import { defineOperation, requirePool, username, userPoolId } from '../operation.js';
import { requireUser } from '../users.js';

export const adminDisableUser = defineOperation({
  name: 'AdminDisableUser',
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username }),
  async handle(ctx, input) {
    requirePool(ctx, input.UserPoolId);
    const user = await requireUser(ctx, input.Username);
    const now = ctx.clock.now();
    await ctx.store.updatePoolUser(ctx.config.id, user.sub, { enabled: false }, now);
    // A disabled user's sessions end now, as on Cognito.
    await ctx.store.revokeUserRefreshTokens(ctx.config.id, user.sub, now);
    return {};
  },
});
