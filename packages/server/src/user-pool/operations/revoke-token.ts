import { z } from 'zod';
import { PoolError } from '../../core/errors.js';
import { clientId, defineOperation, requireClient } from '../operation.js';
import { findRefreshToken } from '../tokens.js';

export const revokeToken = defineOperation({
  name: 'RevokeToken',
  auth: 'public',
  input: z.object({
    Token: z.string().min(1).max(2048),
    ClientId: clientId,
    ClientSecret: z.string().optional(),
  }),
  async handle(ctx, input) {
    const client = requireClient(ctx, input.ClientId);
    if (input.Token.split('.').length === 3) {
      throw new PoolError('UnsupportedTokenTypeException', 'Only refresh tokens can be revoked.');
    }
    // As RFC 7009: an unknown or already revoked token is not an error.
    const record = await findRefreshToken(ctx, input.Token, client.id);
    if (record) await ctx.store.revokeRefreshToken(record.id, ctx.clock.now());
    return {};
  },
});
