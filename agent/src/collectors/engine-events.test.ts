import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineEventsItemSchema } from '@unity/shared';
import { EventCursor, eventKey, toEngineEvent } from './engine-events.js';
import { parseLine } from './event-follower.js';

const NANO = '1795424178064475293';

const line = (action: string, nano: string, id = 'abc') =>
  `{"status":"${action}","id":"${id}","Type":"container","Action":"${action}","Actor":{"ID":"${id}","Attributes":{"name":"web","image":"busybox"}},"time":${nano.slice(0, 10)},"timeNano":${nano}}`;

describe('engine events', () => {
  it('keeps the exact nanoseconds the engine sent (JSON numbers past 2^53 would round them)', () => {
    const e = parseLine(line('start', NANO));
    assert.ok(e);
    assert.equal(e.timeNano, NANO);
    assert.equal(e.time, 1795424178064);
    assert.equal(e.type, 'container');
    assert.deepEqual(e.attributes, { name: 'web', image: 'busybox' });
    assert.equal(eventKey(e), `${NANO}|container|abc|start`);
    assert.ok(
      EngineEventsItemSchema.safeParse({ kind: 'engine_events', ts: 1, engineId: 'x', events: [e] }).success,
    );
  });

  it('maps unknown object types to other and ignores lines it cannot key', () => {
    assert.equal(toEngineEvent({ Type: 'plugin', Action: 'enable', timeNano: NANO })?.type, 'other');
    assert.equal(parseLine('not json'), undefined);
    assert.equal(parseLine(''), undefined);
    assert.equal(toEngineEvent({ Type: 'container', Action: 'start' }), undefined, 'no time');
  });

  it('bounds attributes: at most 32, values cut to 1 KiB', () => {
    const attributes: Record<string, string> = {};
    for (let i = 0; i < 40; i++) attributes[`k${i}`] = 'v'.repeat(2000);
    const e = toEngineEvent({
      Type: 'container',
      Action: 'create',
      timeNano: NANO,
      Actor: { ID: 'a', Attributes: attributes },
    });
    assert.equal(Object.keys(e?.attributes ?? {}).length, 32);
    assert.equal(e?.attributes.k0?.length, 1024);
  });
});

describe('event cursor: resuming a stream without loss or duplicates', () => {
  const at = (ms: number, action = 'start', id = 'c1') =>
    toEngineEvent({ Type: 'container', Action: action, Actor: { ID: id }, timeNano: `${ms}000000` });

  it('accepts each event once; a replay of the window is dropped, new events pass', () => {
    const cursor = new EventCursor();
    const first = [at(10_000, 'create'), at(10_500, 'start'), at(12_000, 'die')];
    assert.deepEqual(
      first.map((e) => e && cursor.accept(e)),
      [true, true, true],
    );
    // The stream broke; it is reopened since 5 s before the newest event (whole seconds).
    assert.equal(cursor.resumeSince(99_000), 7);
    const replay = [at(10_000, 'create'), at(10_500, 'start'), at(12_000, 'die'), at(13_000, 'start')];
    assert.deepEqual(
      replay.map((e) => e && cursor.accept(e)),
      [false, false, false, true],
    );
  });

  it('keeps two distinct events of the same millisecond apart (different action or object)', () => {
    const cursor = new EventCursor();
    const a = at(20_000, 'die', 'c1');
    const b = at(20_000, 'die', 'c2');
    const c = at(20_000, 'stop', 'c1');
    assert.ok(a && b && c);
    assert.equal(cursor.accept(a), true);
    assert.equal(cursor.accept(b), true);
    assert.equal(cursor.accept(c), true);
  });

  it('accepts events arriving slightly out of time order (Podman does not sort them)', () => {
    const cursor = new EventCursor();
    const late = at(29_000, 'pull');
    const now = at(30_000, 'create');
    assert.ok(late && now);
    assert.equal(cursor.accept(now), true);
    assert.equal(cursor.accept(late), true);
  });

  it('starts from the fallback time before any event and forgets keys outside its window', () => {
    const cursor = new EventCursor({ windowMs: 60_000, slackSec: 2 });
    assert.equal(cursor.resumeSince(1_700_000_000_500), 1_699_999_998);
    for (let i = 0; i < 1000; i++) {
      const e = at(100_000 + i * 1000);
      assert.ok(e && cursor.accept(e));
    }
    assert.ok(cursor.size <= 61 + 256, `remembers ${cursor.size} keys`);
    const ancient = at(100_000);
    assert.ok(ancient);
    assert.equal(cursor.accept(ancient), false, 'older than any resume asks for');
  });
});
