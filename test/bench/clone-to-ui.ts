/**
 * Seconds from `git clone` of this repository to the UI answering, with the README's run
 * command (`npm run up`: Node 24 if needed, npm ci, build, start). The clone is of the committed
 * HEAD of this checkout (`git clone --local`), so it measures what a newcomer gets; npm packages
 * come from the registry through the machine's npm cache, as they would on a second install.
 * @module
 */
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { makeTempDir, REPO_ROOT, removeDir } from '../lib/paths.js';
import { freePort } from '../lib/ports.js';
import { type Managed, run, startProcess } from '../lib/process.js';
import { waitFor } from '../lib/wait.js';
import { printTable, writeJson } from './report.js';

export async function cloneToUiBench(): Promise<void> {
  const dir = makeTempDir('clone');
  const checkout = `${dir}/unity`;
  let up: Managed | undefined;
  try {
    const port = await freePort();
    const t0 = performance.now();
    await run('git', ['clone', '--quiet', '--local', REPO_ROOT, checkout]);
    const cloneSec = (performance.now() - t0) / 1000;
    const env = { ...process.env };
    // A newcomer's shell: the system Node, not the one this run put first on PATH.
    env.PATH = (env.PATH ?? '')
      .split(':')
      .filter((p) => !p.includes('/.tools/node/'))
      .join(':');
    up = startProcess({
      name: 'bench-npm-run-up',
      command: 'npm',
      args: ['run', 'up'],
      cwd: checkout,
      group: true,
      env: {
        ...env,
        PORT: String(port),
        UNITY_DATA_DIR: `${dir}/data`,
        UNITY_ADMIN_USER: ADMIN_USER,
        UNITY_ADMIN_PASSWORD: ADMIN_PASSWORD,
        DATABASE_URL: '',
      },
    });
    const proc = up;
    await waitFor(
      async () => {
        if (!proc.running) throw new Error(`npm run up exited ${JSON.stringify(proc.exitInfo)}`);
        const res = await fetch(`http://127.0.0.1:${port}/`);
        const body = await res.text();
        return (
          res.status === 200 &&
          /text\/html/.test(res.headers.get('content-type') ?? '') &&
          /<html/i.test(body)
        );
      },
      { timeoutMs: 600_000, intervalMs: 500, what: 'GET / to answer HTML' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${proc.tail()}`);
    });
    const totalSec = (performance.now() - t0) / 1000;
    const rows = [
      {
        measure: 'git clone → UI answering (npm run up)',
        'clone s': Math.round(cloneSec * 10) / 10,
        'total s': Math.round(totalSec * 10) / 10,
      },
    ];
    printTable('Clone to UI (full)', rows);
    writeJson('clone', { cloneSec, totalSec, port });
  } finally {
    await up?.stop('SIGTERM', 15_000);
    removeDir(dir);
  }
}
