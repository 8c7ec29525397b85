#!/usr/bin/env node
/**
 * `npm start`: the hub with its embedded database plus a local agent enrolled into it, as one
 * foreground process. The first start hands the hub a one-time bootstrap enrollment token and
 * the agent the same token; later starts reuse the agent's saved identity.
 *
 * Environment: PORT (8080), UNITY_DATA_DIR (./data), UNITY_ADMIN_USER / UNITY_ADMIN_PASSWORD,
 * UNITY_NO_LOCAL_AGENT=1 to run the hub alone; everything else is passed through to the hub.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.PORT ?? '8080';
const dataDir = resolve(process.env.UNITY_DATA_DIR ?? join(root, 'data'));
const agentState = join(dataDir, 'agent');
const hubUrl = `http://127.0.0.1:${port}`;
const withAgent = process.env.UNITY_NO_LOCAL_AGENT !== '1';

mkdirSync(dataDir, { recursive: true });
const enrolled = existsSync(join(agentState, 'identity.json'));
const bootstrapToken = withAgent && !enrolled ? randomBytes(32).toString('base64url') : undefined;

const children = new Set();
let stopping = false;

function run(name, args, env) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (stopping) return;
    console.error(`unity: ${name} exited (${signal ?? code}); stopping`);
    stop(typeof code === 'number' && code !== 0 ? code : 1);
  });
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const c of children) c.kill('SIGKILL');
  }, 10_000);
  force.unref();
  const wait = setInterval(() => {
    if (children.size === 0) {
      clearInterval(wait);
      process.exit(code);
    }
  }, 100);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitReady(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(`${hubUrl}/readyz`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

run('hub', ['hub/src/main.ts'], {
  PORT: port,
  UNITY_DATA_DIR: dataDir,
  ...(bootstrapToken ? { UNITY_BOOTSTRAP_TOKEN: bootstrapToken } : {}),
});

if (!(await waitReady(120_000))) {
  console.error('unity: the hub did not become ready within 120 s');
  stop(1);
} else {
  if (withAgent) {
    // The token goes through the environment, not argv, so `ps` does not show it.
    run('agent', ['agent/src/main.ts', '--hub', hubUrl, '--state-dir', agentState], {
      ...(bootstrapToken ? { UNITY_ENROLL_TOKEN: bootstrapToken } : {}),
    });
  }
  const publicUrl = process.env.UNITY_PUBLIC_URL ?? `http://localhost:${port}`;
  const signIn = process.env.UNITY_ADMIN_USER
    ? `sign in as "${process.env.UNITY_ADMIN_USER}" with UNITY_ADMIN_PASSWORD`
    : 'on first start, open the setup link the hub printed above to create the admin; afterwards sign in there';
  console.log(
    `\n  Unity is running at ${publicUrl}\n  ${signIn}\n  ${withAgent ? 'A local agent reports this machine.' : ''}\n  Stop with Ctrl-C.\n`,
  );
}
