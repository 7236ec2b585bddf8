import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import {
  apkKeyHashOrigin,
  appleAppSiteAssociation,
  assetLinks,
  checkAndroidOrigins,
  resolveOrigins,
} from './relying-party.js';
import type { ConfigInput } from './schema.js';
import { configSchema } from './schema.js';

/** The SHA-256 of some certificate bytes, as keytool prints it, and the digest itself. */
function certificate(der: string): { fingerprint: string; digest: Buffer } {
  const digest = createHash('sha256').update(der).digest();
  const fingerprint = [...digest].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
  return { fingerprint, digest };
}

const upload = certificate('upload key certificate');
const signing = certificate('app signing key certificate');
const originOf = (cert: { digest: Buffer }) => `android:apk-key-hash:${cert.digest.toString('base64url')}`;

function config(relyingParty: ConfigInput['relyingParty']) {
  return configSchema.parse({
    tenant: { id: 't', secretKey: 'k'.repeat(32) },
    serverSecret: 's'.repeat(32),
    relyingParty,
  });
}

describe('apkKeyHashOrigin', () => {
  it('matches the base64url of the certificate digest', () => {
    const origin = apkKeyHashOrigin(upload.fingerprint);
    expect(origin).toBe(originOf(upload));
    expect(origin.slice('android:apk-key-hash:'.length)).toHaveLength(43);
    expect(origin).not.toContain('=');
  });

  it('matches a fixed vector and accepts lowercase hex', () => {
    const bytes = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0'));
    expect(apkKeyHashOrigin(bytes.join(':'))).toBe(
      'android:apk-key-hash:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
    );
    expect(apkKeyHashOrigin(upload.fingerprint.toLowerCase())).toBe(originOf(upload));
  });

  it('rejects what is not a SHA-256 fingerprint', () => {
    expect(() => apkKeyHashOrigin('AA:BB')).toThrow(ConfigError);
    expect(() => apkKeyHashOrigin(upload.fingerprint.replaceAll(':', ''))).toThrow(ConfigError);
  });
});

describe('resolveOrigins', () => {
  it('adds the derived Android origins to the configured ones, once each', () => {
    const c = config({
      origins: ['https://example.com', originOf(upload)],
      android: [{ packageName: 'com.example.app', sha256CertFingerprints: [upload.fingerprint] }],
    });
    expect(resolveOrigins(c)).toEqual(['https://example.com', originOf(upload)]);

    const derivedOnly = config({
      origins: ['https://example.com'],
      android: [
        { packageName: 'com.example.app', sha256CertFingerprints: [upload.fingerprint, signing.fingerprint] },
      ],
    });
    expect(resolveOrigins(derivedOnly)).toEqual(['https://example.com', originOf(upload), originOf(signing)]);
  });
});

describe('checkAndroidOrigins', () => {
  const android = [
    { packageName: 'com.example.app', sha256CertFingerprints: [upload.fingerprint, signing.fingerprint] },
  ];

  it('accepts origins that list no apk-key-hash origin, or exactly the derived ones', () => {
    expect(() => checkAndroidOrigins(config({ origins: ['https://example.com'], android }))).not.toThrow();
    expect(() =>
      checkAndroidOrigins(
        config({ origins: ['https://example.com', originOf(signing), originOf(upload)], android }),
      ),
    ).not.toThrow();
  });

  it('names the certificate missing from origins (Play App Signing with only the upload key listed)', () => {
    const error = (() => {
      try {
        checkAndroidOrigins(config({ origins: ['https://example.com', originOf(upload)], android }));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(
      `missing from relyingParty.origins: ${originOf(signing)} (com.example.app, ${signing.fingerprint})`,
    );
    expect(message).not.toContain(`missing from relyingParty.origins: ${originOf(upload)}`);
    expect(message).toContain('Play App Signing');
  });

  it('names listed origins that match no configured fingerprint', () => {
    const stray = certificate('someone else');
    expect(() =>
      checkAndroidOrigins(
        config({ origins: [originOf(upload), originOf(signing), originOf(stray)], android }),
      ),
    ).toThrow(`no matching fingerprint in relyingParty.android: ${originOf(stray)}`);
    expect(() => checkAndroidOrigins(config({ origins: [originOf(stray)] }))).toThrow(ConfigError);
  });
});

describe('well-known documents', () => {
  const c = config({
    iosAppIds: ['ABCDE12345.com.example.app', 'ABCDE12345.com.example.clip'],
    android: [
      {
        packageName: 'com.example.app',
        sha256CertFingerprints: [upload.fingerprint.toLowerCase(), signing.fingerprint],
      },
      { packageName: 'com.example.other', sha256CertFingerprints: [upload.fingerprint] },
      { packageName: 'com.example.app', sha256CertFingerprints: [upload.fingerprint] },
    ],
  });

  it('builds apple-app-site-association', () => {
    expect(appleAppSiteAssociation(c)).toEqual({
      applinks: {},
      webcredentials: { apps: ['ABCDE12345.com.example.app', 'ABCDE12345.com.example.clip'] },
      appclips: {},
    });
    expect(appleAppSiteAssociation(config({}))).toEqual({
      applinks: {},
      webcredentials: { apps: [] },
      appclips: {},
    });
  });

  it('builds assetlinks.json with one statement per package and uppercase fingerprints', () => {
    expect(assetLinks(c)).toEqual([
      {
        relation: ['delegate_permission/common.get_login_creds'],
        target: {
          namespace: 'android_app',
          package_name: 'com.example.app',
          sha256_cert_fingerprints: [upload.fingerprint, signing.fingerprint],
        },
      },
      {
        relation: ['delegate_permission/common.get_login_creds'],
        target: {
          namespace: 'android_app',
          package_name: 'com.example.other',
          sha256_cert_fingerprints: [upload.fingerprint],
        },
      },
    ]);
    expect(assetLinks(config({}))).toEqual([]);
  });
});
