import { z } from 'zod';
import { clientId, clientMetadata, defineOperation, requireClient } from '../operation.js';
import { refreshTokens } from '../refresh.js';

export const getTokensFromRefreshToken = defineOperation({
  name: 'GetTokensFromRefreshToken',
  auth: 'public',
  input: z.object({
    RefreshToken: z.string().min(1).max(2048),
    ClientId: clientId,
    ClientSecret: z.string().optional(),
    DeviceKey: z.string().optional(),
    ClientMetadata: clientMetadata,
  }),
  async handle(ctx, input) {
    const client = requireClient(ctx, input.ClientId);
    return { AuthenticationResult: await refreshTokens(ctx, input.RefreshToken, client.id) };
  },
});
