import { PoolError } from '../core/errors.js';

export type TriggerName =
  | 'preSignUp'
  | 'defineAuthChallenge'
  | 'createAuthChallenge'
  | 'verifyAuthChallengeResponse';

/** Cognito's names for triggers in error messages ("DefineAuthChallenge failed with error …"). */
const LABELS: Record<TriggerName, string> = {
  preSignUp: 'PreSignUp',
  defineAuthChallenge: 'DefineAuthChallenge',
  createAuthChallenge: 'CreateAuthChallenge',
  verifyAuthChallengeResponse: 'VerifyAuthChallengeResponse',
};

/** A Lambda handler: async, or Node-callback style as older Lambdas are written. */
export type TriggerHandler = (
  event: TriggerEvent,
  context: LambdaContext,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

/** The fields of a Cognito trigger event that every trigger shares. */
export interface TriggerEvent {
  version: string;
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

/** The subset of Lambda's context object handlers commonly read. */
export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
  callbackWaitsForEmptyEventLoop: boolean;
}

export interface TriggerRunnerOptions {
  handlers: Partial<Record<TriggerName, TriggerHandler>>;
  timeoutMs: number;
  onError?: (name: TriggerName, error: unknown) => void;
}

/**
 * Invokes triggers as Cognito invokes Lambdas: one attempt, a timeout, and
 * Cognito's error types for failures, so clients see what they would see on AWS.
 */
export class TriggerRunner {
  readonly #options: TriggerRunnerOptions;

  constructor(options: TriggerRunnerOptions) {
    this.#options = options;
  }

  has(name: TriggerName): boolean {
    return this.#options.handlers[name] !== undefined;
  }

  async run<E extends TriggerEvent>(name: TriggerName, event: E): Promise<E> {
    const handler = this.#options.handlers[name];
    if (!handler) throw new Error(`trigger ${name} is not configured`);
    const label = LABELS[name];
    const deadline = Date.now() + this.#options.timeoutMs;
    const context: LambdaContext = {
      functionName: `latchkey-${label}`,
      awsRequestId: crypto.randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      callbackWaitsForEmptyEventLoop: true,
    };
    // The handler gets its own copy: it may mutate the event, as Lambdas do.
    const input = structuredClone(event);
    let timer: NodeJS.Timeout | undefined;
    let output: unknown;
    try {
      output = await Promise.race([
        new Promise((resolve, reject) => {
          const settle = (error?: unknown, result?: unknown) =>
            error ? reject(error) : resolve(result ?? input);
          Promise.resolve(handler(input, context, settle)).then((result) => {
            if (result !== undefined) resolve(result);
            // A callback-style handler returns undefined and calls `settle` later.
            else if (handler.length < 3) resolve(input);
          }, reject);
        }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new TriggerTimeout()), this.#options.timeoutMs);
        }),
      ]);
    } catch (error) {
      this.#options.onError?.(name, error);
      if (error instanceof TriggerTimeout) {
        throw new PoolError(
          'UnexpectedLambdaException',
          `${label} failed with error Task timed out after ${(this.#options.timeoutMs / 1000).toFixed(2)} seconds.`,
        );
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new PoolError('UserLambdaValidationException', `${label} failed with error ${message}.`);
    } finally {
      clearTimeout(timer);
    }
    if (
      typeof output !== 'object' ||
      output === null ||
      typeof (output as E).response !== 'object' ||
      (output as E).response === null
    ) {
      throw new PoolError('InvalidLambdaResponseException', 'Invalid lambda function output : Invalid JSON');
    }
    return output as E;
  }
}

class TriggerTimeout extends Error {}

/** Builds the common part of a trigger event (field for field as Cognito sends it). */
export function baseEvent(input: {
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName: string;
  clientId: string;
}): Omit<TriggerEvent, 'request' | 'response'> {
  return {
    version: '1',
    triggerSource: input.triggerSource,
    region: input.region,
    userPoolId: input.userPoolId,
    userName: input.userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: input.clientId },
  };
}
