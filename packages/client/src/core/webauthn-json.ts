/**
 * WebAuthn options and credentials in their JSON wire form (binary fields as
 * base64url text), as the auth API sends and receives them (auth-api.md §4).
 * Structurally compatible with `@simplewebauthn/browser`'s types of the same names.
 */

/**
 * Base64url text of some bytes (the server also accepts standard base64).
 *
 * @example
 * ```ts
 * const challenge: Base64URLString = 'q83vEjRWeJA';
 * ```
 */
export type Base64URLString = string;

/**
 * How an authenticator talks to the client.
 *
 * @example
 * ```ts
 * const transports: AuthenticatorTransportJSON[] = ['internal', 'hybrid'];
 * ```
 */
export type AuthenticatorTransportJSON =
  | 'ble'
  | 'cable'
  | 'hybrid'
  | 'internal'
  | 'nfc'
  | 'smart-card'
  | 'usb';

/**
 * A credential named in `excludeCredentials` or `allowCredentials`.
 *
 * @example
 * ```ts
 * const descriptor: PublicKeyCredentialDescriptorJSON = { id: 'AbCd…', type: 'public-key', transports: ['internal'] };
 * ```
 */
export interface PublicKeyCredentialDescriptorJSON {
  id: Base64URLString;
  type: 'public-key';
  transports?: AuthenticatorTransportJSON[];
}

/**
 * `PublicKeyCredentialCreationOptions` as JSON: what
 * `POST /client/user-authenticators/passkey/registration-options` returns in `options`.
 *
 * @example
 * ```ts
 * const options: PublicKeyCredentialCreationOptionsJSON = {
 *   rp: { id: 'example.com', name: 'Example' },
 *   user: { id: 'dXNlci0x', name: 'ada@example.com', displayName: 'Ada' },
 *   challenge: 'q83vEjRWeJA',
 *   pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
 * };
 * ```
 */
export interface PublicKeyCredentialCreationOptionsJSON {
  rp: { id?: string; name: string };
  user: { id: Base64URLString; name: string; displayName: string };
  challenge: Base64URLString;
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  timeout?: number;
  excludeCredentials?: PublicKeyCredentialDescriptorJSON[];
  authenticatorSelection?: {
    authenticatorAttachment?: 'platform' | 'cross-platform';
    requireResidentKey?: boolean;
    residentKey?: 'discouraged' | 'preferred' | 'required';
    userVerification?: 'discouraged' | 'preferred' | 'required';
  };
  hints?: ('hybrid' | 'security-key' | 'client-device')[];
  attestation?: 'direct' | 'enterprise' | 'indirect' | 'none';
  extensions?: Record<string, unknown>;
}

/**
 * `PublicKeyCredentialRequestOptions` as JSON: what
 * `POST /client/user-authenticators/passkey/authentication-options` returns in `options`.
 *
 * @example
 * ```ts
 * const options: PublicKeyCredentialRequestOptionsJSON = {
 *   challenge: 'q83vEjRWeJA',
 *   rpId: 'example.com',
 *   allowCredentials: [],
 *   userVerification: 'required',
 * };
 * ```
 */
export interface PublicKeyCredentialRequestOptionsJSON {
  challenge: Base64URLString;
  timeout?: number;
  rpId?: string;
  allowCredentials?: PublicKeyCredentialDescriptorJSON[];
  userVerification?: 'discouraged' | 'preferred' | 'required';
  hints?: ('hybrid' | 'security-key' | 'client-device')[];
  extensions?: Record<string, unknown>;
}

/**
 * A new credential as JSON, sent as `registrationCredential` (auth-api.md §4 "Credential JSON").
 *
 * @example
 * ```ts
 * const credential: RegistrationResponseJSON = {
 *   id: 'AbCd', rawId: 'AbCd', type: 'public-key', clientExtensionResults: {},
 *   response: { clientDataJSON: 'eyJ…', attestationObject: 'o2N…', transports: ['internal'] },
 * };
 * ```
 */
export interface RegistrationResponseJSON {
  id: Base64URLString;
  rawId: Base64URLString;
  type: 'public-key';
  authenticatorAttachment?: 'platform' | 'cross-platform' | string;
  clientExtensionResults: Record<string, unknown>;
  response: {
    clientDataJSON: Base64URLString;
    attestationObject: Base64URLString;
    authenticatorData?: Base64URLString;
    transports?: AuthenticatorTransportJSON[];
    publicKeyAlgorithm?: number;
    publicKey?: Base64URLString;
  };
}

/**
 * An assertion as JSON, sent as `authenticationCredential`.
 *
 * @example
 * ```ts
 * const assertion: AuthenticationResponseJSON = {
 *   id: 'AbCd', rawId: 'AbCd', type: 'public-key', clientExtensionResults: {},
 *   response: { clientDataJSON: 'eyJ…', authenticatorData: 'SZY…', signature: 'MEU…', userHandle: 'dXNlci0x' },
 * };
 * ```
 */
export interface AuthenticationResponseJSON {
  id: Base64URLString;
  rawId: Base64URLString;
  type: 'public-key';
  authenticatorAttachment?: 'platform' | 'cross-platform' | string;
  clientExtensionResults: Record<string, unknown>;
  response: {
    clientDataJSON: Base64URLString;
    authenticatorData: Base64URLString;
    signature: Base64URLString;
    userHandle?: Base64URLString;
  };
}
