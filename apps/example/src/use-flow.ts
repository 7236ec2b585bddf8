/** Re-render from a Latchkey flow (`{ getState, subscribe }`). */
import { useSyncExternalStore } from 'react';

export function useFlow<S>(flow: { getState(): S; subscribe(listener: (state: S) => void): () => void }): S {
  return useSyncExternalStore(flow.subscribe, flow.getState, flow.getState);
}
