import { ConfigError } from '../core/errors.js';
import type { Config } from './schema.js';

/** Prefix of the WebAuthn origin an Android app signs with. */
export const APK_KEY_HASH_PREFIX = 'android:apk-key-hash:';

const FINGERPRINT = /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/;

/** The part of the config these helpers read. */
export type RelyingPartyConfig = Pick<Config, 'relyingParty'>;

/**
 * The WebAuthn origin Android reports for an app signed with the certificate
 * whose SHA-256 fingerprint is given (`AA:BB:…`, as `keytool` or the Play
 * Console print it): `android:apk-key-hash:` + the 32 bytes, unpadded base64url.
 *
 * @throws ConfigError when `fingerprint` is not 32 colon-separated hex bytes.
 */
export function apkKeyHashOrigin(fingerprint: string): string {
  if (!FINGERPRINT.test(fingerprint)) {
    throw new ConfigError(
      `"${fingerprint}" is not a SHA-256 certificate fingerprint like "AA:BB:…" (32 bytes)`,
    );
  }
  return APK_KEY_HASH_PREFIX + Buffer.from(fingerprint.replaceAll(':', ''), 'hex').toString('base64url');
}

/** Each derived apk-key-hash origin with the app and fingerprint it comes from. */
function derivedAndroidOrigins(config: RelyingPartyConfig): Map<string, string> {
  const derived = new Map<string, string>();
  for (const app of config.relyingParty.android) {
    for (const fingerprint of app.sha256CertFingerprints) {
      const origin = apkKeyHashOrigin(fingerprint);
      if (!derived.has(origin)) derived.set(origin, `${app.packageName}, ${fingerprint.toUpperCase()}`);
    }
  }
  return derived;
}

/**
 * Every origin WebAuthn responses may come from: `relyingParty.origins`, then
 * the apk-key-hash origins of `relyingParty.android`, without duplicates.
 */
export function resolveOrigins(config: RelyingPartyConfig): string[] {
  return [...new Set([...config.relyingParty.origins, ...derivedAndroidOrigins(config).keys()])];
}

/**
 * Listing apk-key-hash origins by hand is optional (they are derived from the
 * fingerprints), but when `relyingParty.origins` lists any, they must be
 * exactly the derived set. This catches a config that names one certificate
 * in one place and another elsewhere, typically with Play App Signing, where
 * the app is signed by Google's app signing key and not by the upload key.
 *
 * @throws ConfigError naming the origins missing on each side.
 */
export function checkAndroidOrigins(config: RelyingPartyConfig): void {
  const listed = config.relyingParty.origins.filter((origin) => origin.startsWith(APK_KEY_HASH_PREFIX));
  if (listed.length === 0) return;
  const derived = derivedAndroidOrigins(config);
  const listedSet = new Set(listed);
  const notListed = [...derived].filter(([origin]) => !listedSet.has(origin));
  const notDerived = [...listedSet].filter((origin) => !derived.has(origin));
  if (notListed.length === 0 && notDerived.length === 0) return;

  const lines = [
    'relyingParty.origins lists android:apk-key-hash origins that differ from those of relyingParty.android[*].sha256CertFingerprints.',
    'List all of them or none (they are derived from the fingerprints):',
    ...notListed.map(([origin, from]) => `  - missing from relyingParty.origins: ${origin} (${from})`),
    ...notDerived.map((origin) => `  - no matching fingerprint in relyingParty.android: ${origin}`),
    'With Play App Signing, list the fingerprints of both the app signing key and the upload key.',
  ];
  throw new ConfigError(lines.join('\n'));
}

/** The `/.well-known/apple-app-site-association` document. */
export interface AppleAppSiteAssociation {
  applinks: Record<string, never>;
  webcredentials: { apps: string[] };
  appclips: Record<string, never>;
}

/**
 * `/.well-known/apple-app-site-association`: lets the iOS apps of
 * `relyingParty.iosAppIds` (`TEAMID.bundleId`) use this relying party's passkeys.
 */
export function appleAppSiteAssociation(config: RelyingPartyConfig): AppleAppSiteAssociation {
  return { applinks: {}, webcredentials: { apps: [...config.relyingParty.iosAppIds] }, appclips: {} };
}

/** One statement of `/.well-known/assetlinks.json`. */
export interface AssetLinkStatement {
  relation: string[];
  target: { namespace: 'android_app'; package_name: string; sha256_cert_fingerprints: string[] };
}

/**
 * `/.well-known/assetlinks.json`: one statement per Android package letting it
 * get this relying party's credentials, with its fingerprints uppercased (the
 * form Digital Asset Links expects). Entries for the same package are merged.
 */
export function assetLinks(config: RelyingPartyConfig): AssetLinkStatement[] {
  const byPackage = new Map<string, Set<string>>();
  for (const app of config.relyingParty.android) {
    const fingerprints = byPackage.get(app.packageName) ?? new Set<string>();
    for (const fingerprint of app.sha256CertFingerprints) fingerprints.add(fingerprint.toUpperCase());
    byPackage.set(app.packageName, fingerprints);
  }
  return [...byPackage].map(([packageName, fingerprints]) => ({
    relation: ['delegate_permission/common.get_login_creds'],
    target: {
      namespace: 'android_app',
      package_name: packageName,
      sha256_cert_fingerprints: [...fingerprints],
    },
  }));
}
