import type { Clock, Store } from '../core/ports.js';

/** How often each instance prunes expired rows. */
export const PRUNE_INTERVAL_MS = 10 * 60_000;

export interface PruningOptions {
  store: Pick<Store, 'pruneExpired'>;
  clock: Clock;
  intervalMs?: number;
  /** Told about each run that deleted rows, and about failures (pruning never throws). */
  log: { info(data: object, message: string): void; warn(data: object, message: string): void };
}

/** A running prune schedule; {@link stop} waits for a run in progress. */
export interface Pruning {
  stop(): Promise<void>;
}

/**
 * Runs {@link Store.pruneExpired} now and then every `intervalMs` (default
 * {@link PRUNE_INTERVAL_MS}) without keeping the process alive. Runs never
 * overlap; a failed run is logged and the next one tries again.
 */
export function schedulePruning({
  store,
  clock,
  intervalMs = PRUNE_INTERVAL_MS,
  log,
}: PruningOptions): Pruning {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= store
      .pruneExpired(clock.now())
      .then(
        (deleted) => {
          if (deleted > 0) log.info({ deleted }, 'pruned expired rows');
        },
        (error: unknown) => log.warn({ err: error }, 'pruning expired rows failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  run();
  const timer = setInterval(run, intervalMs).unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
