/**
 * Domain records. The Store persists these; services decide what they mean.
 * Times are `Date`s; binary values are canonical unpadded base64url strings.
 */

export type ActionState =
  | 'ALLOW'
  | 'BLOCK'
  | 'CHALLENGE_REQUIRED'
  | 'CHALLENGE_SUCCEEDED'
  | 'CHALLENGE_FAILED'
  | 'REVIEW_REQUIRED'
  | 'REVIEW_SUCCEEDED'
  | 'REVIEW_FAILED';

export const ACTION_STATES: readonly ActionState[] = [
  'ALLOW',
  'BLOCK',
  'CHALLENGE_REQUIRED',
  'CHALLENGE_SUCCEEDED',
  'CHALLENGE_FAILED',
  'REVIEW_REQUIRED',
  'REVIEW_SUCCEEDED',
  'REVIEW_FAILED',
];

export type VerificationMethod = 'PASSKEY' | 'EMAIL_OTP';

export interface User {
  id: string;
  username: string | null;
  displayName: string | null;
  email: string | null;
  emailVerified: boolean;
  phoneNumber: string | null;
  phoneNumberVerified: boolean;
  /** Free-form JSON object set through the server API. */
  custom: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Fields a caller may set on a user; `undefined` leaves a field unchanged. */
export type UserPatch = Partial<Omit<User, 'id' | 'createdAt' | 'updatedAt'>>;

export type AuthenticatorTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

interface AuthenticatorBase {
  id: string;
  userId: string;
  createdAt: Date;
  /** When the authenticator was first verified; null while enrollment is pending. */
  verifiedAt: Date | null;
  lastVerifiedAt: Date | null;
}

export interface PasskeyAuthenticator extends AuthenticatorBase {
  method: 'PASSKEY';
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: AuthenticatorTransport[];
  aaguid: string;
  backupEligible: boolean;
  backupState: boolean;
  uvInitialized: boolean;
  /** Friendly name shown to the user. */
  name: string | null;
  deviceId: string | null;
  /** Advisory only (iOS always reports cross-platform). */
  attachment: string | null;
}

export interface EmailOtpAuthenticator extends AuthenticatorBase {
  method: 'EMAIL_OTP';
  email: string;
  /**
   * Wrong codes counted against this authenticator. The budget belongs to the
   * authenticator, not to a code, so asking for a new code does not reset it.
   */
  otpFailures: number;
  /** Set when the budget ran out; verification is refused until then. */
  otpLockedUntil: Date | null;
}

export type Authenticator = PasskeyAuthenticator | EmailOtpAuthenticator;

export interface Action {
  id: string;
  /** Null until a usernameless ceremony binds the verified user. */
  userId: string | null;
  actionCode: string;
  idempotencyKey: string;
  state: ActionState;
  stateUpdatedAt: Date;
  createdAt: Date;
  verificationMethod: VerificationMethod | null;
  /** Set once by the first successful `/validate`; tokens of the action then stop validating. */
  validatedAt: Date | null;
}

export type ChallengeKind = 'passkey_registration' | 'passkey_authentication';

/** A pending WebAuthn challenge: single use, bound to a ceremony and an action. */
export interface Challenge {
  id: string;
  kind: ChallengeKind;
  actionId: string;
  /** The user the ceremony is for; null for usernameless sign-in. */
  userId: string | null;
  /** The random challenge bytes, base64url. */
  challenge: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/** A one-time code sent by email. Only a keyed hash of the code is stored. */
export interface OtpCode {
  id: string;
  authenticatorId: string;
  actionId: string;
  codeHash: string;
  /** Wrong guesses made against this code. */
  attempts: number;
  createdAt: Date;
  expiresAt: Date;
  /** Set when the code is consumed, superseded by a resend, or killed by the budget. */
  usedAt: Date | null;
}

export type EventType =
  | 'user.created'
  | 'action.tracked'
  | 'passkey.registered'
  | 'passkey.registration_failed'
  | 'passkey.signed_in'
  | 'passkey.sign_in_failed'
  | 'passkey.clone_warning'
  | 'email_otp.sent'
  | 'email_otp.verified'
  | 'email_otp.failed'
  | 'email_otp.locked'
  | 'authenticator.added'
  | 'authenticator.removed'
  | 'token.validated'
  | 'token.validation_failed'
  | 'rate_limited'
  | 'email_otp.recovery_used'
  | 'notification.failed';

/** One entry of the append-only audit log. */
export interface AuditEvent {
  id: number;
  type: EventType;
  userId: string | null;
  actionId: string | null;
  authenticatorId: string | null;
  ipAddress: string | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
}

export type NewAuditEvent = Omit<
  AuditEvent,
  'id' | 'createdAt' | 'userId' | 'actionId' | 'authenticatorId' | 'ipAddress' | 'data'
> &
  Partial<Pick<AuditEvent, 'userId' | 'actionId' | 'authenticatorId' | 'ipAddress' | 'data'>>;
