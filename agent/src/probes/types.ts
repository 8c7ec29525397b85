/**
 * The one small interface every probe kind implements: run once, within a signal's time, and
 * say what was observed. The runner turns an observation into a `probe_result` item.
 * @module
 */
import type { ConditionContext, Probe, ScrapedSample } from '@unity/shared';

export type Observation = {
  /** The kind's own checks passed (expected status, keyword, answers…). */
  ok: boolean;
  latencyMs?: number;
  error?: string;
  status?: number;
  certExpiresAt?: number;
  details?: Record<string, unknown>;
  /** A Prometheus scrape's selected samples. */
  samples?: ScrapedSample[];
  /** Values the conditions grammar can read (`[STATUS]`, `[BODY]`…). */
  context: ConditionContext;
};

export type ProbeCheck<P extends Probe = Probe> = (probe: P, signal: AbortSignal) => Promise<Observation>;

/** Elapsed milliseconds since `start` (from performance.now()), to 0.01 ms. */
export const since = (start: number) => Math.round((performance.now() - start) * 100) / 100;
