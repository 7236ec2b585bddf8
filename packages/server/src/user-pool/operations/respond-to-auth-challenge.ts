import { z } from 'zod';
import { PoolError } from '../../core/errors.js';
import { answerCustomChallenge } from '../custom-auth.js';
import { clientId, clientMetadata, defineOperation, requireClient } from '../operation.js';

export const respondToAuthChallenge = defineOperation({
  name: 'RespondToAuthChallenge',
  auth: 'public',
  input: z.object({
    ClientId: clientId,
    ChallengeName: z.string().min(1),
    Session: z.string().min(1).max(4096).optional(),
    ChallengeResponses: z.record(z.string(), z.string()).optional(),
    ClientMetadata: clientMetadata,
    UserContextData: z.unknown().optional(),
    AnalyticsMetadata: z.unknown().optional(),
  }),
  async handle(ctx, input) {
    const client = requireClient(ctx, input.ClientId);
    if (input.ChallengeName !== 'CUSTOM_CHALLENGE') {
      throw new PoolError(
        'InvalidParameterException',
        `${input.ChallengeName} is not supported by this user pool.`,
      );
    }
    if (!input.Session) throw new PoolError('NotAuthorizedException', 'Invalid session for the user.');
    return answerCustomChallenge(ctx, {
      clientId: client.id,
      session: input.Session,
      challengeName: input.ChallengeName,
      responses: input.ChallengeResponses ?? {},
      clientMetadata: input.ClientMetadata,
    });
  },
});
