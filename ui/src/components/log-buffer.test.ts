import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogBuffer, passes, type ViewLine } from './log-buffer.js';

const l = (time: string, line: string, source = 'a', level: ViewLine['level'] = null): ViewLine => ({
  time: `2026-11-23T09:00:0${time}.000000000Z`,
  stream: 'stdout',
  line,
  level,
  source,
});

test('keeps at most cap lines, dropping the oldest', () => {
  const b = new LogBuffer(3);
  b.add([l('1', 'a'), l('2', 'b'), l('3', 'c'), l('4', 'd')], false);
  assert.deepEqual(
    b.lines.map((x) => x.line),
    ['b', 'c', 'd'],
  );
});

test('a merged view interleaves containers by time and says when the DOM must be rebuilt', () => {
  const b = new LogBuffer(10);
  assert.equal(b.add([l('1', 'a1', 'a'), l('5', 'a5', 'a')], true), 'append');
  assert.equal(b.add([l('3', 'b3', 'b'), l('7', 'b7', 'b')], true), 'rebuild');
  assert.deepEqual(
    b.lines.map((x) => x.line),
    ['a1', 'b3', 'a5', 'b7'],
  );
  assert.equal(b.add([l('8', 'a8', 'a')], true), 'append');
  assert.equal(b.toText(true).split('\n')[1], '2026-11-23T09:00:03.000000000Z b stdout b3');
});

test('the filter: minimum level hides lower and unknown levels; search is case-insensitive', () => {
  assert.equal(passes(l('1', 'x', 'a', 'error'), { minLevel: 'warn', search: '' }), true);
  assert.equal(passes(l('1', 'x', 'a', 'info'), { minLevel: 'warn', search: '' }), false);
  assert.equal(passes(l('1', 'x', 'a', null), { minLevel: 'warn', search: '' }), false);
  assert.equal(passes(l('1', 'Hello World', 'a', null), { minLevel: '', search: 'world' }), true);
  assert.equal(passes(l('1', 'Hello', 'a', null), { minLevel: '', search: 'world' }), false);
});
