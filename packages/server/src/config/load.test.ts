import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load.js';

const SECRET_KEY = 'tenant-secret-key-0123456789abcdefghij';
const SERVER_SECRET = 'server-secret-0123456789abcdefghijklmnop';
const required = { tenant: { id: 'tenant-1', secretKey: SECRET_KEY }, serverSecret: SERVER_SECRET };

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

/** The ConfigError `run` throws. */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig sources', () => {
  it('applies defaults when only the required settings are given', () => {
    const config = loadConfig({ cwd: dir, env: {}, overrides: required });
    expect(config.port).toBe(4000);
    expect(config.relyingParty.origins).toEqual(['http://localhost:4000']);
    expect(config.otp.maxAttempts).toBe(5);
    expect(config.tenant.secretKey).toBe(SECRET_KEY);
  });

  it('reads <cwd>/latchkey.config.json and lets env and then overrides win', () => {
    writeJson('latchkey.config.json', {
      ...required,
      port: 5000,
      host: '0.0.0.0',
      mail: { from: 'File <f@example.com>' },
    });
    const config = loadConfig({
      cwd: dir,
      env: { PORT: '6000', LATCHKEY_MAIL_FROM: 'Env <e@example.com>' },
      overrides: { mail: { from: 'Override <o@example.com>' } },
    });
    expect(config.host).toBe('0.0.0.0'); // file
    expect(config.port).toBe(6000); // env over file
    expect(config.mail.from).toBe('Override <o@example.com>'); // overrides over env
    expect(config.tenant.id).toBe('tenant-1');
  });

  it('puts defaults under the file and the environment', () => {
    writeJson('latchkey.config.json', { relyingParty: { origins: ['https://example.com'] }, port: 5000 });
    const config = loadConfig({
      cwd: dir,
      env: { LATCHKEY_RP_NAME: 'From env' },
      defaults: {
        ...required,
        port: 4100,
        relyingParty: { name: 'Default', origins: ['http://localhost:4100'] },
      },
    });
    expect(config.tenant.secretKey).toBe(SECRET_KEY); // only in defaults
    expect(config.port).toBe(5000); // file over defaults
    expect(config.relyingParty.origins).toEqual(['https://example.com']); // arrays replace
    expect(config.relyingParty.name).toBe('From env');
  });

  it('deep-merges overrides without dropping sibling settings', () => {
    writeJson('latchkey.config.json', { ...required, relyingParty: { id: 'example.com', name: 'Example' } });
    const config = loadConfig({ cwd: dir, env: {}, overrides: { relyingParty: { name: 'Dev' } } });
    expect(config.relyingParty.id).toBe('example.com');
    expect(config.relyingParty.name).toBe('Dev');
  });

  it('maps every named environment variable', () => {
    const config = loadConfig({
      cwd: dir,
      env: {
        PORT: '8080',
        LATCHKEY_HOST: '::',
        DATABASE_URL: 'postgres://db/latchkey',
        LATCHKEY_BASE_URL: 'https://auth.example.com',
        LATCHKEY_TENANT_ID: 'tenant-env',
        LATCHKEY_SECRET_KEY: SECRET_KEY,
        LATCHKEY_SERVER_SECRET: SERVER_SECRET,
        LATCHKEY_RP_ID: 'example.com',
        LATCHKEY_RP_NAME: 'Example',
        LATCHKEY_ORIGINS: 'https://example.com, https://www.example.com,',
        LATCHKEY_SMTP_URL: 'smtp://mail.example.com:587',
        LATCHKEY_MAIL_FROM: 'Example <no-reply@example.com>',
        LATCHKEY_DATA_DIR: '/var/lib/latchkey',
      },
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '::',
      database: { url: 'postgres://db/latchkey' },
      baseUrl: 'https://auth.example.com',
      tenant: { id: 'tenant-env', secretKey: SECRET_KEY },
      serverSecret: SERVER_SECRET,
      relyingParty: {
        id: 'example.com',
        name: 'Example',
        origins: ['https://example.com', 'https://www.example.com'],
      },
      mail: { smtpUrl: 'smtp://mail.example.com:587', from: 'Example <no-reply@example.com>' },
      dataDir: '/var/lib/latchkey',
    });
  });

  it('treats empty variables as unset', () => {
    writeJson('latchkey.config.json', { ...required, port: 5000 });
    expect(loadConfig({ cwd: dir, env: { PORT: '', LATCHKEY_CONFIG: '' } }).port).toBe(5000);
  });

  it('reads the generic LATCHKEY__SECTION__FIELD form, parsing JSON except for string fields', () => {
    const config = loadConfig({
      cwd: dir,
      env: {
        LATCHKEY__otp__maxAttempts: '3',
        LATCHKEY__OTP__RESEND_INTERVAL_SECONDS: '60',
        LATCHKEY__HTTP__TRUST_PROXY: 'true',
        LATCHKEY__relyingParty__iosAppIds: '["ABCDE12345.com.example.app"]',
        LATCHKEY__TENANT__ID: '12345',
        LATCHKEY__TENANT__SECRET_KEY: SECRET_KEY,
        LATCHKEY__SERVER_SECRET: SERVER_SECRET,
        LATCHKEY__mail__from: 'Plain text, not JSON <a@b.c>',
      },
    });
    expect(config.otp.maxAttempts).toBe(3);
    expect(config.otp.resendIntervalSeconds).toBe(60);
    expect(config.http.trustProxy).toBe(true);
    expect(config.relyingParty.iosAppIds).toEqual(['ABCDE12345.com.example.app']);
    expect(config.tenant.id).toBe('12345');
    expect(config.mail.from).toBe('Plain text, not JSON <a@b.c>');
  });

  it('lets a generic variable win over the alias for the same setting', () => {
    const config = loadConfig({
      cwd: dir,
      env: { PORT: '1000', LATCHKEY__PORT: '2000' },
      overrides: required,
    });
    expect(config.port).toBe(2000);
  });

  it('reads the file named by LATCHKEY_CONFIG, relative to cwd', () => {
    writeJson('other.json', { ...required, port: 7000 });
    writeJson('latchkey.config.json', { ...required, port: 5000 });
    expect(loadConfig({ cwd: dir, env: { LATCHKEY_CONFIG: 'other.json' } }).port).toBe(7000);
  });

  it('prefers the file option to LATCHKEY_CONFIG', () => {
    const file = writeJson('chosen.json', { ...required, port: 7100 });
    writeJson('other.json', { ...required, port: 7000 });
    expect(loadConfig({ cwd: dir, file, env: { LATCHKEY_CONFIG: 'other.json' } }).port).toBe(7100);
  });

  it('fails when a named file is missing, but not when the default one is', () => {
    const missing = join(dir, 'nope.json');
    expect(
      configError(() => loadConfig({ cwd: dir, env: {}, file: missing, overrides: required })).message,
    ).toBe(`Config file not found: ${missing}`);
    expect(
      configError(() => loadConfig({ cwd: dir, env: { LATCHKEY_CONFIG: missing }, overrides: required }))
        .message,
    ).toBe(`Config file not found: ${missing} (from LATCHKEY_CONFIG)`);
    expect(() => loadConfig({ cwd: dir, env: {}, overrides: required })).not.toThrow();
  });
});

describe('loadConfig errors', () => {
  it('reports invalid JSON with the file, line and column, without quoting it', () => {
    const path = join(dir, 'latchkey.config.json');
    const text = `{\n  "serverSecret": "${SERVER_SECRET}",\n  "port": }\n`;
    writeFileSync(path, text);
    const error = configError(() => loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(
      `Invalid JSON in ${path} at line 3, column 11 (position ${text.indexOf('}')}): expected a value (string, number, object, array, true, false or null)`,
    );
    expect(error.message).not.toContain(SERVER_SECRET);
    expect(error.cause).toBeUndefined();
  });

  it('reports a missing comma and a trailing comma', () => {
    const path = writeJson('a.json', {});
    writeFileSync(path, '{"port": 1\n "host": "x"}');
    expect(configError(() => loadConfig({ file: path, env: {} })).message).toMatch(
      /at line 2, column 2 \(position 12\): expected ',' or '}' after property value$/,
    );
    writeFileSync(path, '{"port": 1,}');
    expect(configError(() => loadConfig({ file: path, env: {} })).message).toMatch(
      /column 12 .*trailing comma/,
    );
  });

  it('rejects a file that is not a JSON object', () => {
    const path = writeJson('list.json', [1, 2]);
    expect(configError(() => loadConfig({ file: path, env: {} })).message).toBe(
      `${path} must contain a JSON object`,
    );
  });

  it('lists every issue with its path and the variable it came from, never the secret values', () => {
    const badSecret = 'short-secret-value';
    const path = writeJson('latchkey.config.json', {
      tenant: { id: 'tenant-1', secretKey: SECRET_KEY },
      port: 'eighty',
      relyingParty: { orgins: ['https://example.com'] },
      extra: true,
    });
    const error = configError(() =>
      loadConfig({
        cwd: dir,
        env: {
          LATCHKEY_SERVER_SECRET: badSecret,
          LATCHKEY_ORIGINS: 'https://example.com,https://example.com/login',
          LATCHKEY__OTP__MAX_ATTEMPTS: '0',
        },
      }),
    );
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`Invalid configuration (file: ${path}):`);
    expect(lines).toContain('  - port: Invalid input: expected number, received string');
    expect(lines).toContain(
      '  - serverSecret: serverSecret must be at least 32 characters (use `latchkey dev` or `openssl rand -base64 48`) (from LATCHKEY_SERVER_SECRET)',
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}- relyingParty\.origins\.1: must be a web origin .* \(from LATCHKEY_ORIGINS\)$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}- otp\.maxAttempts: .* \(from LATCHKEY__OTP__MAX_ATTEMPTS\)$/),
    );
    expect(lines).toContain('  - relyingParty.orgins: unknown setting (did you mean "origins"?)');
    expect(lines).toContain('  - extra: unknown setting');
    expect(lines).toHaveLength(7);
    expect(error.message).not.toContain(badSecret);
    expect(error.message).not.toContain(SECRET_KEY);
  });

  it('takes http.trustProxy as a flag, a hop count or a list of proxy addresses, and names a bad one', () => {
    const trust = (value: string) =>
      loadConfig({ cwd: dir, env: { LATCHKEY__HTTP__TRUST_PROXY: value }, overrides: required }).http
        .trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('["10.0.0.0/8", "fd00::/8", "192.0.2.7", "loopback"]')).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.7',
      'loopback',
    ]);
    for (const bad of ['0', '1.5', '[]', '["10.0.0.0/33"]', '["10.0.0/8"]', '["example.com"]', '"yes"']) {
      const error = configError(() =>
        loadConfig({ cwd: dir, env: { LATCHKEY__HTTP__TRUST_PROXY: bad }, overrides: required }),
      );
      expect(error.message, bad).toContain('http.trustProxy');
      expect(error.message, bad).toContain('(from LATCHKEY__HTTP__TRUST_PROXY)');
    }
  });

  it('names the variable of a value that is not a number', () => {
    const error = configError(() => loadConfig({ cwd: dir, env: { PORT: 'http' }, overrides: required }));
    expect(error.message).toBe(
      'Invalid configuration:\n  - port: Invalid input: expected number, received string (from PORT)',
    );
  });

  it('names unknown keys set through the generic form, with a suggestion', () => {
    const error = configError(() =>
      loadConfig({
        cwd: dir,
        env: { LATCHKEY__OTP__MAXATTEMPT: '3', LATCHKEY__NOPE: '1' },
        overrides: required,
      }),
    );
    expect(error.message).toContain(
      '  - otp.MAXATTEMPT: unknown setting (did you mean "maxAttempts"?) (from LATCHKEY__OTP__MAXATTEMPT)',
    );
    expect(error.message).toContain('  - NOPE: unknown setting (from LATCHKEY__NOPE)');
  });

  it('says which settings are required and how to set them', () => {
    const error = configError(() => loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(
      [
        'Invalid configuration:',
        '  - tenant: required (can be set with LATCHKEY_TENANT_ID, LATCHKEY_SECRET_KEY)',
        '  - serverSecret: required (can be set with LATCHKEY_SERVER_SECRET)',
      ].join('\n'),
    );
  });

  it('does not attribute a value to the environment once overrides replaced it', () => {
    const error = configError(() =>
      loadConfig({
        cwd: dir,
        env: { LATCHKEY_RP_ID: 'example.com' },
        overrides: { ...required, relyingParty: { id: 'Bad Id' } },
      }),
    );
    expect(error.message).toMatch(/relyingParty\.id: must be a domain name .* \(from overrides\)$/);
    expect(error.message).not.toContain('LATCHKEY_RP_ID');
  });

  it('rejects malformed generic variable names', () => {
    expect(configError(() => loadConfig({ cwd: dir, env: { LATCHKEY__OTP____X: '1' } })).message).toMatch(
      /^LATCHKEY__OTP____X: expected LATCHKEY__<section>__<field>/,
    );
    expect(() => loadConfig({ cwd: dir, env: { LATCHKEY__constructor__x: '1' } })).toThrow(ConfigError);
  });

  it('rejects a __proto__ key without touching Object.prototype', () => {
    const path = join(dir, 'latchkey.config.json');
    writeFileSync(path, JSON.stringify(required).replace(/^\{/, '{"__proto__": {"polluted": true}, '));
    const error = configError(() =>
      loadConfig({ cwd: dir, env: {}, overrides: { otp: { maxAttempts: 3 } } }),
    );
    expect(error.message).toContain('__proto__: unknown setting');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('checks Android origins after validation', () => {
    const error = configError(() =>
      loadConfig({
        cwd: dir,
        env: {},
        overrides: {
          ...required,
          relyingParty: {
            origins: ['https://example.com', `android:apk-key-hash:${'A'.repeat(43)}`],
            android: [
              { packageName: 'com.example.app', sha256CertFingerprints: [Array(32).fill('01').join(':')] },
            ],
          },
        },
      }),
    );
    expect(error.message).toContain('missing from relyingParty.origins');
  });
});
