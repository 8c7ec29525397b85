import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it, mock } from 'node:test';
import { type AgentProbe, AgentProbeSchema, type ProbeResultItem } from '@unity/shared';
import pino from 'pino';
import { ProbeSchedule } from './probe-schedule.js';

const probe = (intervalSeconds: number, id = randomUUID()): AgentProbe =>
  AgentProbeSchema.parse({
    kind: 'tcp',
    name: 't',
    host: '127.0.0.1',
    port: 1,
    intervalSeconds,
    id,
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
  });

/** Lets the microtasks of resolved runs and deliveries settle between timer ticks. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('probe schedule', () => {
  it('spreads first runs over the interval, repeats every interval, never overlaps a slow run, and batches deliveries', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const runs: { id: string; at: number }[] = [];
      const finishers = new Map<string, () => void>();
      let clock = 0;
      const delivered: ProbeResultItem[][] = [];
      const schedule = new ProbeSchedule({
        log: pino({ level: 'silent' }),
        now: () => clock,
        random: (() => {
          const seq = [0.1, 0.5];
          return () => seq.shift() ?? 0;
        })(),
        deliver: async (items) => {
          delivered.push(items);
        },
        // The slow probe's run ends only when the test says so.
        run: (p) =>
          new Promise((resolve) => {
            runs.push({ id: p.id, at: clock });
            const done = () => resolve({ kind: 'probe_result', ts: clock + 1, probeId: p.id, ok: true });
            if (p.id === slow.id) finishers.set(p.id, done);
            else done();
          }),
      });
      const fast = probe(10);
      const slow = probe(20);
      schedule.set([fast, slow]);
      const tick = async (ms: number) => {
        for (let i = 0; i < ms / 100; i++) {
          clock += 100;
          mock.timers.tick(100);
          await settle();
        }
      };
      await tick(1000);
      assert.deepEqual(runs, [{ id: fast.id, at: 1000 }], 'first run at 0.1 of its 10 s');
      await tick(1000);
      assert.equal(delivered.length, 1, 'delivered about a second after the run');
      await tick(9000);
      assert.deepEqual(
        runs.map((r) => [r.id === fast.id ? 'fast' : 'slow', r.at]),
        [
          ['fast', 1000],
          ['slow', 10000],
          ['fast', 11000],
        ],
        'the slow probe first at 0.5 of its 20 s; the fast one 10 s after its first',
      );
      // The slow run is still going 25 s later: no second run of it starts meanwhile.
      await tick(25_000);
      assert.equal(runs.filter((r) => r.id === slow.id).length, 1);
      finishers.get(slow.id)?.();
      await settle();
      await tick(100);
      assert.equal(
        runs.filter((r) => r.id === slow.id).length,
        2,
        'an overdue run starts right after the slow one ends',
      );

      // Removing a probe stops it.
      const before = runs.filter((r) => r.id === fast.id).length;
      schedule.set([slow]);
      assert.equal(schedule.size, 1);
      await tick(30_000);
      assert.equal(runs.filter((r) => r.id === fast.id).length, before);
      await schedule.stop();
      assert.ok(delivered.every((batch) => batch.length >= 1));
    } finally {
      mock.timers.reset();
    }
  });
  it('starts the probes due within one 250 ms slot together, on one timer', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let clock = 0;
      const runs: [string, number][] = [];
      const offsets = [0.01, 0.02, 0.03, 0.05];
      const schedule = new ProbeSchedule({
        log: pino({ level: 'silent' }),
        now: () => clock,
        random: () => offsets.shift() ?? 0,
        deliver: async () => {},
        run: async (p) => {
          runs.push([p.name, clock]);
          return { kind: 'probe_result', ts: clock, probeId: p.id, ok: true };
        },
      });
      const named = (name: string) => ({ ...probe(10), name });
      schedule.set([named('a'), named('b'), named('c'), named('d')]);
      for (let i = 0; i < 12; i++) {
        clock += 50;
        mock.timers.tick(50);
        await settle();
      }
      // Offsets 100, 200, 300 and 500 ms of the 10 s interval: slots 250, 250, 500, 500.
      assert.deepEqual(runs, [
        ['a', 250],
        ['b', 250],
        ['c', 500],
        ['d', 500],
      ]);
      await schedule.stop();
    } finally {
      mock.timers.reset();
    }
  });
});
