/** `latchkey.passkey`: passkey sign-up and sign-in over the client API (auth-api.md §2.2, §4, §9). */
import { type CredentialStore, canonicalCredentialId } from './credential-store.js';
import { identifyWebAuthnError, PasskeyError } from './errors.js';
import type { ApiAuth, AuthApi, ErrorResult } from './http.js';
import type { PasskeyPlatform } from './platform.js';
import { type TokenCache, tokenNotSet } from './token-cache.js';
import type {
  LatchkeyResponse,
  PasskeySignInData,
  PasskeySignInInput,
  PasskeySignUpData,
  PasskeySignUpInput,
} from './types.js';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from './webauthn-json.js';

interface RegistrationOptionsBody {
  challengeId: string;
  options: PublicKeyCredentialCreationOptionsJSON;
}
interface AddPasskeyBody {
  isVerified: boolean;
  accessToken?: string;
  userAuthenticatorId?: string;
  credentialId?: string;
  userId?: string;
  failureReason?: string;
  userAuthenticator?: { username?: string };
}
interface AuthenticationOptionsBody {
  challengeId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}
interface VerifyPasskeyBody {
  isVerified: boolean;
  accessToken?: string;
  userId?: string;
  userAuthenticatorId?: string;
  username?: string;
  userName?: string;
  userDisplayName?: string;
  displayName?: string;
  failureReason?: string;
}
interface LookupBody {
  credentialId?: string;
  verifiedAt?: string;
}

/** Internal wiring of {@link LatchkeyPasskey}; built by `LatchkeyClient`. */
export interface PasskeyDeps {
  api: AuthApi;
  cache: TokenCache;
  platform: PasskeyPlatform;
  store: CredentialStore;
  deviceId?: string | undefined;
}

const ABORTED: ErrorResult = { error: 'The passkey request was canceled by the app', errorCode: 'aborted' };

function ceremonyFailure(error: unknown, ceremony: 'create' | 'get'): ErrorResult {
  const failure = error instanceof PasskeyError ? error : identifyWebAuthnError(error, ceremony);
  return { error: failure.message, errorCode: failure.code };
}

/**
 * Passkeys: `signUp` (register one), `signIn` (usernameless, step-up or
 * autofill), `isSupported`, `shouldPromptToCreatePasskey` and `cancel`.
 * Every method resolves `{ data?, error?, errorCode? }`; see
 * {@link PasskeyErrorCode} and {@link identifyWebAuthnError} for the codes.
 *
 * @example
 * ```ts
 * const result = await latchkey.passkey.signIn({ action: 'cognitoAuth' });
 * if (result.errorCode === 'user_canceled' || result.errorCode === 'no_credential') showEmailSignIn();
 * ```
 */
export class LatchkeyPasskey {
  private controller: AbortController | undefined;
  /** The signal of the pending autofill request, if any. */
  private autofillSignal: AbortSignal | undefined;

  /** @internal Built by `LatchkeyClient`. */
  constructor(private readonly deps: PasskeyDeps) {}

  /**
   * Registers a passkey for the token's user (`token`, else the cached token):
   * registration options (with the user's passkeys as `excludeCredentials`),
   * the OS sheet, then the server's verification. On success the result token
   * replaces the cached token and the credential id is remembered.
   *
   * `matched_excluded_credential` means this authenticator already holds one of
   * the user's passkeys; with `ignorePasskeyAlreadyExistsError` it resolves `{}`.
   *
   * @example
   * ```ts
   * // Right after email.verify() cached the result token (flow 2.1 step 6):
   * const { data, errorCode } = await latchkey.passkey.signUp({ ignorePasskeyAlreadyExistsError: true });
   * ```
   */
  async signUp(input: PasskeySignUpInput = {}): Promise<LatchkeyResponse<PasskeySignUpData>> {
    const token = input.token || this.deps.cache.token;
    if (!token) return tokenNotSet();
    const signal = this.begin();
    const auth: ApiAuth = { scheme: 'bearer', token };

    const options = await this.deps.api.request<RegistrationOptionsBody>(
      'POST',
      '/client/user-authenticators/passkey/registration-options',
      auth,
      {
        ...(input.username ? { username: input.username } : {}),
        ...(input.displayName ? { displayName: input.displayName } : {}),
        ...(input.authenticatorAttachment ? { authenticatorAttachment: input.authenticatorAttachment } : {}),
      },
    );
    if (!options.ok) return this.end(signal, options.error);
    if (signal.aborted) return this.end(signal, ABORTED);

    let credential: Awaited<ReturnType<PasskeyPlatform['create']>>;
    try {
      credential = await this.deps.platform.create(options.body.options, { signal });
    } catch (error) {
      const failure = ceremonyFailure(error, 'create');
      if (failure.errorCode === 'matched_excluded_credential' && input.ignorePasskeyAlreadyExistsError) {
        this.end(signal);
        return {};
      }
      return this.end(signal, failure);
    }

    const added = await this.deps.api.request<AddPasskeyBody>(
      'POST',
      '/client/user-authenticators/passkey',
      auth,
      {
        challengeId: options.body.challengeId,
        registrationCredential: credential,
        ...(this.deps.deviceId ? { deviceId: this.deps.deviceId } : {}),
      },
    );
    this.end(signal);
    if (!added.ok) return added.error;
    const body = added.body;
    if (!body.isVerified) {
      return {
        data: { isVerified: false, ...(body.failureReason ? { failureReason: body.failureReason } : {}) },
      };
    }
    if (
      this.deps.platform.rememberCrossPlatformCredentials ||
      credential.authenticatorAttachment !== 'cross-platform'
    ) {
      await this.deps.store.remember({
        credentialId: body.credentialId ?? credential.id,
        userId: body.userId,
        username: body.userAuthenticator?.username ?? input.username,
      });
    }
    if (body.accessToken) this.deps.cache.token = body.accessToken;
    return {
      data: {
        isVerified: true,
        ...(body.accessToken ? { token: body.accessToken } : {}),
        ...(body.userId ? { userId: body.userId } : {}),
        ...(body.userAuthenticatorId ? { userAuthenticatorId: body.userAuthenticatorId } : {}),
        credentialId: body.credentialId ?? credential.id,
      },
    };
  }

  /**
   * Signs in with a passkey. With `action`: usernameless (the tenant id
   * authenticates, `allowCredentials` is empty, the user comes from the
   * passkey). With `token` (or, without `action`, the cached token): a step-up
   * for that user. With `autofill`: conditional UI. On success the result token
   * replaces the cached token.
   *
   * Throws `TypeError` only for contradictory input (`token` with `action`,
   * `autofill` or `idempotencyKey`), as `@authsignal/browser` does.
   *
   * @example
   * ```ts
   * const { data, errorCode } = await latchkey.passkey.signIn({ action: 'cognitoAuth' });
   * if (data?.isVerified) await completeSignIn(data.username!, data.token!);
   * else if (errorCode === 'user_canceled' || errorCode === 'no_credential') showEmailSignIn();
   * ```
   */
  async signIn(input: PasskeySignInInput = {}): Promise<LatchkeyResponse<PasskeySignInData>> {
    if (input.token && input.autofill)
      throw new TypeError('autofill is not supported when providing a token');
    if (input.token && input.action) throw new TypeError('action is not supported when providing a token');
    if (input.token && input.idempotencyKey) {
      throw new TypeError('idempotencyKey is not supported when providing a token');
    }
    if (input.autofill) {
      if (this.autofillSignal && !this.autofillSignal.aborted) return {};
      if (!(await this.isAutofillSupported())) {
        return {
          error: 'Passkey autofill (conditional mediation) is not supported here',
          errorCode: 'not_supported',
        };
      }
    }
    const signal = this.begin();
    if (input.autofill) this.autofillSignal = signal;
    try {
      return await this.runSignIn(input, signal);
    } finally {
      if (this.autofillSignal === signal) this.autofillSignal = undefined;
      this.end(signal);
    }
  }

  private async runSignIn(
    input: PasskeySignInInput,
    signal: AbortSignal,
  ): Promise<LatchkeyResponse<PasskeySignInData>> {
    const token = input.action ? undefined : input.token || this.deps.cache.token;
    const auth: ApiAuth = token ? { scheme: 'bearer', token } : { scheme: 'basic' };

    let challengeId: string | undefined;
    if (input.action) {
      const challenge = await this.deps.api.request<{ challengeId: string }>(
        'POST',
        '/client/challenge',
        { scheme: 'basic' },
        { action: input.action, ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}) },
      );
      if (!challenge.ok) return challenge.error;
      challengeId = challenge.body.challengeId;
    }
    if (signal.aborted) return ABORTED;

    const options = await this.deps.api.request<AuthenticationOptionsBody>(
      'POST',
      '/client/user-authenticators/passkey/authentication-options',
      auth,
      challengeId ? { challengeId } : {},
    );
    if (!options.ok) return options.error;
    if (signal.aborted) return ABORTED;

    let assertion: Awaited<ReturnType<PasskeyPlatform['get']>>;
    try {
      assertion = await this.deps.platform.get(options.body.options, {
        ...(input.autofill ? { mediation: 'conditional' as const } : {}),
        preferImmediatelyAvailableCredentials: input.preferImmediatelyAvailableCredentials ?? true,
        signal,
      });
    } catch (error) {
      return ceremonyFailure(error, 'get');
    }
    input.onVerificationStarted?.();

    const verified = await this.deps.api.request<VerifyPasskeyBody>('POST', '/client/verify/passkey', auth, {
      challengeId: options.body.challengeId,
      authenticationCredential: assertion,
      ...(this.deps.deviceId ? { deviceId: this.deps.deviceId } : {}),
    });
    if (!verified.ok) {
      if (verified.error.errorCode === 'unknown_credential') {
        // The server no longer knows this passkey: forget it, and let the OS hide it.
        const credentialId = canonicalCredentialId(assertion.id);
        await this.deps.store.forget([credentialId]);
        const rpId = options.body.options.rpId;
        if (rpId)
          await this.deps.platform.signalUnknownCredential?.(rpId, credentialId).catch(() => undefined);
      }
      return verified.error;
    }
    const body = verified.body;
    if (!body.isVerified) {
      return {
        data: { isVerified: false, ...(body.failureReason ? { failureReason: body.failureReason } : {}) },
      };
    }
    const username = body.username ?? body.userName;
    const displayName = body.userDisplayName ?? body.displayName;
    if (
      this.deps.platform.rememberCrossPlatformCredentials ||
      assertion.authenticatorAttachment !== 'cross-platform'
    ) {
      await this.deps.store.remember({ credentialId: assertion.id, userId: body.userId, username });
    }
    if (body.accessToken) this.deps.cache.token = body.accessToken;
    return {
      data: {
        isVerified: true,
        ...(body.accessToken ? { token: body.accessToken } : {}),
        ...(body.userId ? { userId: body.userId } : {}),
        ...(body.userAuthenticatorId ? { userAuthenticatorId: body.userAuthenticatorId } : {}),
        ...(username ? { username } : {}),
        ...(displayName ? { displayName } : {}),
      },
    };
  }

  /**
   * Whether this device can use passkeys (browser: WebAuthn is present;
   * React Native: iOS 15+ / Android API 28+ as `react-native-passkey` reports).
   *
   * @example
   * ```ts
   * if (await latchkey.passkey.isSupported()) showPasskeyButton();
   * ```
   */
  async isSupported(): Promise<boolean> {
    try {
      return await this.deps.platform.isSupported();
    } catch {
      return false;
    }
  }

  /**
   * Whether `signIn({ autofill: true })` can work here (conditional mediation).
   *
   * @example
   * ```ts
   * if (await latchkey.passkey.isAutofillSupported()) void latchkey.passkey.signIn({ action: 'cognitoAuth', autofill: true });
   * ```
   */
  async isAutofillSupported(): Promise<boolean> {
    try {
      return await this.deps.platform.isAutofillSupported();
    } catch {
      return false;
    }
  }

  /**
   * Whether to offer creating a passkey: `true` when passkeys are supported and
   * this device remembers no passkey (for `username`, if given), or the server
   * no longer knows any of the remembered ones (`invalid_credential`, which
   * also makes the SDK forget them).
   *
   * @example
   * ```ts
   * const { data: offer } = await latchkey.passkey.shouldPromptToCreatePasskey({ username: email });
   * if (offer) showCreatePasskeyScreen();
   * ```
   */
  async shouldPromptToCreatePasskey(
    input: { username?: string | undefined } = {},
  ): Promise<LatchkeyResponse<boolean>> {
    if (!(await this.isSupported())) return { data: false };
    const remembered = (await this.deps.store.list()).filter(
      (c) => input.username === undefined || c.username === input.username,
    );
    if (remembered.length === 0) return { data: true };
    const ids = remembered.map((c) => c.credentialId);
    const query = ids.map(encodeURIComponent).join(',');
    const found = await this.deps.api.request<LookupBody>(
      'GET',
      `/client/user-authenticators/passkey?credentialIds=${query}`,
      { scheme: 'basic' },
    );
    if (found.ok) return { data: false };
    if (found.error.errorCode === 'invalid_credential') {
      await this.deps.store.forget(ids);
      return { data: true };
    }
    return found.error;
  }

  /**
   * Cancels the pending passkey request, which then resolves with `aborted`.
   * In the browser this closes the sheet or autofill offer; `react-native-passkey`
   * cannot close the native sheet, so there only the pending call ends.
   *
   * @example
   * ```ts
   * // Leaving the sign-in screen while an autofill request waits:
   * latchkey.passkey.cancel();
   * ```
   */
  cancel(): void {
    this.autofillSignal = undefined;
    this.controller?.abort();
    this.controller = undefined;
  }

  /** Starts a ceremony: any earlier one is aborted (one at a time, as the OS allows). */
  private begin(): AbortSignal {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    return controller.signal;
  }

  private end(signal: AbortSignal): undefined;
  private end(signal: AbortSignal, result: ErrorResult): ErrorResult;
  private end(signal: AbortSignal, result?: ErrorResult): ErrorResult | undefined {
    if (this.controller?.signal === signal) this.controller = undefined;
    return result;
  }
}
