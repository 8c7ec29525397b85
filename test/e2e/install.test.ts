/**
 * install.sh, the line a user pastes on a host, run against a real hub into a temporary root
 * (`UNITY_INSTALL_ROOT`) without systemd (`UNITY_INSTALL_NO_SYSTEMD=1`): it must write the
 * systemd unit, an environment file only root can read (it holds the enrollment token) and the
 * agent bundle downloaded from the hub. Then the installed bundle, run with that environment,
 * enrolls and its host appears in the API.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { AGENT_ENV, AGENT_NODE_ARGS } from '../lib/agent.js';
import { ApiClient } from '../lib/api.js';
import { type HubProcess, startHub } from '../lib/hub.js';
import { makeTempDir, REPO_ROOT, removeDir } from '../lib/paths.js';
import { type Managed, run, startProcess } from '../lib/process.js';
import { NotYet, waitFor } from '../lib/wait.js';

let hub: HubProcess;
let api: ApiClient;
let installed: Managed | undefined;
const root = makeTempDir('install-root');
const stateDir = makeTempDir('install-state');

before(async () => {
  hub = await startHub({ name: 'install' });
  api = await ApiClient.login(hub.url);
});

after(async () => {
  await installed?.stop('SIGTERM', 5000);
  await hub?.cleanup();
  removeDir(root);
  removeDir(stateDir);
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** KEY=VALUE lines (systemd EnvironmentFile syntax, optional quotes). */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1]) env[m[1]] = (m[2] ?? '').trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

test('install.sh --hub --token writes the unit, a 0600 env file and the agent bundle; the agent enrolls', async () => {
  const served = await fetch(`${hub.url}/install.sh`);
  assert.equal(served.status, 200, 'the hub serves install.sh');
  assert.match(await served.text(), /^#!/, 'install.sh from the hub is a script');

  const token = await api.createEnrollmentToken({ ttlSec: 600, maxUses: 1 });
  const result = await run(
    'bash',
    [join(REPO_ROOT, 'install.sh'), '--hub', hub.url, '--token', token.token],
    {
      env: { ...process.env, UNITY_INSTALL_ROOT: root, UNITY_INSTALL_NO_SYSTEMD: '1' },
      cwd: root,
      timeoutMs: 120_000,
      allowFailure: true,
    },
  );
  assert.equal(result.code, 0, `install.sh failed:\n${result.stdout}\n${result.stderr}`);

  const files = walk(root);
  const listing = files.map((f) => relative(root, f)).join('\n');
  const unit = files.find((f) => f.endsWith('unity-agent.service'));
  assert.ok(unit, `a unity-agent.service unit under the root:\n${listing}`);
  const unitText = readFileSync(unit, 'utf8');
  // The benchmarks run the bundle with AGENT_NODE_ARGS and AGENT_ENV as what the unit does: their
  // figures are an installed agent's only while the two say the same.
  const execStart = /^ExecStart=\S+ (.*) \S*unity-agent\.mjs$/m.exec(unitText);
  assert.ok(execStart, `ExecStart runs node on the bundle:\n${unitText}`);
  const nodeArgs = (execStart[1] ?? '').split(' ');
  assert.deepEqual(nodeArgs, AGENT_NODE_ARGS, 'the unit runs node with the flags the benchmarks measure');
  const unitEnv = Object.fromEntries(
    [...unitText.matchAll(/^Environment=([A-Z_]+)=(\S*)$/gm)].map((m) => [m[1], m[2]]),
  );
  assert.deepEqual(unitEnv, AGENT_ENV, 'the unit sets the environment the benchmarks measure');

  const envFile = files.find((f) => !f.endsWith('.mjs') && readFileSync(f, 'utf8').includes(token.token));
  assert.ok(envFile, `an environment file holding the token:\n${listing}`);
  assert.equal(
    (statSync(envFile).mode & 0o777).toString(8),
    '600',
    `${relative(root, envFile)} is mode 0600`,
  );
  const env = parseEnvFile(readFileSync(envFile, 'utf8'));

  const bundle = files.find((f) => f.endsWith('.mjs'));
  assert.ok(bundle, `the agent bundle under the root:\n${listing}`);
  assert.equal(
    readFileSync(bundle, 'utf8'),
    readFileSync(join(REPO_ROOT, 'agent', 'dist', 'unity-agent.mjs'), 'utf8'),
    'the installed bundle is the built agent the hub serves',
  );

  // Run what was installed as its unit does: node's flags, the unit's and the env file's
  // environment (state dir redirected to a temp dir).
  const name = `installed-${process.pid}`;
  installed = startProcess({
    name: 'install-agent',
    command: process.execPath,
    args: [...nodeArgs, bundle, '--state-dir', stateDir, '--name', name, '--no-engine-autodetect'],
    env: { ...process.env, ...unitEnv, ...env, LOG_LEVEL: 'info', DOCKER_HOST: '' },
  });
  const agent = installed;
  await waitFor(
    async () => {
      if (!agent.running) throw new Error(`installed agent exited: ${agent.tail()}`);
      const host = (await api.hosts()).find((h) => h.name === name);
      if (!host?.online) throw new NotYet(JSON.stringify(host ?? null));
      return host;
    },
    { timeoutMs: 30_000, what: 'the installed agent to appear online' },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${agent.tail()}`);
  });
});
