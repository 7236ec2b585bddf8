/**
 * Expo config. The Latchkey settings come from one place: the JSON file named
 * by LATCHKEY_APP_CONFIG (relative to this folder), by default the dev server's
 * `../../.latchkey/dev.json` (`npm start` at the repository root writes it).
 * Only public fields are embedded (see src/config/app-config.ts).
 *
 * Environment:
 * - LATCHKEY_APP_CONFIG             the config file (default ../../.latchkey/dev.json)
 * - LATCHKEY_EXAMPLE_BACKEND_URL    the example backend (default: the file's backendUrl, else http://localhost:4001)
 * - LATCHKEY_EXAMPLE_BUNDLE_ID      iOS bundle id and Android package (default com.example.latchkey)
 * - LATCHKEY_EXAMPLE_APPLE_TEAM_ID  your Apple Team ID (signing; the associated domain needs it)
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigContext, ExpoConfig } from 'expo/config';
import type { EmbeddedConfig, LatchkeyAppConfig } from './src/config/app-config';

export const DEFAULT_BACKEND_URL = 'http://localhost:4001';

const REQUIRED = ['baseUrl', 'tenantId', 'rpId', 'userPoolId', 'userPoolClientId'] as const;

/**
 * Picks the public fields of a parsed config file. `backendUrl` comes from
 * `backendUrl` (argument, then file), else {@link DEFAULT_BACKEND_URL}; `region`
 * defaults to the user pool id's prefix. Throws with the missing field names.
 *
 * @example
 * ```ts
 * const config = publicConfig(JSON.parse(readFileSync('.latchkey/dev.json', 'utf8')));
 * ```
 */
export function publicConfig(file: unknown, backendUrl?: string): LatchkeyAppConfig {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw new TypeError('The Latchkey config file must hold a JSON object');
  }
  const source = file as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof source[key] === 'string' && source[key] !== '' ? (source[key] as string) : undefined;
  const missing = REQUIRED.filter((key) => text(key) === undefined);
  if (missing.length > 0) throw new TypeError(`The Latchkey config file lacks ${missing.join(', ')}`);
  const userPoolId = text('userPoolId') as string;
  return {
    baseUrl: text('baseUrl') as string,
    tenantId: text('tenantId') as string,
    rpId: text('rpId') as string,
    region: text('region') ?? userPoolId.slice(0, Math.max(0, userPoolId.indexOf('_'))),
    userPoolId,
    userPoolClientId: text('userPoolClientId') as string,
    userPoolEndpoint: text('userPoolEndpoint'),
    backendUrl: backendUrl || text('backendUrl') || DEFAULT_BACKEND_URL,
  };
}

function latchkeyConfig(projectRoot: string): EmbeddedConfig {
  const file = resolve(projectRoot, process.env.LATCHKEY_APP_CONFIG || '../../.latchkey/dev.json');
  if (!existsSync(file)) {
    return {
      error: `No Latchkey config at ${file}. Start the dev server first (npm start, or npm run example at the repository root), or set LATCHKEY_APP_CONFIG.`,
    };
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return { config: publicConfig(parsed, process.env.LATCHKEY_EXAMPLE_BACKEND_URL) };
  } catch (error) {
    return { error: `${file}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export default ({ config }: ConfigContext): ExpoConfig => {
  const latchkey = latchkeyConfig(__dirname);
  const rpId = latchkey.config?.rpId;
  const bundleId = process.env.LATCHKEY_EXAMPLE_BUNDLE_ID || 'com.example.latchkey';
  return {
    ...config,
    name: 'Latchkey Example',
    slug: 'latchkey-example',
    version: '0.1.0',
    orientation: 'portrait',
    icon: './assets/icon.png',
    userInterfaceStyle: 'light',
    scheme: 'latchkey-example',
    ios: {
      supportsTablet: true,
      bundleIdentifier: bundleId,
      ...(process.env.LATCHKEY_EXAMPLE_APPLE_TEAM_ID
        ? { appleTeamId: process.env.LATCHKEY_EXAMPLE_APPLE_TEAM_ID }
        : {}),
      // Passkeys for the RP ID need the webcredentials association (README: running on devices).
      ...(rpId && rpId !== 'localhost' ? { associatedDomains: [`webcredentials:${rpId}`] } : {}),
    },
    android: {
      package: bundleId,
      adaptiveIcon: {
        backgroundColor: '#E6F4FE',
        foregroundImage: './assets/android-icon-foreground.png',
        backgroundImage: './assets/android-icon-background.png',
        monochromeImage: './assets/android-icon-monochrome.png',
      },
    },
    web: { favicon: './assets/favicon.png', output: 'single' },
    extra: { latchkey },
  };
};
