import { z } from 'zod';
import { PoolError } from '../../core/errors.js';
import type { PoolUserPatch } from '../../core/pool-model.js';
import {
  attributeList,
  clientMetadata,
  defineOperation,
  requirePool,
  username,
  userPoolId,
} from '../operation.js';
import { parseAttributes, requireUser } from '../users.js';

export const adminUpdateUserAttributes = defineOperation({
  name: 'AdminUpdateUserAttributes',
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    Username: username,
    UserAttributes: attributeList,
    ClientMetadata: clientMetadata,
  }),
  async handle(ctx, input) {
    requirePool(ctx, input.UserPoolId);
    const user = await requireUser(ctx, input.Username);
    const parsed = parseAttributes(input.UserAttributes, { allowVerified: true });
    const patch: PoolUserPatch = { attributes: { ...user.attributes, ...parsed.attributes } };
    if (parsed.email !== undefined && parsed.email !== user.email) {
      patch.email = parsed.email;
      patch.emailVerified = false;
    }
    if (parsed.emailVerified !== undefined) patch.emailVerified = parsed.emailVerified;
    const updated = await ctx.store.updatePoolUser(ctx.config.id, user.sub, patch, ctx.clock.now());
    if (updated === 'email_exists')
      throw new PoolError('AliasExistsException', 'An account with the given email already exists.');
    return {};
  },
});
