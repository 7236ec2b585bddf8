/** Sign in: passkey first (no email asked), "Create account", and email as an explicit choice. */
import type { FlowError } from '@latchkey/client/core';
import { Button, ErrorMessage, Paragraph, Screen } from '../components/ui';
import { errorMessage } from '../messages';

export interface SignInScreenProps {
  /** `passkey`: the passkey sheet is open; `completing`: the user pool is issuing tokens. */
  busy?: 'passkey' | 'completing' | undefined;
  error?: FlowError | undefined;
  onPasskey: () => void;
  onUseEmail: () => void;
  onCreateAccount: () => void;
}

export function SignInScreen({ busy, error, onPasskey, onUseEmail, onCreateAccount }: SignInScreenProps) {
  return (
    <Screen title="Sign in">
      <Paragraph>Use the passkey saved on this device: no email, no password.</Paragraph>
      <ErrorMessage message={errorMessage(error)} />
      <Button
        label="Sign in with a passkey"
        busyLabel={busy === 'completing' ? 'Signing you in…' : 'Waiting for your passkey…'}
        busy={busy !== undefined}
        onPress={onPasskey}
      />
      <Button
        label="Sign in with email instead"
        variant="link"
        disabled={busy !== undefined}
        onPress={onUseEmail}
      />
      <Paragraph muted>New here?</Paragraph>
      <Button
        label="Create account"
        variant="secondary"
        disabled={busy !== undefined}
        onPress={onCreateAccount}
      />
    </Screen>
  );
}
