import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FakeHub } from './link/fake-hub.js';
import { makeCa } from './probes/testing/certs.js';

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

  /**
   * Runs the bundle (node flags first) with its own state dir until the hub has stored three
   * batches, then stops it with SIGTERM; resolves with its exit code.
   */
  async function runUntilDelivered(
    hub: FakeHub,
    state: string,
    nodeArgs: string[] = [],
    env: NodeJS.ProcessEnv = {},
  ) {
    const args = [...nodeArgs, 'unity-agent.mjs', '--hub', hub.url, '--token', hub.addToken()];
    args.push('--state-dir', join(dir, state), '--host-interval', '200ms', '--no-engine-autodetect');
    const child = spawn(process.execPath, args, {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, ...env },
    });
    const deadline = Date.now() + 20_000;
    while (hub.stored.size < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(hub.stored.size >= 3, `stored ${hub.stored.size}`);
    return new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
  }

  /** runUntilDelivered, recording the built-in modules the agent had loaded when it exited. */
  async function modulesLoadedUntilDelivered(hub: FakeHub, state: string, env: NodeJS.ProcessEnv = {}) {
    const loaded = join(dir, `${state}-loaded.json`);
    const preload = join(dir, `${state}-record-modules.cjs`);
    await writeFile(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)},
        JSON.stringify(process.moduleLoadList)));`,
    );
    assert.equal(await runUntilDelivered(hub, state, ['--require', preload], env), 0);
    const list = JSON.parse(await readFile(loaded, 'utf8')) as string[];
    return new Set(list.map((m) => m.replace(/^NativeModule /, '')));
  }

  it('prints its help with plain node', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['unity-agent.mjs', '--help'], {
      cwd: dir,
    });
    assert.match(stdout, /--hub URL/);
  });

  it('enrolls and delivers batches, then stops on SIGTERM with exit code 0', async () => {
    const hub = await FakeHub.start();
    try {
      const code = await runUntilDelivered(hub, 'state');
      assert.equal(code, 0);
    } finally {
      await hub.close();
    }
  });

  // Every module a process loads stays resident (docs/architecture.md, "Agent footprint").
  it('runs without classic zod and without the built-ins it only needs for probes, scans or transports', async () => {
    const bundle = await readFile(join(dir, 'unity-agent.mjs'), 'utf8');
    // Classic zod's object schema class and its JSON Schema export; zod/mini's class is there.
    assert.doesNotMatch(bundle, /"ZodObject"|toJSONSchema/);
    assert.match(bundle, /"ZodMiniObject"/);
    const hub = await FakeHub.start();
    try {
      const modules = await modulesLoadedUntilDelivered(hub, 'state-modules');
      assert.ok(modules.has('http') && modules.has('crypto'), 'the record lists what was loaded');
      const unused = ['child_process', 'dns/promises', 'perf_hooks', 'worker_threads', 'assert'];
      // With an http:// hub: no TLS, no compression, no promise-based fs, no WebCrypto (the
      // JWTs use node:crypto).
      unused.push('https', 'tls', 'zlib', 'fs/promises', 'internal/crypto/webcrypto');
      for (const name of unused) assert.ok(!modules.has(name), `${name} was loaded`);
    } finally {
      await hub.close();
    }
  });

  // tls and https are stand-ins that load on first use (build.mjs, LAZY_BUILTINS).
  it('enrolls and delivers over https:// and wss://, loading TLS when it is used', async () => {
    const ca = await makeCa();
    const now = Date.now();
    const leaf = await ca.issue({
      name: 'hub',
      commonName: '127.0.0.1',
      san: 'IP:127.0.0.1',
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 86_400_000),
    });
    const hub = await FakeHub.start(leaf);
    try {
      assert.match(hub.url, /^https:/);
      const caFile = join(ca.dir, 'ca.pem');
      const modules = await modulesLoadedUntilDelivered(hub, 'state-tls', { NODE_EXTRA_CA_CERTS: caFile });
      assert.ok(modules.has('tls') && modules.has('https'));
    } finally {
      await hub.close();
      await rm(ca.dir, { recursive: true, force: true });
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
