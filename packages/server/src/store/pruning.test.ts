import { afterEach, describe, expect, it, vi } from 'vitest';
import { schedulePruning } from './pruning.js';

afterEach(() => {
  vi.useRealTimers();
});

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    log: {
      info: (data: object, message: string) => lines.push(`info ${message} ${JSON.stringify(data)}`),
      warn: (_data: object, message: string) => lines.push(`warn ${message}`),
    },
  };
}

describe('schedulePruning', () => {
  it('prunes at once and then every interval, by the injected clock, and logs what it deleted', async () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    let now = 5_000;
    const { lines, log } = recorder();
    const pruning = schedulePruning({
      store: {
        pruneExpired: async (at) => {
          calls.push(at.getTime());
          return calls.length === 1 ? 3 : 0;
        },
      },
      clock: { now: () => new Date(now) },
      intervalMs: 1000,
      log,
    });
    await vi.advanceTimersByTimeAsync(0);
    now = 9_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([5_000, 9_000]);
    expect(lines).toEqual(['info pruned expired rows {"deleted":3}']);
    await pruning.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(2);
  });

  it('never overlaps runs, survives a failure, and stop waits for the run in progress', async () => {
    vi.useFakeTimers();
    let release: (() => void) | undefined;
    let started = 0;
    let finished = 0;
    const { lines, log } = recorder();
    const pruning = schedulePruning({
      store: {
        pruneExpired: () => {
          started++;
          if (started === 1) return Promise.reject(new Error('database is locked'));
          return new Promise<number>((resolve) => {
            release = () => {
              finished++;
              resolve(1);
            };
          });
        },
      },
      clock: { now: () => new Date(0) },
      intervalMs: 1000,
      log,
    });
    await vi.advanceTimersByTimeAsync(1000); // the failed first run, then a second that hangs
    await vi.advanceTimersByTimeAsync(3000); // ticks while it hangs start nothing
    expect(started).toBe(2);
    expect(lines).toEqual(['warn pruning expired rows failed']);
    const stopped = pruning.stop();
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    release?.();
    await stopped;
    expect(finished).toBe(1);
  });
});
