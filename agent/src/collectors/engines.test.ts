import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCli } from '../config.js';
import { candidateEndpoints } from './engines.js';

describe('engine endpoints to probe', () => {
  it("includes rootless Podman at $XDG_RUNTIME_DIR and /run/user/<uid>, after the user's own", () => {
    assert.deepEqual(
      candidateEndpoints({
        dockerHosts: ['unix:///mine.sock'],
        autodetect: true,
        uid: 1000,
        runtimeDir: '/run/user/1000/',
      }),
      [
        'unix:///mine.sock',
        'unix:///var/run/docker.sock',
        'unix:///run/podman/podman.sock',
        // $XDG_RUNTIME_DIR is usually /run/user/<uid>: listed once.
        'unix:///run/user/1000/podman/podman.sock',
      ],
    );
    assert.ok(
      candidateEndpoints({ dockerHosts: [], autodetect: true, uid: 1000, runtimeDir: '/tmp/xdg' }).includes(
        'unix:///tmp/xdg/podman/podman.sock',
      ),
    );
    assert.deepEqual(candidateEndpoints({ dockerHosts: [], autodetect: false, runtimeDir: '/tmp/xdg' }), []);
  });

  it('reads XDG_RUNTIME_DIR and the inventory interval from the environment or flags', () => {
    const parsed = parseCli(['--inventory-interval', '5m'], { XDG_RUNTIME_DIR: '/run/user/1000' });
    assert.ok(parsed.ok && parsed.value.kind === 'run');
    assert.equal(parsed.value.config.runtimeDir, '/run/user/1000');
    assert.equal(parsed.value.config.inventoryIntervalMs, 300_000);
    const bad = parseCli([], { UNITY_INVENTORY_INTERVAL: 'often' });
    assert.ok(!bad.ok);
    assert.equal(bad.error.source, 'UNITY_INVENTORY_INTERVAL');
  });
});
