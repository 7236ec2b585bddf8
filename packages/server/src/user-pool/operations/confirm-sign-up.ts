import { z } from 'zod';
import { PoolError } from '../../core/errors.js';
import { checkConfirmationCode } from '../confirmation.js';
import { clientId, clientMetadata, defineOperation, requireClient, username } from '../operation.js';
import { findUser } from '../users.js';

export const confirmSignUp = defineOperation({
  name: 'ConfirmSignUp',
  auth: 'public',
  input: z.object({
    ClientId: clientId,
    Username: username,
    ConfirmationCode: z.string().min(1).max(2048),
    ForceAliasCreation: z.boolean().optional(),
    ClientMetadata: clientMetadata,
    Session: z.string().optional(),
    SecretHash: z.string().optional(),
  }),
  async handle(ctx, input) {
    requireClient(ctx, input.ClientId);
    const user = await findUser(ctx, input.Username);
    if (!user) {
      if (ctx.config.preventUserExistenceErrors === 'LEGACY')
        throw new PoolError('UserNotFoundException', 'User does not exist.');
      // An unknown user looks like a wrong code.
      throw new PoolError('CodeMismatchException', 'Invalid verification code provided, please try again.');
    }
    if (user.status === 'CONFIRMED') {
      throw new PoolError('NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED');
    }
    await checkConfirmationCode(ctx, user.sub, input.ConfirmationCode);
    await ctx.store.updatePoolUser(
      ctx.config.id,
      user.sub,
      { status: 'CONFIRMED', emailVerified: true },
      ctx.clock.now(),
    );
    return {};
  },
});
