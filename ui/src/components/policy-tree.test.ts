import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Route } from '@unity/shared';
import { effectiveAt, listField, removeAt, routeAt, updateAt } from './policy-tree.js';

const tree: Route = {
  id: 'root',
  contactPointId: 'default',
  groupBy: ['alertname'],
  groupWait: '30s',
  routes: [
    {
      id: 'a',
      matchers: [{ label: 'team', op: '=', value: 'db' }],
      repeatInterval: '1h',
      routes: [{ id: 'a1' }],
    },
    { id: 'b', escalationChainId: 'chain', routes: [{ id: 'b1', groupWait: '0s' }] },
  ],
};

describe('policy tree helpers', () => {
  it('finds routes by path of child indexes', () => {
    assert.equal(routeAt(tree, [])?.id, 'root');
    assert.equal(routeAt(tree, [0, 0])?.id, 'a1');
    assert.equal(routeAt(tree, [2]), undefined);
  });

  it('updates and removes without touching the original', () => {
    const updated = updateAt(tree, [0, 0], (r) => ({ ...r, contactPointId: 'pager' }));
    assert.equal(routeAt(updated, [0, 0])?.contactPointId, 'pager');
    assert.equal(routeAt(tree, [0, 0])?.contactPointId, undefined);
    assert.equal(updated.routes?.[1], tree.routes?.[1], 'untouched siblings are shared');
    const removed = removeAt(tree, [0]);
    assert.deepEqual(
      removed.routes?.map((r) => r.id),
      ['b'],
    );
    assert.equal(tree.routes?.length, 2);
  });

  it('marks values inherited from the nearest ancestor, with the defaults at the top', () => {
    const a1 = effectiveAt(tree, [0, 0]);
    assert.deepEqual(a1.contactPointId, { value: 'default', inherited: true });
    assert.deepEqual(a1.repeatInterval, { value: '1h', inherited: true });
    assert.deepEqual(a1.groupInterval, { value: '5m', inherited: true });
    assert.deepEqual(effectiveAt(tree, [0]).repeatInterval, { value: '1h', inherited: false });
    const b1 = effectiveAt(tree, [1, 0]);
    assert.deepEqual(b1.groupWait, { value: '0s', inherited: false });
    assert.equal(b1.contactPointId.value, undefined, 'an escalation chain above stops the contact point');
  });

  it('reads comma-separated lists', () => {
    assert.deepEqual(listField(' host, container ,'), ['host', 'container']);
    assert.equal(listField('  '), undefined);
  });
});
