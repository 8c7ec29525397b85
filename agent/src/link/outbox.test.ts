import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BatchFrame, type BatchItem, parseAgentFrame } from '@unity/shared';
import { batchFileName, Outbox, type OutboxOptions, SEQ_RESERVE } from './outbox.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'unity-outbox-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
async function fresh(options: Partial<OutboxOptions> = {}) {
  const dir = join(root, `o${++counter}`);
  const opts = { dir, maxBatches: 100, maxBytes: 10 * 1024 * 1024, now: () => 1_000, ...options };
  return { dir, opts, outbox: await Outbox.open(opts) };
}

const host = (ts: number): BatchItem => ({
  kind: 'container_stats',
  ts,
  engineId: 'podman:/x.sock',
  stats: [],
});

async function readFrame(outbox: Outbox, seq: number): Promise<BatchFrame> {
  const text = await outbox.read(seq);
  assert.ok(text, `batch ${seq} should be stored`);
  const parsed = parseAgentFrame(text);
  assert.ok(parsed.ok && parsed.value.type === 'batch');
  return parsed.value as BatchFrame;
}

describe('Outbox', () => {
  it('numbers batches from 1, strictly increasing, and keeps them in order', async () => {
    const { outbox } = await fresh();
    assert.equal(outbox.lastSeq, 0);
    for (let i = 1; i <= 5; i++) assert.equal((await outbox.append([host(i)])).seq, i);
    assert.deepEqual(outbox.pendingSeqs(), [1, 2, 3, 4, 5]);
    assert.equal(outbox.lastSeq, 5);
    const third = await readFrame(outbox, 3);
    assert.deepEqual(third.items, [host(3)]);
  });

  it('writes valid frames, one file per batch, private to the agent', async () => {
    const { outbox, dir } = await fresh();
    await outbox.append([host(1)]);
    const info = await stat(join(dir, batchFileName(1)));
    assert.equal(info.mode & 0o777, 0o600);
    assert.equal(batchFileName(1), '00000000000000000001.json');
    assert.ok(parseAgentFrame(await readFile(join(dir, batchFileName(1)), 'utf8')).ok);
  });

  it('deletes acknowledged batches, cumulatively', async () => {
    const { outbox, dir } = await fresh();
    for (let i = 1; i <= 4; i++) await outbox.append([host(i)]);
    await outbox.ack(2);
    assert.deepEqual(outbox.pendingSeqs(), [3, 4]);
    assert.equal(await outbox.read(2), undefined);
    await outbox.ack(2);
    await outbox.ack(10);
    assert.deepEqual(outbox.pendingSeqs(), []);
    assert.equal(outbox.pendingBytes, 0);
    assert.deepEqual((await readdir(dir)).sort(), ['state.json']);
  });

  it('survives a restart: pending batches reload in order, seqs are never reused', async () => {
    const { outbox, opts } = await fresh();
    for (let i = 1; i <= 3; i++) await outbox.append([host(i)]);
    await outbox.ack(1);
    const reopened = await Outbox.open(opts);
    assert.deepEqual(reopened.pendingSeqs(), [2, 3]);
    assert.equal(reopened.lastSeq, 3);
    assert.equal((await reopened.append([host(4)])).seq, 4);
    await reopened.ack(4);
    await reopened.close();
    const again = await Outbox.open(opts);
    assert.deepEqual(again.pendingSeqs(), []);
    assert.equal((await again.append([host(5)])).seq, 5, 'next seq is persisted even with nothing pending');
  });

  it('after a crash (no close) continues past every seq used, from its reservation', async () => {
    const { outbox, opts, dir } = await fresh();
    for (let i = 1; i <= 3; i++) await outbox.append([host(i)]);
    await outbox.ack(3);
    const before = await readFile(join(dir, 'state.json'), 'utf8');
    await outbox.append([host(4)]);
    await outbox.ack(4);
    assert.equal(await readFile(join(dir, 'state.json'), 'utf8'), before, 'no state write per batch');
    const reopened = await Outbox.open(opts);
    const seq = (await reopened.append([host(5)])).seq;
    assert.ok(seq > 4 && seq <= 1 + SEQ_RESERVE, `seq ${seq} is new and within the reservation`);
  });

  it('sends a stored batch without reading it back, and still serves it from disk after a restart', async () => {
    const { outbox, opts, dir } = await fresh();
    await outbox.append([host(1)]);
    await writeFile(join(dir, batchFileName(1)), 'changed on disk');
    assert.deepEqual(JSON.parse((await outbox.read(1)) ?? '').items, [host(1)], 'from memory');
    assert.equal(await (await Outbox.open(opts)).read(1), 'changed on disk', 'from the file');
  });

  it('trusts the batch files over a stale state file', async () => {
    const { outbox, opts, dir } = await fresh();
    await outbox.append([host(1)]);
    await writeFile(join(dir, 'state.json'), JSON.stringify({ nextSeq: 1, gaps: [] }));
    await writeFile(join(dir, '.junk.tmp'), 'partial');
    const reopened = await Outbox.open(opts);
    assert.equal((await reopened.append([host(2)])).seq, 2);
    assert.ok(!(await readdir(dir)).includes('.junk.tmp'));
  });

  it('moves past a seq the hub has already stored', async () => {
    const { outbox } = await fresh();
    await outbox.append([host(1)]);
    await outbox.advancePast(41);
    assert.equal((await outbox.append([host(2)])).seq, 42);
    await outbox.advancePast(3);
    assert.equal((await outbox.append([host(3)])).seq, 43);
  });

  it('drops the oldest on overflow by count and reports the gap in the next batch', async () => {
    const drops: number[] = [];
    const { outbox, opts } = await fresh({ maxBatches: 3, onDrop: (g) => drops.push(g.fromSeq) });
    for (let i = 1; i <= 4; i++) await outbox.append([host(i), host(i)]);
    assert.deepEqual(outbox.pendingSeqs(), [2, 3, 4]);
    assert.deepEqual(drops, [1]);
    assert.deepEqual(outbox.pendingGaps, [{ fromSeq: 1, toSeq: 1, droppedItems: 2 }]);
    // The gap survives a restart until a batch has reported it.
    const reopened = await Outbox.open(opts);
    const fifth = await reopened.append([host(5)]);
    assert.deepEqual(fifth.items, [
      { kind: 'gap', ts: 1_000, fromSeq: 1, toSeq: 1, droppedItems: 2 },
      host(5),
    ]);
    assert.deepEqual(reopened.pendingGaps, [{ fromSeq: 2, toSeq: 2, droppedItems: 2 }]);
    const sixth = await reopened.append([host(6)]);
    assert.deepEqual(sixth.items[0], { kind: 'gap', ts: 1_000, fromSeq: 2, toSeq: 2, droppedItems: 2 });
    assert.deepEqual(reopened.pendingSeqs(), [4, 5, 6]);
  });

  it('drops by bytes and never loses track of a dropped range, even one a dropped batch reported', async () => {
    const { outbox } = await fresh({ maxBatches: 1000, maxBytes: 400 });
    for (let i = 1; i <= 12; i++) await outbox.append([host(i)]);
    assert.ok(outbox.pendingBytes <= 400, `bytes ${outbox.pendingBytes}`);
    const pending = outbox.pendingSeqs();
    const oldestKept = pending[0] ?? 0;
    assert.ok(oldestKept > 3, `kept ${pending}`);
    // Every dropped seq is reported exactly once: by a stored batch or by the pending gaps.
    const reported = [...outbox.pendingGaps];
    for (const seq of pending) {
      for (const item of (await readFrame(outbox, seq)).items) if (item.kind === 'gap') reported.push(item);
    }
    const seqs = reported.flatMap((g) =>
      Array.from({ length: g.toSeq - g.fromSeq + 1 }, (_, k) => g.fromSeq + k),
    );
    assert.deepEqual(
      seqs.sort((a, b) => a - b),
      Array.from({ length: oldestKept - 1 }, (_, k) => k + 1),
    );
    const items = reported.reduce((n, g) => n + g.droppedItems, 0);
    assert.equal(items, oldestKept - 1, 'gap items are not counted as lost data');
  });

  it('keeps the newest batch even when it alone is over the byte bound', async () => {
    const { outbox } = await fresh({ maxBytes: 10 });
    await outbox.append([host(1)]);
    await outbox.append([host(2)]);
    assert.deepEqual(outbox.pendingSeqs(), [2]);
  });

  it('does not report acknowledged batches as dropped', async () => {
    const { outbox } = await fresh({ maxBatches: 2 });
    for (let i = 1; i <= 3; i++) await outbox.append([host(i)]);
    await outbox.ack(3);
    for (let i = 4; i <= 7; i++) await outbox.append([host(i)]);
    const gaps = outbox.pendingGaps.map((g) => [g.fromSeq, g.toSeq]);
    assert.ok(
      gaps.every(([from]) => (from ?? 0) > 3),
      JSON.stringify(gaps),
    );
  });

  it('serialises concurrent appends and acks without losing or reordering', async () => {
    const { outbox } = await fresh();
    const frames = await Promise.all(Array.from({ length: 20 }, (_, i) => outbox.append([host(i + 1)])));
    assert.deepEqual(
      frames.map((f) => f.seq),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    await Promise.all([outbox.ack(10), outbox.append([host(21)])]);
    assert.deepEqual(outbox.pendingSeqs(), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });
});

describe('Outbox write-behind (while the link is up)', () => {
  const batchFiles = async (dir: string) => (await readdir(dir)).filter((n) => /^\d+\.json$/.test(n)).sort();

  it('a batch acknowledged within the window never touches the disk', async () => {
    const { outbox, dir } = await fresh({ writeBehindMs: 60_000 });
    await outbox.setConnected(true);
    for (let i = 1; i <= 3; i++) await outbox.append([host(i)]);
    assert.deepEqual(await batchFiles(dir), [], 'held in memory');
    assert.deepEqual((await readFrame(outbox, 2)).items, [host(2)], 'and sent from there');
    await outbox.ack(3);
    assert.deepEqual(outbox.pendingSeqs(), []);
    assert.deepEqual(await batchFiles(dir), []);
  });

  it('writes a batch whose ack has not come within the window', async () => {
    const { outbox, dir } = await fresh({ writeBehindMs: 50 });
    await outbox.setConnected(true);
    await outbox.append([host(1)]);
    assert.deepEqual(await batchFiles(dir), []);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual(await batchFiles(dir), [batchFileName(1)]);
    await outbox.ack(1);
    assert.deepEqual(await batchFiles(dir), [], 'the written file goes with the ack');
  });

  it('writes what it holds as soon as the link drops, and writes through while down', async () => {
    const { outbox, dir } = await fresh({ writeBehindMs: 60_000 });
    await outbox.setConnected(true);
    await outbox.append([host(1)]);
    await outbox.append([host(2)]);
    await outbox.setConnected(false);
    assert.deepEqual(await batchFiles(dir), [batchFileName(1), batchFileName(2)]);
    await outbox.append([host(3)]);
    assert.deepEqual(await batchFiles(dir), [batchFileName(1), batchFileName(2), batchFileName(3)]);
  });

  it('a clean stop writes the held batches: a restart sends them', async () => {
    const { outbox, opts } = await fresh({ writeBehindMs: 60_000 });
    await outbox.setConnected(true);
    await outbox.append([host(1)]);
    await outbox.append([host(2)]);
    await outbox.ack(1);
    await outbox.close();
    const reopened = await Outbox.open(opts);
    assert.deepEqual(reopened.pendingSeqs(), [2]);
    assert.deepEqual((await readFrame(reopened, 2)).items, [host(2)]);
  });

  it('an overflow drops a held batch like a written one, and reports it', async () => {
    const { outbox, dir } = await fresh({ writeBehindMs: 60_000, maxBatches: 2 });
    await outbox.setConnected(true);
    for (let i = 1; i <= 3; i++) await outbox.append([host(i)]);
    assert.deepEqual(outbox.pendingSeqs(), [2, 3]);
    const fourth = await outbox.append([host(4)]);
    assert.deepEqual(fourth.items[0], { kind: 'gap', ts: 1_000, fromSeq: 1, toSeq: 1, droppedItems: 1 });
    assert.deepEqual(await batchFiles(dir), []);
  });
});
