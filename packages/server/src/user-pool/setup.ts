import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTriggers } from '@latchkey/cognito-triggers';
import { Latchkey } from '@latchkey/node';
import type { UserPoolConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import { derivePoolKey } from '../core/keys.js';
import type { Clock, Mailer, PoolStore, RateWindow } from '../core/ports.js';
import { type PoolContext, regionOf } from './context.js';
import { SigningKeys } from './signing-keys.js';
import { type TriggerHandler, type TriggerName, TriggerRunner } from './triggers.js';

export interface PoolSetupOptions {
  config: UserPoolConfig;
  baseUrl: string;
  appName: string;
  serverSecret: string;
  /** Secret key of the auth service's server API, for the built-in triggers. */
  tenantSecretKey: string;
  store: PoolStore;
  clock: Clock;
  mailer: Mailer;
  /** Serves the built-in triggers' server-API calls (in-process). */
  fetch: typeof fetch;
  /** Where module-path triggers resolve from. */
  cwd: string;
  rateLimit(key: string, windows: readonly RateWindow[]): Promise<boolean>;
  signUpsPerHourPerIp: number;
  signInStartsPerMinutePerIp: number;
}

async function loadModuleTrigger(path: string, cwd: string, name: TriggerName): Promise<TriggerHandler> {
  let loaded: { handler?: unknown; default?: { handler?: unknown } };
  try {
    loaded = (await import(pathToFileURL(resolve(cwd, path)).href)) as typeof loaded;
  } catch (error) {
    throw new ConfigError(`userPool.triggers.${name}: cannot load ${path}: ${(error as Error).message}`);
  }
  const handler = loaded.handler ?? loaded.default?.handler;
  if (typeof handler !== 'function')
    throw new ConfigError(`userPool.triggers.${name}: ${path} exports no handler function`);
  return handler as TriggerHandler;
}

/** Builds the user pool: signing keys (created on first start) and the configured triggers. */
export async function createPoolContext(options: PoolSetupOptions): Promise<PoolContext> {
  const { config, store, clock } = options;
  const keys = new SigningKeys({
    store,
    clock,
    sealingKey: derivePoolKey(options.serverSecret, 'pool-key-sealing'),
    overlapMs: config.keyRotationOverlapMinutes * 60_000,
  });
  await keys.init();

  const client = new Latchkey({
    apiSecretKey: options.tenantSecretKey,
    apiUrl: `${options.baseUrl}/v1`,
    fetch: options.fetch,
  });
  const builtins = createTriggers({
    client,
    phantomSecret: Buffer.from(derivePoolKey(options.serverSecret, 'pool-phantom-user')).toString(
      'base64url',
    ),
    // In-process the pool marks the email verified directly (on AWS: AdminUpdateUserAttributes).
    markEmailVerified: async (event) => {
      const sub = event.request.userAttributes.sub;
      if (sub) await store.updatePoolUser(event.userPoolId, sub, { emailVerified: true }, clock.now());
    },
  });
  const builtinHandlers: Record<TriggerName, TriggerHandler> = {
    preSignUp: builtins.PreSignUp as unknown as TriggerHandler,
    defineAuthChallenge: builtins.DefineAuthChallenge as unknown as TriggerHandler,
    createAuthChallenge: builtins.CreateAuthChallenge as unknown as TriggerHandler,
    verifyAuthChallengeResponse: builtins.VerifyAuthChallengeResponse as unknown as TriggerHandler,
  };
  const handlers: Partial<Record<TriggerName, TriggerHandler>> = {};
  for (const [name, spec] of Object.entries(config.triggers) as [TriggerName, string | undefined][]) {
    if (spec === undefined) continue;
    handlers[name] =
      spec === 'builtin' ? builtinHandlers[name] : await loadModuleTrigger(spec, options.cwd, name);
  }

  return {
    config,
    region: regionOf(config.id),
    issuer: config.issuer ?? `${options.baseUrl}/${config.id}`,
    store,
    clock,
    mailer: options.mailer,
    appName: options.appName,
    keys,
    triggers: new TriggerRunner({ handlers, timeoutMs: config.triggerTimeoutMs }),
    sessionKey: derivePoolKey(options.serverSecret, 'pool-session-sealing'),
    codeKey: derivePoolKey(options.serverSecret, 'pool-code-hashing'),
    phantomKey: derivePoolKey(options.serverSecret, 'pool-phantom-user'),
    rateLimit: options.rateLimit,
    signUpsPerHourPerIp: options.signUpsPerHourPerIp,
    signInStartsPerMinutePerIp: options.signInStartsPerMinutePerIp,
  };
}
