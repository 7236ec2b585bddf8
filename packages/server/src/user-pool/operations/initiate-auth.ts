import { z } from 'zod';
import { PoolError } from '../../core/errors.js';
import { startCustomAuth } from '../custom-auth.js';
import { clientId, clientMetadata, defineOperation, requireClient } from '../operation.js';
import { refreshTokens } from '../refresh.js';

const FLOW_PERMISSION = {
  CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
  REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
  REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
} as const;

export const initiateAuth = defineOperation({
  name: 'InitiateAuth',
  auth: 'public',
  input: z.object({
    AuthFlow: z.string().min(1),
    ClientId: clientId,
    AuthParameters: z.record(z.string(), z.string()).optional(),
    ClientMetadata: clientMetadata,
    Session: z.string().optional(),
    UserContextData: z.unknown().optional(),
    AnalyticsMetadata: z.unknown().optional(),
  }),
  async handle(ctx, input, meta) {
    const client = requireClient(ctx, input.ClientId);
    const flow = input.AuthFlow as keyof typeof FLOW_PERMISSION;
    const permission = FLOW_PERMISSION[flow];
    if (!permission) {
      throw new PoolError(
        'InvalidParameterException',
        `${input.AuthFlow} is not supported by this user pool; use CUSTOM_AUTH (passwordless) or REFRESH_TOKEN_AUTH.`,
      );
    }
    if (!client.explicitAuthFlows.includes(permission)) {
      throw new PoolError('InvalidParameterException', 'Auth flow not enabled for this client');
    }
    const parameters = input.AuthParameters ?? {};
    if (flow === 'CUSTOM_AUTH') {
      if (parameters.CHALLENGE_NAME === 'SRP_A' || parameters.SRP_A !== undefined) {
        throw new PoolError('InvalidParameterException', 'SRP is not supported by this user pool.');
      }
      const name = parameters.USERNAME;
      if (!name) throw new PoolError('InvalidParameterException', 'Missing required parameter USERNAME');
      // A start for an unknown address writes a phantom user (so that it looks like a known one).
      if (meta.ipAddress !== null) {
        const windows = [{ windowMs: 60_000, max: ctx.signInStartsPerMinutePerIp }];
        if (!(await ctx.rateLimit(`signin-start:ip:${meta.ipAddress}`, windows))) {
          throw new PoolError('TooManyRequestsException', 'Too many requests');
        }
      }
      return startCustomAuth(ctx, { clientId: client.id, username: name });
    }
    const token = parameters.REFRESH_TOKEN;
    if (!token) throw new PoolError('InvalidParameterException', 'Missing required parameter REFRESH_TOKEN');
    return { ChallengeParameters: {}, AuthenticationResult: await refreshTokens(ctx, token, client.id) };
  },
});
