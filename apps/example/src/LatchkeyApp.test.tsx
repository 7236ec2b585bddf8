/**
 * The whole app on the iOS platform files, against real servers (global-setup.ts:
 * `latchkey dev` and the example backend): the real flows, the real
 * `@latchkey/react-native` SDK and the real `aws-amplify`. Only native modules
 * are mocked (test/setup.ts): react-native-passkey runs a software
 * authenticator, and the codes come from the dev mailbox.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react-native';
import { mailbox, mailedCode, newEmail, testConfig } from '../test/servers';
import { LatchkeyApp } from './LatchkeyApp';
import { createServices } from './services';
import type { Services } from './services/types';

const { device } = jest.requireMock('react-native-passkey') as typeof import('../test/native-passkey');

const LONG = { timeout: 15_000 };
let services: Services;

beforeAll(() => {
  services = createServices(testConfig());
});

beforeEach(async () => {
  device.reset();
  await services.userPool.signOut().catch(() => undefined);
  services.latchkey.clearToken();
});

const heading = (name: string) => screen.findByRole('heading', { name }, LONG);
const button = (name: string) => screen.getByRole('button', { name });
const press = (name: string) => fireEvent.press(button(name));

async function start(): Promise<void> {
  render(<LatchkeyApp services={services} />);
  await heading('Sign in');
}

/** Create account → code → Home with the passkey offer. */
async function createAccount(email: string): Promise<void> {
  press('Create account');
  await heading('Create account');
  fireEvent.changeText(screen.getByLabelText('Email address'), email);
  press('Create account');
  // Loading state: the button says what is happening and ignores presses.
  expect(button('Create account')).toBeBusy();
  await heading('Verify your email');
  fireEvent.changeText(screen.getByLabelText('6-digit code'), await mailedCode(email));
  press('Verify');
  await heading('Home');
  await screen.findByText(email, {}, LONG);
}

async function signOut(): Promise<void> {
  press('Sign out');
  await heading('Sign in');
}

it('sign up → code → Home offers a passkey → created → sign out → passkey sign-in without the email', async () => {
  const email = newEmail('jest-signup');
  await start();
  await createAccount(email);

  await screen.findByText('Sign in faster next time', {}, LONG);
  expect(await screen.findByText(/No passkeys yet/, {}, LONG)).toBeTruthy();
  press('Create a passkey');
  await screen.findByText(/Passkey created/, {}, LONG);
  await screen.findByRole('button', { name: /^Delete passkey / }, LONG);
  expect(screen.queryByText('Sign in faster next time')).toBeNull();
  expect(device.authenticator.listCredentials()).toHaveLength(1);

  await signOut();
  press('Sign in with a passkey');
  await heading('Home');
  await screen.findByText(email, {}, LONG);
  expect(screen.queryByLabelText('Email address')).toBeNull();
  expect(device.calls).toEqual(['create', 'getImmediate']);
});

it('no passkey on this device → the email screen → a wrong code, then the right one → Home', async () => {
  const email = newEmail('jest-fallback');
  await start();
  await createAccount(email);
  press('Not now');
  await waitFor(() => expect(screen.queryByText('Sign in faster next time')).toBeNull());
  await signOut();

  press('Sign in with a passkey');
  await heading('Sign in with email');
  expect(screen.getByText(/No passkey was used|no passkey for this app on this device/)).toBeTruthy();
  const before = (await mailbox(email)).length;
  fireEvent.changeText(screen.getByLabelText('Email address'), email);
  press('Send code');
  await heading('Verify your email');
  const code = await mailedCode(email, before);
  fireEvent.changeText(screen.getByLabelText('6-digit code'), code === '000000' ? '111111' : '000000');
  press('Verify');
  expect(await screen.findByText(/That code is wrong or has expired/, {}, LONG)).toBeTruthy();
  expect(screen.getByLabelText('6-digit code').props.value).toBe('');
  fireEvent.changeText(screen.getByLabelText('6-digit code'), code);
  press('Verify');
  await heading('Home');
  await screen.findByText(email, {}, LONG);
});

it('the passkey sheet dismissed → the email screen says why', async () => {
  await start();
  device.behaviour = 'cancel';
  press('Sign in with a passkey');
  await heading('Sign in with email');
  expect(screen.getByText(/No passkey was used/)).toBeTruthy();
  press('Back to sign in');
  await heading('Sign in');
});

it('Create account with an address that has an account → a clear error and "Sign in instead"', async () => {
  const email = newEmail('jest-exists');
  await start();
  await createAccount(email);
  press('Not now');
  await signOut();

  press('Create account');
  await heading('Create account');
  fireEvent.changeText(screen.getByLabelText('Email address'), email);
  press('Create account');
  expect(await screen.findByText(/already exists/, {}, LONG)).toBeTruthy();
  press('Sign in instead');
  await heading('Sign in');
});

it('Verify email: "Send a new code" mails another code; the old one no longer works', async () => {
  const email = newEmail('jest-resend');
  await start();
  press('Create account');
  await heading('Create account');
  fireEvent.changeText(screen.getByLabelText('Email address'), email);
  press('Create account');
  await heading('Verify your email');
  const first = await mailedCode(email);
  press('Send a new code');
  expect(await screen.findByText(`We sent a new code to ${email}.`, {}, LONG)).toBeTruthy();
  const second = await mailedCode(email, 1);
  if (first !== second) {
    fireEvent.changeText(screen.getByLabelText('6-digit code'), first);
    press('Verify');
    expect(await screen.findByText(/That code is wrong or has expired/, {}, LONG)).toBeTruthy();
  }
  fireEvent.changeText(screen.getByLabelText('6-digit code'), second);
  press('Verify');
  await heading('Home');
});

it('Home: a passkey added later (backend token), listed, then deleted', async () => {
  const email = newEmail('jest-home');
  await start();
  await createAccount(email);
  press('Not now');
  await screen.findByText(/No passkeys yet/, {}, LONG);

  press('Create a passkey');
  await screen.findByText(/Passkey created/, {}, LONG);
  const remove = await screen.findByRole('button', { name: /^Delete passkey / }, LONG);
  fireEvent.press(remove);
  await screen.findByText(/deleted/, {}, LONG);
  await screen.findByText(/No passkeys yet/, {}, LONG);

  // The app's session survives a restart: a new app instance goes straight Home.
  screen.unmount();
  render(<LatchkeyApp services={services} />);
  await heading('Home');
  await screen.findByText(/No passkeys yet/, {}, LONG);
  await signOut();
});
