import { fireEvent, render, screen } from '@testing-library/react-native';
import { HomeScreen, type HomeScreenProps } from './HomeScreen';

const user = { userId: 'u-1', email: 'ada@example.com' };
const passkey = {
  id: 'auth-1',
  name: 'iPhone',
  createdAt: '2026-01-02T03:04:05.000Z',
  lastUsedAt: '2026-01-03T04:05:06.000Z',
  backedUp: true,
};

function props(overrides: Partial<HomeScreenProps> = {}): HomeScreenProps {
  return {
    user,
    onAcceptOffer: jest.fn(),
    onDeclineOffer: jest.fn(),
    passkeys: { status: 'ready', items: [] },
    onReloadPasskeys: jest.fn(),
    onDelete: jest.fn(),
    adding: false,
    onAddPasskey: jest.fn(),
    signingOut: false,
    onSignOut: jest.fn(),
    ...overrides,
  };
}

describe('Home', () => {
  it('shows who is signed in', () => {
    render(<HomeScreen {...props()} />);
    expect(screen.getByRole('heading', { name: 'Home' })).toBeTruthy();
    expect(screen.getByText('ada@example.com')).toBeTruthy();
  });

  it('after the first sign-in: offers "Create a passkey" and "Not now"', () => {
    const p = props({ offer: { creating: false } });
    render(<HomeScreen {...p} />);
    expect(screen.getByRole('heading', { name: 'Sign in faster next time' })).toBeTruthy();
    fireEvent.press(screen.getByRole('button', { name: 'Create a passkey' }));
    fireEvent.press(screen.getByRole('button', { name: 'Not now' }));
    expect(p.onAcceptOffer).toHaveBeenCalled();
    expect(p.onDeclineOffer).toHaveBeenCalled();
    // The offer replaces the later "Create a passkey" button.
    expect(screen.getAllByRole('button', { name: 'Create a passkey' })).toHaveLength(1);
  });

  it('offer: creating is busy; a failure is readable', () => {
    const { rerender } = render(<HomeScreen {...props({ offer: { creating: true } })} />);
    expect(screen.getByRole('button', { name: 'Create a passkey' })).toBeBusy();
    expect(screen.getByText('Creating the passkey…')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Not now' })).toBeDisabled();
    rerender(
      <HomeScreen {...props({ offer: { creating: false, error: 'Creating the passkey was canceled.' } })} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Creating the passkey was canceled.');
  });

  it('passkeys loading', () => {
    render(<HomeScreen {...props({ passkeys: { status: 'loading' } })} />);
    expect(screen.getByLabelText('Loading your passkeys…')).toBeTruthy();
  });

  it('no passkeys: says so, and offers to create one', () => {
    const p = props();
    render(<HomeScreen {...p} />);
    expect(screen.getByText(/No passkeys yet/)).toBeTruthy();
    fireEvent.press(screen.getByRole('button', { name: 'Create a passkey' }));
    expect(p.onAddPasskey).toHaveBeenCalled();
  });

  it('lists passkeys, each with a labelled delete button', () => {
    const p = props({
      passkeys: {
        status: 'ready',
        items: [
          passkey,
          { ...passkey, id: 'auth-2', name: 'Passkey 2', backedUp: false, lastUsedAt: undefined },
        ],
      },
    });
    render(<HomeScreen {...p} />);
    expect(screen.getAllByRole('button', { name: /^Delete passkey / })).toHaveLength(2);
    expect(
      screen.getByText('Created 2026-01-02 03:04 UTC · last used 2026-01-03 04:05 UTC · synced'),
    ).toBeTruthy();
    expect(screen.getByText('Created 2026-01-02 03:04 UTC · this device only')).toBeTruthy();
    fireEvent.press(screen.getByRole('button', { name: 'Delete passkey iPhone' }));
    expect(p.onDelete).toHaveBeenCalledWith(passkey);
  });

  it('deleting: that row is busy, the other actions wait', () => {
    render(
      <HomeScreen {...props({ passkeys: { status: 'ready', items: [passkey] }, deletingId: 'auth-1' })} />,
    );
    expect(screen.getByRole('button', { name: 'Delete passkey iPhone' })).toBeBusy();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Create a passkey' })).toBeDisabled();
  });

  it('the list failed: the reason and "Try again"', () => {
    const p = props({
      passkeys: { status: 'error', message: "Couldn't load your passkeys. Can't reach the app's backend." },
    });
    render(<HomeScreen {...p} />);
    expect(screen.getByRole('alert')).toHaveTextContent("Couldn't load your passkeys.", { exact: false });
    fireEvent.press(screen.getByRole('button', { name: 'Try again' }));
    expect(p.onReloadPasskeys).toHaveBeenCalled();
  });

  it('adding: busy; outcome notices and errors are shown', () => {
    const { rerender } = render(<HomeScreen {...props({ adding: true })} />);
    expect(screen.getByRole('button', { name: 'Create a passkey' })).toBeBusy();
    rerender(<HomeScreen {...props({ notice: 'Passkey created.', error: undefined })} />);
    expect(screen.getByRole('status')).toHaveTextContent('Passkey created.');
    rerender(<HomeScreen {...props({ error: 'This device already has a passkey for your account.' })} />);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'This device already has a passkey for your account.',
    );
  });

  it('sign out: calls back; busy while signing out', () => {
    const p = props();
    const { rerender } = render(<HomeScreen {...p} />);
    fireEvent.press(screen.getByRole('button', { name: 'Sign out' }));
    expect(p.onSignOut).toHaveBeenCalled();
    rerender(<HomeScreen {...props({ signingOut: true })} />);
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeBusy();
    expect(screen.getByText('Signing out…')).toBeTruthy();
  });
});
