/** The configuration embedded at bundle time by app.config.ts (`extra.latchkey`). */
import Constants from 'expo-constants';
import type { EmbeddedConfig } from './app-config';

export type { LatchkeyAppConfig } from './app-config';

/**
 * The embedded config, or the reason there is none.
 *
 * @example
 * ```ts
 * const embedded = embeddedConfig();
 * if (!embedded.config) console.warn(embedded.error);
 * ```
 */
export function embeddedConfig(): EmbeddedConfig {
  const extra = Constants.expoConfig?.extra as { latchkey?: EmbeddedConfig } | undefined;
  return extra?.latchkey ?? { error: 'The app was bundled without a Latchkey config (extra.latchkey).' };
}
