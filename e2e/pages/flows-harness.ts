/**
 * Browser entry: the Latchkey flows driven with the real, unmodified
 * `aws-amplify` v6 against the Latchkey user pool, on `window.flowsHarness`.
 */
import {
  createSignInFlow,
  createSignUpFlow,
  Latchkey,
  type SignInEvent,
  type SignInFlow,
  type SignUpEvent,
  type SignUpFlow,
} from '@latchkey/client';
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  fetchUserAttributes,
  getCurrentUser,
  signIn,
  signOut,
  signUp,
} from 'aws-amplify/auth';

let latchkey: Latchkey | undefined;
let signInFlow: SignInFlow | undefined;
let signUpFlow: SignUpFlow | undefined;
const history: string[] = [];

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`flowsHarness: ${what} first`);
  return value;
};

const flowsHarness = {
  init(options: { tenantId: string; baseUrl: string; userPoolId: string; userPoolClientId: string }) {
    Amplify.configure({
      Auth: {
        Cognito: {
          userPoolId: options.userPoolId,
          userPoolClientId: options.userPoolClientId,
          userPoolEndpoint: options.baseUrl,
        },
      },
    });
    latchkey = new Latchkey({ tenantId: options.tenantId, baseUrl: options.baseUrl });
    return true;
  },
  newSignInFlow() {
    signInFlow = createSignInFlow({ latchkey: need(latchkey, 'init'), signIn, confirmSignIn });
    signInFlow.subscribe((state) => history.push(`signIn:${state.name}`));
    return signInFlow.getState();
  },
  newSignUpFlow() {
    signUpFlow = createSignUpFlow({ latchkey: need(latchkey, 'init'), signUp, signIn, confirmSignIn });
    signUpFlow.subscribe((state) => history.push(`signUp:${state.name}`));
    return signUpFlow.getState();
  },
  signIn: (event: SignInEvent) => need(signInFlow, 'newSignInFlow').send(event),
  signInState: () => need(signInFlow, 'newSignInFlow').getState(),
  signUp: (event: SignUpEvent) => need(signUpFlow, 'newSignUpFlow').send(event),
  history: () => history.splice(0),
  async currentUser() {
    try {
      const user = await getCurrentUser();
      const attributes = await fetchUserAttributes();
      return {
        userId: user.userId,
        email: attributes.email ?? null,
        emailVerified: attributes.email_verified ?? null,
      };
    } catch (error) {
      return { error: (error as Error).name };
    }
  },
  signOut: () => signOut().then(() => true),
};

(window as unknown as { flowsHarness: typeof flowsHarness }).flowsHarness = flowsHarness;
