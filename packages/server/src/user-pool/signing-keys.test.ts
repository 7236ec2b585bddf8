import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PoolStore } from '../core/ports.js';
import { createSqliteStore } from '../store/index.js';
import { SigningKeys } from './signing-keys.js';

const stores: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** Counts the store's key reloads. */
function counting(store: PoolStore): { store: PoolStore; reloads: () => number } {
  let reloads = 0;
  return {
    store: new Proxy(store, {
      get(target, name, receiver) {
        if (name === 'listSigningKeys') {
          return (now: Date) => {
            reloads++;
            return target.listSigningKeys(now);
          };
        }
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
    reloads: () => reloads,
  };
}

describe('SigningKeys across instances', () => {
  it('finds a key another instance created just after this one loaded (no refusal window)', async () => {
    const shared = createSqliteStore({ filename: ':memory:' });
    stores.push(shared);
    await shared.migrate();
    const options = { clock: { now: () => new Date() }, sealingKey: randomBytes(32), overlapMs: 60_000 };
    const b = new SigningKeys({ store: shared, ...options });
    await b.init(); // B creates the first pair and loads it
    const a = new SigningKeys({ store: shared, ...options });
    const rotated = await a.rotate(); // A creates newer keys right after B loaded
    const accessKid = rotated.find((kid) => kid.startsWith('access-')) as string;
    expect(await b.publicKey(accessKid)).toBeDefined();
  });

  it('made-up kids wait for a shared reload instead of querying the store each time', async () => {
    const shared = createSqliteStore({ filename: ':memory:' });
    stores.push(shared);
    await shared.migrate();
    const { store, reloads } = counting(shared);
    const keys = new SigningKeys({
      store,
      clock: { now: () => new Date() },
      sealingKey: randomBytes(32),
      overlapMs: 60_000,
    });
    await keys.init();
    const before = reloads();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => keys.publicKey(`access-forged${i}`)),
    );
    expect(answers.every((key) => key === undefined)).toBe(true);
    // 50 unknown kids at once: one or two reloads (one may already be under way), not 50.
    expect(reloads() - before).toBeGreaterThanOrEqual(1);
    expect(reloads() - before).toBeLessThanOrEqual(2);
  });
});
