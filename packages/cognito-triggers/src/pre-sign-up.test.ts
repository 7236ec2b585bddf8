import type { PreSignUpTriggerHandler } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createPreSignUpHandler, handler } from './pre-sign-up.js';
import { fixture } from './test-support/fixtures.js';

// The Lambda export fits the @types/aws-lambda handler type.
const _typed: PreSignUpTriggerHandler = handler;

describe('pre sign-up', () => {
  it('auto-confirms and auto-verifies a sign-up with an email', async () => {
    const event = await createPreSignUpHandler()(fixture('pre-sign-up'));
    expect(event.response).toEqual({ autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: false });
  });

  it('auto-confirms without an email but verifies nothing', async () => {
    const event = await createPreSignUpHandler()(
      fixture('pre-sign-up', { userAttributes: { phone_number: '+15555550100' } }),
    );
    expect(event.response).toEqual({ autoConfirmUser: true, autoVerifyEmail: false, autoVerifyPhone: false });
  });

  it('returns the whole event, as Cognito expects', async () => {
    const input = fixture('pre-sign-up');
    const output = await handler(input);
    expect(output).toBe(input);
    expect(output.triggerSource).toBe('PreSignUp_SignUp');
  });
});
