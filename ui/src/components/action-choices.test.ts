import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DESTRUCTIVE_ACTIONS } from '@unity/shared';
import { actionsFor, CONFIRM_TEXT } from './action-choices.js';

describe('actionsFor', () => {
  it('offers start only to stopped containers and pause only to running ones', () => {
    assert.deepEqual(actionsFor('exited'), ['start', 'remove']);
    assert.ok(actionsFor('running').includes('pause'));
    assert.ok(!actionsFor('running').includes('start'));
    assert.deepEqual(actionsFor('paused')[0], 'unpause');
    assert.deepEqual(actionsFor('removing'), []);
  });

  it('has a confirmation text for every destructive action', () => {
    for (const action of DESTRUCTIVE_ACTIONS) assert.ok(CONFIRM_TEXT[action], action);
  });
});
