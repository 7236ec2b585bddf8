/**
 * The load engine: closed loop (N clients, each starting its next operation when
 * the last one ends) and open loop (operations start on a fixed schedule whatever
 * the server does; latency counts from the scheduled start, so a stalled server
 * is not hidden by coordinated omission). Both warm up first, then measure for a
 * fixed duration; only operations that finish inside the window count.
 */
import { performance } from 'node:perf_hooks';

/** One operation (a sign-in, a refresh, …) for one virtual user. */
export type Operation<U> = (user: U) => Promise<void>;

export interface LoadOptions<U> {
  users: readonly U[];
  op: Operation<U>;
  warmupMs: number;
  durationMs: number;
  /** Called when the measured window opens and closes (to read server CPU time). */
  onWindow?: (edge: 'start' | 'end') => void;
}

export interface LoadResult {
  mode: string;
  completed: number;
  errors: number;
  errorSamples: string[];
  /** Seconds of the measured window. */
  seconds: number;
  /** Sorted latencies of completed operations, ms. */
  latencies: Float64Array;
  /** Load-generator CPU seconds during the window. */
  clientCpuSeconds: number;
}

class Recorder {
  measuring = false;
  completed = 0;
  errors = 0;
  errorSamples: string[] = [];
  latencies: number[] = [];

  ok(ms: number): void {
    if (!this.measuring) return;
    this.completed += 1;
    this.latencies.push(ms);
  }

  fail(error: unknown): void {
    // Errors count whenever they happen, warm-up included: there must be none.
    this.errors += 1;
    if (this.errorSamples.length < 5)
      this.errorSamples.push(error instanceof Error ? error.message : String(error));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function window(rec: Recorder, options: LoadOptions<unknown>, mode: string): Promise<LoadResult> {
  await sleep(options.warmupMs);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  rec.measuring = true;
  options.onWindow?.('start');
  await sleep(options.durationMs);
  options.onWindow?.('end');
  rec.measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const latencies = Float64Array.from(rec.latencies).sort();
  return {
    mode,
    completed: rec.completed,
    errors: rec.errors,
    errorSamples: rec.errorSamples,
    seconds,
    latencies,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** `concurrency` clients, each running operations back to back. */
export async function closedLoop<U>(options: LoadOptions<U>, concurrency: number): Promise<LoadResult> {
  if (options.users.length < concurrency)
    throw new Error(`need ${concurrency} users, have ${options.users.length}`);
  const rec = new Recorder();
  let running = true;
  const client = async (index: number) => {
    // Client i owns users i, i + concurrency, …: no user is signed in twice at once.
    const mine = options.users.filter((_, j) => j % concurrency === index);
    for (let n = 0; running; n++) {
      const user = mine[n % mine.length] as U;
      const start = performance.now();
      try {
        await options.op(user);
        rec.ok(performance.now() - start);
      } catch (error) {
        rec.fail(error);
      }
    }
  };
  const clients = Array.from({ length: concurrency }, (_, i) => client(i));
  const result = await window(rec, options as LoadOptions<unknown>, `closed, ${concurrency} clients`);
  running = false;
  await Promise.all(clients);
  return result;
}

/** Operations start at `rate` per second (evenly spaced); at most `maxInFlight` at once. */
export async function openLoop<U>(
  options: LoadOptions<U>,
  rate: number,
  maxInFlight = 512,
): Promise<LoadResult> {
  const rec = new Recorder();
  const free = [...options.users];
  let inFlight = 0;
  let running = true;
  const t0 = performance.now();
  let scheduled = 0;
  const settle = new Set<Promise<void>>();
  const launch = (due: number) => {
    const user = free.pop();
    if (user === undefined || inFlight >= maxInFlight) {
      rec.fail(new Error(`open loop overloaded: ${inFlight} in flight`));
      return;
    }
    inFlight += 1;
    const p = options.op(user).then(
      () => rec.ok(performance.now() - due),
      (error: unknown) => rec.fail(error),
    );
    const done = p.finally(() => {
      inFlight -= 1;
      free.unshift(user);
      settle.delete(done);
    });
    settle.add(done);
  };
  const tick = () => {
    if (!running) return;
    const now = performance.now();
    while (t0 + (scheduled * 1000) / rate <= now) {
      launch(t0 + (scheduled * 1000) / rate);
      scheduled += 1;
    }
    setTimeout(tick, 1);
  };
  tick();
  const result = await window(rec, options as LoadOptions<unknown>, `open, ${Math.round(rate)}/s`);
  running = false;
  await Promise.all([...settle]);
  return result;
}

/** The p-th percentile (0–100) of sorted values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}
