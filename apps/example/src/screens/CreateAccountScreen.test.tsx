import { fireEvent, render, screen } from '@testing-library/react-native';
import { CreateAccountScreen } from './CreateAccountScreen';

const handlers = () => ({ onSubmit: jest.fn(), onSignIn: jest.fn() });

describe('Create account', () => {
  it('the email field: labelled, email keyboard, autofill, no capitalisation', () => {
    render(<CreateAccountScreen busy={false} {...handlers()} />);
    const field = screen.getByLabelText('Email address');
    expect(field.props).toMatchObject({
      keyboardType: 'email-address',
      inputMode: 'email',
      autoComplete: 'email',
      textContentType: 'emailAddress',
      autoCapitalize: 'none',
      autoCorrect: false,
    });
  });

  it('submits the trimmed address', () => {
    const on = handlers();
    render(<CreateAccountScreen busy={false} {...on} />);
    fireEvent.changeText(screen.getByLabelText('Email address'), '  ada@example.com ');
    fireEvent.press(screen.getByRole('button', { name: 'Create account' }));
    expect(on.onSubmit).toHaveBeenCalledWith('ada@example.com');
  });

  it.each([
    ['', 'Enter your email address.'],
    ['ada', 'Enter a valid email address, like name@example.com.'],
  ])('checks %j before sending anything', (typed, message) => {
    const on = handlers();
    render(<CreateAccountScreen busy={false} {...on} />);
    fireEvent.changeText(screen.getByLabelText('Email address'), typed);
    fireEvent.press(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByRole('alert')).toHaveTextContent(message);
    expect(on.onSubmit).not.toHaveBeenCalled();
    // Typing clears the message.
    fireEvent.changeText(screen.getByLabelText('Email address'), 'ada@example.com');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('busy: "Creating your account…", the field is read-only', () => {
    render(<CreateAccountScreen busy email="ada@example.com" {...handlers()} />);
    expect(screen.getByRole('button', { name: 'Create account' })).toBeBusy();
    expect(screen.getByText('Creating your account…')).toBeTruthy();
    expect(screen.getByLabelText('Email address').props.editable).toBe(false);
    expect(screen.getByLabelText('Email address').props.value).toBe('ada@example.com');
  });

  it('user_exists: says so and offers "Sign in instead"', () => {
    const on = handlers();
    render(
      <CreateAccountScreen
        busy={false}
        email="ada@example.com"
        error={{ code: 'user_exists', message: 'User already exists', name: 'UsernameExistsException' }}
        {...on}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'An account with this email already exists. Sign in instead.',
    );
    fireEvent.press(screen.getByRole('button', { name: 'Sign in instead' }));
    expect(on.onSignIn).toHaveBeenCalled();
  });

  it('too_many_requests: asks to wait', () => {
    render(
      <CreateAccountScreen
        busy={false}
        error={{ code: 'too_many_requests', message: 'x' }}
        {...handlers()}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Too many attempts. Wait a moment, then try again.');
  });
});
