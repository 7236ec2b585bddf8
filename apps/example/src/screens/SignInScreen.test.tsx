import { fireEvent, render, screen } from '@testing-library/react-native';
import { SignInScreen } from './SignInScreen';

const handlers = () => ({ onPasskey: jest.fn(), onUseEmail: jest.fn(), onCreateAccount: jest.fn() });

describe('Sign in', () => {
  it('idle: the passkey button first, email and "Create account" as other ways; no email field', () => {
    const on = handlers();
    render(<SignInScreen {...on} />);
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByLabelText('Email address')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.press(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    fireEvent.press(screen.getByRole('button', { name: 'Sign in with email instead' }));
    fireEvent.press(screen.getByRole('button', { name: 'Create account' }));
    expect(on.onPasskey).toHaveBeenCalledTimes(1);
    expect(on.onUseEmail).toHaveBeenCalledTimes(1);
    expect(on.onCreateAccount).toHaveBeenCalledTimes(1);
  });

  it('passkey sheet open: busy, says so, and nothing else can be pressed', () => {
    const on = handlers();
    render(<SignInScreen busy="passkey" {...on} />);
    const passkey = screen.getByRole('button', { name: 'Sign in with a passkey' });
    expect(passkey).toBeBusy();
    expect(passkey).toBeDisabled();
    expect(screen.getByText('Waiting for your passkey…')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Create account' })).toBeDisabled();
    fireEvent.press(passkey);
    fireEvent.press(screen.getByRole('button', { name: 'Create account' }));
    expect(on.onPasskey).not.toHaveBeenCalled();
    expect(on.onCreateAccount).not.toHaveBeenCalled();
  });

  it('completing: "Signing you in…"', () => {
    render(<SignInScreen busy="completing" {...handlers()} />);
    expect(screen.getByText('Signing you in…')).toBeTruthy();
  });

  it.each([
    ['not_supported', "This device or browser can't use passkeys."],
    ['passkey_not_verified', "That passkey wasn't accepted. Try again, or sign in with email."],
    ['network_error', "Can't reach the sign-in service. Check your connection and try again."],
    ['bad_configuration', "Passkeys aren't set up for this app yet"],
  ])('error %s: a readable alert', (code, message) => {
    render(<SignInScreen error={{ code, message: 'raw' }} {...handlers()} />);
    expect(screen.getByRole('alert')).toHaveTextContent(message, { exact: false });
    expect(screen.getByRole('button', { name: 'Sign in with a passkey' })).toBeEnabled();
  });
});
