/**
 * The Trivy process path with a stand-in `trivy` on PATH: a shell script that prints a recorded
 * report (a real process, started the way the real Trivy would be), and PATHs without any.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CmdResultFrameSchema } from '@unity/shared';
import pino from 'pino';
import { CommandDispatcher } from '../commands/dispatcher.js';
import { imageScanCommand } from '../commands/image-scan.js';
import { findTrivy, scanImage, TRIVY_MISSING } from './trivy.js';

let dir: string;
let binDir: string;
let argsFile: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unity-trivy-'));
  binDir = join(dir, 'bin');
  argsFile = join(dir, 'args');
  const report = new URL('./fixtures/trivy-image.json', import.meta.url).pathname;
  await mkdir(binDir);
  await writeFile(
    join(binDir, 'trivy'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\nif [ "$6" = "broken:1" ]; then echo 'FATAL unable to find the image' >&2; exit 1; fi\ncat '${report}'\n`,
  );
  await chmod(join(binDir, 'trivy'), 0o755);
});
after(() => rm(dir, { recursive: true, force: true }));

describe('trivy on PATH', () => {
  it('is found in the PATH directory that holds it', async () => {
    assert.equal(await findTrivy(`/nonexistent:${binDir}`), join(binDir, 'trivy'));
    assert.equal(await findTrivy('/nonexistent:/also-not'), undefined);
  });

  it('runs `trivy image --format json --quiet -- <image>` and parses its report', async () => {
    const r = await scanImage('example-app:1.4.2', { searchPath: binDir, clock: () => 42 });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual((await readFile(argsFile, 'utf8')).trim().split('\n'), [
      'image',
      '--format',
      'json',
      '--quiet',
      '--',
      'example-app:1.4.2',
    ]);
    assert.deepEqual(r.value.counts, { CRITICAL: 3, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 1 });
    assert.equal(r.value.scannedAt, 42);
  });

  it("a failing trivy answers `failed` with trivy's last error line", async () => {
    const r = await scanImage('broken:1', { searchPath: binDir });
    assert.deepEqual(r, {
      ok: false,
      error: { code: 'failed', message: 'trivy failed: FATAL unable to find the image' },
    });
  });

  it('without trivy, image.scan answers unsupported: "Trivy is not installed on this host"', async () => {
    const dispatcher = new CommandDispatcher({ readOnly: true, log: pino({ level: 'silent' }) });
    dispatcher.register('image.scan', imageScanCommand({ searchPath: join(dir, 'empty') }));
    const sent: string[] = [];
    await dispatcher.run(
      { type: 'cmd', id: 'c1', kind: 'image.scan', args: { image: 'alpine' } },
      async (t) => {
        sent.push(t);
      },
    );
    const answer = CmdResultFrameSchema.parse(JSON.parse(sent[0] ?? '{}'));
    assert.deepEqual(answer.error, { code: 'unsupported', message: TRIVY_MISSING });
  });

  it('a read-only agent still scans (scanning changes nothing)', async () => {
    const dispatcher = new CommandDispatcher({ readOnly: true, log: pino({ level: 'silent' }) });
    dispatcher.register('image.scan', imageScanCommand({ searchPath: binDir }));
    const sent: string[] = [];
    await dispatcher.run({ type: 'cmd', id: 'c2', kind: 'image.scan', args: { image: 'x:1' } }, async (t) => {
      sent.push(t);
    });
    const answer = CmdResultFrameSchema.parse(JSON.parse(sent[0] ?? '{}'));
    assert.equal(answer.ok, true);
  });
});
