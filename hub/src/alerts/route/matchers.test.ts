import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileMatcher, compileMatchers } from './matchers.js';

describe('label matchers', () => {
  const labels = { alertname: 'Container down', container: 'web-1', host: 'h1' };

  it('compares equality and inequality, an absent label reading as empty', () => {
    assert.equal(compileMatcher({ label: 'host', op: '=', value: 'h1' })(labels), true);
    assert.equal(compileMatcher({ label: 'host', op: '!=', value: 'h1' })(labels), false);
    assert.equal(compileMatcher({ label: 'team', op: '=', value: '' })(labels), true);
    assert.equal(compileMatcher({ label: 'team', op: '!=', value: '' })(labels), false);
  });

  it('anchors regular expressions at both ends', () => {
    assert.equal(compileMatcher({ label: 'container', op: '=~', value: 'web' })(labels), false);
    assert.equal(compileMatcher({ label: 'container', op: '=~', value: 'web-.*' })(labels), true);
    assert.equal(compileMatcher({ label: 'container', op: '=~', value: 'db|web-1' })(labels), true);
    assert.equal(compileMatcher({ label: 'container', op: '!~', value: 'web' })(labels), true);
    assert.equal(compileMatcher({ label: 'container', op: '!~', value: 'web.+' })(labels), false);
    assert.equal(compileMatcher({ label: 'team', op: '=~', value: '.+' })(labels), false);
  });

  it('needs every matcher, and no matcher matches everything', () => {
    assert.equal(compileMatchers([])(labels), true);
    assert.equal(compileMatchers(undefined)(labels), true);
    const both = compileMatchers([
      { label: 'host', op: '=', value: 'h1' },
      { label: 'container', op: '=~', value: 'db.*' },
    ]);
    assert.equal(both(labels), false);
    assert.equal(both({ ...labels, container: 'db-1' }), true);
  });
});
