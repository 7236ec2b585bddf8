/** The Home screen's behaviour: the passkey list (backend), delete, add (flow 2.4), the sign-up offer, sign out. */
import type { FlowError } from '@latchkey/client/core';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from './messages';
import { HomeScreen, type PasskeyList } from './screens/HomeScreen';
import type { CurrentUser, PasskeyItem, Services } from './services/types';

export interface HomeProps {
  services: Services;
  user: CurrentUser;
  offer?: { creating: boolean; error?: FlowError | undefined } | undefined;
  /** Set when the sign-up offer ended (created, exists, skipped). */
  offerOutcome?: 'created' | 'exists' | 'skipped' | 'not_offered' | undefined;
  onAcceptOffer: () => void;
  onDeclineOffer: () => void;
  onSignOut: () => Promise<void>;
}

const OUTCOMES = {
  created: 'Passkey created. Next time, sign in with it: no code needed.',
  exists: 'This device already has a passkey for your account.',
  skipped: undefined,
  not_offered: undefined,
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function Home({
  services,
  user,
  offer,
  offerOutcome,
  onAcceptOffer,
  onDeclineOffer,
  onSignOut,
}: HomeProps) {
  const { backend, latchkey } = services;
  const [passkeys, setPasskeys] = useState<PasskeyList>({ status: 'loading' });
  const [deletingId, setDeletingId] = useState<string>();
  const [adding, setAdding] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();

  const reload = useCallback(async () => {
    setPasskeys({ status: 'loading' });
    try {
      setPasskeys({ status: 'ready', items: await backend.listPasskeys() });
    } catch (failure) {
      setPasskeys({ status: 'error', message: `Couldn't load your passkeys. ${messageOf(failure)}` });
    }
  }, [backend]);

  // Load on arrival, and again when the sign-up offer ends (a passkey may have been created).
  useEffect(() => {
    if (offerOutcome !== undefined) setNotice(OUTCOMES[offerOutcome]);
    void reload();
  }, [reload, offerOutcome]);

  const remove = async (passkey: PasskeyItem) => {
    setDeletingId(passkey.id);
    setNotice(undefined);
    setError(undefined);
    try {
      await backend.deletePasskey(passkey.id);
      setNotice(`Passkey “${passkey.name}” deleted. Also remove it from your password manager.`);
      await reload();
    } catch (failure) {
      setError(`Couldn't delete the passkey. ${messageOf(failure)}`);
    } finally {
      setDeletingId(undefined);
    }
  };

  // Flow 2.4: the backend tracks `addAuthenticator` with scope add:authenticators for this user.
  const add = async () => {
    setAdding(true);
    setNotice(undefined);
    setError(undefined);
    try {
      const token = await backend.passkeyToken();
      const created = await latchkey.passkey.signUp({ token, username: user.email, displayName: user.email });
      if (created.errorCode || created.error) {
        const failure: FlowError = {
          code: created.errorCode ?? 'unexpected_error',
          message: created.error ?? 'Unknown error',
        };
        setError(errorMessage(failure));
      } else if (created.data && !created.data.isVerified) {
        setError(errorMessage({ code: 'passkey_not_verified', message: created.data.failureReason ?? '' }));
      } else {
        setNotice(OUTCOMES.created);
        await reload();
      }
    } catch (failure) {
      setError(`Couldn't create a passkey. ${messageOf(failure)}`);
    } finally {
      setAdding(false);
    }
  };

  const signOut = async () => {
    setSigningOut(true);
    try {
      await onSignOut();
    } catch (failure) {
      setError(`Couldn't sign out. ${messageOf(failure)}`);
      setSigningOut(false);
    }
  };

  return (
    <HomeScreen
      user={user}
      offer={offer ? { creating: offer.creating, error: errorMessage(offer.error) } : undefined}
      onAcceptOffer={onAcceptOffer}
      onDeclineOffer={onDeclineOffer}
      passkeys={passkeys}
      onReloadPasskeys={() => void reload()}
      deletingId={deletingId}
      onDelete={(passkey) => void remove(passkey)}
      adding={adding}
      onAddPasskey={() => void add()}
      notice={notice}
      error={error}
      signingOut={signingOut}
      onSignOut={() => void signOut()}
    />
  );
}
