/**
 * Container actions end to end: real hub (PostgreSQL, so the test can add an editor and a viewer
 * straight in its users table), real agents, real Podman containers. Roles, every action's effect
 * on the real container, the audit log, a `--read-only` agent refusing, an offline agent, and
 * image scans with and without a `trivy` on the agent's PATH (a script printing a recorded report).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AuditListSchema, type Container, ContainerScanResponseSchema } from '@unity/shared';
import { type AgentProcess, startAgent } from '../lib/agent.js';
import { ApiClient } from '../lib/api.js';
import { ADMIN_PASSWORD } from '../lib/hub.js';
import { makeTempDir, REPO_ROOT, removeDir } from '../lib/paths.js';
import { podman } from '../lib/podman.js';
import { createTestDatabase, type TestDatabase } from '../lib/postgres.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

const stripSlash = (name: string) => name.replace(/^\//, '');

describe('container actions end to end (PostgreSQL, real Podman)', { timeout: 240_000 }, () => {
  let stack: Stack;
  let db: TestDatabase;
  let editor: ApiClient;
  let viewer: ApiClient;
  let hostId = '';
  let readOnlyAgent: AgentProcess | undefined;
  let binDir = '';

  const inspect = (name: string, format: string) =>
    podman(['inspect', '--format', format, stack.engine?.fullName(name) ?? name]);

  /** The container `name` as the API lists it on `host`, once `check` holds. */
  const listed = (name: string, host: string, check: (c: Container) => boolean, what: string) =>
    waitFor(
      async () => {
        const full = stack.engine?.fullName(name);
        const c = (await stack.api.containers(host)).find((x) => stripSlash(x.name) === full);
        if (!c || !check(c)) throw new NotYet(`${name}: ${c?.state ?? 'not listed'}`);
        return c;
      },
      { timeoutMs: 20_000, what },
    );

  const act = (client: ApiClient, id: string, action: string, body?: unknown) =>
    client.request(`/api/containers/${id}/actions/${action}`, {
      method: 'POST',
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });

  const lastAudit = async () => AuditListSchema.parse(await stack.api.json('/api/audit?limit=1')).items[0];

  before(async () => {
    db = await createTestDatabase();
    stack = await startStack({ name: 'actions', withPodman: true, databaseUrl: db.url });
    const engine = stack.engine;
    assert.ok(engine);
    await engine.run({ name: 'target' });
    await engine.run({ name: 'doomed' });
    const agent = await stack.startAgent();
    hostId = (await waitForHostOnline(stack.api, agent)).id;
    // Same password as the admin: the hash is copied, so no hashing code is needed here.
    await db.sql`insert into users (username, password_hash, role)
      select 'editor', password_hash, 'editor' from users where username = 'admin'`;
    await db.sql`insert into users (username, password_hash, role)
      select 'viewer', password_hash, 'viewer' from users where username = 'admin'`;
    editor = await ApiClient.login(stack.hub.url, 'editor', ADMIN_PASSWORD);
    viewer = await ApiClient.login(stack.hub.url, 'viewer', ADMIN_PASSWORD);
    await listed('target', hostId, (c) => c.state === 'running', 'target listed running');
    await listed('doomed', hostId, (c) => c.state === 'running', 'doomed listed running');
  });

  after(async () => {
    await readOnlyAgent?.cleanup();
    await stack?.cleanup();
    await db?.drop();
    if (binDir) removeDir(binDir);
  });

  test('a viewer cannot restart (403): the container keeps its start time; the attempt is audited', async () => {
    const target = await listed('target', hostId, () => true, 'target');
    const startedBefore = await inspect('target', '{{.State.StartedAt}}');
    const res = await act(viewer, target.id, 'restart');
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'forbidden');
    assert.equal(await inspect('target', '{{.State.StartedAt}}'), startedBefore);
    assert.equal(await inspect('target', '{{.State.Status}}'), 'running');
    const entry = await lastAudit();
    assert.deepEqual(
      [entry?.username, entry?.action, entry?.objectId, entry?.outcome],
      ['viewer', 'container.restart', target.id, 'forbidden'],
    );
    assert.equal((await viewer.request('/api/audit')).status, 403);
  });

  test('an editor restarts: the real container starts again (new start time); audited ok', async () => {
    const target = await listed('target', hostId, () => true, 'target');
    const startedBefore = await inspect('target', '{{.State.StartedAt}}');
    const res = await act(editor, target.id, 'restart', { timeoutSec: 1 });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), {
      ok: true,
      action: 'restart',
      id: target.id,
      containerId: target.containerId,
    });
    assert.equal(await inspect('target', '{{.State.Status}}'), 'running');
    assert.notEqual(await inspect('target', '{{.State.StartedAt}}'), startedBefore);
    const entry = await lastAudit();
    assert.deepEqual([entry?.username, entry?.action, entry?.outcome], ['editor', 'container.restart', 'ok']);
    assert.equal(stripSlash(entry?.objectName ?? ''), stack.engine?.fullName('target'));
  });

  test('stop, start, pause, unpause, kill each change the real container, and the API shows it within seconds', async () => {
    const target = await listed('target', hostId, () => true, 'target');
    const steps: [string, unknown, string][] = [
      ['stop', { timeoutSec: 1 }, 'exited'],
      ['start', undefined, 'running'],
      ['pause', undefined, 'paused'],
      ['unpause', undefined, 'running'],
      ['kill', { signal: 'SIGKILL' }, 'exited'],
      ['start', undefined, 'running'],
    ];
    for (const [action, body, state] of steps) {
      const res = await act(editor, target.id, action, body);
      assert.equal(res.status, 200, `${action}: ${await res.clone().text()}`);
      assert.equal(await inspect('target', '{{.State.Status}}'), state, `podman state after ${action}`);
      // The agent resamples right after an action: well before the next 2 s tick would matter.
      await listed('target', hostId, (c) => c.state === state, `API state ${state} after ${action}`);
    }
  });

  test('pausing a stopped container is a clear 409 conflict', async () => {
    const target = await listed('target', hostId, () => true, 'target');
    assert.equal((await act(editor, target.id, 'stop', { timeoutSec: 1 })).status, 200);
    const res = await act(editor, target.id, 'pause');
    assert.equal(res.status, 409);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'conflict');
    assert.equal((await act(editor, target.id, 'start')).status, 200);
  });

  test('remove takes the real container away and the API stops listing it', async () => {
    const doomed = await listed('doomed', hostId, () => true, 'doomed');
    const res = await act(stack.api, doomed.id, 'remove', { force: true });
    assert.equal(res.status, 200, await res.clone().text());
    await assert.rejects(inspect('doomed', '{{.State.Status}}'));
    await waitFor(
      async () => {
        const res = await stack.api.request(`/api/containers/${doomed.id}`);
        if (res.status !== 404) throw new NotYet(`GET answers ${res.status} ${await res.text()}`);
        return true;
      },
      { timeoutMs: 20_000, what: 'the removed container to be gone from the API' },
    );
    assert.equal((await act(editor, doomed.id, 'start')).status, 404);
  });

  test('without trivy on the agent host, a scan answers 501 "Trivy is not installed on this host"', async () => {
    const target = await listed('target', hostId, () => true, 'target');
    const res = await editor.request(`/api/containers/${target.id}/scan`, { method: 'POST' });
    assert.equal(res.status, 501);
    assert.deepEqual(await res.json(), {
      error: { code: 'unsupported', message: 'Trivy is not installed on this host' },
    });
    const after = ContainerScanResponseSchema.parse(await viewer.json(`/api/containers/${target.id}/scan`));
    assert.equal(after.scanner, 'missing');
  });

  test('a --read-only agent refuses actions (409 read_only), the container is unchanged; it still scans', async () => {
    binDir = makeTempDir('fake-trivy');
    mkdirSync(join(binDir, 'bin'));
    const report = join(REPO_ROOT, 'agent/src/scan/fixtures/trivy-image.json');
    writeFileSync(join(binDir, 'bin', 'trivy'), `#!/bin/sh\ncat '${report}'\n`);
    chmodSync(join(binDir, 'bin', 'trivy'), 0o755);
    const token = await stack.api.createEnrollmentToken({ ttlSec: 600, maxUses: 1 });
    readOnlyAgent = startAgent({
      name: 'actions-ro',
      hubUrl: stack.hub.url,
      token: token.token,
      ...(stack.engine ? { dockerHost: stack.engine.dockerHost } : {}),
      hostInterval: '2s',
      extraArgs: ['--read-only'],
      env: { PATH: `${join(binDir, 'bin')}:${process.env.PATH ?? ''}` },
    });
    const roHost = (await waitForHostOnline(stack.api, readOnlyAgent)).id;
    const target = await listed(
      'target',
      roHost,
      (c) => c.state === 'running',
      'target via the read-only agent',
    );
    const startedBefore = await inspect('target', '{{.State.StartedAt}}');
    const res = await act(editor, target.id, 'stop', { timeoutSec: 1 });
    assert.equal(res.status, 409);
    assert.deepEqual(await res.json(), {
      error: { code: 'read_only', message: 'this agent runs with --read-only and refuses actions' },
    });
    assert.equal(await inspect('target', '{{.State.Status}}'), 'running');
    assert.equal(await inspect('target', '{{.State.StartedAt}}'), startedBefore);
    const entry = await lastAudit();
    assert.deepEqual([entry?.action, entry?.outcome], ['container.stop', 'read_only']);

    const scan = await editor.request(`/api/containers/${target.id}/scan`, { method: 'POST' });
    assert.equal(scan.status, 200, await scan.clone().text());
    const stored = ContainerScanResponseSchema.parse(await viewer.json(`/api/containers/${target.id}/scan`));
    assert.deepEqual(stored.scan?.counts, { CRITICAL: 3, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 1 });
    assert.equal(stored.scan?.image, target.image);
  });

  test('an offline agent: 503 agent_offline', async () => {
    assert.ok(readOnlyAgent);
    const roHost = (await stack.api.hosts()).find((h) => h.name === readOnlyAgent?.hostName);
    assert.ok(roHost);
    const target = await listed('target', roHost.id, () => true, 'target via the read-only agent');
    await readOnlyAgent.stop();
    const res = await act(editor, target.id, 'restart');
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'agent_offline');
  });
});
