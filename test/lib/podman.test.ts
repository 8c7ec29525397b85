/**
 * The Podman fixture itself: the engine answers the Docker API on its socket, runs a busybox
 * container the API lists, and cleanup removes it. When this fails, every end-to-end test would
 * fail for the same reason; this says so first.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { type PodmanEngine, podman, startPodman } from './podman.js';

function getJson(socketPath: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      res.on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    req.end();
  });
}

let engine: PodmanEngine;
before(async () => {
  engine = await startPodman('fixture');
});
after(async () => {
  await engine?.cleanup();
});

test('podman fixture: a busybox container runs and the Docker API lists it; cleanup removes it', async () => {
  const id = await engine.run({ name: 'one' });
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.equal(await engine.state('one'), 'running');
  const list = (await getJson(engine.socketPath, '/containers/json')) as Array<{
    Id: string;
    Names: string[];
  }>;
  const mine = list.find((c) => c.Id === id);
  assert.ok(mine, `container ${id} not in /containers/json`);
  assert.deepEqual(mine.Names, [`/${engine.fullName('one')}`]);
  const echo = await podman(['run', '--rm', '--network', 'none', 'localhost/busybox:latest', 'echo', 'ok']);
  assert.equal(echo, 'ok');
  await engine.stop('one');
  assert.equal(await engine.state('one'), 'exited');
});
