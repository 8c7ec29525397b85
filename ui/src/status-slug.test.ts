import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SLUG_PATTERN } from '@unity/shared';
import { slugOf } from './status-slug.js';

describe('the address suggested for a status page', () => {
  it('is the title in lower-case words joined by dashes, which the hub accepts', () => {
    for (const [title, slug] of [
      ['Acme Status', 'acme-status'],
      ['  Café & Bäckerei — Status!  ', 'cafe-backerei-status'],
      ['API v2.1', 'api-v2-1'],
      ['x'.repeat(63) + ' tail', 'x'.repeat(63)],
    ] as const) {
      assert.equal(slugOf(title), slug);
      assert.match(slugOf(title), SLUG_PATTERN);
    }
  });

  it('is empty when the title has no letter or digit (the user must type one)', () => {
    assert.equal(slugOf('★★★'), '');
  });
});
