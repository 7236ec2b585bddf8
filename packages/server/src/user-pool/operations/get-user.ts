import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { verifyAccessToken } from '../tokens.js';
import { attributeList } from '../users.js';

export const accessToken = z.string().min(1).max(8192);

export const getUser = defineOperation({
  name: 'GetUser',
  auth: 'token',
  input: z.object({ AccessToken: accessToken }),
  async handle(ctx, input) {
    const { user } = await verifyAccessToken(ctx, input.AccessToken);
    return { Username: user.sub, UserAttributes: attributeList(user) };
  },
});
