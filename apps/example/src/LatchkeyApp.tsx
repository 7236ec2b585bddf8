/**
 * The app: which screen shows follows the route and the state of the
 * Latchkey sign-in and sign-up flows (explicit state machines from
 * `@latchkey/client`, re-exported by `@latchkey/react-native`).
 *
 * | route | flow state | screen |
 * |---|---|---|
 * | signIn | start, passkey, completing | Sign in |
 * | signIn | email, sendingCode | Sign in with email (the fallback) |
 * | signIn | code, resendingCode, verifyingCode | Verify email |
 * | createAccount | start, signingUp | Create account |
 * | createAccount | code, resendingCode, verifyingCode | Verify email |
 * | home | (sign-up: passkeyOffer, creatingPasskey → the offer) | Home |
 */
import { createSignInFlow, createSignUpFlow } from '@latchkey/client/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button, ErrorMessage, Loading, Screen } from './components/ui';
import { Home } from './Home';
import { CreateAccountScreen } from './screens/CreateAccountScreen';
import { EmailSignInScreen } from './screens/EmailSignInScreen';
import { SignInScreen } from './screens/SignInScreen';
import { VerifyEmailScreen } from './screens/VerifyEmailScreen';
import type { CurrentUser, Services } from './services/types';
import { useFlow } from './use-flow';

type Route = 'starting' | 'signIn' | 'createAccount' | 'home';

export function LatchkeyApp({ services }: { services: Services }) {
  const { latchkey, userPool } = services;
  const signInFlow = useMemo(
    () => createSignInFlow({ latchkey, signIn: userPool.signIn, confirmSignIn: userPool.confirmSignIn }),
    [latchkey, userPool],
  );
  const signUpFlow = useMemo(
    () =>
      createSignUpFlow({
        latchkey,
        signUp: userPool.signUp,
        signIn: userPool.signIn,
        confirmSignIn: userPool.confirmSignIn,
      }),
    [latchkey, userPool],
  );
  const signIn = useFlow(signInFlow);
  const signUp = useFlow(signUpFlow);
  const [route, setRoute] = useState<Route>('starting');
  const [user, setUser] = useState<CurrentUser>();
  const [startError, setStartError] = useState<string>();
  const [resent, setResent] = useState(false);

  const enter = useCallback(async () => {
    setStartError(undefined);
    try {
      const current = await userPool.currentUser();
      setUser(current ?? undefined);
      setRoute(current ? 'home' : 'signIn');
    } catch (error) {
      setStartError(
        `Couldn't check who is signed in. ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }, [userPool]);

  // On launch: a kept session goes straight home.
  useEffect(() => {
    void enter();
  }, [enter]);

  // A flow that signed the user in leads home (after sign-up, with the passkey offer).
  const signedUp = signUp.name === 'passkeyOffer' || signUp.name === 'done';
  useEffect(() => {
    if (signIn.name === 'signedIn' || signedUp) void enter();
  }, [signIn.name, signedUp, enter]);

  const go = (next: 'signIn' | 'createAccount') => {
    void signInFlow.send({ type: 'RESET' });
    void signUpFlow.send({ type: 'RESET' });
    setResent(false);
    setRoute(next);
  };

  const signOut = async () => {
    await userPool.signOut();
    latchkey.clearToken();
    setUser(undefined);
    go('signIn');
  };

  if (route === 'starting') {
    return (
      <Screen title="Latchkey Example">
        {startError ? (
          <>
            <ErrorMessage message={startError} />
            <Button label="Try again" onPress={() => void enter()} />
          </>
        ) : (
          <Loading label="Starting…" />
        )}
      </Screen>
    );
  }

  if (route === 'home' && user) {
    const offering = signUp.name === 'passkeyOffer' || signUp.name === 'creatingPasskey';
    return (
      <Home
        services={services}
        user={user}
        offer={
          offering
            ? {
                creating: signUp.name === 'creatingPasskey',
                error: signUp.name === 'passkeyOffer' ? signUp.error : undefined,
              }
            : undefined
        }
        offerOutcome={signUp.name === 'done' ? signUp.passkey : undefined}
        onAcceptOffer={() => void signUpFlow.send({ type: 'CREATE_PASSKEY' })}
        onDeclineOffer={() => void signUpFlow.send({ type: 'SKIP_PASSKEY' })}
        onSignOut={signOut}
      />
    );
  }

  const resend = async (flow: typeof signInFlow | typeof signUpFlow) => {
    setResent(false);
    const settled = await flow.send({ type: 'RESEND_CODE' });
    setResent(settled.name === 'code' && !settled.error);
  };
  const submitCode = (flow: typeof signInFlow | typeof signUpFlow, code: string) => {
    setResent(false);
    void flow.send({ type: 'SUBMIT_CODE', code });
  };

  if (route === 'createAccount') {
    switch (signUp.name) {
      case 'code':
      case 'resendingCode':
      case 'verifyingCode':
        return (
          <VerifyEmailScreen
            email={signUp.email}
            busy={
              signUp.name === 'verifyingCode'
                ? 'verifying'
                : signUp.name === 'resendingCode'
                  ? 'resending'
                  : undefined
            }
            error={signUp.name === 'code' ? signUp.error : undefined}
            resent={resent}
            onSubmit={(code) => submitCode(signUpFlow, code)}
            onResend={() => void resend(signUpFlow)}
            onChangeEmail={() => go('createAccount')}
          />
        );
      default:
        return (
          <CreateAccountScreen
            email={
              signUp.name === 'start' ? signUp.email : signUp.name === 'signingUp' ? signUp.email : undefined
            }
            busy={signUp.name === 'signingUp'}
            error={signUp.name === 'start' ? signUp.error : undefined}
            onSubmit={(email) => void signUpFlow.send({ type: 'SUBMIT_EMAIL', email })}
            onSignIn={() => go('signIn')}
          />
        );
    }
  }

  switch (signIn.name) {
    case 'email':
    case 'sendingCode':
      return (
        <EmailSignInScreen
          email={signIn.email}
          reason={signIn.name === 'email' ? signIn.reason : undefined}
          busy={signIn.name === 'sendingCode'}
          error={signIn.name === 'email' ? signIn.error : undefined}
          onSubmit={(email) => void signInFlow.send({ type: 'SUBMIT_EMAIL', email })}
          onBack={() => go('signIn')}
        />
      );
    case 'code':
    case 'resendingCode':
    case 'verifyingCode':
      return (
        <VerifyEmailScreen
          email={signIn.email}
          busy={
            signIn.name === 'verifyingCode'
              ? 'verifying'
              : signIn.name === 'resendingCode'
                ? 'resending'
                : undefined
          }
          error={signIn.name === 'code' ? signIn.error : undefined}
          resent={resent}
          onSubmit={(code) => submitCode(signInFlow, code)}
          onResend={() => void resend(signInFlow)}
          onChangeEmail={() => void signInFlow.send({ type: 'CHANGE_EMAIL' })}
        />
      );
    default:
      return (
        <SignInScreen
          busy={
            signIn.name === 'passkey' || signIn.name === 'completing' || signIn.name === 'signedIn'
              ? signIn.name === 'passkey'
                ? 'passkey'
                : 'completing'
              : undefined
          }
          error={signIn.name === 'start' ? signIn.error : undefined}
          onPasskey={() => void signInFlow.send({ type: 'START_PASSKEY' })}
          onUseEmail={() => void signInFlow.send({ type: 'USE_EMAIL' })}
          onCreateAccount={() => go('createAccount')}
        />
      );
  }
}
