/** Create account: an email address; a code is mailed to confirm it. */
import type { FlowError } from '@latchkey/client/core';
import { EmailField, useEmailForm } from '../components/EmailForm';
import { Button, ErrorMessage, Paragraph, Screen } from '../components/ui';
import { errorMessage } from '../messages';

export interface CreateAccountScreenProps {
  /** The address typed before (after an error). */
  email?: string | undefined;
  busy: boolean;
  error?: FlowError | undefined;
  onSubmit: (email: string) => void;
  onSignIn: () => void;
}

export function CreateAccountScreen({
  email: initial,
  busy,
  error,
  onSubmit,
  onSignIn,
}: CreateAccountScreenProps) {
  const form = useEmailForm(initial, onSubmit);
  return (
    <Screen title="Create account">
      <Paragraph>We'll email you a 6-digit code to confirm the address. You won't need a password.</Paragraph>
      <ErrorMessage message={form.problem ?? errorMessage(error)} />
      <EmailField form={form} busy={busy} />
      <Button label="Create account" busyLabel="Creating your account…" busy={busy} onPress={form.submit} />
      {error?.code === 'user_exists' ? (
        <Button label="Sign in instead" variant="secondary" onPress={onSignIn} />
      ) : (
        <Button label="I already have an account" variant="link" disabled={busy} onPress={onSignIn} />
      )}
    </Screen>
  );
}
