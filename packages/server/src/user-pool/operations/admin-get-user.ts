import { z } from 'zod';
import { userType } from '../admin.js';
import { defineOperation, requirePool, username, userPoolId } from '../operation.js';
import { requireUser } from '../users.js';

export const adminGetUser = defineOperation({
  name: 'AdminGetUser',
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username }),
  async handle(ctx, input) {
    requirePool(ctx, input.UserPoolId);
    const { Attributes, ...user } = userType(await requireUser(ctx, input.Username));
    return { ...user, UserAttributes: Attributes };
  },
});
