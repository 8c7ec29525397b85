/**
 * Scheduled scans against a real Podman engine, with a stand-in `trivy` (a script printing a
 * recorded report and noting which image it was asked for) or with none on PATH.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BatchItem, BatchItemSchema } from '@unity/shared';
import pino from 'pino';
import { detectEngine, type Engine } from '../collectors/engines.js';
import { type PodmanTestEngine, startPodmanEngine, TEST_IMAGE } from '../collectors/podman-test-engine.js';
import { ScanSchedule } from './scan-schedule.js';

let podman: PodmanTestEngine;
let engine: Engine;
let dir: string;

before(async () => {
  podman = await startPodmanEngine();
  await podman.runContainer('scan-a', ['sleep', '600']);
  await podman.runContainer('scan-b', ['sleep', '600']);
  const found = await detectEngine(podman.endpoint, 30_000);
  assert.ok(found, 'the test engine answers');
  engine = found;
  dir = await mkdtemp(join(tmpdir(), 'unity-scan-'));
  await mkdir(join(dir, 'bin'));
  const report = new URL('./fixtures/trivy-image.json', import.meta.url).pathname;
  await writeFile(
    join(dir, 'bin', 'trivy'),
    `#!/bin/sh\necho "$6" >> '${join(dir, 'asked')}'\ncat '${report}'\n`,
  );
  await chmod(join(dir, 'bin', 'trivy'), 0o755);
});
after(async () => {
  await podman?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const schedule = (searchPath: string, delivered: BatchItem[]) =>
  new ScanSchedule({
    intervalMs: 86_400_000,
    engines: () => [engine],
    trivy: { searchPath },
    deliver: async (item) => {
      delivered.push(item);
    },
    log: pino({ level: 'silent' }),
  });

describe('scheduled image scans', { timeout: 120_000 }, () => {
  it('scans each distinct image of the running containers once and delivers valid image_scan items', async () => {
    const delivered: BatchItem[] = [];
    assert.deepEqual(await schedule(join(dir, 'bin'), delivered).round(), [TEST_IMAGE]);
    assert.deepEqual((await readFile(join(dir, 'asked'), 'utf8')).trim().split('\n'), [TEST_IMAGE]);
    assert.equal(delivered.length, 1);
    const item = BatchItemSchema.parse(delivered[0]);
    assert.ok(item.kind === 'image_scan');
    assert.equal(item.scan.image, TEST_IMAGE);
    assert.deepEqual(item.scan.counts, { CRITICAL: 3, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 1 });
  });

  it('without trivy on PATH a round scans nothing and delivers nothing', async () => {
    const delivered: BatchItem[] = [];
    assert.deepEqual(await schedule(join(dir, 'nothing-here'), delivered).round(), []);
    assert.deepEqual(delivered, []);
  });
});
