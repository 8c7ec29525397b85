import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContainerHealthSchema } from '@unity/shared';
import { toContainerHealth } from './health.js';

describe('health from inspect', () => {
  it('reads status, streak, bounded outputs, restarts, exit code, OOM and times', () => {
    const h = toContainerHealth('abc', {
      RestartCount: 3,
      Config: { Healthcheck: { Test: ['CMD-SHELL', 'exit 1'] } },
      State: {
        ExitCode: 137,
        OOMKilled: true,
        StartedAt: '2026-11-23T08:56:59.710578437Z',
        FinishedAt: '0001-01-01T00:00:00Z',
        Health: {
          Status: 'unhealthy',
          FailingStreak: 7,
          Log: Array.from({ length: 7 }, (_, i) => ({
            Start: '2026-11-23T08:57:20.882593266Z',
            End: '2026-11-23T08:57:21.361971121Z',
            ExitCode: 1,
            Output: `${i}${'x'.repeat(5000)}`,
          })),
        },
      },
    });
    assert.equal(h.status, 'unhealthy');
    assert.equal(h.failingStreak, 7);
    assert.equal(h.log.length, 5, 'the last five runs');
    assert.ok(h.log[0]?.output.startsWith('2'));
    assert.equal(h.log[0]?.output.length, 1024);
    assert.equal(h.restartCount, 3);
    assert.equal(h.exitCode, 137);
    assert.equal(h.oomKilled, true);
    assert.equal(h.startedAt, Date.parse('2026-11-23T08:56:59.710Z'));
    assert.equal(h.finishedAt, undefined, "Go's zero time is no time");
    assert.ok(ContainerHealthSchema.safeParse(h).success);
  });

  it('says none for a container without a health check (Podman reports an empty status)', () => {
    const h = toContainerHealth('abc', { State: { Health: { Status: '', FailingStreak: 0, Log: null } } });
    assert.equal(h.status, 'none');
    assert.deepEqual(h.log, []);
  });
});
