import { z } from 'zod';
import { defineOperation, requirePool, username, userPoolId } from '../operation.js';
import { requireUser } from '../users.js';

export const adminDeleteUser = defineOperation({
  name: 'AdminDeleteUser',
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username }),
  async handle(ctx, input) {
    requirePool(ctx, input.UserPoolId);
    const user = await requireUser(ctx, input.Username);
    await ctx.store.deletePoolUser(ctx.config.id, user.sub);
    return {};
  },
});
