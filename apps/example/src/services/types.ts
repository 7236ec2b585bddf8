/** What the screens need from the outside world, injected so tests can supply their own. */
import type {
  LatchkeyClient,
  UserPoolConfirmSignIn,
  UserPoolSignIn,
  UserPoolSignUp,
} from '@latchkey/client/core';
import type { LatchkeyAppConfig } from '../config/app-config';

/** The signed-in user, as the user pool knows them. */
export interface CurrentUser {
  /** The Cognito `sub` (also the Latchkey user id). */
  userId: string;
  email: string;
}

/** The user pool through Amplify v6 (`aws-amplify/auth`). */
export interface UserPool {
  signUp: UserPoolSignUp;
  signIn: UserPoolSignIn;
  confirmSignIn: UserPoolConfirmSignIn;
  signOut(): Promise<void>;
  /** The signed-in user, or `null`. */
  currentUser(): Promise<CurrentUser | null>;
}

/** A passkey of the signed-in user, as the example backend lists it. */
export interface PasskeyItem {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string | undefined;
  /** Synced (iCloud Keychain, Google Password Manager) rather than bound to one device. */
  backedUp: boolean;
}

/**
 * The app's backend (in this repository: apps/example/dev/backend.ts). It
 * holds the Latchkey secret key, which never ships in an app, and authorizes
 * each call with the user's Cognito access token.
 */
export interface Backend {
  listPasskeys(): Promise<PasskeyItem[]>;
  deletePasskey(id: string): Promise<void>;
  /** A track token with scope `add:authenticators`, to add a passkey from a signed-in session (flow 2.4). */
  passkeyToken(): Promise<string>;
}

export interface Services {
  config: LatchkeyAppConfig;
  latchkey: LatchkeyClient;
  userPool: UserPool;
  backend: Backend;
}
