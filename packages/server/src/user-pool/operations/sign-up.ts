import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PoolError } from '../../core/errors.js';
import { sendConfirmationCode } from '../confirmation.js';
import {
  attributeList,
  clientId,
  clientMetadata,
  defineOperation,
  requireClient,
  username,
} from '../operation.js';
import { baseEvent } from '../triggers.js';
import { maskEmail, parseAttributes } from '../users.js';

/** Passwords are accepted for Amplify's sake but never stored: the pool is passwordless. */
const MIN_PASSWORD = 8;

export const signUp = defineOperation({
  name: 'SignUp',
  auth: 'public',
  input: z.object({
    ClientId: clientId,
    Username: username,
    Password: z.string().max(256).optional(),
    SecretHash: z.string().optional(),
    UserAttributes: attributeList.optional(),
    ValidationData: attributeList.optional(),
    ClientMetadata: clientMetadata,
  }),
  async handle(ctx, input, meta) {
    requireClient(ctx, input.ClientId);
    // SignUp tells whether an email is registered (as on Cognito), so it is rate-limited per IP.
    if (meta.ipAddress !== null) {
      const windows = [{ windowMs: 3_600_000, max: ctx.signUpsPerHourPerIp }];
      if (!(await ctx.rateLimit(`signup:ip:${meta.ipAddress}`, windows))) {
        throw new PoolError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
      }
    }
    if (input.Password !== undefined && input.Password.length < MIN_PASSWORD) {
      throw new PoolError(
        'InvalidPasswordException',
        'Password did not conform with policy: Password not long enough',
      );
    }
    const parsed = parseAttributes(input.UserAttributes ?? [], { allowVerified: false });
    // Email is the pool's username attribute: the username must be the email.
    const email = parseAttributes([{ Name: 'email', Value: input.Username }], { allowVerified: false }).email;
    if (!email) throw new PoolError('InvalidParameterException', 'Username should be an email.');
    if (parsed.email !== undefined && parsed.email.toLowerCase() !== email.toLowerCase()) {
      throw new PoolError('InvalidParameterException', 'The email attribute must equal the username.');
    }
    if (await ctx.store.findPoolUserByEmail(ctx.config.id, email)) {
      throw new PoolError('UsernameExistsException', 'An account with the given email already exists.');
    }
    const sub = randomUUID();
    let autoConfirm = false;
    let autoVerifyEmail = false;
    if (ctx.triggers.has('preSignUp')) {
      const toMap = (list: { Name: string; Value: string }[] = []) =>
        Object.fromEntries(list.map((a) => [a.Name, a.Value]));
      const event = await ctx.triggers.run('preSignUp', {
        ...baseEvent({
          triggerSource: 'PreSignUp_SignUp',
          region: ctx.region,
          userPoolId: ctx.config.id,
          userName: sub,
          clientId: input.ClientId,
        }),
        request: {
          userAttributes: { ...toMap(input.UserAttributes), email },
          validationData: toMap(input.ValidationData),
          ...(input.ClientMetadata ? { clientMetadata: input.ClientMetadata } : {}),
        },
        response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
      });
      autoConfirm = event.response.autoConfirmUser === true;
      autoVerifyEmail = event.response.autoVerifyEmail === true;
    }
    const now = ctx.clock.now();
    const created = await ctx.store.createPoolUser({
      poolId: ctx.config.id,
      sub,
      email,
      emailVerified: autoVerifyEmail,
      attributes: parsed.attributes,
      status: autoConfirm ? 'CONFIRMED' : 'UNCONFIRMED',
      enabled: true,
      createdAt: now,
    });
    if (!created)
      throw new PoolError('UsernameExistsException', 'An account with the given email already exists.');
    if (autoConfirm) return { UserConfirmed: true, UserSub: sub };
    await sendConfirmationCode(ctx, sub, email);
    return {
      UserConfirmed: false,
      UserSub: sub,
      CodeDeliveryDetails: { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' },
    };
  },
});
