/**
 * A real, private Podman engine for tests: `podman system service` on a socket in a temp dir,
 * with its own storage (vfs driver, so it works on any filesystem), runc and explicit ulimits
 * (crun fails on these machines, see ENVIRONMENT.md), and a busybox image imported from the
 * host's busybox-static (no registry is reachable). Nothing is shared with other engines, so a
 * test sees only its own containers. Reusable by the test team:
 *
 * @example
 * const engine = await startPodmanEngine();
 * try {
 *   await engine.runContainer('web', ['sleep', '600']);
 *   // point the agent at engine.endpoint (unix:///…/podman.sock)
 * } finally {
 *   await engine.stop();
 * }
 * @module
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TEST_IMAGE = 'localhost/busybox:latest';
const INSTALL_HINT = 'install it with: apt-get install -y podman runc busybox-static (see ENVIRONMENT.md)';
const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'];
const APPLETS = ['sh', 'sleep', 'echo', 'cat', 'ls', 'httpd', 'nc', 'true', 'yes', 'dd', 'head', 'wget'];

export type PodmanTestEngine = {
  dir: string;
  socketPath: string;
  /** `unix:///…/podman.sock`, for `--docker-host`. */
  endpoint: string;
  /** Runs the podman CLI against this engine's storage; resolves with trimmed stdout. */
  podman(args: string[]): Promise<string>;
  /** Starts a detached busybox container (`--network none`); resolves with its id. */
  runContainer(name: string, command?: string[], extraArgs?: string[]): Promise<string>;
  /** Removes every container, stops the service and deletes the storage. */
  stop(): Promise<void>;
};

/** Fails with an install hint when a required tool is missing, instead of skipping a test. */
async function requireTools(): Promise<string> {
  for (const tool of ['podman', 'runc']) {
    try {
      await run(tool, ['--version']);
    } catch {
      throw new Error(`${tool} is not installed; ${INSTALL_HINT}`);
    }
  }
  const busybox = BUSYBOX_PATHS.find((p) => existsSync(p));
  if (!busybox) throw new Error(`busybox-static is not installed; ${INSTALL_HINT}`);
  return busybox;
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function startPodmanEngine(): Promise<PodmanTestEngine> {
  const busybox = await requireTools();
  const dir = await mkdtemp(join(tmpdir(), 'unity-podman-'));
  const conf = join(dir, 'containers.conf');
  await writeFile(
    conf,
    [
      '[containers]',
      'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, CONTAINERS_CONF: conf };
  const base = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--tmpdir', join(dir, 'tmp')];
  base.push('--storage-driver', 'vfs');
  // Networks live in one machine-wide directory by default, and `system reset` below would wipe
  // every other test's networks with it.
  base.push('--network-config-dir', join(dir, 'networks'));
  const podman = async (args: string[]) => {
    const { stdout } = await run('podman', [...base, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  };

  const rootfs = join(dir, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  await copyFile(busybox, join(rootfs, 'bin', 'busybox'));
  for (const applet of APPLETS) await symlink('busybox', join(rootfs, 'bin', applet));
  await run('tar', ['-C', rootfs, '-cf', join(dir, 'rootfs.tar'), '.']);
  await podman(['import', join(dir, 'rootfs.tar'), TEST_IMAGE]);

  const socketPath = join(dir, 'podman.sock');
  const service: ChildProcess = spawn(
    'podman',
    [...base, 'system', 'service', '--time=0', `unix://${socketPath}`],
    {
      env,
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 15_000;
  while (!(await ping(socketPath))) {
    if (service.exitCode !== null || Date.now() > deadline) {
      service.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`podman system service did not start on ${socketPath}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    dir,
    socketPath,
    endpoint: `unix://${socketPath}`,
    podman,
    runContainer: (name, command = ['sleep', '600'], extraArgs = []) =>
      podman([
        'run',
        '-d',
        '--name',
        name,
        '--network',
        'none',
        '--label',
        'unity-test=1',
        ...extraArgs,
        TEST_IMAGE,
        ...command,
      ]),
    stop: async () => {
      await podman(['rm', '--all', '--force', '--time', '0']).catch(() => undefined);
      const exited = new Promise<void>((resolve) => {
        if (service.exitCode !== null) resolve();
        else service.once('exit', () => resolve());
      });
      service.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (service.exitCode === null) service.kill('SIGKILL');
      await podman(['system', 'reset', '--force']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
