/**
 * The container check against a real Podman engine: first the agent's runner alone (running ->
 * up; exited -> down with its exit code; a failing health check -> down "unhealthy"; missing ->
 * "not found"), then the whole way through a real hub and agent process, where a container
 * that stops turns the probe down in the API with the reason.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type AgentProbe, AgentProbeSchema } from '@unity/shared';
import { detectEngine, type Engine } from '../../agent/src/collectors/engines.js';
import { runProbe } from '../../agent/src/probes/run-probe.js';
import { type PodmanEngine, podman, startPodman } from '../lib/podman.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, sleep, waitFor } from '../lib/wait.js';

const containerProbe = (container: string, extra: Record<string, unknown> = {}): AgentProbe =>
  AgentProbeSchema.parse({
    kind: 'container',
    name: `container ${container}`,
    container,
    agentIds: [randomUUID()],
    ...extra,
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });

describe('container check on a real Podman engine', () => {
  let engine: PodmanEngine;
  let detected: Engine;
  const run = (probe: AgentProbe) => runProbe(probe, { engines: () => [detected] });

  before(async () => {
    engine = await startPodman('container-check');
    const found = await detectEngine(engine.dockerHost);
    assert.ok(found, 'the podman service answers');
    detected = found;
  });
  after(async () => {
    detected?.client.close();
    await engine?.cleanup();
  });

  test('a running container is up, and a container name is enough to find it', async () => {
    await engine.run({ name: 'web' });
    const r = await run(containerProbe(engine.fullName('web')));
    assert.equal(r.ok, true, r.error);
    assert.equal(r.details?.state, 'running');
    assert.equal(r.details?.health, 'none');
    assert.ok((r.latencyMs ?? -1) >= 0);
  });

  test('a stopped container is down with its exit code', async () => {
    await engine.run({ name: 'job', command: ['sh', '-c', 'exit 3'] });
    await waitFor(async () => (await engine.state('job')) === 'exited', {
      timeoutMs: 20_000,
      what: 'job exited',
    });
    const r = await run(containerProbe(engine.fullName('job')));
    assert.equal(r.ok, false);
    assert.equal(r.error, `container ${engine.fullName('job')}: exited with code 3`);
  });

  test('a failing health check makes it down "unhealthy"; a passing one up', async () => {
    await engine.run({
      name: 'sick',
      options: [
        '--health-cmd',
        'echo db unreachable; exit 1',
        '--health-interval',
        '1h',
        '--health-retries',
        '1',
      ],
    });
    await engine.run({
      name: 'fine',
      options: ['--health-cmd', 'exit 0', '--health-interval', '1h', '--health-retries', '1'],
    });
    // No systemd here to run Podman's health timers: run the checks as the timer would.
    await podman(['healthcheck', 'run', engine.fullName('sick')], true);
    await podman(['healthcheck', 'run', engine.fullName('fine')], true);
    const sick = await run(containerProbe(engine.fullName('sick')));
    assert.equal(sick.ok, false);
    assert.match(sick.error ?? '', new RegExp(`^container ${engine.fullName('sick')}: unhealthy`));
    assert.match(sick.error ?? '', /db unreachable/);
    assert.equal(sick.details?.health, 'unhealthy');
    const fine = await run(containerProbe(engine.fullName('fine')));
    assert.equal(fine.ok, true, fine.error);
    assert.equal(fine.details?.health, 'healthy');
  });

  test('a missing container is "not found"; an engine filter that matches none says so', async () => {
    const missing = await run(containerProbe(engine.fullName('nobody')));
    assert.equal(missing.ok, false);
    assert.equal(missing.error, `container ${engine.fullName('nobody')}: not found`);
    const docker = await run(containerProbe(engine.fullName('web'), { engine: 'docker' }));
    assert.equal(docker.error, 'no docker engine on this host');
    const podmanOnly = await run(containerProbe(engine.fullName('web'), { engine: 'podman' }));
    assert.equal(podmanOnly.ok, true, podmanOnly.error);
  });
});

describe('container check through a real hub and agent', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ name: 'container-probe', withPodman: true });
  });
  after(async () => {
    await stack?.cleanup();
  });

  test('the probe is up while the container runs, and down with the reason once it stops', {
    timeout: 120_000,
  }, async () => {
    const engine = stack.engine as PodmanEngine;
    await engine.run({ name: 'app' });
    const agent = await stack.startAgent();
    const host = await waitForHostOnline(stack.api, agent);
    const created = (await stack.api.json('/api/probes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'container',
        name: 'app container',
        container: engine.fullName('app'),
        agentIds: [host.id],
        intervalSeconds: 10,
      }),
    })) as { id: string };
    type State = { status: { state: string; locations?: { error?: string | null }[] } };
    const stateOf = () => stack.api.json(`/api/probes/${created.id}`) as Promise<State>;
    await waitFor(
      async () => {
        const p = await stateOf();
        if (p.status.state !== 'up') throw new NotYet(JSON.stringify(p.status));
        return true;
      },
      { timeoutMs: 30_000, what: 'the container probe up' },
    );
    await engine.stop('app');
    const results = await waitFor(
      async () => {
        const { items } = (await stack.api.json(`/api/probes/${created.id}/results?limit=10`)) as {
          items: { ok: boolean; error: string | null }[];
        };
        if (items[0]?.ok !== false) throw new NotYet(JSON.stringify(items[0]));
        return items;
      },
      { timeoutMs: 40_000, what: 'a failed container check' },
    );
    assert.match(
      results[0]?.error ?? '',
      new RegExp(`^container ${engine.fullName('app')}: exited with code \\d+`),
    );
    await sleep(100);
    assert.equal((await stateOf()).status.state, 'down');
  });

  test('a container check without an agent is refused with a clear message', async () => {
    const res = await stack.api.request('/api/probes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'container', name: 'x', container: 'nginx' }),
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /needs the agent/);
  });
});
