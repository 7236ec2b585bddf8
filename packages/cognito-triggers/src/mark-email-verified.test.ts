import { afterEach, describe, expect, it } from 'vitest';
import { createCognitoEmailVerifier } from './mark-email-verified.js';
import { fixture } from './test-support/fixtures.js';
import { type HttpRecorder, startHttpRecorder } from './test-support/http-recorder.js';

let cognito: HttpRecorder | undefined;

afterEach(async () => {
  await cognito?.close();
});

describe('createCognitoEmailVerifier', () => {
  it('calls AdminUpdateUserAttributes(email_verified=true) for the event user, pool and region', async () => {
    cognito = await startHttpRecorder(() => ({
      body: {},
      headers: { 'content-type': 'application/x-amz-json-1.1' },
    }));
    const markEmailVerified = createCognitoEmailVerifier({
      endpoint: cognito.url,
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
    });
    const event = fixture('verify-auth-challenge');
    await markEmailVerified(event);
    await markEmailVerified(event);

    expect(cognito.requests).toHaveLength(2);
    const [request] = cognito.requests;
    expect(request?.method).toBe('POST');
    expect(request?.headers['x-amz-target']).toBe(
      'AWSCognitoIdentityProviderService.AdminUpdateUserAttributes',
    );
    expect(request?.headers.authorization).toContain('/eu-west-1/cognito-idp/aws4_request');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      UserPoolId: 'eu-west-1_AbCdEfGhI',
      Username: '3f6d2c1e-8b5a-4e27-9c41-6a0d2f8b7e15',
      UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
    });
  });

  it('surfaces AWS errors to the caller (Verify logs them)', async () => {
    cognito = await startHttpRecorder(() => ({
      status: 400,
      body: { __type: 'NotAuthorizedException', message: 'not allowed' },
      headers: { 'content-type': 'application/x-amz-json-1.1' },
    }));
    const markEmailVerified = createCognitoEmailVerifier({
      endpoint: cognito.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    await expect(markEmailVerified(fixture('verify-auth-challenge'))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });
});
