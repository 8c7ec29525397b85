/**
 * Inventories end to end with a real Podman engine: a real agent process reports pods, Compose
 * stacks, images, volumes and networks to a real hub, read back through the HTTP API.
 *
 * Podman's storage (and its network list) is shared with other tests running at the same time,
 * so every object here carries this fixture's prefix and is found by name; nothing asserts on
 * totals. Containers run with `--network none` (a pod's containers share its `--network none`);
 * the one on a network of its own is created but never started, so no traffic is sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ImageListSchema,
  NetworkListSchema,
  PodListSchema,
  StackListSchema,
  VolumeListSchema,
} from '@unity/shared';
import { BUSYBOX_IMAGE, podman } from '../lib/podman.js';
import { type Stack, startStack, waitForHostOnline } from '../lib/stack.js';
import { NotYet, waitFor } from '../lib/wait.js';

describe('inventories end to end: agent → hub → API with a real Podman engine', () => {
  let stack: Stack;
  let hostId = '';
  const name = (suffix: string) => stack.engine?.fullName(suffix) ?? suffix;
  const label = () => ['--label', `unity-test=${stack.engine?.prefix}`];

  before(async () => {
    stack = await startStack({ name: 'inventory', withPodman: true });
    await podman(['pod', 'create', '--name', name('pod'), '--network', 'none', ...label()]);
    await podman([
      'run',
      '-d',
      '--pod',
      name('pod'),
      '--name',
      name('in-pod'),
      ...label(),
      BUSYBOX_IMAGE,
      'sleep',
      '3600',
    ]);
    const composed = (container: string, project: string[], service: string[], extra: string[] = []) =>
      podman([
        'run',
        '-d',
        '--network',
        'none',
        '--name',
        name(container),
        ...label(),
        ...project,
        ...service,
        ...extra,
        BUSYBOX_IMAGE,
        'sleep',
        '3600',
      ]);
    const project = name('shop');
    await composed(
      'web',
      ['--label', `com.docker.compose.project=${project}`],
      ['--label', 'com.docker.compose.service=web'],
    );
    // podman-compose's own labels only, and a Quadlet-managed container.
    await composed(
      'db',
      ['--label', `io.podman.compose.project=${project}`],
      ['--label', 'io.podman.compose.service=db'],
      ['--label', `PODMAN_SYSTEMD_UNIT=${project}-db.service`],
    );
    await podman(['volume', 'create', ...label(), name('orphan')]);
    await podman(['network', 'create', ...label(), name('net')]);
    await podman([
      'create',
      '--network',
      name('net'),
      '-v',
      `${name('used')}:/data`,
      '--name',
      name('on-net'),
      ...label(),
      BUSYBOX_IMAGE,
      'sleep',
      '3600',
    ]);
    // A new image id that no container was created from.
    await podman(['commit', name('web'), `localhost/${name('spare')}:1`]);
    const agent = await stack.startAgent();
    hostId = (await waitForHostOnline(stack.api, agent)).id;
  });

  after(async () => {
    await podman(['pod', 'rm', '--force', '--time', '0', name('pod')], true);
    await stack?.cleanup();
    await podman(['rmi', '--force', `localhost/${name('spare')}:1`], true);
    await podman(['volume', 'rm', '--force', name('orphan'), name('used')], true);
    await podman(['network', 'rm', '--force', name('net')], true);
  });

  const until = <T>(what: string, read: () => Promise<T | undefined>) =>
    waitFor(
      async () => {
        const value = await read();
        if (value === undefined) throw new NotYet(what);
        return value;
      },
      { timeoutMs: 30_000, what },
    );

  test('the pod is listed with its container and its infra container', async () => {
    const pod = await until('the pod in GET /api/pods', async () => {
      const pods = PodListSchema.parse(await stack.api.json(`/api/pods?host=${hostId}`)).items;
      return pods.find((p) => p.name === name('pod') && p.containers.length === 2);
    });
    assert.equal(pod.engineKind, 'podman');
    assert.equal(pod.status, 'Running');
    const infra = pod.containers.find((c) => c.infra);
    assert.ok(infra && infra.containerId === pod.infraId, 'the infra container is marked');
    assert.deepEqual(
      pod.containers.filter((c) => !c.infra).map((c) => c.name),
      [name('in-pod')],
    );
  });

  test('containers with Docker or podman-compose labels form one stack with both services', async () => {
    const shop = await until('the stack in GET /api/stacks', async () => {
      const stacks = StackListSchema.parse(await stack.api.json(`/api/stacks?host=${hostId}`)).items;
      return stacks.find((s) => s.name === name('shop') && s.total === 2);
    });
    assert.deepEqual(
      shop.services.map((s) => [s.name, s.running, s.total]),
      [
        ['db', 1, 1],
        ['web', 1, 1],
      ],
    );
    assert.equal(shop.running, 2);
    const db = shop.containers.find((c) => c.service === 'db');
    assert.equal(db?.systemdUnit, `${name('shop')}-db.service`);
  });

  test('an image no container uses is unused; the busybox image is not', async () => {
    const images = await until('the committed image in GET /api/images', async () => {
      const items = ImageListSchema.parse(await stack.api.json(`/api/images?host=${hostId}`)).items;
      return items.some((i) => i.tags.includes(`localhost/${name('spare')}:1`)) ? items : undefined;
    });
    const spare = images.find((i) => i.tags.includes(`localhost/${name('spare')}:1`));
    assert.equal(spare?.unused, true);
    const busybox = images.find((i) => i.tags.includes(BUSYBOX_IMAGE));
    assert.equal(busybox?.unused, false);
    const onlyUnused = ImageListSchema.parse(
      await stack.api.json(`/api/images?host=${hostId}&unused=true`),
    ).items;
    assert.ok(onlyUnused.every((i) => i.unused));
    assert.ok(onlyUnused.some((i) => i.id === spare?.id));
  });

  test('a volume attached to no container is orphaned; a mounted one is not', async () => {
    const volumes = await until('both volumes in GET /api/volumes', async () => {
      const items = VolumeListSchema.parse(await stack.api.json(`/api/volumes?host=${hostId}`)).items;
      const mine = [name('orphan'), name('used')].map((n) => items.find((v) => v.name === n));
      return mine.every(Boolean) ? mine : undefined;
    });
    assert.deepEqual(
      volumes.map((v) => v?.orphaned),
      [true, false],
    );
  });

  test('a container on a network is listed under that network', async () => {
    const net = await until('the network in GET /api/networks', async () => {
      const items = NetworkListSchema.parse(await stack.api.json(`/api/networks?host=${hostId}`)).items;
      return items.find((n) => n.name === name('net') && n.containers.length > 0);
    });
    assert.deepEqual(
      net.containers.map((c) => c.name),
      [name('on-net')],
    );
    assert.equal(net.unused, false);
  });

  test('a bad filter is refused with a 400 naming it', async () => {
    const res = await stack.api.request('/api/images?unused=maybe');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'bad_request');
    assert.match(body.error.message, /unused/);
  });
});
