import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BADGE_TTL_MS, BadgeCache } from './badge-cache.js';
import type { Badge } from './svg.js';

const up: Badge = { label: 'status', message: 'up', color: 'brightgreen' };

describe('badge cache', () => {
  it('a crowd asking at once costs one computation, kept until the TTL', async () => {
    let t = 0;
    const cache = new BadgeCache(() => t);
    let computed = 0;
    const compute = async () => {
      computed++;
      return up;
    };
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => cache.get('probe/a/status', compute)),
    );
    assert.equal(computed, 1);
    assert.ok(answers.every((b) => b === up));
    t = BADGE_TTL_MS - 1;
    await cache.get('probe/a/status', compute);
    assert.equal(computed, 1, 'still fresh');
    t = BADGE_TTL_MS;
    await cache.get('probe/a/status', compute);
    assert.equal(computed, 2, 'expired: computed again');
    await cache.get('probe/b/status', compute);
    assert.equal(computed, 3, 'another badge is its own entry');
  });

  it('clear() drops everything (publishing must not wait out a cached "not public")', async () => {
    const cache = new BadgeCache(() => 0);
    assert.equal(await cache.get('probe/a/status', async () => undefined), undefined);
    assert.equal(await cache.get('probe/a/status', async () => up), undefined, 'cached "not public"');
    cache.clear();
    assert.equal(await cache.get('probe/a/status', async () => up), up);
  });

  it('a failed computation is not kept', async () => {
    const cache = new BadgeCache(() => 0);
    await assert.rejects(cache.get('probe/a/status', () => Promise.reject(new Error('db down'))));
    assert.equal(cache.size, 0);
    assert.equal(await cache.get('probe/a/status', async () => up), up);
  });

  it('stays bounded under a scan of random ids', async () => {
    const cache = new BadgeCache(() => 0);
    for (let i = 0; i < 25_000; i++) await cache.get(`probe/${i}/status`, async () => undefined);
    assert.ok(cache.size <= 10_000, `size ${cache.size}`);
  });
});
