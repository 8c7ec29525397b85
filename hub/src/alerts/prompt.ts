/**
 * Evaluation on change: a container that stops, dies or turns unhealthy, or an agent that goes
 * away, is evaluated about a quarter of a second later instead of at the next tick of the
 * evaluation loop (10 s by default), so a `for: 0` rule notifies within seconds. Bursts coalesce
 * into one evaluation, and evaluations started this way are at least a second apart, so a busy
 * fleet cannot make the engine evaluate continuously. Sample batches (`host_updated`) do not
 * count: thresholds over windows gain nothing from evaluating sooner than the loop.
 * @module
 */
import type { LiveMessage } from '@unity/shared';
import type { LiveBus } from '../live/bus.js';
import type { Logger } from '../log.js';
import type { AlertEngine } from './engine.js';

const DELAY_MS = 250;
const MIN_GAP_MS = 1000;

const isChange = (m: LiveMessage): boolean => m.type === 'container_events' || m.type === 'presence';

/** Subscribes the engine to status changes; returns the function that stops it. */
export function evaluateOnChanges(
  bus: LiveBus,
  engine: Pick<AlertEngine, 'evaluate'>,
  log: Logger,
  clock: () => number = Date.now,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  const run = () => {
    timer = undefined;
    last = clock();
    engine.evaluate().catch((error: unknown) => log.warn({ err: error }, 'evaluation on change failed'));
  };
  const unsubscribe = bus.subscribe((message) => {
    if (timer || !isChange(message)) return;
    timer = setTimeout(run, Math.max(DELAY_MS, last + MIN_GAP_MS - clock()));
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
