import { fireEvent, render, screen } from '@testing-library/react-native';
import { VerifyEmailScreen } from './VerifyEmailScreen';

const handlers = () => ({ onSubmit: jest.fn(), onResend: jest.fn(), onChangeEmail: jest.fn() });
const email = 'ada@example.com';

describe('Verify email', () => {
  it('the code field: one-time-code autofill, number pad, 6 digits', () => {
    render(<VerifyEmailScreen email={email} {...handlers()} />);
    expect(screen.getByText(/We sent a 6-digit code to ada@example.com/)).toBeTruthy();
    expect(screen.getByLabelText('6-digit code').props).toMatchObject({
      textContentType: 'oneTimeCode',
      autoComplete: 'one-time-code',
      keyboardType: 'number-pad',
      inputMode: 'numeric',
      maxLength: 6,
    });
  });

  it('keeps digits only and submits six of them', () => {
    const on = handlers();
    render(<VerifyEmailScreen email={email} {...on} />);
    fireEvent.changeText(screen.getByLabelText('6-digit code'), '12 34-56');
    expect(screen.getByLabelText('6-digit code').props.value).toBe('123456');
    fireEvent.press(screen.getByRole('button', { name: 'Verify' }));
    expect(on.onSubmit).toHaveBeenCalledWith('123456');
  });

  it('fewer than six digits: a local message, nothing sent', () => {
    const on = handlers();
    render(<VerifyEmailScreen email={email} {...on} />);
    fireEvent.changeText(screen.getByLabelText('6-digit code'), '123');
    fireEvent.press(screen.getByRole('button', { name: 'Verify' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the 6-digit code from the email.');
    expect(on.onSubmit).not.toHaveBeenCalled();
  });

  it('a wrong or expired code: a clear error, and the field is emptied for the next try', () => {
    const on = handlers();
    const { rerender } = render(<VerifyEmailScreen email={email} busy="verifying" {...on} />);
    rerender(
      <VerifyEmailScreen email={email} error={{ code: 'invalid_code', message: 'Invalid code' }} {...on} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'That code is wrong or has expired. Check the latest email we sent, or send a new code.',
    );
    expect(screen.getByLabelText('6-digit code').props.value).toBe('');
  });

  it('too many wrong codes: says to wait', () => {
    render(
      <VerifyEmailScreen email={email} error={{ code: 'too_many_attempts', message: 'x' }} {...handlers()} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Too many wrong codes. Wait 15 minutes, then ask for a new code.',
    );
  });

  it('verifying: busy "Checking the code…", the field read-only, resend disabled', () => {
    render(<VerifyEmailScreen email={email} busy="verifying" {...handlers()} />);
    expect(screen.getByRole('button', { name: 'Verify' })).toBeBusy();
    expect(screen.getByText('Checking the code…')).toBeTruthy();
    expect(screen.getByLabelText('6-digit code').props.editable).toBe(false);
    expect(screen.getByRole('button', { name: 'Send a new code' })).toBeDisabled();
  });

  it('resending: busy "Sending a new code…"; then a notice that it was sent', () => {
    const on = handlers();
    const { rerender } = render(<VerifyEmailScreen email={email} busy="resending" {...on} />);
    expect(screen.getByRole('button', { name: 'Send a new code' })).toBeBusy();
    expect(screen.getByText('Sending a new code…')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Verify' })).toBeDisabled();
    rerender(<VerifyEmailScreen email={email} resent {...on} />);
    expect(screen.getByRole('status')).toHaveTextContent(`We sent a new code to ${email}.`);
  });

  it('resend failed (rate limit): a readable error', () => {
    render(
      <VerifyEmailScreen
        email={email}
        error={{ code: 'too_many_requests', message: 'x' }}
        resent
        {...handlers()}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Too many attempts. Wait a moment, then try again.');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('resend and change email call back', () => {
    const on = handlers();
    render(<VerifyEmailScreen email={email} {...on} />);
    fireEvent.press(screen.getByRole('button', { name: 'Send a new code' }));
    fireEvent.press(screen.getByRole('button', { name: 'Use a different email' }));
    expect(on.onResend).toHaveBeenCalled();
    expect(on.onChangeEmail).toHaveBeenCalled();
  });
});
