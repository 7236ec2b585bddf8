/** Verify email: the 6-digit code, "Send a new code", and a clear error on a wrong or expired code. */
import type { FlowError } from '@latchkey/client/core';
import { useEffect, useState } from 'react';
import { Platform } from 'react-native';
import { Button, ErrorMessage, Field, Notice, Paragraph, Screen } from '../components/ui';
import { codeProblem, errorMessage } from '../messages';

export interface VerifyEmailScreenProps {
  email: string;
  /** `verifying`: checking the code and signing in; `resending`: mailing a new code. */
  busy?: 'verifying' | 'resending' | undefined;
  error?: FlowError | undefined;
  /** Set after "Send a new code" succeeded. */
  resent?: boolean;
  onSubmit: (code: string) => void;
  onResend: () => void;
  /** "Use a different email" (back to the email screen). */
  onChangeEmail: () => void;
}

export function VerifyEmailScreen({
  email,
  busy,
  error,
  resent = false,
  onSubmit,
  onResend,
  onChangeEmail,
}: VerifyEmailScreenProps) {
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string>();
  // A rejected code is cleared, so the next one is typed into an empty field.
  useEffect(() => {
    if (error) setCode('');
  }, [error]);
  const submit = () => {
    const local = codeProblem(code);
    setProblem(local);
    if (!local) onSubmit(code.trim());
  };
  return (
    <Screen title="Verify your email">
      <Paragraph>We sent a 6-digit code to {email}. It's valid for 10 minutes.</Paragraph>
      <Notice message={resent && !error && !busy ? `We sent a new code to ${email}.` : undefined} />
      <ErrorMessage message={problem ?? errorMessage(error)} />
      <Field
        label="6-digit code"
        value={code}
        onChangeText={(text) => {
          setCode(text.replace(/\D/g, '').slice(0, 6));
          setProblem(undefined);
        }}
        onSubmitEditing={submit}
        editable={busy === undefined}
        placeholder="123456"
        keyboardType="number-pad"
        inputMode="numeric"
        textContentType="oneTimeCode"
        autoComplete={Platform.OS === 'android' ? 'sms-otp' : 'one-time-code'}
        maxLength={6}
        returnKeyType="done"
      />
      <Button
        label="Verify"
        busyLabel="Checking the code…"
        busy={busy === 'verifying'}
        disabled={busy === 'resending'}
        onPress={submit}
      />
      <Button
        label="Send a new code"
        busyLabel="Sending a new code…"
        variant="secondary"
        busy={busy === 'resending'}
        disabled={busy === 'verifying'}
        onPress={onResend}
      />
      <Button
        label="Use a different email"
        variant="link"
        disabled={busy !== undefined}
        onPress={onChangeEmail}
      />
    </Screen>
  );
}
