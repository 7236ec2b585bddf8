import { z } from 'zod';
import { PoolError } from '../../core/errors.js';
import type { PoolUserPatch } from '../../core/pool-model.js';
import { attributeList, clientMetadata, defineOperation } from '../operation.js';
import { verifyAccessToken } from '../tokens.js';
import { parseAttributes } from '../users.js';
import { accessToken } from './get-user.js';

export const updateUserAttributes = defineOperation({
  name: 'UpdateUserAttributes',
  auth: 'token',
  input: z.object({
    AccessToken: accessToken,
    UserAttributes: attributeList,
    ClientMetadata: clientMetadata,
  }),
  async handle(ctx, input) {
    const { user } = await verifyAccessToken(ctx, input.AccessToken);
    // Users may not mark their own email verified.
    const parsed = parseAttributes(input.UserAttributes, { allowVerified: false });
    const patch: PoolUserPatch = { attributes: { ...user.attributes, ...parsed.attributes } };
    if (parsed.email !== undefined && parsed.email !== user.email) {
      patch.email = parsed.email;
      patch.emailVerified = false;
    }
    const updated = await ctx.store.updatePoolUser(ctx.config.id, user.sub, patch, ctx.clock.now());
    if (updated === 'email_exists')
      throw new PoolError('AliasExistsException', 'An account with the given email already exists.');
    return { CodeDeliveryDetailsList: [] };
  },
});
