import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PoolError } from '../../core/errors.js';
import { userType } from '../admin.js';
import {
  attributeList,
  clientMetadata,
  defineOperation,
  requirePool,
  username,
  userPoolId,
} from '../operation.js';
import { baseEvent } from '../triggers.js';
import { parseAttributes } from '../users.js';

export const adminCreateUser = defineOperation({
  name: 'AdminCreateUser',
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    Username: username,
    UserAttributes: attributeList.optional(),
    ValidationData: attributeList.optional(),
    TemporaryPassword: z.string().optional(),
    ForceAliasCreation: z.boolean().optional(),
    MessageAction: z.enum(['RESEND', 'SUPPRESS']).optional(),
    DesiredDeliveryMediums: z.array(z.enum(['EMAIL', 'SMS'])).optional(),
    ClientMetadata: clientMetadata,
  }),
  async handle(ctx, input) {
    requirePool(ctx, input.UserPoolId);
    const parsed = parseAttributes(input.UserAttributes ?? [], { allowVerified: true });
    const fromUsername = input.Username.includes('@') ? input.Username : undefined;
    const email = parsed.email ?? fromUsername;
    if (!email) throw new PoolError('InvalidParameterException', 'Username should be an email.');
    parseAttributes([{ Name: 'email', Value: email }], { allowVerified: false });
    if (await ctx.store.findPoolUserByEmail(ctx.config.id, email)) {
      throw new PoolError('UsernameExistsException', 'An account with the given email already exists.');
    }
    const sub = randomUUID();
    if (ctx.triggers.has('preSignUp')) {
      // Cognito runs Pre sign-up here too, but ignores its auto-confirm flags.
      await ctx.triggers.run('preSignUp', {
        ...baseEvent({
          triggerSource: 'PreSignUp_AdminCreateUser',
          region: ctx.region,
          userPoolId: ctx.config.id,
          userName: sub,
          clientId: 'CLIENT_ID_NOT_APPLICABLE',
        }),
        request: {
          userAttributes: { ...parsed.attributes, email },
          validationData: {},
          ...(input.ClientMetadata ? { clientMetadata: input.ClientMetadata } : {}),
        },
        response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
      });
    }
    const now = ctx.clock.now();
    const user = {
      poolId: ctx.config.id,
      sub,
      email,
      emailVerified: parsed.emailVerified ?? false,
      attributes: parsed.attributes,
      // The pool is passwordless, so there is no temporary password to change.
      status: 'CONFIRMED' as const,
      enabled: true,
      createdAt: now,
    };
    if (!(await ctx.store.createPoolUser(user))) {
      throw new PoolError('UsernameExistsException', 'An account with the given email already exists.');
    }
    return { User: userType({ ...user, tokensRevokedBefore: null, updatedAt: now }) };
  },
});
