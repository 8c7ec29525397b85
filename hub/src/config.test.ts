import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from './config.js';

const main = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');
// `npm test` bundles the hub (scripts/bundle-tests.mjs): start that, as test/lib/hub.ts does,
// instead of compiling the whole hub through tsx for a process that only parses its variables.
const bundle = process.env.UNITY_TEST_BUNDLE;
const repoRoot = resolve(dirname(main), '..', '..');
const mainArgs = bundle
  ? [join(resolve(repoRoot, bundle), 'hub', 'src', 'main.mjs')]
  : ['--import', 'tsx', main];

describe('parseConfig', () => {
  it('applies the defaults', () => {
    const c = parseConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.admin, undefined);
    assert.equal(c.hostIntervalMs, 10_000);
    assert.equal(c.containerIntervalMs, 10_000);
    assert.equal(c.agentOfflineAfterMs, 30_000);
    assert.equal(c.alertEvalIntervalMs, 10_000);
    assert.equal(c.secureCookies, 'auto');
    assert.equal(c.logLevel, 'info');
    assert.match(c.publicUrl, /^http:\/\/.+:8080$/);
    assert.match(c.uiDir, /ui\/dist$/);
    assert.match(c.agentBundle, /agent\/dist\/unity-agent\.mjs$/);
    assert.match(c.installScript, /install\.sh$/);
    assert.deepEqual(c.retention, {
      raw: 48 * 3600_000,
      '1m': 14 * 86_400_000,
      '5m': 90 * 86_400_000,
      '1h': 730 * 86_400_000,
    });
    assert.deepEqual(c.notify, { secretKey: undefined, maxAgeMs: 24 * 3600_000, appriseCommand: 'apprise' });
    assert.equal(c.rememberDeviceDays, 30);
  });

  it('reads the remember-device days, 0 turning the option off', () => {
    assert.equal(parseConfig({ UNITY_REMEMBER_DEVICE_DAYS: '7' }).rememberDeviceDays, 7);
    assert.equal(parseConfig({ UNITY_REMEMBER_DEVICE_DAYS: '0' }).rememberDeviceDays, 0);
  });

  it('derives the WebAuthn relying party from the public URL, and reads SMTP for mailed codes', () => {
    const d = parseConfig({ UNITY_PUBLIC_URL: 'https://unity.example.com/' });
    assert.deepEqual(d.webauthn, { rpId: 'unity.example.com', origins: ['https://unity.example.com'] });
    assert.equal(d.smtp, undefined);
    const c = parseConfig({
      UNITY_PUBLIC_URL: 'https://unity.example.com',
      UNITY_WEBAUTHN_RP_ID: 'Example.com',
      UNITY_WEBAUTHN_ORIGINS: 'https://unity.example.com, https://alt.example.com',
      UNITY_SMTP_HOST: 'mail.example.com',
      UNITY_SMTP_SECURITY: 'tls',
      UNITY_SMTP_USERNAME: 'unity',
      UNITY_SMTP_PASSWORD: 'secret',
      UNITY_SMTP_FROM: 'Unity <unity@example.com>',
    });
    assert.deepEqual(c.webauthn, {
      rpId: 'example.com',
      origins: ['https://unity.example.com', 'https://alt.example.com'],
    });
    assert.deepEqual(c.smtp, {
      host: 'mail.example.com',
      port: 465,
      security: 'tls',
      username: 'unity',
      password: 'secret',
      from: 'Unity <unity@example.com>',
      verifyCertificate: true,
    });
  });

  it('reads every variable', () => {
    const c = parseConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://u@db/unity',
      UNITY_ADMIN_USER: 'root',
      UNITY_ADMIN_PASSWORD: 'fifteen chars, at least',
      UNITY_PUBLIC_URL: 'https://hub.example.com/',
      UNITY_BOOTSTRAP_TOKEN: 't'.repeat(32),
      UNITY_HOST_INTERVAL_MS: '5000',
      UNITY_ALERT_EVAL_INTERVAL: '1m',
      UNITY_SECURE_COOKIES: 'true',
      UNITY_RETENTION_RAW: '3d',
      UNITY_RETENTION_1M: '2w',
      UNITY_RETENTION_5M: '2160h',
      UNITY_RETENTION_1H: '365d',
      UNITY_SECRET_KEY: 'k'.repeat(32),
      UNITY_NOTIFY_MAX_AGE: '90m',
      UNITY_APPRISE_COMMAND: '/usr/local/bin/apprise',
    });
    assert.equal(c.port, 9000);
    assert.equal(c.databaseUrl, 'postgres://u@db/unity');
    assert.deepEqual(c.admin, { username: 'root', password: 'fifteen chars, at least' });
    assert.equal(c.publicUrl, 'https://hub.example.com');
    assert.equal(c.hostIntervalMs, 5000);
    assert.equal(c.alertEvalIntervalMs, 60_000);
    assert.equal(parseConfig({ UNITY_ALERT_EVAL_INTERVAL: '30' }).alertEvalIntervalMs, 30_000);
    assert.equal(c.secureCookies, 'true');
    assert.deepEqual(c.retention, {
      raw: 3 * 86_400_000,
      '1m': 14 * 86_400_000,
      '5m': 90 * 86_400_000,
      '1h': 365 * 86_400_000,
    });
    assert.deepEqual(c.notify, {
      secretKey: 'k'.repeat(32),
      maxAgeMs: 90 * 60_000,
      appriseCommand: '/usr/local/bin/apprise',
    });
  });

  for (const [env, variable] of [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ UNITY_ADMIN_USER: 'root' }, 'UNITY_ADMIN_PASSWORD'],
    [{ UNITY_ADMIN_PASSWORD: 'a long enough passphrase' }, 'UNITY_ADMIN_USER'],
    [{ UNITY_ADMIN_USER: 'root', UNITY_ADMIN_PASSWORD: 'twelve chars' }, 'UNITY_ADMIN_PASSWORD'],
    [{ UNITY_ADMIN_USER: 'root', UNITY_ADMIN_PASSWORD: 'the root passphrase here' }, 'UNITY_ADMIN_PASSWORD'],
    [{ UNITY_BOOTSTRAP_TOKEN: 'short' }, 'UNITY_BOOTSTRAP_TOKEN'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ UNITY_SECURE_COOKIES: 'yes' }, 'UNITY_SECURE_COOKIES'],
    [{ UNITY_HOST_INTERVAL_MS: '10' }, 'UNITY_HOST_INTERVAL_MS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ UNITY_ALERT_EVAL_INTERVAL: '0s' }, 'UNITY_ALERT_EVAL_INTERVAL'],
    [{ UNITY_ALERT_EVAL_INTERVAL: '2h' }, 'UNITY_ALERT_EVAL_INTERVAL'],
    [{ UNITY_RETENTION_RAW: 'forever' }, 'UNITY_RETENTION_RAW'],
    [{ UNITY_RETENTION_1M: '30m' }, 'UNITY_RETENTION_1M'],
    [{ UNITY_RETENTION_5M: '-5d' }, 'UNITY_RETENTION_5M'],
    [{ UNITY_RETENTION_1H: '10y' }, 'UNITY_RETENTION_1H'],
    [{ UNITY_METRICS_TOKEN: 'short' }, 'UNITY_METRICS_TOKEN'],
    [{ UNITY_SECRET_KEY: 'short' }, 'UNITY_SECRET_KEY'],
    [{ UNITY_NOTIFY_MAX_AGE: '10s' }, 'UNITY_NOTIFY_MAX_AGE'],
    [{ UNITY_NOTIFY_MAX_AGE: '60d' }, 'UNITY_NOTIFY_MAX_AGE'],
    [{ UNITY_REMEMBER_DEVICE_DAYS: '400' }, 'UNITY_REMEMBER_DEVICE_DAYS'],
    [{ UNITY_REMEMBER_DEVICE_DAYS: 'a month' }, 'UNITY_REMEMBER_DEVICE_DAYS'],
    [
      { UNITY_PUBLIC_URL: 'https://unity.example.com', UNITY_WEBAUTHN_RP_ID: 'other.example' },
      'UNITY_WEBAUTHN_RP_ID',
    ],
    [{ UNITY_WEBAUTHN_ORIGINS: 'https://a.example/path' }, 'UNITY_WEBAUTHN_ORIGINS'],
    [{ UNITY_SMTP_HOST: 'mail.example.com' }, 'UNITY_SMTP_FROM'],
    [{ UNITY_SMTP_SECURITY: 'ssl' }, 'UNITY_SMTP_SECURITY'],
  ] as const) {
    it(`names ${variable} when it is bad (${JSON.stringify(env)})`, () => {
      assert.throws(() => parseConfig(env), new RegExp(`^ConfigError: ${variable}: `));
    });
  }
});

describe('the hub process with a bad variable', () => {
  it('prints `config error: VAR: …` and exits with code 2', () => {
    const run = spawnSync(process.execPath, mainArgs, {
      env: { PATH: process.env.PATH, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^config error: PORT: /m);
  });

  it('names a bad retention the same way', () => {
    const run = spawnSync(process.execPath, mainArgs, {
      env: { PATH: process.env.PATH, UNITY_RETENTION_RAW: '2 days' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^config error: UNITY_RETENTION_RAW: must be a duration/m);
  });
});
