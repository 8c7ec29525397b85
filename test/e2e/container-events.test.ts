/**
 * Issue 3 end to end: a real agent following a real Podman engine's event stream, read back
 * through the hub's API. Lifecycle events arrive in order within 2 s; a failing health check
 * shows as unhealthy; a restart loop shows its restart count rising; and an engine restart
 * (the Podman API service down for 10 s while containers change through the CLI) loses no
 * event and duplicates none.
 *
 * Podman's storage (and so its event log) is shared with other tests running at the same time:
 * every assertion is about this file's own containers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ContainerEventView } from '@unity/shared';
import { type PodmanEngine, podman } from '../lib/podman.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, sleep, waitFor } from '../lib/wait.js';

const actionsOf = (events: ContainerEventView[]) => events.map((e) => e.action);

describe('container events, health and restarts with a real Podman engine', () => {
  let stack: Stack;
  let engine: PodmanEngine;
  let hostId = '';

  before(async () => {
    stack = await startStack({ name: 'events', withPodman: true });
    assert.ok(stack.engine);
    engine = stack.engine;
    const agent = await stack.startAgent();
    hostId = (await waitForHostOnline(stack.api, agent, 30_000)).id;
    // Online comes at the agent's hello; its engine event stream opens after it finds the
    // engine. The timed test starts once a warm-up container's create event has come through
    // (a fresh one per try: an event from before the stream opened is not replayed).
    let attempt = 0;
    await waitFor(
      async () => {
        const name = engine.fullName(`warm-up-${attempt++}`);
        const id = await podman([
          'create',
          '--network',
          'none',
          '--name',
          name,
          '--label',
          `unity-test=${engine.prefix}`,
          'localhost/busybox:latest',
          'true',
        ]);
        try {
          await waitForAction(id, 'create', 3000);
        } catch {
          throw new NotYet(`no create event for ${name}`);
        } finally {
          await podman(['rm', name]);
        }
        return true;
      },
      { timeoutMs: 45_000, intervalMs: 0, what: 'the event stream to be live (warm-up containers)' },
    );
  });

  after(async () => {
    await stack?.cleanup();
  });

  /** This container's events as the host timeline lists them (also after it was removed). */
  async function eventsOf(containerId: string): Promise<ContainerEventView[]> {
    const all = await stack.api.events({ host: hostId }, { type: 'container', limit: '1000' });
    return all.filter((e) => e.actorId === containerId);
  }

  async function waitForAction(containerId: string, action: string, timeoutMs: number): Promise<number> {
    const started = Date.now();
    await waitFor(
      async () => {
        const actions = actionsOf(await eventsOf(containerId));
        if (!actions.includes(action)) throw new NotYet(`actions so far: ${actions.join(',')}`);
        return true;
      },
      { timeoutMs, intervalMs: 100, what: `${action} event of ${containerId.slice(0, 12)}` },
    );
    return Date.now() - started;
  }

  test('create, start, stop (die) and remove arrive at the API in order, each within 2 s', async () => {
    const name = engine.fullName('life');
    const id = await podman([
      'create',
      '--network',
      'none',
      '--name',
      name,
      '--label',
      `unity-test=${engine.prefix}`,
      'localhost/busybox:latest',
      'sleep',
      '3600',
    ]);
    const delays: Record<string, number> = { create: await waitForAction(id, 'create', 2000) };
    await podman(['start', name]);
    delays.start = await waitForAction(id, 'start', 2000);
    await podman(['stop', '-t', '1', name]);
    delays.die = await waitForAction(id, 'die', 2000);
    await podman(['rm', name]);
    delays.remove = await waitForAction(id, 'remove', 2000);
    console.log(`event delays (ms from the CLI returning to the API listing it): ${JSON.stringify(delays)}`);

    const actions = actionsOf(await eventsOf(id)).filter((a) =>
      ['create', 'start', 'die', 'remove'].includes(a),
    );
    assert.deepEqual(actions, ['create', 'start', 'die', 'remove']);
    const [first] = await eventsOf(id);
    assert.ok(first?.containerId, 'container events carry the hub container id');
    const own = await stack.api.events({ container: first.containerId }, { action: 'create,remove' });
    assert.deepEqual(actionsOf(own), ['create', 'remove'], 'the container timeline with an action filter');
  });

  test('a failing health check turns the container unhealthy in the API', async () => {
    const id = await engine.run({
      name: 'sick',
      options: ['--health-cmd', 'exit 1', '--health-interval', '1s', '--health-retries', '2'],
    });
    // No systemd here to run Podman's health timers: run the checks as the timer would.
    const checks = (async () => {
      for (let i = 0; i < 4; i++) {
        await podman(['healthcheck', 'run', engine.fullName('sick')], true);
        await sleep(500);
      }
    })();
    const container = await waitFor(
      async () => {
        const c = (await stack.api.containers(hostId)).find((x) => x.containerId === id);
        if (c?.health !== 'unhealthy') throw new NotYet(`health ${c?.health}`);
        return c;
      },
      { timeoutMs: 20_000, what: 'container health unhealthy' },
    );
    await checks;
    // The status line says so too, as `docker ps` would (written by the hub from the health).
    assert.match(container.status, /^Up .+ \(unhealthy\)$/);
    const health = await stack.api.containerHealth(container.id);
    assert.equal(health.current?.status, 'unhealthy');
    assert.ok((health.current?.failingStreak ?? 0) >= 2, `failing streak ${health.current?.failingStreak}`);
    assert.ok((health.current?.log.length ?? 0) > 0 && health.current?.log.every((r) => r.exitCode === 1));
    assert.equal(health.history.at(-1)?.status, 'unhealthy', 'the change is in the history');
  });

  test('a container in a restart loop shows its restart count rising', async () => {
    const id = await engine.run({
      name: 'loop',
      command: ['sh', '-c', 'sleep 1; exit 3'],
      options: ['--restart', 'always'],
    });
    const counts: number[] = [];
    await waitFor(
      async () => {
        const c = (await stack.api.containers(hostId)).find((x) => x.containerId === id);
        if (typeof c?.restartCount === 'number' && counts.at(-1) !== c.restartCount)
          counts.push(c.restartCount);
        if (counts.length < 3) throw new NotYet(`restart counts seen: ${counts.join(',')}`);
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'three rising restart counts' },
    );
    assert.ok(
      counts.every((n, i) => i === 0 || n > (counts[i - 1] ?? 0)),
      `restart counts rise: ${counts.join(',')}`,
    );
    const hub = (await stack.api.containers(hostId)).find((x) => x.containerId === id);
    assert.ok(hub);
    const history = await stack.api.containerHealth(hub.id);
    assert.ok(history.history.length >= 3, `history rows ${history.history.length}`);
    // The counts come from the listing and the events from the event stream, on separate
    // paths: the timeline shows the restarts too, within a tick or two of the counts.
    await waitFor(
      async () => {
        const restarts = await stack.api.events({ container: hub.id }, { action: 'restart' });
        if (restarts.length < 2) throw new NotYet(`restart events ${restarts.length}`);
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'two restart events in the timeline' },
    );
    await engine.remove('loop');
  });

  test('the Podman API service down for 10 s loses no event and duplicates none', async () => {
    const before = await engine.run({ name: 'before' });
    await waitForAction(before, 'start', 5000);
    await engine.stopService();
    const outageStart = Date.now();
    // While the service is down, change containers through the CLI (it writes the same event log).
    const name = engine.fullName('outage');
    const during = await podman([
      'create',
      '--network',
      'none',
      '--name',
      name,
      '--label',
      `unity-test=${engine.prefix}`,
      'localhost/busybox:latest',
      'sleep',
      '3600',
    ]);
    await podman(['start', name]);
    await podman(['stop', '-t', '1', name]);
    await podman(['rm', name]);
    await engine.stop('before');
    await sleep(Math.max(0, 10_000 - (Date.now() - outageStart)));
    await engine.startService();

    const truth = async (id: string) =>
      (
        await podman([
          'events',
          '--stream=false',
          '--since',
          '5m',
          '--filter',
          `container=${id}`,
          '--format',
          '{{.Status}}',
        ])
      )
        .split('\n')
        .filter(Boolean)
        // The Docker-compatible API names libpod's `died` as Docker does.
        .map((status) => (status === 'died' ? 'die' : status))
        .sort();
    for (const id of [during, before]) {
      const expected = await truth(id);
      const events = await waitFor(
        async () => {
          const got = await eventsOf(id);
          if (got.length < expected.length)
            throw new NotYet(`${got.length} of ${expected.length}: ${actionsOf(got).join(',')}`);
          return got;
        },
        { timeoutMs: 20_000, what: `all ${expected.length} events of ${id.slice(0, 12)} after the outage` },
      );
      assert.deepEqual(actionsOf(events).sort(), expected, `events of ${id.slice(0, 12)}: the engine's log`);
      const keys = new Set(events.map((e) => `${e.timeNano}|${e.action}`));
      assert.equal(keys.size, events.length, 'no event stored twice');
    }
    const duringEvents = actionsOf(await eventsOf(during));
    for (const action of ['create', 'start', 'die', 'remove'])
      assert.ok(
        duringEvents.includes(action),
        `${action} made during the outage arrived: ${duringEvents.join(',')}`,
      );
    await sleep(3000);
    const settled = await eventsOf(before);
    assert.equal(
      new Set(settled.map((e) => `${e.timeNano}|${e.action}`)).size,
      settled.length,
      'still no duplicates',
    );
  });
});
