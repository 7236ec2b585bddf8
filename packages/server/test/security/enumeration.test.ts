/**
 * E1, equal work by instrumentation: the store and the mailer of a real server
 * are wrapped in counting proxies (they still do the real work), and the email
 * sign-in path of a known, enrolled user typing a wrong code is compared call
 * by call with the path of an address that has no account. Response parity
 * (status, body shape, fake USERNAME) is in `policy.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer, MailMessage } from '../../src/core/ports.js';
import { CLIENT_ID, poolCall, poolTestConfig } from '../support/pool.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { bearer, nextUser, wrongCode } from './helpers.js';

/** Every store method called, in order, by name. */
const storeCalls: string[] = [];
const mails: MailMessage[] = [];
const mailer: Mailer = {
  async send(message) {
    mails.push(message);
  },
};

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ config: poolTestConfig(), mailer });
  // Count calls on the very instance the server uses (core, user pool and triggers share it).
  const store = t.server.store as unknown as Record<string, unknown>;
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(store); proto && proto !== Object.prototype; ) {
    for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
    proto = Object.getPrototypeOf(proto);
  }
  for (const name of names) {
    const original = store[name];
    if (name === 'constructor' || typeof original !== 'function') continue;
    store[name] = (...args: unknown[]) => {
      storeCalls.push(name);
      return (original as (...a: unknown[]) => unknown).apply(store, args);
    };
  }
});
afterAll(async () => t.close());

const latestCode = (to: string) =>
  mails
    .filter((m) => m.to === to)
    .at(-1)
    ?.text.match(/\b(\d{6})\b/)?.[1] ?? '';

interface Step {
  status: number;
  keys: string[];
  store: string[];
  mails: number;
}

/** The email sign-in path as an attacker drives it, with a wrong code and a bogus answer. */
async function emailPath(email: string): Promise<Record<string, Step>> {
  const steps: Record<string, Step> = {};
  const record = async (name: string, call: () => Promise<{ status: number; body: unknown }>) => {
    storeCalls.length = 0;
    const mailed = mails.length;
    const { status, body } = await call();
    steps[name] = {
      status,
      keys: Object.keys(body ?? {}).sort(),
      store: [...storeCalls],
      mails: mails.length - mailed,
    };
    return body as Record<string, unknown>;
  };
  const start = await record('initiate', () =>
    poolCall(t, 'InitiateAuth', {
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: email },
    }),
  );
  const parameters = start.ChallengeParameters as Record<string, string>;
  const token = parameters.token as string;
  await record('challenge', () =>
    t.api('POST', '/v1/client/challenge/email-otp', { auth: bearer(token), body: {} }),
  );
  await record('verify', () =>
    t.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(token),
      body: { verificationCode: wrongCode(latestCode(email)) },
    }),
  );
  await record('respond', () =>
    poolCall(t, 'RespondToAuthChallenge', {
      ClientId: CLIENT_ID,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: start.Session,
      ChallengeResponses: { USERNAME: parameters.USERNAME as string, ANSWER: 'not-a-result-token' },
    }),
  );
  return steps;
}

/** a − b as multisets of call names. */
function extra(a: readonly string[], b: readonly string[]): string[] {
  const rest = [...b];
  return a.filter((name) => {
    const i = rest.indexOf(name);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}

describe('E1 equal work for known and unknown users', () => {
  let known: Record<string, Step>;
  let firstProbe: Record<string, Step>;
  let repeatProbe: Record<string, Step>;

  beforeAll(async () => {
    // A known user with a verified email (isEnrolled "true", as the phantom claims to be).
    const { email } = nextUser('e1-known');
    expect(
      (await poolCall(t, 'SignUp', { ClientId: CLIENT_ID, Username: email, Password: 'Throwaway-123!' }))
        .status,
    ).toBe(200);
    const start = await poolCall(t, 'InitiateAuth', {
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: email },
    });
    const token = (start.body.ChallengeParameters as Record<string, string>).token as string;
    await t.api('POST', '/v1/client/user-authenticators/email-otp', { auth: bearer(token), body: { email } });
    const enrolled = await t.api('POST', '/v1/client/verify/email-otp', {
      auth: bearer(token),
      body: { verificationCode: latestCode(email) },
    });
    expect(enrolled.body.isVerified).toBe(true);

    known = await emailPath(email);
    const stranger = nextUser('e1-stranger').email;
    firstProbe = await emailPath(stranger);
    repeatProbe = await emailPath(stranger);
  });

  it('E1 every step answers with the same status and body shape and sends the same mail', () => {
    for (const path of [firstProbe, repeatProbe]) {
      for (const step of ['initiate', 'challenge', 'verify', 'respond']) {
        expect(path[step]?.status, step).toBe(known[step]?.status);
        expect(path[step]?.keys, step).toEqual(known[step]?.keys);
        expect(path[step]?.mails, step).toBe(known[step]?.mails);
      }
    }
    expect(known.challenge?.mails).toBe(1);
  });

  it('E1 InitiateAuth, the code send and the code check make the same store calls (repeat probe)', () => {
    for (const step of ['initiate', 'challenge', 'verify']) {
      expect(repeatProbe[step]?.store, step).toEqual(known[step]?.store);
    }
  });

  it('E1 the documented differences, and only those', () => {
    // Documented in SECURITY.md (E1): the built-in Verify trigger answers false for an unknown user
    // without calling /validate, so the known path records one token.validation_failed event more.
    expect(extra(known.respond?.store ?? [], repeatProbe.respond?.store ?? [])).toEqual(['appendEvent']);
    expect(extra(repeatProbe.respond?.store ?? [], known.respond?.store ?? [])).toEqual([]);
    // The first probe of an address creates its phantom: after the same user read, the user row
    // and user.created, and a pending email authenticator. Later probes are the repeat probe above.
    expect(extra(firstProbe.initiate?.store ?? [], known.initiate?.store ?? [])).toEqual(['appendEvent']);
    expect(extra(known.initiate?.store ?? [], firstProbe.initiate?.store ?? [])).toEqual([]);
    expect(extra(firstProbe.challenge?.store ?? [], known.challenge?.store ?? [])).toEqual([
      'insertEmailAuthenticator',
    ]);
    expect(extra(known.challenge?.store ?? [], firstProbe.challenge?.store ?? [])).toEqual([]);
    expect(firstProbe.verify?.store).toEqual(known.verify?.store);
  });
});
