import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FakeHub } from './link/fake-hub.js';

const AGENT_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('the bundled agent (dist/unity-agent.mjs)', { timeout: 120_000 }, () => {
  let dir: string;
  before(async () => {
    // Built into a directory with no node_modules anywhere above it: the bundle must carry
    // everything. (Not into dist/, which other tests may be running agents from meanwhile.)
    dir = await mkdtemp(join(tmpdir(), 'unity-bundle-'));
    await promisify(execFile)(process.execPath, [join(AGENT_DIR, 'build.mjs'), '--outdir', dir], {
      cwd: AGENT_DIR,
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints its help with plain node', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['unity-agent.mjs', '--help'], {
      cwd: dir,
    });
    assert.match(stdout, /--hub URL/);
  });

  it('enrolls and delivers batches, then stops on SIGTERM with exit code 0', async () => {
    const hub = await FakeHub.start();
    try {
      const args = [
        'unity-agent.mjs',
        '--hub',
        hub.url,
        '--token',
        hub.addToken(),
        '--state-dir',
        join(dir, 'state'),
      ];
      args.push('--host-interval', '200ms', '--no-engine-autodetect');
      const child = spawn(process.execPath, args, { cwd: dir, stdio: 'ignore' });
      const deadline = Date.now() + 20_000;
      while (hub.stored.size < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(hub.stored.size >= 3, `stored ${hub.stored.size}`);
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', (c) => resolve(c));
        child.kill('SIGTERM');
      });
      assert.equal(code, 0);
    } finally {
      await hub.close();
    }
  });

  it('the host build names the Kubernetes build when asked to watch a cluster', async () => {
    const hub = await FakeHub.start();
    try {
      const run = await promisify(execFile)(
        process.execPath,
        [
          'unity-agent.mjs',
          ...['--hub', hub.url, '--token', hub.addToken(), '--state-dir', join(dir, 'state-k8s')],
          ...['--kubeconfig', join(dir, 'kubeconfig'), '--no-engine-autodetect'],
        ],
        { cwd: dir, encoding: 'utf8', timeout: 20_000 },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /no Kubernetes support: run unity-agent-k8s\.mjs/);
    } finally {
      await hub.close();
    }
  });
});
