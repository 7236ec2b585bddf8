import { z } from 'zod';
import { PoolError } from '../../core/errors.js';
import { sendConfirmationCode } from '../confirmation.js';
import { clientId, clientMetadata, defineOperation, requireClient, username } from '../operation.js';
import { findUser, maskEmail } from '../users.js';

export const resendConfirmationCode = defineOperation({
  name: 'ResendConfirmationCode',
  auth: 'public',
  input: z.object({
    ClientId: clientId,
    Username: username,
    ClientMetadata: clientMetadata,
    SecretHash: z.string().optional(),
  }),
  async handle(ctx, input) {
    requireClient(ctx, input.ClientId);
    const user = await findUser(ctx, input.Username);
    const delivery = (email: string) => ({
      CodeDeliveryDetails: { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' },
    });
    if (!user) {
      if (ctx.config.preventUserExistenceErrors === 'LEGACY')
        throw new PoolError('UserNotFoundException', 'User does not exist.');
      // Pretend a code went out, as Cognito does with preventUserExistenceErrors.
      return delivery(input.Username);
    }
    if (user.status === 'CONFIRMED')
      throw new PoolError('InvalidParameterException', 'User is already confirmed.');
    if (user.email === null)
      throw new PoolError('InvalidParameterException', 'User has no email to deliver a code to.');
    await sendConfirmationCode(ctx, user.sub, user.email);
    return delivery(user.email);
  },
});
