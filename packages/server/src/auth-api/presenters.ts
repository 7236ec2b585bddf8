/** Turns domain records into the Authsignal wire shapes (spec auth-api §5). */
import type { Action, Authenticator, User } from '../core/model.js';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : undefined);

/** Drops `undefined` so JSON bodies stay minimal. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function presentAuthenticator(authenticator: Authenticator, user?: User | null) {
  const base = {
    userId: authenticator.userId,
    userAuthenticatorId: authenticator.id,
    verificationMethod: authenticator.method,
    createdAt: authenticator.createdAt.toISOString(),
    verifiedAt: iso(authenticator.verifiedAt),
    lastVerifiedAt: iso(authenticator.lastVerifiedAt),
    username: user?.username ?? undefined,
    displayName: user?.displayName ?? undefined,
  };
  if (authenticator.method === 'EMAIL_OTP') return compact({ ...base, email: authenticator.email });
  return compact({
    ...base,
    webauthnCredential: compact({
      credentialId: authenticator.credentialId,
      deviceId: authenticator.deviceId ?? '',
      name: authenticator.name ?? undefined,
      aaguid: authenticator.aaguid,
      credentialBackedUp: authenticator.backupState,
      credentialDeviceType: authenticator.backupEligible ? 'multiDevice' : 'singleDevice',
      authenticatorAttachment: authenticator.attachment ?? undefined,
    }),
  });
}

export function presentUser(user: User) {
  return compact({
    userId: user.id,
    email: user.email ?? undefined,
    emailVerified: user.emailVerified,
    phoneNumber: user.phoneNumber ?? undefined,
    phoneNumberVerified: user.phoneNumberVerified,
    username: user.username ?? undefined,
    displayName: user.displayName ?? undefined,
    custom: user.custom ?? undefined,
  });
}

export function presentAction(action: Action) {
  return compact({
    state: action.state,
    stateUpdatedAt: action.stateUpdatedAt.toISOString(),
    createdAt: action.createdAt.toISOString(),
    verificationMethod: action.verificationMethod ?? undefined,
  });
}
