import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { verifyAccessToken } from '../tokens.js';
import { accessToken } from './get-user.js';

export const deleteUser = defineOperation({
  name: 'DeleteUser',
  auth: 'token',
  input: z.object({ AccessToken: accessToken }),
  async handle(ctx, input) {
    const { user } = await verifyAccessToken(ctx, input.AccessToken);
    await ctx.store.deletePoolUser(ctx.config.id, user.sub);
    return {};
  },
});
