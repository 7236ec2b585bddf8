/** The user pool through the unmodified `aws-amplify` v6, pointed at Latchkey's endpoint. */
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  fetchAuthSession,
  fetchUserAttributes,
  getCurrentUser,
  signIn,
  signOut,
  signUp,
} from 'aws-amplify/auth';
import type { LatchkeyAppConfig } from '../config/app-config';
import type { UserPool } from './types';

export function configureAmplify(config: LatchkeyAppConfig): void {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.userPoolId,
        userPoolClientId: config.userPoolClientId,
        ...(config.userPoolEndpoint ? { userPoolEndpoint: config.userPoolEndpoint } : {}),
      },
    },
  });
}

export const amplifyUserPool: UserPool = {
  signUp,
  signIn,
  confirmSignIn,
  signOut: () => signOut(),
  async currentUser() {
    try {
      const user = await getCurrentUser();
      const attributes = await fetchUserAttributes();
      return { userId: user.userId, email: attributes.email ?? user.username };
    } catch (error) {
      if ((error as Error).name === 'UserUnAuthenticatedException') return null;
      throw error;
    }
  },
};

/** The signed-in user's access token, for the backend. */
export async function accessToken(): Promise<string> {
  const session = await fetchAuthSession();
  const token = session.tokens?.accessToken?.toString();
  if (!token) throw new Error('You are signed out. Sign in again.');
  return token;
}
