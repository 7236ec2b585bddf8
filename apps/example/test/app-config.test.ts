/** app.config.ts: one config file, only its public fields in the bundle. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import appConfig, { publicConfig } from '../app.config';

const devJson = {
  baseUrl: 'http://localhost:4000',
  tenantId: 'lk_dev_tenant_abc',
  secretKey: 'lk_dev_sk_SECRET',
  rpId: 'localhost',
  region: 'us-east-1',
  userPoolId: 'us-east-1_Pool',
  userPoolClientId: 'client1',
  userPoolEndpoint: 'http://localhost:4000',
  adminAccessKeyId: 'AKIADEV',
  adminSecretAccessKey: 'lk_dev_ADMIN_SECRET',
};

function configFrom(file: unknown, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-app-config-'));
  const path = join(dir, 'dev.json');
  writeFileSync(path, JSON.stringify(file));
  const saved = { ...process.env };
  Object.assign(process.env, { LATCHKEY_APP_CONFIG: path, ...env });
  try {
    return appConfig({ config: {}, projectRoot: dir, staticConfigPath: null, packageJsonPath: null });
  } finally {
    process.env = saved;
  }
}

describe('publicConfig', () => {
  it('copies the public fields of dev.json and nothing else', () => {
    expect(publicConfig(devJson)).toEqual({
      baseUrl: 'http://localhost:4000',
      tenantId: 'lk_dev_tenant_abc',
      rpId: 'localhost',
      region: 'us-east-1',
      userPoolId: 'us-east-1_Pool',
      userPoolClientId: 'client1',
      userPoolEndpoint: 'http://localhost:4000',
      backendUrl: 'http://localhost:4001',
    });
  });

  it('backendUrl: argument, then file, then the default; region from the pool id', () => {
    const { region: _region, ...withoutRegion } = devJson;
    expect(publicConfig({ ...withoutRegion, backendUrl: 'https://api.example.com' })).toMatchObject({
      backendUrl: 'https://api.example.com',
      region: 'us-east-1',
    });
    expect(publicConfig(devJson, 'http://localhost:5001').backendUrl).toBe('http://localhost:5001');
  });

  it('names missing fields', () => {
    expect(() => publicConfig({ baseUrl: 'x' })).toThrow(
      'The Latchkey config file lacks tenantId, rpId, userPoolId, userPoolClientId',
    );
    expect(() => publicConfig([])).toThrow('must hold a JSON object');
  });
});

describe('app.config.ts', () => {
  it('embeds the public config; the secret key and admin keys never reach the bundle', () => {
    const config = configFrom(devJson);
    expect(config.extra?.latchkey).toEqual({ config: publicConfig(devJson) });
    const text = JSON.stringify(config);
    expect(text).not.toContain('lk_dev_sk_SECRET');
    expect(text).not.toContain('ADMIN_SECRET');
    expect(text).not.toContain('AKIADEV');
    // localhost needs no associated domain.
    expect(config.ios?.associatedDomains).toBeUndefined();
  });

  it('a real RP ID: the webcredentials association, bundle id from the environment', () => {
    const config = configFrom(
      { ...devJson, rpId: 'auth.example.com', baseUrl: 'https://auth.example.com' },
      { LATCHKEY_EXAMPLE_BUNDLE_ID: 'com.acme.app' },
    );
    expect(config.ios?.associatedDomains).toEqual(['webcredentials:auth.example.com']);
    expect(config.ios?.bundleIdentifier).toBe('com.acme.app');
    expect(config.android?.package).toBe('com.acme.app');
  });

  it('no config file: the reason, for the app to show', () => {
    const saved = { ...process.env };
    process.env.LATCHKEY_APP_CONFIG = '/nonexistent/dev.json';
    try {
      const config = appConfig({
        config: {},
        projectRoot: '/',
        staticConfigPath: null,
        packageJsonPath: null,
      });
      expect(config.extra?.latchkey).toEqual({
        error: expect.stringContaining(
          'No Latchkey config at /nonexistent/dev.json. Start the dev server first',
        ),
      });
    } finally {
      process.env = saved;
    }
  });
});
