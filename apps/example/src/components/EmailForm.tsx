/** The email address input shared by the create-account and email sign-in screens. */
import { useState } from 'react';
import { emailProblem } from '../messages';
import { Field } from './ui';

export interface EmailForm {
  email: string;
  /** What is wrong with the typed address (checked on submit), if anything. */
  problem: string | undefined;
  change: (text: string) => void;
  /** Checks the address and calls `onSubmit` with it trimmed when it looks right. */
  submit: () => void;
}

export function useEmailForm(initial: string | undefined, onSubmit: (email: string) => void): EmailForm {
  const [email, setEmail] = useState(initial ?? '');
  const [problem, setProblem] = useState<string>();
  return {
    email,
    problem,
    change: (text) => {
      setEmail(text);
      setProblem(undefined);
    },
    submit: () => {
      const local = emailProblem(email);
      setProblem(local);
      if (!local) onSubmit(email.trim());
    },
  };
}

export function EmailField({ form, busy }: { form: EmailForm; busy: boolean }) {
  return (
    <Field
      label="Email address"
      value={form.email}
      onChangeText={form.change}
      onSubmitEditing={form.submit}
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
  );
}
