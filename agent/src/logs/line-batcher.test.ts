import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogLine } from '@unity/shared';
import { LineBatcher } from './line-batcher.js';

const line = (n: number): LogLine => ({
  time: '2026-11-23T09:00:00.000000000Z',
  stream: 'stdout',
  line: `line ${n}`,
  level: null,
});

test('full chunks go out at once, in order, and every line arrives exactly once', async () => {
  const chunks: LogLine[][] = [];
  const b = new LineBatcher({
    send: async (c) => {
      chunks.push(JSON.parse(c) as LogLine[]);
    },
    maxBytes: 1024,
    maxDelayMs: 10_000,
  });
  for (let i = 0; i < 1000; i++) await b.push([line(i)]);
  await b.flush();
  assert.ok(chunks.length > 10, `${chunks.length} chunks`);
  assert.deepEqual(
    chunks.flat().map((l) => l.line),
    Array.from({ length: 1000 }, (_, i) => `line ${i}`),
  );
  assert.equal(b.sentLines, 1000);
});

test('a lone line goes out after the delay without a flush', async () => {
  const chunks: string[] = [];
  const b = new LineBatcher({ send: async (c) => void chunks.push(c), maxDelayMs: 20 });
  await b.push([line(1)]);
  assert.equal(chunks.length, 0);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(chunks.length, 1);
});

test('a failed send (the command was cancelled) makes the next push throw', async () => {
  const b = new LineBatcher({
    send: async () => {
      throw new Error('command cancelled');
    },
    maxBytes: 10,
  });
  await assert.rejects(b.push([line(1)]), /cancelled/);
  await assert.rejects(b.push([line(2)]), /cancelled/);
});
