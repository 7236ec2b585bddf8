/** Readable messages for the flows' error codes (FlowError.code). */
import type { FlowError } from '@latchkey/client/core';

const MESSAGES: Record<string, string> = {
  invalid_code: 'That code is wrong or has expired. Check the latest email we sent, or send a new code.',
  too_many_attempts: 'Too many wrong codes. Wait 15 minutes, then ask for a new code.',
  expired_token: 'This sign-in took too long and has expired. Enter your email again to get a new code.',
  token_invalid: 'This sign-in is no longer valid. Enter your email again to get a new code.',
  too_many_requests: 'Too many attempts. Wait a moment, then try again.',
  network_error: "Can't reach the sign-in service. Check your connection and try again.",
  user_exists: 'An account with this email already exists. Sign in instead.',
  passkey_not_verified: "That passkey wasn't accepted. Try again, or sign in with email.",
  not_supported: "This device or browser can't use passkeys.",
  bad_configuration:
    "Passkeys aren't set up for this app yet (the app isn't associated with its sign-in domain).",
  matched_excluded_credential: 'This device already has a passkey for your account.',
  user_canceled: 'Creating the passkey was canceled.',
  authenticator_error: 'Your passkey provider reported an error. Try again.',
  invalid_request: 'Enter a valid email address.',
  unexpected_step: 'The sign-in service answered unexpectedly. Try again.',
};

/** The message to show for a flow error. */
export function errorMessage(error: FlowError | undefined): string | undefined {
  if (!error) return undefined;
  if (error.code === 'sign_in_failed') {
    if (error.name === 'NotAuthorizedException' && /session/i.test(error.message)) {
      return 'This sign-in took too long and has expired. Enter your email again to get a new code.';
    }
    return error.message === 'Invalid credentials'
      ? "We couldn't sign you in with that email. Check the address, or create an account."
      : `We couldn't sign you in: ${error.message}`;
  }
  if (error.code === 'sign_up_failed') {
    return error.name === 'InvalidParameterException'
      ? 'Enter a valid email address.'
      : `We couldn't create your account: ${error.message}`;
  }
  if (error.code === 'invalid_request' && error.message === 'Enter your email address') return error.message;
  return MESSAGES[error.code] ?? error.message;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A local check before anything is sent: undefined when the address looks right. */
export function emailProblem(email: string): string | undefined {
  const trimmed = email.trim();
  if (!trimmed) return 'Enter your email address.';
  if (!EMAIL.test(trimmed)) return 'Enter a valid email address, like name@example.com.';
  return undefined;
}

/** A local check of a one-time code. */
export function codeProblem(code: string): string | undefined {
  return /^\d{6}$/.test(code.trim()) ? undefined : 'Enter the 6-digit code from the email.';
}
