/** Sign in with email: the fallback when no passkey was used. */
import type { FlowError } from '@latchkey/client/core';
import { useState } from 'react';
import { Button, ErrorMessage, Field, Notice, Paragraph, Screen } from '../components/ui';
import { emailProblem, errorMessage } from '../messages';

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
  const [email, setEmail] = useState(initial ?? '');
  const [problem, setProblem] = useState<string>();
  const submit = () => {
    const local = emailProblem(email);
    setProblem(local);
    if (!local) onSubmit(email.trim());
  };
  return (
    <Screen title="Sign in with email">
      <Notice message={reason ? REASONS[reason] : undefined} />
      <Paragraph>Enter your email address and we'll send you a 6-digit sign-in code.</Paragraph>
      <ErrorMessage message={problem ?? errorMessage(error)} />
      <Field
        label="Email address"
        value={email}
        onChangeText={(text) => {
          setEmail(text);
          setProblem(undefined);
        }}
        onSubmitEditing={submit}
        editable={!busy}
        placeholder="name@example.com"
        keyboardType="email-address"
        inputMode="email"
        autoComplete="email"
        textContentType="emailAddress"
        autoCapitalize="none"
        autoCorrect={false}
        returnKeyType="send"
      />
      <Button label="Send code" busyLabel="Sending code…" busy={busy} onPress={submit} />
      <Button label="Back to sign in" variant="link" disabled={busy} onPress={onBack} />
    </Screen>
  );
}
