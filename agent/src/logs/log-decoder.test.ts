import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { engineSeconds, LogDecoder, normalizeTime } from './log-decoder.js';

/** One multiplexed frame as the engine writes it. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const T1 = '2026-11-23T09:00:00.123456789Z';
const T2 = '2026-11-23T09:00:01.5Z';

describe('LogDecoder', () => {
  test('demultiplexes stdout and stderr frames into lines with time, stream and level', () => {
    const d = new LogDecoder({ tty: false });
    const lines = d.push(Buffer.concat([frame(1, `${T1} hello\n`), frame(2, `${T2} ERROR bad thing\n`)]));
    assert.deepEqual(lines, [
      { time: T1, stream: 'stdout', line: 'hello', level: null },
      { time: '2026-11-23T09:00:01.500000000Z', stream: 'stderr', line: 'ERROR bad thing', level: 'error' },
    ]);
  });

  test('a header and a line cut across chunks at every byte still decode to the same lines', () => {
    const all = Buffer.concat([
      frame(1, `${T1} first line\n${T1} sec`),
      frame(1, `ond\n`),
      frame(2, `${T2} x\n`),
    ]);
    for (let cut = 1; cut < all.length; cut++) {
      const d = new LogDecoder({ tty: false });
      const lines = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut)), ...d.end()];
      assert.deepEqual(
        lines.map((l) => `${l.stream}:${l.line}`),
        ['stdout:first line', 'stdout:second', 'stderr:x'],
        `cut at ${cut}`,
      );
    }
  });

  test('a TTY answer is raw: every line is stdout, CRLF is trimmed, a final partial line comes at end()', () => {
    const d = new LogDecoder({ tty: true });
    const lines = [...d.push(Buffer.from(`${T1} [warn] a\r\n${T1} b`)), ...d.end()];
    assert.deepEqual(
      lines.map((l) => [l.stream, l.line, l.level]),
      [
        ['stdout', '[warn] a', 'warn'],
        ['stdout', 'b', null],
      ],
    );
  });

  test('multi-byte characters split between frames survive', () => {
    const d = new LogDecoder({ tty: false });
    const bytes = Buffer.from(`${T1} héllo wörld\n`, 'utf8');
    const a = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 10]), bytes.subarray(0, 10)]);
    const rest = bytes.subarray(10);
    const b = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, rest.length]), rest]);
    const lines = [...d.push(a), ...d.push(b)];
    assert.deepEqual(
      lines.map((l) => l.line),
      ['héllo wörld'],
    );
  });
});

describe('times', () => {
  test('normalizeTime pads to 9 digits and converts offsets to UTC', () => {
    assert.equal(normalizeTime('2026-11-23T09:00:00Z'), '2026-11-23T09:00:00.000000000Z');
    assert.equal(normalizeTime('2026-11-23T10:00:00.25+01:00'), '2026-11-23T09:00:00.250000000Z');
    assert.equal(normalizeTime('not-a-time'), undefined);
  });

  test('engineSeconds gives the engine seconds with the nanoseconds', () => {
    assert.equal(engineSeconds('1970-01-01T00:00:10.000000123Z'), '10.000000123');
  });
});

describe('Podman partial records', () => {
  test('a line the engine stored in pieces, each stamped, is joined back', () => {
    const d = new LogDecoder({ tty: false });
    const lines = d.push(frame(1, '2026-11-23T09:29:37Z b 2026-11-23T09:29:37Z n=29871\n'));
    assert.deepEqual(
      lines.map((l) => l.line),
      ['b n=29871'],
    );
  });

  test('pieces stamped across midnight (and a year end) are joined too', () => {
    const d = new LogDecoder({ tty: false });
    const lines = d.push(
      Buffer.concat([
        frame(1, '2026-11-23T23:59:59Z b n=1 2026-11-24T00:00:00Z up=5\n'),
        frame(1, '2026-12-31T23:59:58Z b n=2 2027-01-01T00:00:01Z up=6\n'),
      ]),
    );
    assert.deepEqual(
      lines.map((l) => l.line),
      ['b n=1 up=5', 'b n=2 up=6'],
    );
  });

  test("a timestamp that is part of the application's own text stays", () => {
    const d = new LogDecoder({ tty: false });
    const lines = d.push(frame(1, '2026-11-23T09:29:37Z started at 2026-11-20T08:00:00.123Z ok\n'));
    assert.deepEqual(
      lines.map((l) => l.line),
      ['started at 2026-11-20T08:00:00.123Z ok'],
    );
  });
});
