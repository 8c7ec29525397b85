import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANNEL_TYPES, ChannelSettingsSchema, maskSettings, SECRET_FIELDS, SECRET_MASK } from './notify.js';

describe('channel settings', () => {
  it('has secret fields declared for every type', () => {
    assert.deepEqual(Object.keys(SECRET_FIELDS).sort(), [...CHANNEL_TYPES].sort());
  });

  it('masks secrets: whole text, URL past its host, header values, Apprise URLs past the scheme', () => {
    const webhook = ChannelSettingsSchema.parse({
      type: 'webhook',
      url: 'https://user:pw@hooks.example.org/abc?token=t',
      headers: { Authorization: 'Bearer x' },
      hmacSecret: 'long-enough',
    });
    assert.deepEqual(maskSettings(webhook), {
      type: 'webhook',
      url: `https://hooks.example.org/${SECRET_MASK}`,
      method: 'POST',
      headers: { Authorization: SECRET_MASK },
      hmacSecret: SECRET_MASK,
    });
    const apprise = ChannelSettingsSchema.parse({ type: 'apprise', urls: ['tgram://123:abc/456'] });
    assert.deepEqual(maskSettings(apprise), { type: 'apprise', urls: [`tgram://${SECRET_MASK}`] });
    const email = ChannelSettingsSchema.parse({
      type: 'email',
      host: 'smtp',
      from: 'a@example.org',
      to: ['d@example.org'],
    });
    assert.equal(
      (maskSettings(email) as { password?: string }).password,
      undefined,
      'an unset secret stays unset',
    );
  });

  it('names the bad field', () => {
    const r = ChannelSettingsSchema.safeParse({ type: 'pagerduty', routingKey: 'short' });
    assert.equal(r.success, false);
    assert.deepEqual(r.error?.issues[0]?.path, ['routingKey']);
  });
});
