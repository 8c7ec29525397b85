import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from './config.js';

describe('security settings', () => {
  it('defaults to PostgreSQL sessions, Authelia-like regulation and no trusted proxy', () => {
    const c = parseConfig({});
    assert.equal(c.redisUrl, undefined);
    assert.deepEqual(c.session, {
      idleMs: 12 * 3600_000,
      absoluteMs: 7 * 86_400_000,
      rememberMs: 30 * 86_400_000,
    });
    assert.deepEqual(c.regulation, {
      maxRetries: 3,
      ipMaxRetries: 10,
      findTimeMs: 120_000,
      banTimeMs: 300_000,
      delayMs: 250,
    });
    assert.deepEqual(c.trustedProxies.entries, []);
    assert.equal(c.trustedProxies.contains('127.0.0.1'), false);
    assert.equal(c.headerAuth.enabled, false);
    assert.equal(c.headerAuth.userHeader, 'remote-user');
  });

  it('reads CIDR lists, including IPv4-mapped peers and IPv6 ranges', () => {
    const c = parseConfig({
      UNITY_TRUSTED_PROXIES: '10.0.0.0/8,  192.168.1.7 fd00::/8',
      UNITY_UI_DENY: '0.0.0.0/0',
    });
    assert.equal(c.trustedProxies.contains('10.200.3.4'), true);
    assert.equal(c.trustedProxies.contains('::ffff:10.1.1.1'), true);
    assert.equal(c.trustedProxies.contains('192.168.1.8'), false);
    assert.equal(c.trustedProxies.contains('fd12::1'), true);
    assert.equal(c.uiIpRules.deny.contains('203.0.113.1'), true);
  });

  it('names the variable and the problem for a bad value', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [
        { UNITY_TRUSTED_PROXIES: '10.0.0.0/33' },
        /ConfigError: UNITY_TRUSTED_PROXIES: 10\.0\.0\.0\/33 has a bad prefix length/,
      ],
      [
        { UNITY_AGENT_ALLOW: 'example.com' },
        /ConfigError: UNITY_AGENT_ALLOW: example\.com is not an IP address/,
      ],
      [{ REDIS_URL: 'http://x' }, /ConfigError: REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
      [{ UNITY_SESSION_IDLE_TIMEOUT: '12' }, /ConfigError: UNITY_SESSION_IDLE_TIMEOUT: must be a duration/],
      [{ UNITY_REGULATION_MAX_RETRIES: '0' }, /ConfigError: UNITY_REGULATION_MAX_RETRIES: /],
      [{ UNITY_HEADER_AUTH: 'yes' }, /ConfigError: UNITY_HEADER_AUTH: must be true or false/],
      [
        { UNITY_HEADER_AUTH_USER: 'Remote User' },
        /ConfigError: UNITY_HEADER_AUTH_USER: must be an HTTP header name/,
      ],
    ];
    for (const [env, message] of bad) assert.throws(() => parseConfig(env), message, JSON.stringify(env));
  });
});
