import type {
  GetAuthenticatorsRequest,
  TrackRequest,
  TrackResponse,
  UserAuthenticator,
  ValidateChallengeRequest,
  ValidateChallengeResponse,
  VerificationMethod,
} from '@latchkey/node';
import type { TriggerClient } from '../types.js';

/** A result token the stub knows: who it was issued for, and whether it was used. */
interface IssuedToken {
  userId: string;
  action: string;
  verificationMethod: VerificationMethod;
  used: boolean;
}

/**
 * A call the stub received, in order.
 *
 * @example
 * ```ts
 * expect(client.calls).toEqual([{ method: 'track', request: { userId, action: 'cognitoAuth', attributes: {} } }]);
 * ```
 */
export type StubCall =
  | { method: 'track'; request: TrackRequest }
  | { method: 'validateChallenge'; request: ValidateChallengeRequest }
  | { method: 'getAuthenticators'; request: GetAuthenticatorsRequest };

/**
 * An in-memory {@link TriggerClient} that records its calls and enforces what
 * the server enforces for `/validate`: the token must be known, unused, and
 * issued for the `userId` and `action` it is given (`auth-api.md` §5).
 *
 * @example
 * ```ts
 * const client = new StubClient();
 * const token = client.issueResultToken(sub, 'EMAIL_OTP');
 * await client.validateChallenge({ token, userId: otherSub }); // { isValid: false, … }
 * ```
 */
export class StubClient implements TriggerClient {
  readonly calls: StubCall[] = [];
  readonly tokens = new Map<string, IssuedToken>();
  readonly authenticators = new Map<string, UserAuthenticator[]>();
  enrolled = new Set<string>();
  /** Methods that reject (after recording the call) with the given error. */
  readonly failures: Partial<Record<StubCall['method'], unknown>> = {};

  /** Issues a result token, as a successful passkey or OTP verify would. */
  issueResultToken(userId: string, verificationMethod: VerificationMethod, action = 'cognitoAuth'): string {
    const token = `result-${this.tokens.size + 1}-${userId}`;
    this.tokens.set(token, { userId, action, verificationMethod, used: false });
    return token;
  }

  async track(request: TrackRequest): Promise<TrackResponse> {
    this.calls.push({ method: 'track', request });
    if ('track' in this.failures) throw this.failures.track;
    return {
      state: 'CHALLENGE_REQUIRED',
      idempotencyKey: `idem-${this.calls.length}`,
      url: '',
      token: `track-token-for-${request.userId}`,
      isEnrolled: this.enrolled.has(request.userId),
      enrolledVerificationMethods: this.enrolled.has(request.userId) ? ['EMAIL_OTP'] : [],
    };
  }

  async validateChallenge(request: ValidateChallengeRequest): Promise<ValidateChallengeResponse> {
    this.calls.push({ method: 'validateChallenge', request });
    if ('validateChallenge' in this.failures) throw this.failures.validateChallenge;
    const issued = this.tokens.get(request.token);
    if (issued === undefined) return { isValid: false, error: 'token_invalid' };
    if (request.userId !== undefined && request.userId !== issued.userId) {
      return { isValid: false, error: 'token_invalid' };
    }
    if (request.action !== undefined && request.action !== issued.action) {
      return { isValid: false, error: 'token_invalid' };
    }
    if (issued.used) return { isValid: false, error: 'token_invalid' };
    issued.used = true;
    return {
      isValid: true,
      state: 'CHALLENGE_SUCCEEDED',
      userId: issued.userId,
      action: issued.action,
      idempotencyKey: 'idem',
      verificationMethod: issued.verificationMethod,
    };
  }

  async getAuthenticators(request: GetAuthenticatorsRequest): Promise<UserAuthenticator[]> {
    this.calls.push({ method: 'getAuthenticators', request });
    if ('getAuthenticators' in this.failures) throw this.failures.getAuthenticators;
    return this.authenticators.get(request.userId) ?? [];
  }
}
