import type {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderClientConfig,
} from '@aws-sdk/client-cognito-identity-provider';
import type { MarkEmailVerified } from './types.js';

/**
 * Options of {@link createCognitoEmailVerifier}: overrides for the AWS SDK
 * client (a local endpoint in tests); by default the Lambda's own role
 * credentials and the event's region are used.
 *
 * @example
 * ```ts
 * const options: CognitoEmailVerifierOptions = { endpoint: 'http://127.0.0.1:9229' };
 * ```
 */
export type CognitoEmailVerifierOptions = Pick<
  CognitoIdentityProviderClientConfig,
  'endpoint' | 'credentials'
>;

/**
 * The Lambda default {@link MarkEmailVerified}: `AdminUpdateUserAttributes`
 * (`email_verified = 'true'`) on the event's user pool, in the event's region.
 * The function needs `cognito-idp:AdminUpdateUserAttributes` on the pool. The
 * AWS SDK is imported on first use only, so in-process use never loads it
 * (the Lambda Node.js 20 runtime provides it).
 *
 * @example
 * ```ts
 * const verify = createVerifyAuthChallengeHandler({ client, markEmailVerified: createCognitoEmailVerifier() });
 * ```
 */
export function createCognitoEmailVerifier(options: CognitoEmailVerifierOptions = {}): MarkEmailVerified {
  const clients = new Map<string, CognitoIdentityProviderClient>();
  return async (event) => {
    const sdk = await import('@aws-sdk/client-cognito-identity-provider');
    let client = clients.get(event.region);
    if (client === undefined) {
      client = new sdk.CognitoIdentityProviderClient({ ...options, region: event.region });
      clients.set(event.region, client);
    }
    await client.send(
      new sdk.AdminUpdateUserAttributesCommand({
        UserPoolId: event.userPoolId,
        Username: event.userName,
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
      }),
    );
  };
}
