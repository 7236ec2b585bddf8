/** `latchkey.email`: email one-time codes over the client API (auth-api.md §2.1, §4). */
import type { AuthApi } from './http.js';
import { type TokenCache, tokenNotSet } from './token-cache.js';
import type { EmailChallengeData, EmailEnrollData, EmailVerifyData, LatchkeyResponse } from './types.js';

interface VerifyEmailBody {
  isVerified: boolean;
  accessToken?: string;
  failureReason?: string;
}

/**
 * Email one-time codes, always with the cached token (`setToken`): `enroll`
 * (first code to a new address), `challenge` (a code to the enrolled address),
 * `verify`. "Resend" repeats `enroll` or `challenge` with the same token.
 *
 * @example
 * ```ts
 * latchkey.setToken(additionalInfo.token);
 * await (additionalInfo.isEnrolled === 'true' ? latchkey.email.challenge() : latchkey.email.enroll({ email }));
 * const { data } = await latchkey.email.verify({ code });
 * ```
 */
export class LatchkeyEmail {
  /** @internal Built by `LatchkeyClient`. */
  constructor(private readonly deps: { api: AuthApi; cache: TokenCache }) {}

  /**
   * Adds `email` as the user's email authenticator and mails it a code.
   *
   * @example
   * ```ts
   * const { errorCode } = await latchkey.email.enroll({ email: 'ada@example.com' });
   * if (errorCode === 'too_many_requests') showError('Please wait a moment before asking for another code');
   * ```
   */
  async enroll({ email }: { email: string }): Promise<LatchkeyResponse<EmailEnrollData>> {
    const token = this.deps.cache.token;
    if (!token) return tokenNotSet();
    const result = await this.deps.api.request<EmailEnrollData>(
      'POST',
      '/client/user-authenticators/email-otp',
      { scheme: 'bearer', token },
      { email },
    );
    return result.ok ? { data: { userAuthenticatorId: result.body.userAuthenticatorId } } : result.error;
  }

  /**
   * Mails a code to the user's enrolled email address.
   *
   * @example
   * ```ts
   * await latchkey.email.challenge();
   * ```
   */
  async challenge(): Promise<LatchkeyResponse<EmailChallengeData>> {
    const token = this.deps.cache.token;
    if (!token) return tokenNotSet();
    const result = await this.deps.api.request<EmailChallengeData>(
      'POST',
      '/client/challenge/email-otp',
      { scheme: 'bearer', token },
      {},
    );
    return result.ok ? { data: { challengeId: result.body.challengeId } } : result.error;
  }

  /**
   * Checks a code. On success `data.token` is the result token, which also
   * replaces the cached token (so `passkey.signUp()` can follow without one).
   *
   * @example
   * ```ts
   * const { data, error } = await latchkey.email.verify({ code: '123456' });
   * if (error || !data?.token) showError('Invalid code');
   * else await confirmSignIn({ challengeResponse: data.token });
   * ```
   */
  async verify({ code }: { code: string }): Promise<LatchkeyResponse<EmailVerifyData>> {
    const token = this.deps.cache.token;
    if (!token) return tokenNotSet();
    const result = await this.deps.api.request<VerifyEmailBody>(
      'POST',
      '/client/verify/email-otp',
      { scheme: 'bearer', token },
      { verificationCode: code },
    );
    if (!result.ok) return result.error;
    const { isVerified, accessToken, failureReason } = result.body;
    if (isVerified && accessToken) this.deps.cache.token = accessToken;
    return {
      data: {
        isVerified: isVerified === true,
        ...(isVerified && accessToken ? { token: accessToken } : {}),
        ...(failureReason ? { failureReason } : {}),
      },
    };
  }
}
