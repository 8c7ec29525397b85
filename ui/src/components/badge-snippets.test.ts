import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markdownSnippet, probeBadgeUrl } from './badge-snippets.js';

describe('badge snippets', () => {
  it('builds absolute badge URLs from the origin', () => {
    assert.equal(
      probeBadgeUrl('https://hub.example/', 'abc', 'uptime'),
      'https://hub.example/badge/probe/abc/uptime.svg',
    );
  });

  it('keeps the alt text from breaking the Markdown image', () => {
    assert.equal(markdownSnippet('https://h/b.svg', 'shop [eu]'), '![shop \\[eu\\]](https://h/b.svg)');
    assert.equal(markdownSnippet('https://h/b.svg', 'a\\b'), '![a\\\\b](https://h/b.svg)');
  });
});
