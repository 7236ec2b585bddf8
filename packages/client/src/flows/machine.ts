/**
 * A small explicit state machine: a pure transition table plus entry effects
 * (the async work a state stands for), run so that an app can drive the flows
 * from its UI and render each state.
 */

/**
 * Work started on entering a state; it resolves the event that ends the state.
 * A `background` effect (for example a pending passkey autofill offer) does
 * not keep `send` waiting.
 *
 * @example
 * ```ts
 * const effect: Effect<SignInEvent> = { run: async () => ({ type: 'CODE_SENT', mode: 'enroll' }) };
 * ```
 */
export interface Effect<E> {
  run(): Promise<E>;
  background?: boolean;
}

/**
 * A machine: its initial state, its transition table, and its entry effects.
 *
 * @example
 * ```ts
 * const toggle: MachineDefinition<{ name: 'on' } | { name: 'off' }, { type: 'FLIP' }> = {
 *   initial: { name: 'off' },
 *   transition: (state) => (state.name === 'on' ? { name: 'off' } : { name: 'on' }),
 * };
 * ```
 */
export interface MachineDefinition<S extends { name: string }, E extends { type: string }> {
  initial: S;
  /** The next state, or `undefined` when the state does not accept the event (it is then ignored). */
  transition(state: S, event: E): S | undefined;
  /** The effect to run on entering `state` through `event`, if any. */
  enter?(state: S, event: E, previous: S): Effect<E> | undefined;
  /** Called on leaving `state` through `event` (for example to cancel a pending request). */
  exit?(state: S, event: E, next: S): void;
  /** Turns an effect that threw (a bug, or an injected function that broke its contract) into an event. */
  crashed(error: unknown): E;
}

/**
 * A running flow: read `state`, `send` events from the UI, `subscribe` to
 * re-render (the pair `subscribe`/`getState` suits React's `useSyncExternalStore`).
 *
 * @example
 * ```ts
 * const flow = createSignInFlow({ latchkey, signIn, confirmSignIn });
 * const unsubscribe = flow.subscribe((state) => render(state));
 * const settled = await flow.send({ type: 'START_PASSKEY' });
 * ```
 */
export interface Machine<S, E> {
  getState(): S;
  /**
   * Applies `event` (ignored when the current state does not accept it) and
   * resolves with the state the machine settles in: one that waits for the
   * user, once the entry effects have run.
   */
  send(event: E): Promise<S>;
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  subscribe(listener: (state: S) => void): () => void;
}

/**
 * Runs a {@link MachineDefinition}. Effect results are applied only if the
 * machine is still in the state that started them, so a late answer (a
 * canceled autofill, a slow network call after `RESET`) cannot move the flow.
 *
 * @example
 * ```ts
 * const machine = createMachine(definition);
 * await machine.send({ type: 'FLIP' });
 * ```
 */
export function createMachine<S extends { name: string }, E extends { type: string }>(
  definition: MachineDefinition<S, E>,
): Machine<S, E> {
  let state = definition.initial;
  let epoch = 0;
  const listeners = new Set<(state: S) => void>();

  const send = (event: E): Promise<S> => {
    const previous = state;
    const next = definition.transition(previous, event);
    if (next === undefined) return Promise.resolve(state);
    if (next.name !== previous.name) definition.exit?.(previous, event, next);
    state = next;
    epoch += 1;
    const started = epoch;
    for (const listener of [...listeners]) listener(state);

    const effect = definition.enter?.(next, event, previous);
    if (!effect) return Promise.resolve(state);
    const settled = effect.run().then(
      (result) => (epoch === started ? send(result) : state),
      (error: unknown) => (epoch === started ? send(definition.crashed(error)) : state),
    );
    return effect.background ? Promise.resolve(state) : settled;
  };

  return {
    getState: () => state,
    send,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
