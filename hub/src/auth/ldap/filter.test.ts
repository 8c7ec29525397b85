import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeFilterValue, groupFilter, userFilter } from './filter.js';

describe('LDAP filter escaping (RFC 4515)', () => {
  it('escapes the five special characters and leaves the rest', () => {
    assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
    assert.equal(escapeFilterValue('a\\b\0c'), 'a\\5cb\\00c');
    assert.equal(escapeFilterValue('jürgen.o-k'), 'jürgen.o-k');
  });

  it('puts the escaped name into every {username} of the template', () => {
    assert.equal(
      userFilter('(|(uid={username})(mail={username}))', 'x)(|(a=*'),
      '(|(uid=x\\29\\28|\\28a=\\2a)(mail=x\\29\\28|\\28a=\\2a))',
    );
  });

  it('searches all three group kinds and ANDs the extra filter', () => {
    const f = groupFilter('uid=a(1),dc=x', 'a*', '(cn=unity-*)');
    assert.ok(f.includes('(member=uid=a\\281\\29,dc=x)'));
    assert.ok(f.includes('(memberUid=a\\2a)'));
    assert.ok(f.startsWith('(&(|') && f.endsWith('(cn=unity-*))'));
  });
});
