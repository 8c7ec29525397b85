/**
 * The README's run command, the way `npm run up` ends: `npm start` runs the hub and a local
 * agent enrolled into it. With a fresh data dir and the admin from the environment, within 60 s
 * the API lists exactly one host, online: this machine.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ApiClient } from '../lib/api.js';
import { ADMIN_PASSWORD, ADMIN_USER } from '../lib/hub.js';
import { makeTempDir, REPO_ROOT, removeDir } from '../lib/paths.js';
import { freePort } from '../lib/ports.js';
import { type Managed, startProcess } from '../lib/process.js';
import { NotYet, waitFor } from '../lib/wait.js';

let proc: Managed | undefined;
const dataDir = makeTempDir('start');

after(async () => {
  await proc?.stop('SIGTERM', 15_000);
  removeDir(dataDir);
});

test('npm start: hub plus a local agent; within 60 s the API lists 1 host online', async () => {
  const port = await freePort();
  const started = Date.now();
  proc = startProcess({
    name: 'npm-start',
    command: 'npm',
    args: ['start', '--silent'],
    cwd: REPO_ROOT,
    group: true,
    env: {
      ...process.env,
      PORT: String(port),
      UNITY_DATA_DIR: dataDir,
      UNITY_ADMIN_USER: ADMIN_USER,
      UNITY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOG_LEVEL: 'info',
      DATABASE_URL: '',
    },
  });
  const running = proc;
  const url = `http://127.0.0.1:${port}`;
  const api = await waitFor(
    async () => {
      if (!running.running) throw new Error(`npm start exited ${JSON.stringify(running.exitInfo)}`);
      return await ApiClient.login(url);
    },
    { timeoutMs: 60_000, what: `sign-in at ${url}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- output:\n${running.tail()}`);
  });
  const hosts = await waitFor(
    async () => {
      const list = await api.hosts();
      if (list.length !== 1 || !list[0]?.online) throw new NotYet(JSON.stringify(list));
      return list;
    },
    { timeoutMs: Math.max(5000, 60_000 - (Date.now() - started)), what: '1 host online' },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- output:\n${running.tail()}`);
  });
  assert.equal(hosts.length, 1);
  assert.equal(hosts[0]?.online, true);
  assert.match(running.logs, new RegExp(`http://localhost:${port}`), 'prints the URL');

  // Ctrl-C stops everything it started.
  const exit = await running.stop('SIGINT', 15_000);
  assert.notEqual(exit.signal, 'SIGKILL', `stopped by itself within 15 s of Ctrl-C: ${JSON.stringify(exit)}`);
});
