import { fireEvent, render, screen } from '@testing-library/react-native';
import { EmailSignInScreen } from './EmailSignInScreen';

const handlers = () => ({ onSubmit: jest.fn(), onBack: jest.fn() });

describe('Sign in with email', () => {
  it.each([
    ['user_canceled', 'No passkey was used. You can sign in with a code sent to your email instead.'],
    [
      'no_credential',
      "There's no passkey for this app on this device. Sign in with a code sent to your email.",
    ],
  ] as const)('after a passkey attempt (%s): a status says why', (reason, text) => {
    render(<EmailSignInScreen reason={reason} busy={false} {...handlers()} />);
    expect(screen.getByRole('status')).toHaveTextContent(text);
  });

  it('chosen directly: no notice; sends the trimmed address; email keyboard', () => {
    const on = handlers();
    render(<EmailSignInScreen busy={false} {...on} />);
    expect(screen.queryByRole('status')).toBeNull();
    const field = screen.getByLabelText('Email address');
    expect(field.props).toMatchObject({ keyboardType: 'email-address', autoComplete: 'email' });
    fireEvent.changeText(field, ' ada@example.com');
    fireEvent.press(screen.getByRole('button', { name: 'Send code' }));
    expect(on.onSubmit).toHaveBeenCalledWith('ada@example.com');
  });

  it('sending: busy "Sending code…", back disabled', () => {
    render(<EmailSignInScreen busy email="ada@example.com" {...handlers()} />);
    expect(screen.getByRole('button', { name: 'Send code' })).toBeBusy();
    expect(screen.getByText('Sending code…')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Back to sign in' })).toBeDisabled();
  });

  it('an unknown address (refused after the code): a readable error, the address kept', () => {
    render(
      <EmailSignInScreen
        busy={false}
        email="nobody@example.com"
        error={{ code: 'sign_in_failed', message: 'Invalid credentials' }}
        {...handlers()}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      "We couldn't sign you in with that email. Check the address, or create an account.",
    );
    expect(screen.getByLabelText('Email address').props.value).toBe('nobody@example.com');
  });

  it('an expired sign-in (user-pool session or token): asks for the email again', () => {
    const { rerender } = render(
      <EmailSignInScreen
        busy={false}
        error={{
          code: 'sign_in_failed',
          name: 'NotAuthorizedException',
          message: 'Invalid session for the user.',
        }}
        {...handlers()}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(/took too long and has expired/);
    rerender(
      <EmailSignInScreen busy={false} error={{ code: 'expired_token', message: 'x' }} {...handlers()} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(/took too long and has expired/);
  });

  it('back', () => {
    const on = handlers();
    render(<EmailSignInScreen busy={false} {...on} />);
    fireEvent.press(screen.getByRole('button', { name: 'Back to sign in' }));
    expect(on.onBack).toHaveBeenCalled();
  });
});
