import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { pino } from 'pino';
import { LiveBus } from '../live/bus.js';
import { evaluateOnChanges } from './prompt.js';

describe('evaluation on change', () => {
  it('evaluates once, 250 ms after a burst of container events or presence changes, and ignores samples', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const bus = new LiveBus();
      let evaluations = 0;
      const engine = { evaluate: async () => void evaluations++ };
      const stop = evaluateOnChanges(bus, engine as never, pino({ level: 'silent' }));
      bus.publish({ type: 'host_updated', hostId: 'h', at: 0 });
      mock.timers.tick(1000);
      assert.equal(evaluations, 0, 'sample batches do not trigger an evaluation');

      bus.publish({ type: 'container_events', hostId: 'h', containerIds: ['c'], at: 0 });
      bus.publish({ type: 'presence', hostId: 'h', online: false, at: 0 });
      mock.timers.tick(249);
      assert.equal(evaluations, 0);
      mock.timers.tick(1);
      assert.equal(evaluations, 1, 'the burst makes one evaluation');

      // The next change comes 100 ms later: it waits until a second after the last evaluation.
      mock.timers.tick(100);
      bus.publish({ type: 'container_events', hostId: 'h', containerIds: ['c'], at: 0 });
      mock.timers.tick(800);
      assert.equal(evaluations, 1, 'evaluations on change are at least a second apart');
      mock.timers.tick(100);
      assert.equal(evaluations, 2);

      stop();
      bus.publish({ type: 'container_events', hostId: 'h', containerIds: ['c'], at: 0 });
      mock.timers.tick(5000);
      assert.equal(evaluations, 2, 'nothing after stop');
    } finally {
      mock.timers.reset();
    }
  });
});
