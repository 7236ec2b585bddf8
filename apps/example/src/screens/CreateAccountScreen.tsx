/** Create account: an email address; a code is mailed to confirm it. */
import type { FlowError } from '@latchkey/client/core';
import { useState } from 'react';
import { Button, ErrorMessage, Field, Paragraph, Screen } from '../components/ui';
import { emailProblem, errorMessage } from '../messages';

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
  const [email, setEmail] = useState(initial ?? '');
  const [problem, setProblem] = useState<string>();
  const submit = () => {
    const local = emailProblem(email);
    setProblem(local);
    if (!local) onSubmit(email.trim());
  };
  return (
    <Screen title="Create account">
      <Paragraph>We'll email you a 6-digit code to confirm the address. You won't need a password.</Paragraph>
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
      <Button label="Create account" busyLabel="Creating your account…" busy={busy} onPress={submit} />
      {error?.code === 'user_exists' ? (
        <Button label="Sign in instead" variant="secondary" onPress={onSignIn} />
      ) : (
        <Button label="I already have an account" variant="link" disabled={busy} onPress={onSignIn} />
      )}
    </Screen>
  );
}
