/** Sign in with email: the fallback when no passkey was used. */
import type { FlowError } from '@latchkey/client/core';
import { EmailField, useEmailForm } from '../components/EmailForm';
import { Button, ErrorMessage, Notice, Paragraph, Screen } from '../components/ui';
import { errorMessage } from '../messages';

export interface EmailSignInScreenProps {
  email?: string | undefined;
  /** Why this screen shows: the passkey sheet was dismissed or failed, or there is no passkey. */
  reason?: 'user_canceled' | 'no_credential' | undefined;
  busy: boolean;
  error?: FlowError | undefined;
  onSubmit: (email: string) => void;
  onBack: () => void;
}

const REASONS = {
  user_canceled: 'No passkey was used. You can sign in with a code sent to your email instead.',
  no_credential: "There's no passkey for this app on this device. Sign in with a code sent to your email.",
};

export function EmailSignInScreen({
  email: initial,
  reason,
  busy,
  error,
  onSubmit,
  onBack,
}: EmailSignInScreenProps) {
  const form = useEmailForm(initial, onSubmit);
  return (
    <Screen title="Sign in with email">
      <Notice message={reason ? REASONS[reason] : undefined} />
      <Paragraph>Enter your email address and we'll send you a 6-digit sign-in code.</Paragraph>
      <ErrorMessage message={form.problem ?? errorMessage(error)} />
      <EmailField form={form} busy={busy} />
      <Button label="Send code" busyLabel="Sending code…" busy={busy} onPress={form.submit} />
      <Button label="Back to sign in" variant="link" disabled={busy} onPress={onBack} />
    </Screen>
  );
}
